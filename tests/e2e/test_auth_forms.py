"""Forms, sessions, CSRF and auth over HTTP on the real binary (issue 6),
driving a copy of examples/mysite (the seed blog and shop)."""
import http.cookiejar
import json
import re
import secrets
import shutil
import sqlite3
import subprocess
import urllib.error
import urllib.parse
import urllib.request

import pytest

from conftest import SOURCE_DIR, run_mvt
from server_util import Server

DEMO = ("demo", "mvt-demo-2026")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """A cookie-keeping client that does not follow redirects."""

    def __init__(self, server):
        self.base = f"http://127.0.0.1:{server.port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def open(self, path, data=None, headers=None):
        body = None
        if data is not None:
            body = data.encode() if isinstance(data, str) else urllib.parse.urlencode(data, doseq=True).encode()
        req = urllib.request.Request(self.base + path, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=10) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def get(self, path):
        return self.open(path)

    def post(self, path, data, token=True):
        data = dict(data)
        if token:
            data["csrfmiddlewaretoken"] = self.token(path)
        return self.open(path, data)

    def token(self, path):
        _, _, body = self.get(path)
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        assert m, body
        return m.group(1)

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def login(self, username=DEMO[0], password=DEMO[1], next_url=""):
        data = {"username": username, "password": password}
        if next_url:
            data["next"] = next_url
        return self.post("/accounts/login/", data)


def make_site(tmp_path):
    """A migrated copy of examples/mysite with its sample data, plus views to
    update and delete products."""
    root = tmp_path / "mysite"
    shutil.copytree(SOURCE_DIR / "examples" / "mysite", root, ignore=shutil.ignore_patterns("db.sqlite3*"))
    # Views to update and delete products, beside the example's own.
    (root / "shop" / "views.yaml").write_text((root / "shop" / "views.yaml").read_text() + """
product_edit:
  view: UpdateView
  model: Product
  fields: [name, price, stock_quantity]
  login_required: true
  success_url: "{% url 'shop:product_list' %}"
product_delete:
  view: DeleteView
  model: Product
  login_required: true
  success_url: "{% url 'shop:product_list' %}"
""")
    (root / "shop" / "urls.yaml").write_text((root / "shop" / "urls.yaml").read_text() + """\
  - {path: "product/<int:pk>/edit/", view: product_edit, name: product_edit}
  - {path: "product/<int:pk>/delete/", view: product_delete, name: product_delete}
""")
    (root / "shop" / "templates" / "shop" / "product_form.html").write_text(
        '{% extends "base.html" %}{% block content %}<form method="post">{% csrf_token %}{{ form.as_p }}</form>{% endblock %}')
    (root / "shop" / "templates" / "shop" / "product_confirm_delete.html").write_text(
        '{% extends "base.html" %}{% block content %}<form method="post">{% csrf_token %}Delete {{ object }}?</form>{% endblock %}')
    for cmd in (["migrate", "--noinput"], ["loaddata", "sample"]):
        r = run_mvt(*cmd, cwd=root)
        assert r.returncode == 0, r.stdout + r.stderr
    return root


@pytest.fixture
def site(tmp_path):
    root = make_site(tmp_path)
    server = Server(root)
    yield root, server
    server.stop()


