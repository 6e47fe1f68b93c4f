"""The README's first command (scripts/demo.sh) end to end, minus installing
and building (issues 5's and 6's Done-when): a copy of examples/mysite
migrated, its sample data loaded, its blog served from SQLite by runserver,
and its shop used as the README says: sign in as the demo user, place an
order, see its detail page."""
import http.cookiejar
import json
import re
import shutil
import urllib.parse
import urllib.request

from conftest import SOURCE_DIR, run_mvt
from server_util import Server


def demo_commands():
    """The mvt commands scripts/demo.sh runs in examples/mysite, in order."""
    script = (SOURCE_DIR / "scripts" / "demo.sh").read_text()
    return [line.split("/mvt ", 1)[1].split() for line in script.splitlines()
            if line.startswith("../../build/mvt ")]


def demo_site(tmp_path):
    """examples/mysite copied to tmp_path, set up by demo.sh's commands."""
    commands = demo_commands()
    assert commands == [["migrate", "--noinput"], ["loaddata", "sample"]], commands
    root = tmp_path / "mysite"
    shutil.copytree(SOURCE_DIR / "examples" / "mysite", root, ignore=shutil.ignore_patterns("db.sqlite3*"))
    for cmd in commands:
        r = run_mvt(*cmd, cwd=root)
        assert r.returncode == 0, r.stdout + r.stderr
    return root


def csrf_token(page):
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_demo_user_places_an_order_in_the_shop(tmp_path):
    root = demo_site(tmp_path)
    fixture = json.loads((root / "shop" / "fixtures" / "sample.json").read_text())
    products = [f["fields"]["name"] for f in fixture if f["model"] == "shop.product"]
    assert products
    s = Server(root)
    base = f"http://127.0.0.1:{s.port}"
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        shop = browser.open(base + "/shop/").read().decode()
        assert all(name in shop for name in products), shop
        # Placing an order needs a signed-in user: the login page, then back to the form.
        r = browser.open(base + "/shop/place/")
        assert r.geturl() == base + "/accounts/login/?next=/shop/place/"
        login = r.read().decode()
        r = browser.open(r.geturl(), urllib.parse.urlencode({
            "username": "demo", "password": "mvt-demo-2026", "next": "/shop/place/",
            "csrfmiddlewaretoken": csrf_token(login)}).encode())
        assert r.geturl() == base + "/shop/place/"
        form = r.read().decode()
        r = browser.open(base + "/shop/place/", urllib.parse.urlencode({
            "total_amount": "42.50", "status": "pending", "csrfmiddlewaretoken": csrf_token(form)}).encode())
        order_url = r.geturl()
        assert re.fullmatch(re.escape(base) + r"/shop/order/\d+/", order_url), order_url
        detail = r.read().decode()
        assert "Customer: demo" in detail and "42.50" in detail, detail
    finally:
        rc, _, err = s.stop()
    assert rc == 0
    assert re.search(r'"POST /shop/place/ HTTP/1\.1" 302 0$', err, re.M), err


def test_demo_script_serves_the_seed_blog(tmp_path):
    root = demo_site(tmp_path)
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
