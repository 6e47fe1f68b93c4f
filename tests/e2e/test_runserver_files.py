"""Static and media files and live reload end to end (SPEC §6, §7; issue 5):
`--nostatic`, `--insecure`, MEDIA_ROOT, traversal attempts on both, and
edits to templates, static files and YAML picked up by the next request on
the same keep-alive connection, broken files shown until fixed."""
import http.client
import os
import time

import pytest

from server_util import Server, make_project, migrate, wait_for

FILES = {
    "blog/models.yaml": "Post:\n  fields:\n    title: {type: CharField, max_length: 200}\n",
    "blog/views.yaml": "about:\n  view: TemplateView\n  template_name: about.html\n  extra_context: {title: About}\n"
                       "posts:\n  view: ListView\n  model: Post\n",
    "blog/urls.yaml": 'app_name: blog\nurlpatterns:\n  - {path: "about/", view: about, name: about}\n'
                      '  - {path: "posts/", view: posts, name: posts}\n',
    "urls.yaml": 'urlpatterns:\n  - {path: "", include: blog}\n',
    "templates/about.html": "v1 {{ title }}",
    "blog/templates/blog/post_list.html": "{% for p in object_list %}{{ p.title }};{% endfor %}",
    "static/css/site.css": "body { color: red; }\n",
    "blog/static/blog/app.js": "console.log(1);\n",
    "media/uploads/a.txt": "media file\n",
}


def production(root):
    text = (root / "settings.yaml").read_text().replace("DEBUG: true", "DEBUG: false")
    (root / "settings.yaml").write_text(text.replace("ALLOWED_HOSTS: []", "ALLOWED_HOSTS: [127.0.0.1]"))


@pytest.fixture
def project(tmp_path):
    root = make_project(tmp_path, FILES)
    migrate(root)
    return root


def test_static_from_every_finder_and_media_while_debug(project):
    s = Server(project)
    try:
        assert s.get("/static/css/site.css")[2] == "body { color: red; }\n"
        status, headers, body = s.get("/static/blog/app.js")
        assert status == 200 and body == "console.log(1);\n"
        assert headers["Content-Type"] == "text/javascript"
        status, headers, body = s.get("/media/uploads/a.txt")
        assert status == 200 and body == "media file\n"
        assert headers["Content-Type"] == "text/plain"
        # Django's messages: staticfiles.views.serve, and views.static.serve with the file's full path.
        status, _, body = s.get("/static/css/nope.css")
        assert status == 404 and "<pre class=\"exception_value\">&#x27;css/nope.css&#x27; could not be found</pre>" in body
        assert body.count("could not be found") == 1  # no URL patterns: Django's #info is empty
        status, _, body = s.get("/static/css/")
        assert status == 404 and "Directory indexes are not allowed here." in body
        status, _, body = s.get("/media/uploads/nope.txt")
        assert status == 404
        assert f"<pre class=\"exception_value\">“{project / 'media' / 'uploads' / 'nope.txt'}” does not exist</pre>" in body
    finally:
        s.stop()


def test_nostatic_serves_no_static_files(project):
    s = Server(project, "--nostatic")
    try:
        status, _, body = s.get("/static/css/site.css")
        assert status == 404
        assert "body { color" not in body
        assert s.get("/about/")[0] == 200
    finally:
        s.stop()


def test_insecure_serves_static_without_debug(project):
    production(project)
    s = Server(project)
    try:
        assert s.get("/static/css/site.css")[0] == 404
        assert s.get("/media/uploads/a.txt")[0] == 404  # Django's static() helper: only while DEBUG
    finally:
        s.stop()
    s = Server(project, "--insecure")
    try:
        status, _, body = s.get("/static/css/site.css")
        assert status == 200 and body == "body { color: red; }\n"
        status, _, body = s.get("/static/css/nope.css")
        assert status == 404
        assert body.startswith("\n<!doctype html>") and "could not be found" not in body  # no debug page
    finally:
        s.stop()


def test_insecure_does_not_serve_media(project):
    """Django serves media only through static() in the URLconf, which is
    empty unless DEBUG: --insecure is for static files alone."""
    production(project)
    s = Server(project, "--insecure")
    try:
        assert s.get("/media/uploads/a.txt")[0] == 404
    finally:
        s.stop()


