"""Request bodies as Django 3.2's runserver reads them: urlencoded and
multipart forms up to DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) of fields, and
Django's 400 (RequestDataTooBig / TooManyFieldsSent, a SuspiciousOperation)
past it or past DATA_UPLOAD_MAX_NUMBER_FIELDS (1000)."""
import secrets
import socket
import sqlite3
import urllib.parse

import pytest

from server_util import Server, make_project, migrate, recv_until_closed

MODELS = """
Note:
  fields:
    title: {type: CharField, max_length: 200}
    body: {type: TextField, blank: true}
  str: "{{ title }}"
"""

VIEWS = """
new_note:
  view: CreateView
  model: Note
  fields: [title, body]
  success_url: "/done/"
done:
  view: TemplateView
  template_name: done.html
"""

URLS = """
app_name: notes
urlpatterns:
  - {path: "new/", view: new_note, name: new}
  - {path: "done/", view: done, name: done}
"""

TOKEN = "b" * 64
CSRF = {"Cookie": "csrftoken=" + TOKEN, "X-CSRFToken": TOKEN}
LIMIT = 2621440  # DATA_UPLOAD_MAX_MEMORY_SIZE


def project(tmp_path, debug=True):
    root = make_project(tmp_path, {
        "notes/models.yaml": MODELS, "notes/views.yaml": VIEWS, "notes/urls.yaml": URLS,
        "notes/templates/notes/note_form.html": "{{ form.errors }}",
        "templates/done.html": "done",
        "urls.yaml": 'urlpatterns:\n  - {path: "", include: notes}\n',
    }, apps=("notes",))
    if not debug:
        text = (root / "settings.yaml").read_text().replace("DEBUG: true", "DEBUG: false")
        (root / "settings.yaml").write_text(text.replace("ALLOWED_HOSTS: []", "ALLOWED_HOSTS: [127.0.0.1]"))
    migrate(root)
    return root


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = project(tmp_path_factory.mktemp("bodies"))
    server = Server(root, "--noreload")
    yield root, server
    server.stop()


def bodies(root):
    con = sqlite3.connect(root / "db.sqlite3")
    try:
        return dict(con.execute("SELECT title, body FROM notes_note").fetchall())
    finally:
        con.close()


def form(s, fields, headers=CSRF):
    body = urllib.parse.urlencode(fields)
    return s.request("POST", "/new/", body=body, headers={
        **headers, "Content-Type": "application/x-www-form-urlencoded"})


def multipart(fields, files=None):
    boundary = "----mvt" + secrets.token_hex(8)
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    for name, (filename, content) in (files or {}).items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, {"Content-Type": "multipart/form-data; boundary=" + boundary, **CSRF}


def test_a_100_kb_urlencoded_form_is_saved_whole(site):
    """cpp-httplib alone refuses urlencoded bodies past 8 KB (413)."""
    root, s = site
    text = "".join(chr(0x41 + i % 26) for i in range(100_000)) + " é & = + %"
    status, headers, _ = form(s, {"title": "big", "body": text})
    assert status == 302 and headers["Location"] == "/done/"
    assert bodies(root)["big"] == text


def test_a_large_multipart_text_field_is_saved_whole(site):
    root, s = site
    text = "line\n" * 40_000  # 200 KB
    body, headers = multipart({"title": "multi", "body": text})
    status, resp_headers, _ = s.request("POST", "/new/", body=body, headers=headers)
    assert status == 302 and resp_headers["Location"] == "/done/"
    assert bodies(root)["multi"] == text.strip()  # forms.CharField(strip=True), as Django


def test_fields_just_under_the_limit_are_accepted(site):
    root, s = site
    body = "title=edge&body=" + "x" * (LIMIT - len("title=edge&body="))
    assert len(body) == LIMIT
    status, _, _ = s.request("POST", "/new/", body=body,
                             headers={**CSRF, "Content-Type": "application/x-www-form-urlencoded"})
    assert status == 302 and len(bodies(root)["edge"]) == LIMIT - len("title=edge&body=")


def test_a_body_past_data_upload_max_memory_size_is_django_400(site):
    root, s = site
    before = len(bodies(root))
    status, headers, page = form(s, {"title": "toobig", "body": "x" * LIMIT})
    assert status == 400
    assert "RequestDataTooBig" in page and "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE." in page
    assert headers.get("X-Frame-Options") == "DENY"  # answered inside the middleware, as Django
    # Multipart: the fields count (files would not).
    body, mp_headers = multipart({"title": "toobig", "body": "y" * LIMIT})
    status, _, page = s.request("POST", "/new/", body=body, headers=mp_headers)
    assert status == 400 and "RequestDataTooBig" in page
    assert len(bodies(root)) == before
    assert s.get("/done/")[0] == 200


def test_too_many_fields_is_django_400(site):
    _, s = site
    fields = [("title", "many")] + [(f"f{i}", "1") for i in range(1000)]
    status, _, page = form(s, fields)
    assert status == 400
    assert "TooManyFieldsSent" in page
    assert "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS." in page
    # 1000 fields are fine (the extra ones are ignored by the form).
    status, _, _ = form(s, [("title", "thousand")] + [(f"f{i}", "1") for i in range(999)])
    assert status == 302


def test_csrf_is_checked_before_the_body_as_django(site):
    """Without the CSRF cookie CsrfViewMiddleware answers 403 before it reads request.POST."""
    _, s = site
    status, _, page = form(s, {"title": "x", "body": "x" * LIMIT}, headers={})
    assert status == 403 and "CSRF" in page


def test_oversized_body_console_and_connection(tmp_path):
    """Django's console lines, and the connection closes (the unread body is not parsed as requests)."""
    root = project(tmp_path, debug=False)
    s = Server(root, "--noreload")
    try:
        length = 20 * 1024 * 1024  # past the 10 MB a body may have: not even read
        head = (b"POST /new/ HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: csrftoken=" + TOKEN.encode() +
                b"\r\nX-CSRFToken: " + TOKEN.encode() +
                b"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n" % length)
        with socket.create_connection(("127.0.0.1", s.port), timeout=10) as c:
            c.sendall(head)  # the answer comes before the body is sent
            answer = recv_until_closed(c)
        assert answer.startswith(b"HTTP/1.1 400 Bad Request\r\n"), answer[:200]
        assert b"<h1>Bad Request (400)</h1>" in answer
        assert s.get("/done/")[0] == 200
    finally:
        _, _, err = s.stop()
    lines = err.splitlines()
    i = lines.index("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
    assert lines[i + 1] == "Bad Request: /new/"
    assert '"POST /new/ HTTP/1.1" 400 ' in lines[i + 2]


def test_large_file_uploads_still_limited_to_10_mb(site):
    """Files are not counted against DATA_UPLOAD_MAX_MEMORY_SIZE; the whole body past 10 MB gets 413."""
    _, s = site
    body, headers = multipart({"title": "f"}, {"attachment": ("a.bin", b"q" * (LIMIT + 10))})
    assert s.request("POST", "/new/", body=body, headers=headers)[0] == 302
    body, headers = multipart({"title": "f"}, {"attachment": ("a.bin", b"q" * (4 * LIMIT + 10))})
    assert s.request("POST", "/new/", body=body, headers=headers)[0] == 413
