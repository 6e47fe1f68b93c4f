"""runserver end to end: the real binary serving a project over HTTP
(SPEC §4, §6, §7; issue 5)."""
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time

import pytest

from conftest import MVT, clean_env, run_mvt
from server_util import Server, make_project, migrate, sql, wait_for

MODELS = """
Post:
  fields:
    title: {type: CharField, max_length: 200}
    content: TextField
    published_date: {type: DateTimeField}
    status: {type: CharField, max_length: 1, choices: [[d, Draft], [p, Published]], default: p}
    author: {type: ForeignKey, to: auth.User, on_delete: CASCADE, null: true, related_name: posts}
  meta:
    ordering: [-published_date]
  str: "{{ title }}"
  absolute_url: "{% url 'blog:post_detail' pk=id %}"
Comment:
  fields:
    post: {type: ForeignKey, to: Post, on_delete: CASCADE, related_name: comments}
    body: TextField
"""

VIEWS = """
index:
  view: ListView
  model: Post
  template_name: blog/index.html
  context_object_name: posts
  paginate_by: 2
post_detail:
  view: DetailView
  model: Post
published:
  view: ListView
  model: Post
  queryset: {filter: {status: p, published_date__gte: "2026-01-01"}, exclude: {title__startswith: Draft}}
  ordering: [title]
search:
  view: ListView
  model: Post
  queryset: {filter: {title__icontains: "{{ request.GET.q }}"}}
by_author:
  view: ListView
  model: Post
  queryset: {filter: {author__username: "{{ kwargs.username }}"}}
  template_name: blog/post_list.html
api:
  view: ListView
  model: Post
  format: json
  paginate_by: 2
post_json:
  view: DetailView
  model: Post
  format: json
about:
  view: TemplateView
  template_name: about.html
  extra_context: {title: About us, year: 2026}
old_home:
  view: RedirectView
  url: "{% url 'blog:index' %}"
  permanent: true
secret:
  view: TemplateView
  template_name: about.html
  login_required: true
broken:
  view: TemplateView
  template_name: broken.html
"""

URLS = """
app_name: blog
urlpatterns:
  - {path: "", view: index, name: index}
  - {path: "<int:pk>/", view: post_detail, name: post_detail}
  - {path: "published/", view: published, name: published}
  - {path: "search/", view: search, name: search}
  - {re_path: "^by/(?P<username>[a-z]+)/$", view: by_author, name: by_author}
  - {path: "api/posts/", view: api, name: api}
  - {path: "api/posts/<int:pk>/", view: post_json, name: post_json}
  - {path: "about/", view: about, name: about}
  - {path: "old/", view: old_home, name: old_home}
  - {path: "secret/", view: secret, name: secret}
  - {path: "broken/", view: broken, name: broken}
"""

FILES = {
    "blog/models.yaml": MODELS,
    "blog/views.yaml": VIEWS,
    "blog/urls.yaml": URLS,
    "urls.yaml": 'urlpatterns:\n  - {path: "", include: blog}\n',
    "blog/templates/blog/index.html":
        "{% for post in posts %}<li><a href=\"{{ post.get_absolute_url }}\">{{ post.title }} - {{ post.published_date }}"
        "</a> by {{ post.author.username|default:'nobody' }} ({{ post.comments.count }})</li>\n{% endfor %}"
        "page {{ page_obj.number }} of {{ paginator.num_pages }}{% if page_obj.has_next %} next={{ page_obj.next_page_number }}{% endif %}"
        "{% if is_paginated %} paginated{% endif %}",
    "blog/templates/blog/post_detail.html":
        "<h1>{{ post.title }}</h1>{{ object.get_status_display }}|{{ post }}|"
        "{% for c in post.comments.all %}[{{ c.body }}]{% empty %}no comments{% endfor %}",
    "blog/templates/blog/post_list.html": "{% for p in object_list %}{{ p.title }};{% endfor %}",
    "templates/about.html": "{% load static %}<title>{{ title }}</title>{{ year }} <link href=\"{% static 'css/site.css' %}\">"
                            " {{ request.path }} {{ user.is_authenticated }}",
    "templates/broken.html": "line 1\nline 2 {{ value|date:\"Y\" }}\n{% url 'blog:nope' %}\n",
    "static/css/site.css": "body { color: red; }\n",
}