TRAVERSALS = ["../settings.yaml", "%2e%2e/settings.yaml", "%2E%2E/%2E%2E/settings.yaml", "..%2fsettings.yaml",
              "..%2Fsettings.yaml", "%2e%2e%2fsettings.yaml", "..\\settings.yaml", "..%5csettings.yaml",
              "/etc/passwd", "%2fetc%2fpasswd", "uploads/../../settings.yaml", "uploads/%2e%2e/%2e%2e/settings.yaml",
              "uploads/..%252f..%252fsettings.yaml", "%00", "uploads/a.txt%00.png", "uploads/", "uploads",
              "outside.txt", "uploads/out", "loop"]


@pytest.mark.parametrize("prefix", ["static", "media"])
def test_no_file_outside_the_roots(project, tmp_path, prefix):
    secret = tmp_path / "outside-secret.txt"
    secret.write_text("TOP SECRET\n")
    base = project / ("static" if prefix == "static" else "media")
    (base / "uploads").mkdir(exist_ok=True)
    os.symlink(secret, base / "outside.txt")
    os.symlink(tmp_path, base / "uploads" / "out")
    os.symlink(base / "loop", base / "loop")
    s = Server(project)
    try:
        for attempt in TRAVERSALS:
            status, _, body = s.get(f"/{prefix}/{attempt}")
            assert status in (404, 400), attempt
            assert "SECRET_KEY" not in body and "TOP SECRET" not in body and "root:" not in body, attempt
        status, _, body = s.get(f"/{prefix}/uploads/out/outside-secret.txt")
        assert status == 404 and "TOP SECRET" not in body
        assert s.get("/about/")[0] == 200
    finally:
        s.stop()


def _same_connection_get(conn, path):
    conn.request("GET", path)
    r = conn.getresponse()
    return r.status, r.read().decode()


def test_live_reload_on_one_keep_alive_connection(project):
    s = Server(project)
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    try:
        assert _same_connection_get(conn, "/about/") == (200, "v1 About")
        local = conn.sock.getsockname()
        # A template edit.
        (project / "templates" / "about.html").write_text("v2 {{ title }}!")
        assert _same_connection_get(conn, "/about/") == (200, "v2 About!")
        # A static file edit, and a new static file.
        assert _same_connection_get(conn, "/static/css/site.css") == (200, "body { color: red; }\n")
        (project / "static" / "css" / "site.css").write_text("body { color: blue; }\n")
        assert _same_connection_get(conn, "/static/css/site.css") == (200, "body { color: blue; }\n")
        (project / "blog" / "static" / "blog" / "new.js").write_text("new();\n")
        assert _same_connection_get(conn, "/static/blog/new.js") == (200, "new();\n")
        os.remove(project / "blog" / "static" / "blog" / "new.js")
        assert _same_connection_get(conn, "/static/blog/new.js")[0] == 404
        # A views.yaml edit.
        views = project / "blog" / "views.yaml"
        views.write_text(views.read_text().replace("title: About", "title: Changed"))
        assert _same_connection_get(conn, "/about/") == (200, "v2 Changed!")
        # A settings.yaml edit.
        settings = project / "settings.yaml"
        settings.write_text(settings.read_text().replace("STATIC_URL: /static/", "STATIC_URL: /assets/"))
        assert _same_connection_get(conn, "/assets/css/site.css") == (200, "body { color: blue; }\n")
        assert _same_connection_get(conn, "/static/css/site.css")[0] == 404
        # Still the same socket: no reconnect happened.
        assert conn.sock is not None and conn.sock.getsockname() == local
    finally:
        conn.close()
        rc, _, err = s.stop()
    assert rc == 0
    assert err.count("Watching for file changes") == 1  # one process, never restarted


