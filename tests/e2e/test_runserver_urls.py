"""URL dispatch end to end (SPEC §4, §7; issue 5): path converters,
re_path, include with a prefix and a namespace, `{% url %}` and RedirectView
reversing as Django's reverse(), APPEND_SLASH as CommonMiddleware, DetailView
by slug, the `request` context variable, and hostile data escaped in every
place it lands."""
import json
import re
import urllib.parse

import pytest

from server_util import Server, make_project, migrate, sql

MODELS = """
Post:
  fields:
    title: {type: CharField, max_length: 200}
    slug: {type: SlugField, unique: true}
    key: {type: UUIDField}
    status: {type: CharField, max_length: 1, choices: [[d, "Draft <b>"], [p, Published]], default: p}
  str: "{{ title }}"
  absolute_url: "{% url 'blog:by_slug' slug=slug %}"
"""

VIEWS = """
echo:
  view: TemplateView
  template_name: echo.html
by_slug:
  view: DetailView
  model: Post
  template_name: blog/show.html
by_code:
  view: DetailView
  model: Post
  slug_field: key
  slug_url_kwarg: code
  template_name: blog/show.html
posts:
  view: ListView
  model: Post
  ordering: [id]
  template_name: blog/list.html
to_post:
  view: RedirectView
  url: "{% url 'blog:by_slug' slug=kwargs.slug %}"
to_named:
  view: RedirectView
  pattern_name: "blog:by_slug"
  permanent: true
  query_string: true
gone:
  view: RedirectView
  url: "{{ request.GET.to }}"
posts_json:
  view: ListView
  model: Post
  format: json
  ordering: [id]
  paginate_by: 1
post_json:
  view: DetailView
  model: Post
  format: json
hostile_context:
  view: TemplateView
  template_name: hostile.html
  extra_context: {label: "<i>extra</i>"}
"""

URLS = """
app_name: blog
urlpatterns:
  - {path: "echo/<str:word>/", view: echo, name: echo_str}
  - {path: "echo/<int:n>/int/", view: echo, name: echo_int}
  - {path: "echo/<slug:s>/slug/", view: echo, name: echo_slug}
  - {path: "echo/<uuid:u>/uuid/", view: echo, name: echo_uuid}
  - {path: "files/<path:p>", view: echo, name: echo_path}
  - {re_path: "^archive/(?P<year>[0-9]{4})/(?:(?P<month>[0-9]{2})/)?$", view: echo, name: archive}
  - {path: "post/<slug:slug>/", view: by_slug, name: by_slug}
  - {path: "code/<uuid:code>/", view: by_code, name: by_code}
  - {path: "", view: posts, name: posts}
  - {path: "go/<slug:slug>/", view: to_post, name: to_post}
  - {path: "named/<slug:slug>/", view: to_named, name: to_named}
  - {path: "gone/", view: gone, name: gone}
  - {path: "api/", view: posts_json, name: posts_json}
  - {path: "api/<slug:slug>/", view: post_json, name: post_json}
  - {path: "hostile/", view: hostile_context, name: hostile}
"""

ECHO = ("{{ request.method }} {{ request.path }} {{ request.get_full_path }}|word={{ word }} n={{ n }} "
        "s={{ s }} u={{ u }} p={{ p }} year={{ year }} month={{ month|default:'none' }}|q={{ request.GET.q }}|"
        "{% url 'blog:echo_str' word='a b' %}|{% url 'blog:echo_int' 7 %}|{% url 'blog:echo_path' p='x y/z?#&%=+;' %}|"
        "{% url 'blog:echo_path' p='caf\u00e9/\u00fc' %}|{% url 'blog:archive' year='2026' %}|"
        "{% url 'blog:archive' year='2026' month='11' %}|{% url 'blog:echo_uuid' u='0b5d7e34-1c6a-4b0e-9a3e-4c2f1e9d8b7a' %}")

FILES = {
    "blog/models.yaml": MODELS,
    "blog/views.yaml": VIEWS,
    "blog/urls.yaml": URLS,
    "urls.yaml": 'urlpatterns:\n  - {path: "blog/", include: blog}\n',
    "templates/echo.html": ECHO,
    "blog/templates/blog/show.html": "{{ object.title }}|{{ post.slug }}|{{ post.key }}|{{ post.get_status_display }}",
    "blog/templates/blog/list.html":
        "{% for p in post_list %}<a href=\"{{ p.get_absolute_url }}\" title=\"{{ p.title }}\" data-x='{{ p.title }}'>"
        "{{ p }}</a><script>var t = \"{{ p.title|escapejs }}\";</script>{{ p.get_status_display }}"
        "<a href=\"?q={{ p.title|urlencode }}\">{% endfor %}",
    "templates/hostile.html": "{{ label }}|{{ request.GET.q }}|<input value=\"{{ request.GET.q }}\">|"
                              "{{ request.GET.q|safe|length }}",
}