def rows(root, sql):
    con = sqlite3.connect(root / "db.sqlite3")
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_sign_in_and_out(site):
    root, s = site
    b = Browser(s)
    status, _, body = b.login(password="wrong")
    assert status == 200
    assert "Please enter a correct username and password. Note that both fields may be case-sensitive." in body
    assert 'value="demo"' in body and 'name="password" autocomplete="current-password"' in body
    status, headers, _ = b.login()
    assert status == 302 and headers["Location"] == "/shop/"  # LOGIN_REDIRECT_URL
    assert b.cookie("sessionid")
    _, _, body = b.get("/shop/")
    assert "Signed in as demo" in body
    assert rows(root, "SELECT last_login IS NOT NULL FROM auth_user WHERE username = 'demo'") == [(1,)]
    assert b.get("/accounts/logout/")[0] == 405  # logout by POST only
    token = b.token("/shop/")
    status, headers, _ = b.open("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert status == 302 and headers["Location"] == "/shop/"
    assert "Signed in as" not in b.get("/shop/")[2]


def test_next_redirects_and_off_site_next(site):
    _, s = site
    b = Browser(s)
    status, headers, _ = b.get("/shop/place/")
    assert status == 302 and headers["Location"] == "/accounts/login/?next=/shop/place/"
    status, headers, _ = b.login(next_url="/shop/place/")
    assert status == 302 and headers["Location"] == "/shop/place/"
    b2 = Browser(s)
    status, headers, _ = b2.login(next_url="https://evil.example/steal")
    assert status == 302 and headers["Location"] == "/shop/"


def test_csrf_rejections(site):
    root, s = site
    b = Browser(s)
    b.login()
    # No token at all.
    status, _, body = b.open("/shop/place/", {"total_amount": "5", "status": "pending"})
    assert status == 403
    assert "CSRF verification failed. Request aborted." in body
    assert "CSRF token missing or incorrect." in body
    # A wrong token.
    status, _, _ = b.open("/shop/place/", {"total_amount": "5", "status": "pending", "csrfmiddlewaretoken": "x" * 64})
    assert status == 403
    # No cookie at all.
    fresh = Browser(s)
    status, _, body = fresh.open("/accounts/login/", {"username": "demo", "password": DEMO[1]})
    assert status == 403 and "CSRF cookie not set." in body
    # The header works for scripts.
    token = b.token("/shop/place/")
    status, headers, _ = b.open("/shop/place/", {"total_amount": "5", "status": "pending"}, {"X-CSRFToken": token})
    assert status == 302
    assert rows(root, "SELECT COUNT(*) FROM shop_order") == [(1,)]


def test_form_errors_then_valid_post(site):
    root, s = site
    b = Browser(s)
    b.login()
    status, _, body = b.post("/shop/place/", {"total_amount": "abc", "status": "nope"})
    assert status == 200
    assert '<ul class="errorlist"><li>Enter a number.</li></ul>' in body
    assert "Select a valid choice. nope is not one of the available choices." in body
    assert 'value="abc"' in body
    assert rows(root, "SELECT COUNT(*) FROM shop_order") == [(0,)]
    status, headers, _ = b.post("/shop/place/", {"total_amount": "28.75", "status": "paid"})
    assert status == 302 and headers["Location"] == "/shop/order/1/"
    assert rows(root, "SELECT customer_id, total_amount, status FROM shop_order") == [(1, 28.75, "paid")]
    status, _, body = b.get("/shop/order/1/")
    assert status == 200
    assert "Customer: demo" in body and "Total: $28.75" in body and "Status: Paid" in body
    # The success message is shown once.
    assert "The order “Order #1” was added successfully." in body
    assert "was added successfully" not in b.get("/shop/order/1/")[2]


def test_owner_only_detail(site):
    root, s = site
    con = sqlite3.connect(root / "db.sqlite3")
    con.execute("INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
                "is_active, date_joined) VALUES (2, '!', 0, 'eve', '', '', '', 0, 1, '2026-01-01 00:00:00')")
    con.execute("INSERT INTO shop_order (id, customer_id, order_date, total_amount, status) "
                "VALUES (7, 2, '2026-11-21 07:00:00', 3, 'pending')")
    con.commit()
    con.close()
    b = Browser(s)
    b.login()
    assert b.get("/shop/order/7/")[0] == 404  # eve's order


def test_update_and_delete(site):
    root, s = site
    b = Browser(s)
    b.login()
    _, _, body = b.get("/shop/product/1/edit/")
    assert 'name="name" value="Coffee mug" maxlength="100" required id="id_name"' in body
    assert 'name="price" value="9.50" step="0.01" required id="id_price"' in body
    status, headers, _ = b.post("/shop/product/1/edit/", {"name": "Big mug", "price": "11", "stock_quantity": "7"})
    assert status == 302 and headers["Location"] == "/shop/"
    assert rows(root, "SELECT name, price, stock_quantity FROM shop_product WHERE id = 1") == [("Big mug", 11, 7)]
    assert "The product “Big mug” was changed successfully." in b.get("/shop/")[2]
    assert "Delete Notebook?" in b.get("/shop/product/2/delete/")[2]
    status, headers, _ = b.post("/shop/product/2/delete/", {})
    assert status == 302
    assert rows(root, "SELECT COUNT(*) FROM shop_product WHERE id = 2") == [(0,)]
    assert "The product “Notebook” was deleted successfully." in b.get("/shop/")[2]


def test_session_survives_restart(site):
    root, s = site
    b = Browser(s)
    b.login()
    s.stop()
    s2 = Server(root)
    try:
        b.base = f"http://127.0.0.1:{s2.port}"
        assert "Signed in as demo" in b.get("/shop/")[2]
    finally:
        s2.stop()


def test_django_made_hash_and_session_format(site):
    root, s = site
    made = subprocess.run(["/usr/bin/python3", "-c",
                           "import django; from django.conf import settings; settings.configure(); "
                           "from django.contrib.auth.hashers import make_password; print(make_password('s3cret-Pass!'))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    assert made.startswith("pbkdf2_sha256$")
    con = sqlite3.connect(root / "db.sqlite3")
    con.execute("UPDATE auth_user SET password = ? WHERE username = 'demo'", (made,))
    con.commit()
    con.close()
    b = Browser(s)
    status, headers, _ = b.login(password="s3cret-Pass!")
    assert status == 302
    # Django's iteration count is older than mvt's: the hash was upgraded on login.
    (stored,) = rows(root, "SELECT password FROM auth_user WHERE username = 'demo'")[0]
    assert stored.startswith("pbkdf2_sha256$600000$")
    # The session row decodes with Django's own code and the same SECRET_KEY.
    (data,) = rows(root, "SELECT session_data FROM django_session")[0]
    decoded = subprocess.run(["/usr/bin/python3", "-c",
                              "import sys, django; from django.conf import settings; "
                              "settings.configure(SECRET_KEY=sys.argv[1], INSTALLED_APPS=['django.contrib.sessions']); "
                              "django.setup(); from django.contrib.sessions.backends.db import SessionStore; "
                              "import json; print(json.dumps(SessionStore().decode(sys.argv[2])))",
                              "mvt-insecure-example-key-for-the-demo-only-0123456789abcdefghij", data],
                             capture_output=True, text=True, check=True).stdout
    session = json.loads(decoded)
    assert session["_auth_user_id"] == "1"
    assert session["_auth_user_backend"] == "django.contrib.auth.backends.ModelBackend"


def test_csrf_token_of_another_session_and_cookie_flags(site):
    root, s = site
    a, b = Browser(s), Browser(s)
    a.login()
    b.get("/accounts/login/")
    other = b.token("/accounts/login/")  # well formed, but masks b's secret
    assert len(other) == 64 and a.cookie("csrftoken") != b.cookie("csrftoken")
    status, _, body = a.open("/shop/place/", {"total_amount": "5", "status": "paid", "csrfmiddlewaretoken": other})
    assert status == 403 and "CSRF token missing or incorrect." in body
    # b's unmasked cookie value is no token for a either.
    status, _, _ = a.open("/shop/place/", {"total_amount": "5", "status": "paid", "csrfmiddlewaretoken": b.cookie("csrftoken")})
    assert status == 403
    assert rows(root, "SELECT COUNT(*) FROM shop_order") == [(0,)]
    # The session and CSRF cookies with Django's defaults (http.cookies prints attributes sorted).
    fresh = Browser(s)
    _, headers, _ = fresh.get("/accounts/login/")
    (csrf,) = headers.get_all("Set-Cookie")
    assert re.fullmatch(r"csrftoken=[A-Za-z0-9]{64}; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; "
                        r"Max-Age=31449600; Path=/; SameSite=Lax", csrf), csrf
    data = {"username": DEMO[0], "password": DEMO[1], "csrfmiddlewaretoken": fresh.token("/accounts/login/")}
    _, headers, _ = fresh.open("/accounts/login/", data)
    session = next(c for c in headers.get_all("Set-Cookie") if c.startswith("sessionid="))
    assert re.fullmatch(r"sessionid=[a-z0-9]{32}; expires=\w{3}, \d\d \w{3} \d{4} \d\d:\d\d:\d\d GMT; "
                        r"HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax", session), session
    # SESSION_COOKIE_SECURE / CSRF_COOKIE_SECURE add Secure.
    s.stop()
    settings = root / "settings.yaml"
    settings.write_text(settings.read_text() + "SESSION_COOKIE_SECURE: true\nCSRF_COOKIE_SECURE: true\n")
    s2 = Server(root)
    try:
        secure = Browser(s2)
        _, headers, body = secure.get("/accounts/login/")
        assert headers["Set-Cookie"].endswith("; Path=/; SameSite=Lax; Secure"), headers["Set-Cookie"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        # The jar keeps no Secure cookie over http: send it by hand.
        cookie = re.match(r"csrftoken=(\w+)", headers["Set-Cookie"]).group(1)
        status, headers, _ = secure.open("/accounts/login/", {"username": DEMO[0], "password": DEMO[1],
                                                              "csrfmiddlewaretoken": token.group(1)},
                                         {"Cookie": "csrftoken=" + cookie})
        assert status == 302
        session = next(c for c in headers.get_all("Set-Cookie") if c.startswith("sessionid="))
        assert session.endswith("; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax; Secure"), session
    finally:
        s2.stop()


def test_login_required_detail_and_logout_next(site):
    _, s = site
    b = Browser(s)
    status, headers, _ = b.get("/shop/order/1/?x=1")
    assert status == 302 and headers["Location"] == "/accounts/login/?next=/shop/order/1/%3Fx%3D1"
    b.login()
    # A safe `next` wins over LOGOUT_REDIRECT_URL (LogoutView.get_success_url)...
    token = b.token("/shop/")
    status, headers, _ = b.open("/accounts/logout/", {"csrfmiddlewaretoken": token, "next": "/blog-gone/"})
    assert status == 302 and headers["Location"] == "/blog-gone/"
    assert "Signed in as" not in b.get("/shop/")[2]
    # ...an off-site one does not.
    b.login()
    token = b.token("/shop/")
    status, headers, _ = b.open("/accounts/logout/", {"csrfmiddlewaretoken": token, "next": "//evil.example/"})
    assert status == 302 and headers["Location"] == "/shop/"


def test_mvt_hash_accepted_by_django(site):
    root, s = site
    b = Browser(s)
    assert b.login()[0] == 302  # upgrades the fixture's 260,000-iteration hash to mvt's
    (stored,) = rows(root, "SELECT password FROM auth_user WHERE username = 'demo'")[0]
    assert stored.startswith("pbkdf2_sha256$600000$")
    ok = subprocess.run(["/usr/bin/python3", "-c",
                         "import sys; from django.conf import settings; settings.configure(); "
                         "from django.contrib.auth.hashers import check_password; "
                         "print(check_password(sys.argv[1], sys.argv[2]), check_password('nope', sys.argv[2]))",
                         DEMO[1], stored], capture_output=True, text=True, check=True).stdout.split()
    assert ok == ["True", "False"]


DJANGO_MESSAGES = r"""
import json, sys
from django.conf import settings
settings.configure(SECRET_KEY=sys.argv[1], INSTALLED_APPS=['django.contrib.sessions', 'django.contrib.messages'])
import django
django.setup()
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage, MessageDecoder
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
storage = CookieStorage(HttpRequest())
if sys.argv[2] == 'decode':  # decode COOKIE [SESSION_DATA]: the cookie's list and the session's _messages
    out = storage._decode(sys.argv[3]) if sys.argv[3] else None
    session = SessionStore().decode(sys.argv[4]) if len(sys.argv) > 4 else {}
    rest = json.loads(session['_messages'], cls=MessageDecoder) if '_messages' in session else []
    print(json.dumps([None if out is None else [m if isinstance(m, str) else [m.level, m.message] for m in out],
                      [[m.level, m.message] for m in rest]]))
else:  # encode TEXT: a cookie with two messages
    print(storage._encode([Message(25, sys.argv[3]), Message(40, 'Second <b>one</b>', extra_tags='big')]))
"""
SECRET = "mvt-insecure-example-key-for-the-demo-only-0123456789abcdefghij"


def django_messages(*args):
    return subprocess.run(["/usr/bin/python3", "-c", DJANGO_MESSAGES, SECRET, *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_messages_cookie_as_django(site):
    """Django's default FallbackStorage: messages travel in a signed
    `messages` cookie that Django decodes; shown once, then deleted."""
    root, s = site
    b = Browser(s)
    b.login()
    status, headers, _ = b.post("/shop/place/", {"total_amount": "3", "status": "paid"})
    assert status == 302
    cookie = next(c for c in headers.get_all("Set-Cookie") if c.startswith("messages="))
    value = re.match(r"messages=([^;]+); HttpOnly; Path=/; SameSite=Lax$", cookie).group(1)
    assert json.loads(django_messages("decode", value)) == [[[25, "The order “Order #1” was added successfully."]], []]
    (data,) = rows(root, "SELECT session_data FROM django_session")[0]
    assert json.loads(django_messages("decode", "", data)) == [None, []]  # nothing in the session
    status, headers, body = b.get("/shop/order/1/")
    assert "The order “Order #1” was added successfully." in body
    assert any(c.startswith('messages=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax')
               for c in headers.get_all("Set-Cookie"))
    assert "was added successfully" not in b.get("/shop/order/1/")[2]
    # A cookie Django made is shown by mvt, escaped, with its level and tags.
    made = django_messages("encode", "Hello from “Django”")
    status, headers, body = b.open("/shop/", headers={"Cookie": f"messages={made}; sessionid={b.cookie('sessionid')}"})
    assert '<li class="success">Hello from “Django”</li><li class="big error">Second &lt;b&gt;one&lt;/b&gt;</li>' in body
    # A tampered cookie is ignored.
    status, _, body = b.open("/shop/", headers={"Cookie": "messages=" + made[:-3] + "abc"})
    assert status == 200 and "Hello from" not in body


def test_messages_overflow_into_the_session(site):
    """What does not fit in the 2048-byte cookie goes to the session, the
    newest first; all are shown once, oldest first."""
    root, s = site
    b = Browser(s)
    b.login()
    token = b.cookie("csrftoken")
    names = [f"{i:02d}-" + secrets.token_hex(45) for i in range(40)]  # hardly compressible
    for name in names:
        status, _, _ = b.open("/shop/product/1/edit/", {"name": name, "price": "9", "stock_quantity": "1"},
                              {"X-CSRFToken": token})
        assert status == 302
    value = b.cookie("messages")
    (data,) = rows(root, "SELECT session_data FROM django_session")[0]
    in_cookie, in_session = json.loads(django_messages("decode", value, data))
    assert in_cookie[-1] == "__messagesnotfinished__"
    shown = [m[1] for m in in_cookie[:-1] + in_session]
    assert shown == [f"The product “{n}” was changed successfully." for n in names]
    assert 0 < len(in_session) < len(names)
    body = b.get("/shop/")[2]
    assert [m for m in re.findall(r"The product “([^”]+)” was changed", body)] == names
    assert "was changed" not in b.get("/shop/")[2]
    (data,) = rows(root, "SELECT session_data FROM django_session")[0]
    assert json.loads(django_messages("decode", "", data)) == [None, []]


NEXT_VALUES = ["/shop/place/?a=1&b=2", "//evil.example/", "///evil.example/", "https://evil.example/x",
               "http://127.0.0.1/shop/", "\\\\evil.example", "/\\evil.example", "javascript:alert(1)",
               "https:///evil.example", "ftp://127.0.0.1/", " /shop/", "/shop/\u00e9/", "http:/evil.example",
               "\x08//evil.example"]


def test_next_checked_as_django(site):
    """Every `next` is judged by Django's url_has_allowed_host_and_scheme
    with the request's host: safe ones are followed, others give LOGIN_REDIRECT_URL."""
    _, s = site
    host = f"127.0.0.1:{s.port}"
    safe = json.loads(subprocess.run(
        ["/usr/bin/python3", "-c",
         "import json, sys; from django.conf import settings; settings.configure(); "
         "from django.utils.http import url_has_allowed_host_and_scheme as ok; "
         "from django.utils.encoding import iri_to_uri; "
         "print(json.dumps([[ok(u, {sys.argv[1]}), iri_to_uri(u)] for u in json.loads(sys.argv[2])]))",
         host, json.dumps(NEXT_VALUES)],
        capture_output=True, text=True, check=True).stdout)
    assert [True, "%20/shop/"] in safe and False in [ok for ok, _ in safe]
    for value, (is_safe, uri) in zip(NEXT_VALUES, safe):
        b = Browser(s)
        status, headers, _ = b.login(next_url=value)
        assert status == 302, value
        # HttpResponseRedirect: Location is iri_to_uri(next).
        assert headers["Location"] == (uri if is_safe else "/shop/"), (value, is_safe, headers["Location"])


def test_redirect_settings_defaults_and_url_names(tmp_path):
    """LOGIN_REDIRECT_URL defaults to /accounts/profile/; without
    LOGOUT_REDIRECT_URL logout renders registration/logged_out.html; a URL
    name is reversed (resolve_url)."""
    root = make_site(tmp_path)
    settings = root / "settings.yaml"
    text = settings.read_text().replace("LOGIN_REDIRECT_URL: /shop/\n", "").replace("LOGOUT_REDIRECT_URL: /shop/\n", "")
    settings.write_text(text)
    (root / "templates" / "registration" / "logged_out.html").write_text("Bye {{ user }} ({{ title }})")
    s = Server(root)
    try:
        b = Browser(s)
        status, headers, _ = b.login()
        assert status == 302 and headers["Location"] == "/accounts/profile/"
        status, _, body = b.open("/accounts/logout/", {"csrfmiddlewaretoken": b.token("/shop/")})
        assert status == 200 and body == "Bye AnonymousUser (Logged out)"
    finally:
        s.stop()
    settings.write_text(text + "LOGIN_REDIRECT_URL: shop:place_order\nLOGOUT_REDIRECT_URL: blog:index\n")
    s = Server(root)
    try:
        b = Browser(s)
        status, headers, _ = b.login()
        assert status == 302 and headers["Location"] == "/shop/place/"
        status, headers, _ = b.open("/accounts/logout/", {"csrfmiddlewaretoken": b.token("/shop/")})
        assert status == 302 and headers["Location"] == "/"
    finally:
        s.stop()
