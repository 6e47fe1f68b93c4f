"""The README's first command (scripts/demo.sh) end to end, minus installing
and building (issue 5's Done-when): a copy of examples/mysite migrated, its
sample data loaded, and its blog served from SQLite by runserver."""
import json
import re
import shutil

from conftest import SOURCE_DIR, run_mvt
from server_util import Server


def demo_commands():
    """The mvt commands scripts/demo.sh runs in examples/mysite, in order."""
    script = (SOURCE_DIR / "scripts" / "demo.sh").read_text()
    return [line.split("/mvt ", 1)[1].split() for line in script.splitlines()
            if line.startswith("../../build/mvt ")]


def test_demo_script_serves_the_seed_blog(tmp_path):
    commands = demo_commands()
    assert commands == [["migrate", "--noinput"], ["loaddata", "sample"]], commands
    root = tmp_path / "mysite"
    shutil.copytree(SOURCE_DIR / "examples" / "mysite", root, ignore=shutil.ignore_patterns("db.sqlite3*"))
    for cmd in commands:
        r = run_mvt(*cmd, cwd=root)
        assert r.returncode == 0, r.stdout + r.stderr
    fixture = json.loads((root / "blog" / "fixtures" / "sample.json").read_text())
    posts = sorted((f for f in fixture if f["model"] == "blog.post"), key=lambda f: f["fields"]["published_date"],
                   reverse=True)
    assert posts
    s = Server(root)
    try:
        status, headers, body = s.get("/")
        assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
        # The seed documents' index: `{{ post.title }} - {{ post.published_date }}`, linking to the detail view.
        items = re.findall(r'<li><a href="(/post/\d+/)">(.*?) - (.*?)</a></li>', body)
        assert [(href, title) for href, title, _ in items] == [(f"/post/{p['pk']}/", p["fields"]["title"])
                                                               for p in posts]
        assert items[-1][2] == "Nov. 20, 2026, 9 a.m."  # 2026-11-20T09:00:00Z in TIME_ZONE UTC
        for href, title, _ in items:
            status, _, detail = s.get(href)
            assert status == 200 and f"<h1>{title}</h1>" in detail
        status, _, data = s.get("/api/posts/")
        assert status == 200 and json.loads(data)["count"] == len(posts)
        assert s.get("/post/999/")[0] == 404
    finally:
        rc, out, err = s.stop()
    assert rc == 0
    assert "unapplied" not in out
    assert re.search(r'"GET / HTTP/1\.1" 200 \d+', err)