def test_broken_files_shown_until_fixed(project):
    s = Server(project)
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    try:
        assert _same_connection_get(conn, "/about/") == (200, "v1 About")
        local = conn.sock.getsockname()
        # A template that does not parse: Django's TemplateSyntaxError page, file and line.
        tmpl = project / "templates" / "about.html"
        tmpl.write_text("line one\n{% if title %}no end\n")
        status, body = _same_connection_get(conn, "/about/")
        assert status == 500
        assert "TemplateSyntaxError" in body
        assert "Unclosed tag on line 2: &#x27;if&#x27;. Looking for one of: elif, else, endif." in body
        assert "about.html</code>, error at line <strong>2</strong>" in body
        tmpl.write_text("fixed {{ title }}")
        assert _same_connection_get(conn, "/about/") == (200, "fixed About")
        # A models.yaml error: the diagnostic as the page (every path) until it is fixed.
        models = project / "blog" / "models.yaml"
        good = models.read_text()
        models.write_text(good.replace("max_length: 200", "max_lenght: 200"))
        status, body = _same_connection_get(conn, "/about/")
        assert status == 500
        assert "blog/models.yaml:3:" in body
        assert "unknown option &#x27;max_lenght&#x27; for CharField (did you mean &#x27;max_length&#x27;?)" in body
        assert _same_connection_get(conn, "/posts/")[0] == 500
        models.write_text(good)
        assert _same_connection_get(conn, "/posts/") == (200, "")
        # A settings.yaml that is not YAML.
        settings = project / "settings.yaml"
        good_settings = settings.read_text()
        settings.write_text(good_settings + "DEBUG: [\n")
        status, body = _same_connection_get(conn, "/about/")
        assert status == 500 and "settings.yaml:" in body
        settings.write_text(good_settings)
        assert _same_connection_get(conn, "/about/") == (200, "fixed About")
        assert conn.sock.getsockname() == local
    finally:
        conn.close()
        rc, _, err = s.stop()
    assert rc == 0
    # ...and in the console, compiler-style.
    assert "unknown option 'max_lenght' for CharField (did you mean 'max_length'?)" in err
    assert "blog/models.yaml:3:" in err
    assert "Unclosed tag on line 2: 'if'. Looking for one of: elif, else, endif." in err


def test_broken_project_without_debug_shows_a_plain_page(project):
    production(project)
    s = Server(project)
    try:
        assert s.get("/about/") == (200, s.get("/about/")[1], "v1 About")
        views = project / "blog" / "views.yaml"
        views.write_text("about: [\n")
        status, _, body = s.get("/about/")
        assert status == 500
        assert "views.yaml" not in body and "<h1>Server Error (500)</h1>" in body
    finally:
        rc, _, err = s.stop()
    assert "blog/views.yaml:" in err


def test_noreload_keeps_the_yaml_but_rereads_templates_and_static(project):
    """--noreload: as Django 3.2's runserver --noreload with DEBUG, code
    (here views/urls/models/settings YAML) stays as loaded, while templates
    (no cached loader while DEBUG) and static files are read per request."""
    s = Server(project, "--noreload")
    try:
        assert s.get("/about/")[2] == "v1 About"
        (project / "templates" / "about.html").write_text("v2 {{ title }}")
        assert s.get("/about/")[2] == "v2 About"
        views = project / "blog" / "views.yaml"
        views.write_text(views.read_text().replace("title: About", "title: Changed"))
        (project / "static" / "css" / "site.css").write_text("new\n")
        assert s.get("/static/css/site.css")[2] == "new\n"
        assert s.get("/about/")[2] == "v2 About"
    finally:
        rc, _, err = s.stop()
    assert rc == 0 and "reloading" not in err


@pytest.mark.parametrize("reload", [True, False])
def test_template_lookups_follow_every_change_without_debug(project, tmp_path, reload):
    """The engine caches its template lookups while the template folders are
    watched (no stat() per render): every kind of change is still seen by
    the next request, with or without the reloader, for a folder outside
    the project too, and for an override in a folder created after start."""
    production(project)
    outside = tmp_path / "shared-templates"
    outside.mkdir()
    (outside / "shared.html").write_text("shared v1")
    text = (project / "settings.yaml").read_text()
    (project / "settings.yaml").write_text(text.replace("DIRS: [templates]", f"DIRS: [templates, '{outside}']"))
    views = project / "blog" / "views.yaml"
    views.write_text(views.read_text() + "shared:\n  view: TemplateView\n  template_name: shared.html\n")
    urls = project / "blog" / "urls.yaml"
    urls.write_text(urls.read_text() + '  - {path: "shared/", view: shared, name: shared}\n')
    s = Server(project, *([] if reload else ["--noreload"]))
    try:
        assert s.get("/shared/")[2] == "shared v1"
        assert s.get("/posts/")[2] == ""
        (outside / "shared.html").write_text("shared v2")
        assert s.get("/shared/")[2] == "shared v2"
        # An override in DIRS, in a folder that did not exist: first found wins.
        (project / "templates" / "blog").mkdir()
        (project / "templates" / "blog" / "post_list.html").write_text("override")
        assert s.get("/posts/")[2] == "override"
        (project / "templates" / "blog" / "post_list.html").unlink()
        assert s.get("/posts/")[2] == ""
        # Replaced by rename, as editors save.
        (outside / "tmp.html").write_text("shared v3")
        os.replace(outside / "tmp.html", outside / "shared.html")
        assert s.get("/shared/")[2] == "shared v3"
    finally:
        s.stop()
