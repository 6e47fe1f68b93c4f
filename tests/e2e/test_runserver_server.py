"""runserver as a process (SPEC §6, §7; issue 5): the system checks before
serving, Django's banner and request log, a thread per connection, Ctrl-C, requests
that must not take the server down, ALLOWED_HOSTS, the error pages with and
without DEBUG, and how SQLite is opened."""
import http.client
import re
import signal
import socket
import sqlite3
import subprocess
import threading
import time

import pytest

from conftest import MVT, clean_env, run_mvt
from django_mirror import DjangoMirror
from server_util import Server, free_port, make_project, migrate, recv_until_closed, sql, wait_for

MODELS = """
Post:
  fields:
    title: {type: CharField, max_length: 200}
    body: {type: TextField, blank: true}
  str: "{{ title }}"
Comment:
  fields:
    post: {type: ForeignKey, to: Post, on_delete: CASCADE, related_name: comments}
    text: TextField
"""

VIEWS = """
about:
  view: TemplateView
  template_name: about.html
post_detail:
  view: DetailView
  model: Post
broken:
  view: TemplateView
  template_name: broken.html
new_post:
  view: CreateView
  model: Post
  fields: [title]
  success_url: "/about/"
dangling_comment:
  view: CreateView
  model: Comment
  fields: [text]
  set: {post: "999"}
  success_url: "/about/"
"""

URLS = """
app_name: blog
urlpatterns:
  - {path: "about/", view: about, name: about}
  - {path: "<int:pk>/", view: post_detail, name: post_detail}
  - {path: "broken/", view: broken, name: broken}
  - {path: "comment/", view: dangling_comment, name: comment}
  - {path: "new/", view: new_post, name: new_post}
"""

FILES = {
    "blog/models.yaml": MODELS,
    "blog/views.yaml": VIEWS,
    "blog/urls.yaml": URLS,
    "urls.yaml": 'urlpatterns:\n  - {path: "", include: blog}\n',
    "templates/about.html": "about {{ request.path }}",
    "blog/templates/blog/post_detail.html": "{{ object.title }}",
    "templates/broken.html": "one\n{% url 'blog:missing' %}\n",
}