def seed(root):
    sql(root, "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
              "is_active, date_joined) VALUES (1, '', 0, 'ann', '', '', '', 0, 1, '2026-01-01 00:00:00')")
    posts = [
        (1, "Hello <script>alert(1)</script>", "c1", "2026-11-20 10:00:00", "p", 1),
        (2, "Second post", "c2", "2026-11-21 07:18:03", "p", None),
        (3, "Draft third", "c3", "2026-11-21 08:00:00", "d", 1),
        (4, "Old one", "c4", "2025-05-05 05:05:05", "p", None),
    ]
    for p in posts:
        sql(root, "INSERT INTO blog_post (id, title, content, published_date, status, author_id) VALUES (?,?,?,?,?,?)", p)
    for i, (post, body) in enumerate([(1, "first!"), (1, "<b>bold</b>"), (2, "nice")], start=1):
        sql(root, "INSERT INTO blog_comment (id, post_id, body) VALUES (?,?,?)", (i, post, body))


@pytest.fixture(scope="module")
def blog(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("blog"), FILES)
    migrate(root)
    seed(root)
    server = Server(root)
    yield root, server
    server.stop()


def test_list_with_relations_and_pagination(blog):
    _, s = blog
    status, headers, body = s.get("/")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert body == ('<li><a href="/3/">Draft third - Nov. 21, 2026, 8 a.m.</a> by ann (0)</li>\n'
                    '<li><a href="/2/">Second post - Nov. 21, 2026, 7:18 a.m.</a> by nobody (1)</li>\n'
                    'page 1 of 2 next=2 paginated')
    status, _, body = s.get("/?page=2")
    assert status == 200
    assert body.startswith('<li><a href="/1/">Hello &lt;script&gt;alert(1)&lt;/script&gt; - Nov. 20, 2026, 10 a.m.'
                           '</a> by ann (2)</li>')
    assert "page 2 of 2" in body and "next=" not in body
    assert s.get("/?page=last")[2] == body
    for bad in ("/?page=3", "/?page=0", "/?page=abc"):
        assert s.get(bad)[0] == 404, bad


def test_detail_and_404(blog):
    _, s = blog
    status, _, body = s.get("/1/")
    assert status == 200
    assert body == "<h1>Hello &lt;script&gt;alert(1)&lt;/script&gt;</h1>Published|Hello &lt;script&gt;alert(1)&lt;/script&gt;|" \
                   "[first!][&lt;b&gt;bold&lt;/b&gt;]"
    assert s.get("/3/")[2].endswith("Draft|Draft third|no comments")
    status, _, body = s.get("/99/")
    assert status == 404
    assert "No post found matching the query" in body


def test_queryset_filters_and_ordering(blog):
    _, s = blog
    assert s.get("/published/")[2] == "Hello &lt;script&gt;alert(1)&lt;/script&gt;;Second post;"
    assert s.get("/search/?q=POST")[2] == "Second post;"
    assert s.get("/search/?q=%25")[2] == ""  # % is a literal, not a LIKE wildcard
    assert s.get("/by/ann/")[2] == "Draft third;Hello &lt;script&gt;alert(1)&lt;/script&gt;;"
    assert s.get("/by/nobody/")[2] == ""


def test_json(blog):
    _, s = blog
    status, headers, body = s.get("/api/posts/")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    data = json.loads(body)
    assert data["count"] == 4
    assert data["previous"] is None
    assert data["next"] == f"http://127.0.0.1:{s.port}/api/posts/?page=2"
    assert [p["id"] for p in data["results"]] == [3, 2]
    assert data["results"][0] == {"id": 3, "title": "Draft third", "content": "c3",
                                  "published_date": "2026-11-21T08:00:00Z", "status": "d", "author": 1}
    page2 = json.loads(s.get("/api/posts/?page=2")[2])
    assert page2["previous"] == f"http://127.0.0.1:{s.port}/api/posts/" and page2["next"] is None
    one = json.loads(s.get("/api/posts/2/")[2])
    assert one["author"] is None and one["title"] == "Second post"