HOSTILE = "\"'><script>alert(1)</script>&amp;"
KEY = "0b5d7e34-1c6a-4b0e-9a3e-4c2f1e9d8b7a"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("urls"), FILES)
    migrate(root)
    # Django stores UUIDs on SQLite as 32 hex digits.
    sql(root, "INSERT INTO blog_post (id, title, slug, key, status) VALUES (1, ?, 'hello', ?, 'd')",
        (HOSTILE, KEY.replace("-", "")))
    sql(root, "INSERT INTO blog_post (id, title, slug, key, status) VALUES (2, 'Plain', 'plain', ?, 'p')",
        ("f" * 32,))
    server = Server(root)
    yield root, server
    server.stop()


def test_path_converters_and_reverse(site):
    _, s = site
    status, _, body = s.get("/blog/echo/hello%20world/?q=1")
    assert status == 200
    parts = body.split("|")
    assert parts[0] == "GET /blog/echo/hello world/ /blog/echo/hello%20world/?q=1"
    assert parts[1] == "word=hello world n= s= u= p= year= month=none"
    assert parts[2] == "q=1"
    # reverse(): Django quotes with RFC 3986 sub-delims, '/', '~', ':' and '@' kept.
    assert parts[3:] == ["/blog/echo/a%20b/", "/blog/echo/7/int/", "/blog/files/x%20y/z%3F%23&amp;%25=+;",
                         "/blog/files/caf%C3%A9/%C3%BC", "/blog/archive/2026/", "/blog/archive/2026/11/",
                         f"/blog/echo/{KEY}/uuid/"]
    assert s.get("/blog/echo/0042/int/")[2].split("|")[1].startswith("word= n=42 ")
    assert s.get("/blog/echo/-1/int/")[0] == 404  # int is [0-9]+
    assert s.get("/blog/echo/a_b-C9/slug/")[2].split("|")[1] == "word= n= s=a_b-C9 u= p= year= month=none"
    assert s.get("/blog/echo/a.b/slug/")[0] == 404
    # uuid: lowercase only, as Django's UUIDConverter; the value is a UUID.
    assert f"u={KEY} " in s.get(f"/blog/echo/{KEY}/uuid/")[2]
    assert s.get(f"/blog/echo/{KEY.upper()}/uuid/")[0] == 404
    assert "p=a/b/c.txt " in s.get("/blog/files/a/b/c.txt")[2]
    assert s.get("/blog/echo/a/b/")[0] == 404  # str stops at '/'
    body = s.get("/blog/archive/2026/11/")[2]
    assert "year=2026 month=11|" in body
    assert "year=2026 month=none|" in s.get("/blog/archive/2026/")[2]
    assert s.get("/blog/archive/26/")[0] == 404


def test_detail_by_slug_and_by_custom_slug_field(site):
    _, s = site
    status, _, body = s.get("/blog/post/plain/")
    assert status == 200 and body == f"Plain|plain|{'f' * 8}-{'f' * 4}-{'f' * 4}-{'f' * 4}-{'f' * 12}|Published"
    status, _, body = s.get(f"/blog/code/{KEY}/")
    assert status == 200
    assert body == f"&quot;&#x27;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;|hello|{KEY}|Draft &lt;b&gt;"
    assert s.get("/blog/post/nope/")[0] == 404
    assert s.get("/blog/code/00000000-0000-0000-0000-000000000000/")[0] == 404


def test_redirect_views(site):
    _, s = site
    status, headers, body = s.get("/blog/go/plain/?x=1")
    assert status == 302 and headers["Location"] == "/blog/post/plain/" and body == ""
    status, headers, _ = s.get("/blog/named/plain/?x=1&y=%20")
    assert status == 301 and headers["Location"] == "/blog/post/plain/?x=1&y=%20"
    # A url that renders empty: Django's HttpResponseGone.
    status, headers, body = s.get("/blog/gone/")
    assert status == 410 and body == ""
    status, headers, body = s.get("/blog/gone/?to=/blog/")
    assert status == 302 and headers["Location"] == "/blog/"