def production(root, hosts="[127.0.0.1]"):
    text = (root / "settings.yaml").read_text().replace("DEBUG: true", "DEBUG: false")
    (root / "settings.yaml").write_text(text.replace("ALLOWED_HOSTS: []", f"ALLOWED_HOSTS: {hosts}"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("srv"), FILES)
    migrate(root)
    sql(root, "INSERT INTO blog_post (id, title, body) VALUES (1, 'First', '')")
    server = Server(root)
    yield root, server
    server.stop()


def raw(port, data, timeout=5):
    """Sends raw bytes, returns all the bytes the server answers until it closes (or the timeout)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        return recv_until_closed(s)


# --- start-up: the system checks, the banner -------------------------------------------------------------

def test_check_errors_stop_the_server_as_django(tmp_path):
    """A system check error: Django's runserver prints the SystemCheckError
    report and does not serve; mvt prints the same bytes and exits 1."""
    (tmp_path / "p").mkdir()
    root = make_project(tmp_path / "p", {}, apps=())
    text = (root / "settings.yaml").read_text().replace("STATIC_ROOT: staticfiles", "STATIC_ROOT: static")
    (root / "settings.yaml").write_text(text)
    port = free_port()
    r = subprocess.run([MVT, "runserver", str(port), "--noreload"], cwd=root, env=clean_env(),
                       capture_output=True, text=True, timeout=30)
    mirror = DjangoMirror(tmp_path / "dj", root, dirs=[root / "static"], static_root=root / "static",
                          extra={"DEBUG": True, "ROOT_URLCONF": "djsettings"})
    with open(tmp_path / "dj" / "djsettings.py", "a") as f:
        f.write("urlpatterns = []\n")
    django = mirror.run("runserver", str(port), "--noreload", timeout=30)
    assert django.returncode == 1 and "staticfiles.E002" in django.stderr, django.stderr
    assert r.returncode == 1
    assert r.stderr == django.stderr
    assert r.stdout == django.stdout == "Performing system checks...\n\n"
    with socket.socket() as probe:  # nothing listens
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    # The reloading server refuses too (Django's stays up waiting for a fix, without serving).
    r = subprocess.run([MVT, "runserver", str(port)], cwd=root, env=clean_env(), capture_output=True, text=True,
                       timeout=30)
    assert r.returncode == 1
    assert "SystemCheckError: System check identified some issues:\n\nERRORS:\n?: (staticfiles.E002)" in r.stderr
    # --skip-checks starts it anyway.
    s = Server(root, "--skip-checks")
    try:
        assert s.get("/")[0] == 200
    finally:
        rc, out, _ = s.stop()
    assert "Performing system checks" not in out and rc == 0


def test_check_warnings_are_shown_and_the_server_starts(tmp_path):
    root = make_project(tmp_path, {"urls.yaml": 'urlpatterns:\n  - {path: "/about", include: blog}\n',
                                   "blog/urls.yaml": 'app_name: blog\nurlpatterns: []\n'})
    s = Server(root, "--noreload")
    try:
        assert s.get("/")[0] == 404
    finally:
        rc, out, err = s.stop()
    assert rc == 0
    # As Django's BaseCommand.check: warnings only go to stderr, the server starts.
    assert ("System check identified some issues:\n\nWARNINGS:\n?: (urls.W002) Your URL pattern '/about' has a route "
            "beginning with a '/'. Remove this slash as it is unnecessary. If this pattern is targeted in an include(), "
            "ensure the include() pattern has a trailing '/'.\n\nSystem check identified 1 issue (0 silenced).\n") in err
    assert out.startswith("Performing system checks...\n\n")
    assert "System check identified" not in out


def test_banner_as_django(site):
    root, s = site
    rc, out, err = Server(root, "--noreload").stop()
    assert rc == 0
    assert re.fullmatch(
        r"Performing system checks\.\.\.\n\n"
        r"System check identified no issues \(0 silenced\)\.\n"
        r"(January|February|March|April|May|June|July|August|September|October|November|December) \d\d, \d{4} - "
        r"\d\d:\d\d:\d\d\n"
        r"mvt version \d+\.\d+\.\d+, using settings 'settings\.yaml'\n"
        r"Starting development server at http://127\.0\.0\.1:\d+/\n"
        r"Quit the server with CONTROL-C\.\n", out), out
    assert "Watching for file changes" not in err  # --noreload


# --- the request log (SPEC §6) -----------------------------------------------------------------------------

def test_request_log_line_sizes(tmp_path):
    """`[21/Nov/2026 07:18:03] "GET / HTTP/1.1" 200 1234`: the number is the
    size of the body sent, as wsgiref's bytes_sent."""
    root = make_project(tmp_path, FILES)
    migrate(root)
    s = Server(root, "--noreload")
    sizes = {}
    try:
        for path in ("/about/?x=%41", "/nowhere/", "/static/nope.css"):
            status, headers, body = s.get(path)
            sizes[path] = (status, len(body.encode()))
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
        conn.request("HEAD", "/about/")
        r = conn.getresponse()
        head = (r.status, r.getheader("Content-Length"), r.read())
        conn.request("GET", "/about/")  # no stray body bytes before the next response on the connection
        r = conn.getresponse()
        after_head = (r.status, r.read())
        conn.close()
    finally:
        rc, out, err = s.stop()
    assert rc == 0
    lines = [l for l in err.splitlines() if l.startswith("[")]
    for path, (status, size) in sizes.items():
        pattern = r'^\[\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d\] "GET %s HTTP/1\.1" %d %d$' % (
            re.escape(path), status, size)
        assert any(re.match(pattern, l) for l in lines), (pattern, lines)
    assert head == (200, "13", b"") and after_head == (200, b"about /about/")
    # HEAD: no body is sent; the log shows the response's size, as Django 3.2's (wsgiref's bytes_sent).
    assert any(re.match(r'^\[.*\] "HEAD /about/ HTTP/1\.1" 200 13$', l) for l in lines), lines
    assert "Not Found: /nowhere/" in err
    assert "Not Found: /static/" not in err  # StaticFilesHandler's Http404 is not logged (no log_response)


# --- a thread per connection, keep-alive, Ctrl-C ------------------------------------------------------------

def test_idle_keep_alive_connections_do_not_starve_other_clients(site):
    _, s = site
    held = []
    try:
        for _ in range(24):  # more than the workers
            c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
            c.request("GET", "/about/")
            r = c.getresponse()
            assert r.status == 200 and r.getheader("Connection") != "close"
            r.read()
            held.append(c)
        # A new client is answered at once: each connection has its own
        # thread, as in Django's threaded runserver.
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=3)
        for _ in range(3):
            conn.request("GET", "/about/")
            assert conn.getresponse().read() == b"about /about/"
        conn.close()
    finally:
        for c in held:
            c.close()