def test_template_redirect_and_login_views(blog):
    _, s = blog
    status, _, body = s.get("/about/")
    assert status == 200
    assert body == '<title>About us</title>2026 <link href="/static/css/site.css"> /about/ False'
    status, headers, _ = s.get("/old/")
    assert status == 301 and headers["Location"] == "/"
    status, headers, _ = s.get("/secret/?x=1")
    assert status == 302
    assert headers["Location"] == "/accounts/login/?next=/secret/%3Fx%3D1"
    # CSRF runs before the view (Django's process_view): a POST without a token is 403...
    assert s.request("POST", "/about/", body="", headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 403
    # ...and with one, the view answers 405 with its methods.
    token = "a" * 64
    status, headers, _ = s.request("POST", "/about/", body="", headers={
        "Cookie": "csrftoken=" + token, "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 405 and headers["Allow"] == "GET, HEAD, OPTIONS"


def test_append_slash_and_security_headers(blog):
    _, s = blog
    status, headers, _ = s.get("/about?a=b")
    assert status == 301 and headers["Location"] == "/about/?a=b"
    status, headers, _ = s.get("/about/")
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"


def test_debug_404_lists_patterns(blog):
    _, s = blog
    status, _, body = s.get("/nowhere/")
    assert status == 404
    assert "Page not found" in body
    assert "&lt;int:pk&gt;/\n                [name='post_detail']" in body
    assert "The current path, <code>nowhere/</code>, didn’t match any of these." in body


def test_debug_500_shows_template_line(blog):
    _, s = blog
    status, _, body = s.get("/broken/")
    assert status == 500
    assert "NoReverseMatch" in body
    assert "broken.html" in body and "error at line <strong>3</strong>" in body


def test_bad_host(blog):
    _, s = blog
    assert s.get("/", headers={"Host": "evil.example"})[0] == 400
    assert s.get("/", headers={"Host": "localhost:8000"})[0] == 200
    assert s.get("/", headers={"Host": "bad host!"})[0] == 400


def test_static_files_and_traversal(blog):
    root, s = blog
    status, headers, body = s.get("/static/css/site.css")
    assert status == 200 and body == "body { color: red; }\n"
    assert headers["Content-Type"] == "text/css"
    assert "Last-Modified" in headers
    status, _, _ = s.get("/static/css/site.css", headers={"If-Modified-Since": headers["Last-Modified"]})
    assert status == 304
    secret = root / "db.sqlite3"
    os.symlink(secret, root / "static" / "link.db")
    for attempt in ("/static/../settings.yaml", "/static/%2e%2e/settings.yaml", "/static/css/%2E%2E/%2E%2E/settings.yaml",
                    "/static/..%2fsettings.yaml", "/static//etc/passwd", "/static/link.db", "/static/css/",
                    "/static/%00", "/static/css/nope.css"):
        status, _, body = s.get(attempt)
        assert status == 404, attempt
        assert "SECRET_KEY" not in body


def test_keep_alive(blog):
    import http.client
    _, s = blog
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    for _ in range(3):
        conn.request("GET", "/about/")
        r = conn.getresponse()
        assert r.status == 200
        r.read()
    conn.close()


def test_request_log_lines(blog):
    _, s = blog
    s.get("/about/")
    rc, out, err = s.stop()
    assert rc == 0
    assert "Starting development server at http://127.0.0.1:%d/" % s.port in out
    assert "Quit the server with CONTROL-C." in out
    assert "System check identified no issues (0 silenced)." in out
    assert re.search(r'^\[\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d\] "GET /about/ HTTP/1.1" 200 \d+$', err, re.M), err
    assert "Not Found: /nowhere/" in err


def test_production_error_pages(tmp_path):
    files = dict(FILES)
    root = make_project(tmp_path, files, settings_extra="")
    text = (root / "settings.yaml").read_text().replace("DEBUG: true", "DEBUG: false")
    text = text.replace("ALLOWED_HOSTS: []", "ALLOWED_HOSTS: [127.0.0.1]")
    (root / "settings.yaml").write_text(text)
    migrate(root)
    seed(root)
    s = Server(root)
    try:
        status, _, body = s.get("/nowhere/")
        assert status == 404
        assert "<h1>Not Found</h1><p>The requested resource was not found on this server.</p>" in body
        assert "post_detail" not in body
        status, _, body = s.get("/broken/")
        assert status == 500
        assert "<h1>Server Error (500)</h1>" in body and "NoReverseMatch" not in body
        assert s.get("/static/css/site.css")[0] == 404  # no static files without DEBUG
        (root / "templates" / "404.html").write_text("custom 404 for {{ request_path }}")
        assert s.get("/nowhere/")[2] == "custom 404 for /nowhere/"
    finally:
        rc, _, err = s.stop()
    assert "Internal Server Error: /broken/" in err
    assert rc == 0


def test_welcome_page(tmp_path):
    root = make_project(tmp_path, {}, apps=())
    s = Server(root)
    try:
        status, _, body = s.get("/")
        assert status == 200
        assert "The install worked successfully! Congratulations!" in body
    finally:
        s.stop()


def test_reload_after_edits_and_broken_files(tmp_path):
    root = make_project(tmp_path, FILES)
    migrate(root)
    seed(root)
    s = Server(root)
    try:
        assert s.get("/about/")[2].startswith("<title>About us</title>")
        (root / "templates" / "about.html").write_text("new about {{ title }}")
        assert s.get("/about/")[2] == "new about About us"
        views = (root / "blog" / "views.yaml").read_text().replace("title: About us", "title: Changed")
        (root / "blog" / "views.yaml").write_text(views)
        assert s.get("/about/")[2] == "new about Changed"
        (root / "blog" / "views.yaml").write_text(views.replace("view: TemplateView\n  template_name: about.html\n  extra",
                                                                  "view: TemplateVeiw\n  template_name: about.html\n  extra"))
        status, _, body = s.get("/about/")
        assert status == 500
        assert "unknown view &#x27;TemplateVeiw&#x27; (did you mean &#x27;TemplateView&#x27;?)" in body
        assert "blog/views.yaml:" in body
        (root / "blog" / "views.yaml").write_text(views)
        assert s.get("/about/") [0] == 200
        urls = (root / "blog" / "urls.yaml").read_text().replace('"about/"', '"about-us/"')
        (root / "blog" / "urls.yaml").write_text(urls)
        assert s.get("/about-us/")[0] == 200
        assert s.get("/about/")[0] == 404
    finally:
        rc, _, err = s.stop()
    assert "changed, reloading." in err
    assert "unknown view 'TemplateVeiw'" in err


def test_bad_addrport(tmp_path):
    root = make_project(tmp_path, {}, apps=())
    r = run_mvt("runserver", "localhost:abc", cwd=root)
    assert r.returncode == 1
    assert r.stderr.strip() == 'CommandError: "localhost:abc" is not a valid port number or address:port pair.'


def test_unapplied_migrations_warning(tmp_path):
    root = make_project(tmp_path, FILES)
    assert run_mvt("makemigrations", cwd=root).returncode == 0
    s = Server(root)
    rc, out, _ = s.stop()
    assert rc == 0
    assert re.search(r"\nYou have \d+ unapplied migration\(s\)\. Your project may not work properly until you apply "
                     r"the migrations for app\(s\): auth, blog, contenttypes, sessions\.\nRun 'mvt migrate' to apply them\.\n",
                     out), out
    migrate(root)
    s = Server(root)
    _, out, _ = s.stop()
    assert "unapplied" not in out


@pytest.mark.parametrize("host", ["[::1]", "0.0.0.0"])
def test_addrport_forms(tmp_path, host):
    """`[::1]:PORT` listens on IPv6 loopback and `0.0.0.0:PORT` on every IPv4
    address; the banner shows the address as Django's does."""
    root = make_project(tmp_path, {}, apps=())
    family = socket.AF_INET6 if host.startswith("[") else socket.AF_INET
    with socket.socket(family) as probe:
        probe.bind(("::1" if family == socket.AF_INET6 else "127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([MVT, "runserver", f"{host}:{port}", "--noreload"], cwd=root, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        target = ("::1", port) if family == socket.AF_INET6 else ("127.0.0.1", port)
        assert wait_for(lambda: _connects(family, target), timeout=20)
        conn = http.client.HTTPConnection(target[0], port, timeout=10)
        conn.request("GET", "/", headers={"Host": "localhost"})
        r = conn.getresponse()
        assert r.status == 200
        assert "The install worked successfully!" in r.read().decode()
        conn.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=10)
    assert f"Starting development server at http://{host}:{port}/" in out
    assert proc.returncode == 0


def _connects(family, target):
    with socket.socket(family) as s:
        s.settimeout(0.2)
        try:
            s.connect(target)
            return True
        except OSError:
            return False