def test_append_slash(site):
    _, s = site
    status, headers, _ = s.get("/blog/echo/abc?q=%3Cx%3E")
    assert status == 301 and headers["Location"] == "/blog/echo/abc/?q=%3Cx%3E"
    status, headers, _ = s.get("/blog/echo/a%20b")
    assert status == 301 and headers["Location"] == "/blog/echo/a%20b/"
    assert s.get("/blog/nothing")[0] == 404  # only when the slashed path resolves
    assert s.get("/blog/files/a")[0] == 200  # a path that resolves as it is is not redirected
    # A POST cannot be redirected: with DEBUG, Django's RuntimeError page.
    token = "c" * 64
    status, _, body = s.request("POST", "/blog/echo/abc", body="a=1", headers={
        "Cookie": "csrftoken=" + token, "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 500
    assert "RuntimeError" in body
    assert "You called this URL via POST, but the URL doesn’t end in a slash".replace("’", "'") in \
        body.replace("&#x27;", "'")
    assert f"127.0.0.1:{s.port}/blog/echo/abc/ (note the trailing slash)" in body


def test_append_slash_without_debug_and_disabled(tmp_path):
    root = make_project(tmp_path, FILES)
    text = (root / "settings.yaml").read_text().replace("DEBUG: true", "DEBUG: false")
    (root / "settings.yaml").write_text(text.replace("ALLOWED_HOSTS: []", "ALLOWED_HOSTS: [127.0.0.1]"))
    migrate(root)
    s = Server(root)
    try:
        # Without DEBUG, CommonMiddleware redirects a POST too (the browser re-sends it as a GET).
        status, headers, _ = s.request("POST", "/blog/echo/abc", body="a=1",
                                       headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert status == 301 and headers["Location"] == "/blog/echo/abc/"
        (root / "settings.yaml").write_text((root / "settings.yaml").read_text() + "APPEND_SLASH: false\n")
        assert s.get("/blog/echo/abc")[0] == 404
    finally:
        s.stop()


def test_hostile_data_escaped_everywhere(site):
    _, s = site
    status, _, body = s.get("/blog/")
    assert status == 200
    esc = "&quot;&#x27;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&amp;amp;"
    first = body.split("<a href=\"/blog/post/plain/\"")[0]
    assert first == (f'<a href="/blog/post/hello/" title="{esc}" data-x=\'{esc}\'>{esc}</a>'
                     '<script>var t = "\\u0022\\u0027\\u003E\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E\\u0026amp\\u003B";'
                     '</script>Draft &lt;b&gt;'
                     '<a href="?q=%22%27%3E%3Cscript%3Ealert%281%29%3C/script%3E%26amp%3B">')
    assert "<script>alert(1)" not in body
    q = urllib.parse.quote(HOSTILE)
    status, _, body = s.get("/blog/hostile/?q=" + q)
    assert body == f"&lt;i&gt;extra&lt;/i&gt;|{esc}|<input value=\"{esc}\">|{len(HOSTILE)}"
    # JSON: the text as it is, in JSON's escaping (no HTML in a JSON response).
    status, headers, body = s.get("/blog/api/")
    assert headers["Content-Type"] == "application/json"
    assert json.loads(body)["results"][0]["title"] == HOSTILE
    # The debug pages escape the path and the query.
    status, _, body = s.get("/blog/<script>alert(1)</script>/?q=" + q)
    assert status == 404 and "<script>alert(1)" not in body
    status, _, body = s.get("/blog/post/%3Cscript%3E/")
    assert status == 404 and "<script>" not in body


def test_json_pages_as_django_rest_framework(site):
    _, s = site
    status, _, body = s.get("/blog/api/?page=last")
    data = json.loads(body)
    assert status == 200 and data["count"] == 2 and data["next"] is None
    assert data["previous"] == f"http://127.0.0.1:{s.port}/blog/api/"
    assert [r["slug"] for r in data["results"]] == ["plain"]
    # DRF's PageNumberPagination: NotFound("Invalid page.").
    for bad in ("9", "0", "abc"):
        status, headers, body = s.get("/blog/api/?page=" + bad)
        assert status == 404, bad
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body) == {"detail": "Invalid page."}
    status, headers, body = s.get("/blog/api/plain/")
    assert status == 200 and json.loads(body)["title"] == "Plain"
    status, headers, body = s.get("/blog/api/nope/")
    assert status == 404 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {"detail": "Not found."}