def test_slow_clients_do_not_stall_the_server(site):
    _, s = site
    held = []
    try:
        for _ in range(16):
            c = socket.create_connection(("127.0.0.1", s.port), timeout=10)
            c.sendall(b"GET /about/ HTTP/1.1\r\nHost: local")
            held.append(c)
        time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=3)
        conn.request("GET", "/about/")
        assert conn.getresponse().status == 200
    finally:
        for c in held:
            c.close()


def _threads(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return 0


def test_a_thread_per_connection_ends_with_it(site):
    """Each connection's thread (and its database connection, pooled) ends
    with the connection: 60 clients one after another, each reading a row
    and writing one, leave no thread behind, and every answer is right."""
    root, s = site
    base = _threads(s.proc.pid)
    token = "e" * 64
    for i in range(60):
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
        c.request("GET", "/1/")
        r = c.getresponse()
        assert (r.status, r.read()) == (200, b"First")
        if i % 10 == 0:
            c.request("POST", "/new/", body=f"title=t{i}", headers={
                "Cookie": "csrftoken=" + token, "X-CSRFToken": token,
                "Content-Type": "application/x-www-form-urlencoded"})
            r = c.getresponse()
            r.read()
            assert r.status == 302
        c.close()
    # Closed connections' threads end (and are joined as new ones start).
    assert wait_for(lambda: _threads(s.proc.pid) <= base + 1), (_threads(s.proc.pid), base)
    con = sqlite3.connect(root / "db.sqlite3")
    titles = [r[0] for r in con.execute("SELECT title FROM blog_post WHERE title LIKE 't%' ORDER BY id")]
    con.close()
    assert titles == [f"t{i}" for i in range(0, 60, 10)]
    sql(root, "DELETE FROM blog_post WHERE title LIKE 't%'")


def test_ctrl_c_with_open_connections_exits_0(tmp_path):
    root = make_project(tmp_path, FILES)
    migrate(root)
    s = Server(root)
    idle = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
    idle.request("GET", "/about/")
    idle.getresponse().read()
    partial = socket.create_connection(("127.0.0.1", s.port), timeout=10)
    partial.sendall(b"GET /about/ HTTP/1.1\r\n")
    try:
        s.proc.send_signal(signal.SIGINT)
        s.proc.wait(timeout=10)
    finally:
        idle.close()
        partial.close()
    rc, out, err = s.stop()
    assert rc == 0
    assert "Traceback" not in err and "terminate" not in err
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", s.port)) != 0


# --- no request can take the server down -------------------------------------------------------------------

BAD_REQUESTS = {
    "garbage": b"\x00\x01\x02garbage\r\n\r\n",
    "no version": b"GET /\r\n\r\n",
    "bad method": b"G@T / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "huge header": b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 200000 + b"\r\n\r\n",
    "many headers": b"GET /about/ HTTP/1.1\r\nHost: localhost\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(2000)) + b"\r\n",
    "long url": b"GET /" + b"a" * 100000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "bad percent": b"GET /%zz/%ff%fe/%C0%AF HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "negative length": b"POST /about/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: -5\r\n\r\n",
    "huge length": b"POST /about/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999\r\n\r\n",
    "short body": b"POST /comment/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 100\r\n\r\nabc",
    "bad chunk": b"POST /about/ HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx\r\n",
    "no host": b"GET /about/ HTTP/1.1\r\nConnection: close\r\n\r\n",
    "nul": b"GET /ab\x00out/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "bad utf-8": b"GET /\xff\xfe/?q=\xff HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "bad cookie": b"GET /about/ HTTP/1.1\r\nHost: localhost\r\nCookie: ;;;=;sessionid=\xff\"\r\nConnection: close\r\n\r\n",
    "bad multipart": b"POST /comment/ HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                     b"Content-Length: 20\r\nConnection: close\r\n\r\n--x\r\nbroken\r\n\r\n\r\n",
    "huge pk": b"GET /99999999999999999999999/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
    "tls hello": b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,
    "pipelined": b"GET /about/ HTTP/1.1\r\nHost: localhost\r\n\r\nGET /nowhere/ HTTP/1.1\r\nHost: localhost\r\n"
                 b"Connection: close\r\n\r\n",
}


@pytest.mark.parametrize("name", list(BAD_REQUESTS))
def test_bad_requests_do_not_take_the_server_down(site, name):
    _, s = site
    answer = raw(s.port, BAD_REQUESTS[name], timeout=3)
    if answer:
        status = int(answer.split(b" ", 2)[1])
        assert status < 500 or name == "huge pk", answer[:300]
    assert s.proc.poll() is None
    assert s.get("/about/") == (200, s.get("/about/")[1], "about /about/")


def test_a_malformed_request_gets_one_400_and_the_connection_closes(site):
    """As Python's http.server (Django's runserver): one 400, then the
    connection is closed rather than the rest parsed as more requests."""
    _, s = site
    answer = raw(s.port, b"garbage\r\n\r\n", timeout=3)
    assert answer.count(b"HTTP/1.1 400 ") == 1, answer


def test_pipelined_requests_answered_in_order(site):
    _, s = site
    answer = raw(s.port, BAD_REQUESTS["pipelined"])
    assert answer.count(b"HTTP/1.1 ") == 2
    first, second = answer.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"200 OK") and first.endswith(b"about /about/")
    assert second.startswith(b"404 ")


def test_abandoned_connections_and_a_raising_view(site):
    _, s = site
    for _ in range(20):  # clients that go away mid-request or before reading
        with socket.create_connection(("127.0.0.1", s.port)) as c:
            c.sendall(b"GET /broken/ HTTP/1.1\r\nHost: localhost\r\n\r\n")
        with socket.create_connection(("127.0.0.1", s.port)) as c:
            c.sendall(b"POST /about/ HTTP/1.1\r\nHost: localhost\r\nContent-Length: 1000\r\n\r\nabc")
    for _ in range(3):
        assert s.get("/broken/")[0] == 500
        assert s.get("/about/")[2] == "about /about/"
    assert s.proc.poll() is None


# --- ALLOWED_HOSTS ----------------------------------------------------------------------------------------

def test_disallowed_host_with_debug(site):
    _, s = site
    status, headers, body = s.get("/about/", headers={"Host": "evil.example:8000"})
    assert status == 400
    # Django's technical 500 page with status 400 for the DisallowedHost exception.
    assert "<title>DisallowedHost at /about/</title>" in body
    assert ("Invalid HTTP_HOST header: &#x27;evil.example:8000&#x27;. You may need to add &#x27;evil.example&#x27; "
            "to ALLOWED_HOSTS.") in body
    status, _, body = s.get("/about/", headers={"Host": "<b>x</b>"})
    assert status == 400
    assert "Invalid HTTP_HOST header: &#x27;&lt;b&gt;x&lt;/b&gt;&#x27;. The domain name provided is not valid " \
           "according to RFC 1034/1035." in body
    assert "<b>x</b>" not in body
    # With DEBUG and ALLOWED_HOSTS empty: .localhost, 127.0.0.1, [::1].
    for host in ("localhost", "sub.localhost:1", "127.0.0.1:8000", "[::1]:8000"):
        assert s.get("/about/", headers={"Host": host})[0] == 200, host


def test_disallowed_host_without_debug(tmp_path):
    root = make_project(tmp_path, FILES)
    production(root, hosts="[127.0.0.1, .example.com]")
    migrate(root)
    s = Server(root)
    try:
        status, headers, body = s.get("/about/", headers={"Host": "evil.example"})
        assert status == 400
        assert body == ("\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Bad Request (400)</title>\n</head>\n"
                        "<body>\n  <h1>Bad Request (400)</h1><p></p>\n</body>\n</html>\n")
        assert s.get("/about/", headers={"Host": "localhost"})[0] == 400  # not implied without DEBUG
        assert s.get("/about/", headers={"Host": "www.example.com"})[0] == 200
        assert s.get("/about/", headers={"Host": "example.com"})[0] == 200
        (root / "templates" / "400.html").write_text("custom bad request")
        assert s.get("/about/", headers={"Host": "evil.example"})[2] == "custom bad request"
    finally:
        rc, _, err = s.stop()
    assert rc == 0
    assert '"GET /about/ HTTP/1.1" 400 ' in err


# --- error pages ------------------------------------------------------------------------------------------

def test_production_500_template_and_log_details(tmp_path):
    root = make_project(tmp_path, FILES)
    production(root)
    migrate(root)
    s = Server(root)
    try:
        status, _, body = s.get("/broken/")
        assert status == 500
        assert body == ("\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Server Error (500)</title>\n</head>\n"
                        "<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n")
        status, _, body = s.get("/nowhere/")
        assert status == 404
        assert body == ("\n<!doctype html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n"
                        "<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n"
                        "</body>\n</html>\n")
        (root / "templates" / "500.html").write_text("custom 500 {{ request.path }}")
        # Django renders 500.html with an empty context.
        assert s.get("/broken/") == (500, s.get("/broken/")[1], "custom 500 ")
        assert s.get("/static/css/x.css")[0] == 404
    finally:
        rc, _, err = s.stop()
    assert rc == 0
    assert "Internal Server Error: /broken/" in err
    # The details go to the log.
    assert "NoReverseMatch: Reverse for 'missing' not found. 'missing' is not a valid view function or pattern " \
           "name." in err, err
    assert "broken.html" in err


def test_debug_500_page_names_template_and_line(site):
    _, s = site
    status, headers, body = s.get("/broken/")
    assert status == 500
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert "<title>NoReverseMatch at /broken/</title>" in body
    assert "Reverse for &#x27;missing&#x27; not found. &#x27;missing&#x27; is not a valid view function or " \
           "pattern name." in body
    assert "In template <code>" in body and "broken.html</code>, error at line <strong>2</strong>" in body


def test_debug_404_for_a_missing_object_and_a_path(site):
    _, s = site
    # A view's Http404: Django lists resolver_match.tried (up to the pattern
    # that matched) and names the view that raised it.
    status, headers, body = s.get("/2/")
    assert status == 404 and headers["Content-Type"] == "text/html"  # as HttpResponseNotFound(content_type=...)
    assert '<pre class="exception_value">No post found matching the query</pre>' in body
    assert "<th>Raised by:</th>\n        <td>blog.post_detail</td>" in body
    assert re.search(r"about/\s*\[name='about'\]\s*</li>\s*<li>\s*&lt;int:pk&gt;/\s*\[name='post_detail'\]\s*</li>"
                     r"\s*</ol>", body), body
    assert "The current path, <code>2/</code>, matched the last one." in body
    status, _, body = s.get("/nowhere/<script>/")
    assert status == 404
    assert "<script>" not in body
    assert "Using the URLconf defined in <code>urls.yaml</code>" in body
    assert re.search(r"about/\s*\[name='about'\]", body)
    assert "The current path, <code>nowhere/&lt;script&gt;/</code>, didn’t match any of these." in body


# --- the welcome page -------------------------------------------------------------------------------------

def test_welcome_page_on_every_path_and_only_with_debug(tmp_path):
    root = make_project(tmp_path, {}, apps=())
    s = Server(root)
    try:
        for path in ("/", "/anything/here"):
            status, headers, body = s.get(path)
            assert status == 200, path  # Django's default_urlconf answers 200 for any path
            assert headers["Content-Type"] == "text/html"
            assert "The install worked successfully! Congratulations!" in body
        production(root)
        status, _, body = s.get("/")
        assert status == 404
        assert "Congratulations" not in body
    finally:
        s.stop()


# --- SQLite ------------------------------------------------------------------------------------------------

def test_sqlite_wal_journal_and_foreign_keys(site):
    root, s = site
    assert s.get("/1/") == (200, s.get("/1/")[1], "First")
    con = sqlite3.connect(root / "db.sqlite3")
    try:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        con.close()
    # Foreign keys are enforced: a comment on a post that does not exist fails
    # at commit, as Django's (deferred constraint) IntegrityError.
    token = "b" * 64
    status, _, body = s.request("POST", "/comment/", body="text=hi", headers={
        "Cookie": "csrftoken=" + token, "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 500
    assert "IntegrityError" in body and "FOREIGN KEY constraint failed" in body
    con = sqlite3.connect(root / "db.sqlite3")
    try:
        assert con.execute("SELECT COUNT(*) FROM blog_comment").fetchone()[0] == 0
    finally:
        con.close()
    assert s.get("/about/")[0] == 200


def test_request_log_is_utf8_with_a_latin1_request_line(tmp_path):
    root = make_project(tmp_path, {}, apps=())
    port = free_port()
    proc = subprocess.Popen([MVT, "runserver", str(port), "--noreload"], cwd=root, env=clean_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.time() + 20
        while time.time() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        raw(port, b"GET /\xff\xfe/?q=\xe9 HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=10)
    text = err.decode("utf-8")  # raises if the console got bytes that are not UTF-8
    assert re.search(r'"GET /\u00ff\u00fe/\?q=\u00e9 HTTP/1\.1" 200 \d+', text), text


def _post_form(s, path, body):
    token = "d" * 64
    return s.request("POST", path, body=body, headers={
        "Cookie": "csrftoken=" + token, "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"})


def test_concurrent_writes_and_a_busy_database(site):
    root, s = site
    results = []

    def write(i):
        results.append(_post_form(s, "/new/", f"title=concurrent+{i}")[0])

    threads = [threading.Thread(target=write, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [302] * 16
    con = sqlite3.connect(root / "db.sqlite3", check_same_thread=False)
    assert con.execute("SELECT COUNT(*) FROM blog_post WHERE title LIKE 'concurrent %'").fetchone()[0] == 16
    # Another process holds the write lock for a moment: the request waits
    # for it (Django's SQLite timeout, 5 s) instead of failing "database is locked".
    con.execute("BEGIN IMMEDIATE")
    con.execute("INSERT INTO blog_post (title, body) VALUES ('external', '')")
    released = threading.Timer(1.0, con.commit)
    released.start()
    try:
        status, headers, _ = _post_form(s, "/new/", "title=after+the+lock")
    finally:
        released.join()
    assert status == 302 and headers["Location"] == "/about/"
    assert con.execute("SELECT COUNT(*) FROM blog_post WHERE title IN ('external', 'after the lock')").fetchone()[0] == 2
    con.close()


def test_security_headers_on_every_kind_of_response(site):
    """SecurityMiddleware's defaults in Django 3.2 (nosniff, same-origin) and
    XFrameOptionsMiddleware's DENY; nothing Django 3.2 does not send."""
    _, s = site
    token = "e" * 64
    responses = {
        "page": s.get("/about/"),
        "object 404": s.get("/100000/"),
        "url 404": s.get("/nowhere/"),
        "500": s.get("/broken/"),
        "405": s.request("POST", "/about/", body="", headers={
            "Cookie": "csrftoken=" + token, "X-CSRFToken": token,
            "Content-Type": "application/x-www-form-urlencoded"}),
        "csrf 403": s.request("POST", "/about/", body=""),
    }
    assert [r[0] for r in responses.values()] == [200, 404, 404, 500, 405, 403]
    for kind, (_, headers, _) in responses.items():
        assert headers.get("X-Content-Type-Options") == "nosniff", kind
        assert headers.get("Referrer-Policy") == "same-origin", kind
        assert headers.get("X-Frame-Options") == "DENY", kind
        for absent in ("Strict-Transport-Security", "Cross-Origin-Opener-Policy", "X-XSS-Protection",
                       "Content-Security-Policy"):
            assert absent not in headers, (kind, absent)
    # Responses CommonMiddleware makes itself never pass XFrameOptionsMiddleware
    # (the innermost): SecurityMiddleware's headers only, as Django 3.2.
    for kind, (status, headers, _) in {"append slash": s.get("/about"),
                                       "disallowed host": s.get("/about/", headers={"Host": "evil.example"})}.items():
        assert status in (301, 400), kind
        assert headers.get("X-Content-Type-Options") == "nosniff" and headers.get("Referrer-Policy") == "same-origin"
        assert "X-Frame-Options" not in headers, kind
    # Static files: runserver's StaticFilesHandler answers before any middleware.
    status, headers, _ = s.get("/static/missing.css")
    assert status == 404 and "X-Frame-Options" not in headers and "X-Content-Type-Options" not in headers


def test_console_names_each_error_as_django(tmp_path):
    """The django.request / django.security messages Django's runserver
    prints with DEBUG, one per failed request, before its log line."""
    files = dict(FILES)
    files["blog/views.yaml"] = VIEWS + "gone:\n  view: RedirectView\n  url: \"{{ request.GET.to }}\"\n"
    files["blog/urls.yaml"] = URLS + '  - {path: "gone/", view: gone, name: gone}\n'
    root = make_project(tmp_path, files)
    migrate(root)
    s = Server(root, "--noreload")
    token = "f" * 64
    csrf = {"Cookie": "csrftoken=" + token, "X-CSRFToken": token, "Content-Type": "application/x-www-form-urlencoded"}
    try:
        assert s.request("PUT", "/about/", body="a=1", headers=csrf)[0] == 405
        assert s.get("/gone/")[0] == 410
        assert s.get("/2/")[0] == 404
        assert s.get("/nowhere/")[0] == 404
        assert s.request("POST", "/about/", body="a=1")[0] == 403
        assert s.get("/broken/")[0] == 500
        assert s.get("/about/", headers={"Host": "evil.example"})[0] == 400
        assert s.get("/about/")[0] == 200
    finally:
        rc, _, err = s.stop()
    lines = [l for l in err.splitlines() if not l.startswith("[") and not l.startswith("Watching")]
    assert lines[:6] == [
        "Method Not Allowed (PUT): /about/",
        "Gone: /gone/",
        "Not Found: /2/",
        "Not Found: /nowhere/",
        "Forbidden (CSRF cookie not set.): /about/",
        "Internal Server Error: /broken/",
    ], err
    assert "Invalid HTTP_HOST header: 'evil.example'. You may need to add 'evil.example' to ALLOWED_HOSTS." in lines
    assert not any(l.startswith("OK") for l in lines)


def test_other_methods_reach_the_view_as_django(site):
    """Python's http.server takes any word as the method: Django's View
    answers 405 with Allow (TRACE is safe for CSRF; other methods meet the
    CSRF check first: 403), the method upper-cased as WSGIRequest does."""
    _, s = site
    status, headers, _ = s.request("TRACE", "/about/")
    assert status == 405 and headers["Allow"] == "GET, HEAD, OPTIONS"
    assert s.request("FOO", "/about/")[0] == 403
    token = "c" * 64
    csrf = {"Cookie": "csrftoken=" + token, "X-CSRFToken": token}
    status, headers, _ = s.request("FOO", "/about/", headers=csrf)
    assert status == 405 and headers["Allow"] == "GET, HEAD, OPTIONS"
    assert s.request("CONNECT", "/about/")[0] == 403  # unsafe for CsrfViewMiddleware
    answer = raw(s.port, b"get /about/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and answer.endswith(b"about /about/")
    # One connection, several requests: the stand-in does not leak into the next one.
    answer = raw(s.port, b"TRACE /about/ HTTP/1.1\r\nHost: localhost\r\n\r\n"
                         b"GET /about/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
    assert answer.count(b"HTTP/1.1 405 ") == 1 and answer.endswith(b"about /about/")


def test_other_methods_in_the_log_as_django(tmp_path):
    root = make_project(tmp_path, FILES)
    migrate(root)
    s = Server(root, "--noreload")
    try:
        assert s.request("TRACE", "/about/")[0] == 405
        assert s.request("PROPFIND", "/about/")[0] == 403
    finally:
        _, _, err = s.stop()
    assert "Method Not Allowed (TRACE): /about/" in err
    assert re.search(r'"TRACE /about/ HTTP/1\.1" 405 0$', err, re.M), err
    assert "Forbidden (CSRF cookie not set.): /about/" in err
    assert re.search(r'"PROPFIND /about/ HTTP/1\.1" 403 \d+$', err, re.M), err


def test_a_body_without_content_length_is_empty_as_django(site):
    """wsgiref reads CONTENT_LENGTH bytes: none without the header; the
    request is answered at once (the connection stays usable)."""
    root, s = site
    token = "c" * 64
    head = ("Host: localhost\r\nCookie: csrftoken=%s\r\nX-CSRFToken: %s\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\n" % (token, token)).encode()
    with socket.create_connection(("127.0.0.1", s.port), timeout=5) as c:
        c.sendall(b"PUT /about/ HTTP/1.1\r\n" + head + b"\r\n")
        first = c.recv(65536)
        assert first.startswith(b"HTTP/1.1 405 "), first[:100]
        c.sendall(b"POST /about/ HTTP/1.1\r\n" + head + b"Connection: close\r\n\r\n")
        answer = recv_until_closed(c)
    assert answer.startswith(b"HTTP/1.1 405 "), answer[:200]


def _environ(pid):
    """The process's environment as the kernel holds it (glibc writes NULs
    into GLIBC_TUNABLES where its tunables are separated by ':')."""
    with open(f"/proc/{pid}/environ", "rb") as f:
        return f.read()


def _comm(pid):
    with open(f"/proc/{pid}/comm") as f:
        return f.read().strip()


def test_runserver_runs_with_a_larger_malloc_cache(site):
    """runserver re-executes itself once with glibc's per-thread cache enlarged
    (cli/malloc_tuning.hpp): same process, same name, still serving. A
    tcache_count the user set is left as it is, other tunables are kept."""
    root, _ = site
    base = {k: v for k, v in clean_env().items() if k != "GLIBC_TUNABLES"}
    plain = Server(root, env=base)
    other = Server(root, env={**base, "GLIBC_TUNABLES": "glibc.malloc.mxfast=64"})
    mine = Server(root, env={**base, "GLIBC_TUNABLES": "glibc.malloc.tcache_count=16"})
    try:
        assert b"\0GLIBC_TUNABLES=glibc.malloc.tcache_count=1024\0" in b"\0" + _environ(plain.proc.pid)
        assert _comm(plain.proc.pid) == "mvt"  # not "exe": ps and pkill see mvt
        assert re.search(rb"GLIBC_TUNABLES=glibc\.malloc\.mxfast=64[:\0]glibc\.malloc\.tcache_count=1024\0",
                         _environ(other.proc.pid))
        assert b"GLIBC_TUNABLES=glibc.malloc.tcache_count=16\0" in _environ(mine.proc.pid)
        assert b"tcache_count=1024" not in _environ(mine.proc.pid)
        for s in (plain, other, mine):
            assert s.request("GET", "/1/")[0] == 200
    finally:
        for s in (plain, other, mine):
            s.stop()


def test_large_responses_arrive_whole_on_a_kept_alive_connection(tmp_path):
    """Bodies past the socket's buffer (kDirectWrite, 4 KB) go out behind
    their headers in one sendmsg() that the kernel may take in parts: a
    200 KB page and a 300 KB static file arrive byte for byte, and the same
    connection then serves the next request."""
    files = dict(FILES)
    files["blog/templates/blog/post_detail.html"] = "[{{ object.body }}]"
    root = make_project(tmp_path, files)
    migrate(root)
    body = "".join(f"line {i} <b>&'\"</b>\n" for i in range(8000))
    con = sqlite3.connect(root / "db.sqlite3")
    con.execute("INSERT INTO blog_post (id, title, body) VALUES (1, 'Big', ?)", (body,))
    con.commit()
    con.close()
    blob = bytes(range(256)) * 1200
    (root / "static").mkdir(exist_ok=True)
    (root / "static" / "big.bin").write_bytes(blob)
    s = Server(root)
    try:
        c = http.client.HTTPConnection("127.0.0.1", s.port, timeout=10)
        c.request("GET", "/1/")
        r = c.getresponse()
        escaped = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
        assert (r.status, r.read().decode()) == (200, "[" + escaped.replace("'", "&#x27;") + "]")
        c.request("GET", "/static/big.bin")
        r = c.getresponse()
        assert (r.status, r.read()) == (200, blob)
        c.request("GET", "/about/")
        r = c.getresponse()
        assert (r.status, r.read()) == (200, b"about /about/")
        c.close()
    finally:
        s.stop()
