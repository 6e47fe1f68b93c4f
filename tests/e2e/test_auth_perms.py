"""`perms` in templates and the password_change views of `include: auth`
over HTTP on the real binary (issue 6), checked against Django 3.2's
behaviour: PermWrapper / PermLookupDict (django.contrib.auth.context_processors)
with ModelBackend's permissions, and PasswordChangeView / PasswordChangeForm
(the form's HTML and messages come from Django itself in the test)."""
import ast
import html
import json
import re
import sqlite3
import subprocess

import pytest

from server_util import Server
from test_auth_forms import DEMO, Browser, make_site, rows

PERMS_TEMPLATE = ("[{{ perms.shop }}][{{ perms.blog }}][{% if perms.shop.add_order %}add{% endif %}]"
                  "[{% if perms.shop.delete_order %}del{% endif %}][{% if perms.shop %}shop{% endif %}]"
                  "[{% if perms.auth %}auth{% endif %}][{{ perms.shop.add_order }}][{{ user }}]"
                  "[{% if 'shop.add_order' in perms %}in{% endif %}{% if 'auth' in perms %}+auth{% endif %}]\n")


@pytest.fixture
def perms_site(tmp_path):
    root = make_site(tmp_path)
    (root / "shop" / "views.yaml").write_text((root / "shop" / "views.yaml").read_text() + """
perms_page:
  view: TemplateView
  template_name: perms.html
""")
    (root / "shop" / "urls.yaml").write_text((root / "shop" / "urls.yaml").read_text() + """\
  - {path: "perms/", view: perms_page, name: perms_page}
""")
    (root / "shop" / "templates" / "perms.html").write_text(PERMS_TEMPLATE)
    reg = root / "templates" / "registration"
    (reg / "password_change_form.html").write_text("{{ form.as_p }}")
    (reg / "password_change_done.html").write_text("{% extends 'base.html' %}{% block content %}Changed.{% endblock %}")
    server = Server(root)
    yield root, server
    server.stop()


def add_user(con, pk, username, *, superuser=0, active=1):
    """A user with the demo user's password hash (password pw-<username> is not needed: same as demo's)."""
    con.execute("INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, is_staff, "
                "is_active, date_joined) SELECT ?, password, ?, ?, '', '', '', ?, ?, '2026-01-01 00:00:00' "
                "FROM auth_user WHERE username = 'demo'", (pk, superuser, username, superuser, active))


def perm_id(con, label):
    app, codename = label.split(".")
    (pk,) = con.execute("SELECT p.id FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id "
                        "WHERE ct.app_label = ? AND p.codename = ?", (app, codename)).fetchone()
    return pk


def perms_page(browser):
    status, _, body = browser.get("/shop/perms/")
    assert status == 200, body
    m = re.fullmatch(r"\[(.*?)\]\[(.*?)\](.*)\n", body)
    assert m, body
    # str(user.get_all_permissions()): a Python set (in arbitrary order in Django).
    as_set = [ast.literal_eval(html.unescape(m.group(i))) for i in (1, 2)]
    return as_set, m.group(3)


def test_perms_in_templates(perms_site):
    root, s = perms_site
    con = sqlite3.connect(root / "db.sqlite3")
    add_user(con, 2, "alice")
    add_user(con, 3, "bob")
    add_user(con, 4, "root", superuser=1)
    add_user(con, 5, "carol", active=0)
    con.execute("INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (2, ?)",
                (perm_id(con, "shop.add_order"),))
    con.execute("INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (5, ?)",
                (perm_id(con, "shop.add_order"),))
    con.execute("INSERT INTO auth_group (id, name) VALUES (1, 'clerks')")
    for label in ("shop.change_order", "auth.view_user"):
        con.execute("INSERT INTO auth_group_permissions (group_id, permission_id) VALUES (1, ?)", (perm_id(con, label),))
    con.execute("INSERT INTO auth_user_groups (user_id, group_id) VALUES (3, 1)")
    con.commit()
    every = {f"{a}.{c}" for a, c in con.execute(
        "SELECT ct.app_label, p.codename FROM auth_permission p JOIN django_content_type ct ON ct.id = p.content_type_id")}
    con.close()
    assert {"shop.add_order", "blog.view_post", "sessions.delete_session"} <= every

    # Anonymous: AnonymousUser has no permissions; the set prints as set().
    anon = Browser(s)
    assert perms_page(anon) == ([set(), set()], "[][][][][False][AnonymousUser][]")
    assert rows(root, "SELECT COUNT(*) FROM django_session") == [(0,)]

    # A direct permission. {{ perms.shop }} prints every permission of the user (all apps).
    alice = Browser(s)
    assert alice.login("alice", DEMO[1])[0] == 302
    assert perms_page(alice) == ([{"shop.add_order"}] * 2, "[add][][shop][][True][alice][in]")

    # Permissions through a group.
    bob = Browser(s)
    assert bob.login("bob", DEMO[1])[0] == 302
    assert perms_page(bob) == ([{"shop.change_order", "auth.view_user"}] * 2, "[][][shop][auth][False][bob][+auth]")

    # A superuser has every permission, also ones that do not exist.
    root_b = Browser(s)
    assert root_b.login("root", DEMO[1])[0] == 302
    assert perms_page(root_b) == ([every] * 2, "[add][del][shop][auth][True][root][in+auth]")

    # An inactive user cannot sign in (ModelBackend refuses it: Django's
    # message is the one for a wrong password) and so has no permissions.
    carol = Browser(s)
    status, _, body = carol.login("carol", DEMO[1])
    assert status == 200
    assert "Please enter a correct username and password. Note that both fields may be case-sensitive." in body
    assert "inactive" not in body
    assert perms_page(carol) == ([set(), set()], "[][][][][False][AnonymousUser][]")


def test_perms_are_read_per_request_and_deactivation_signs_out(perms_site):
    root, s = perms_site
    b = Browser(s)
    assert b.login()[0] == 302
    assert perms_page(b) == ([set(), set()], "[][][][][False][demo][]")
    con = sqlite3.connect(root / "db.sqlite3")
    con.execute("INSERT INTO auth_user_user_permissions (user_id, permission_id) VALUES (1, ?)",
                (perm_id(con, "shop.add_order"),))
    con.commit()
    assert perms_page(b) == ([{"shop.add_order"}] * 2, "[add][][shop][][True][demo][in]")
    # A user made inactive after signing in is AnonymousUser on the next
    # request (ModelBackend.get_user), and the session is kept, as Django.
    con.execute("UPDATE auth_user SET is_active = 0 WHERE id = 1")
    con.commit()
    con.close()
    assert perms_page(b) == ([set(), set()], "[][][][][False][AnonymousUser][]")
    assert rows(root, "SELECT COUNT(*) FROM django_session") == [(1,)]


DJANGO_FORM = r"""
import json, sys
import django
from django.conf import settings
settings.configure(
    SECRET_KEY='x', INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'],
    DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
    AUTH_PASSWORD_VALIDATORS=[{'NAME': 'django.contrib.auth.password_validation.' + n} for n in (
        'UserAttributeSimilarityValidator', 'MinimumLengthValidator', 'CommonPasswordValidator',
        'NumericPasswordValidator')])
django.setup()
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.models import User
fields = json.loads(sys.argv[1])
cases = json.loads(sys.argv[2])
user = User(**fields)
out = [PasswordChangeForm(user).as_p()]
for data in cases:
    form = PasswordChangeForm(user, data)
    out.append([form.is_valid(), form.as_p()])
print(json.dumps(out))
"""

FAILING_CASES = [
    {"old_password": "wrong", "new_password1": "Fresh-pass-456", "new_password2": "Fresh-pass-456"},
    {"old_password": DEMO[1], "new_password1": "Fresh-pass-456", "new_password2": "Fresh-pass-457"},
    {"old_password": DEMO[1], "new_password1": "demo", "new_password2": "demo"},
    {"old_password": DEMO[1], "new_password1": "demo@example", "new_password2": "demo@example"},
    {"old_password": DEMO[1], "new_password1": "12345678", "new_password2": "12345678"},
    {"old_password": "", "new_password1": "", "new_password2": ""},
    {"old_password": "wrong", "new_password1": "a", "new_password2": "b"},
    {"old_password": " " + DEMO[1], "new_password1": " Fresh-pass-456 ", "new_password2": " Fresh-pass-456 "},
]


def change(browser, data):
    """POSTs to password_change (its template here is just {{ form.as_p }}:
    the CSRF token comes from the shop's page)."""
    return browser.open("/accounts/password_change/", {**data, "csrfmiddlewaretoken": browser.token("/shop/")})


def test_password_change_form_as_django(perms_site):
    root, s = perms_site
    fixture = json.loads((root / "shop" / "fixtures" / "sample.json").read_text())
    demo = next(o["fields"] for o in fixture if o["model"] == "auth.user")
    fields = {k: demo[k] for k in ("username", "password", "email", "first_name", "last_name")}
    expected = json.loads(subprocess.run(["/usr/bin/python3", "-c", DJANGO_FORM, json.dumps(fields),
                                          json.dumps(FAILING_CASES)],
                                         capture_output=True, text=True, check=True).stdout)
    b = Browser(s)
    assert b.login()[0] == 302
    status, _, body = b.get("/accounts/password_change/")
    assert status == 200
    assert body == expected[0]
    for data, (valid, form_html) in zip(FAILING_CASES, expected[1:]):
        assert not valid
        status, _, body = change(b, data)
        assert status == 200, data
        assert body == form_html, data
    # Nothing changed: the old password still signs in.
    assert Browser(s).login()[0] == 302


def test_password_change_success(perms_site):
    root, s = perms_site
    # Anonymous users are sent to the login page, as login_required does.
    anon = Browser(s)
    status, headers, _ = anon.get("/accounts/password_change/")
    assert status == 302 and headers["Location"] == "/accounts/login/?next=/accounts/password_change/"
    status, headers, _ = anon.get("/accounts/password_change/done/")
    assert status == 302 and headers["Location"] == "/accounts/login/?next=/accounts/password_change/done/"

    a, other = Browser(s), Browser(s)
    assert a.login()[0] == 302 and other.login()[0] == 302
    assert "Signed in as demo" in other.get("/shop/")[2]
    before = a.cookie("sessionid")
    new = "Fresh-pass-456"
    status, headers, _ = change(a, {"old_password": DEMO[1], "new_password1": new, "new_password2": new})
    assert status == 302 and headers["Location"] == "/accounts/password_change/done/"
    # update_session_auth_hash: a new session key, and this session stays signed in.
    assert a.cookie("sessionid") and a.cookie("sessionid") != before
    status, _, body = a.get("/accounts/password_change/done/")
    assert status == 200 and "Changed." in body and "Signed in as demo" in body
    assert "Signed in as demo" in a.get("/shop/")[2]
    # Every other session of the user is signed out (its auth hash no longer
    # matches: get_user flushes it and the cookie is deleted).
    status, headers, body = other.get("/shop/")
    assert "Signed in as" not in body and "Log in" in body
    assert any(c.startswith('sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/')
               for c in headers.get_all("Set-Cookie") or []), headers
    assert other.get("/shop/place/")[0] == 302
    # The old password no longer signs in; the new one does.
    assert Browser(s).login()[0] == 200
    assert Browser(s).login(password=new)[0] == 302
    # The stored hash is Django's format and Django accepts it.
    (stored,) = rows(root, "SELECT password FROM auth_user WHERE username = 'demo'")[0]
    assert stored.startswith("pbkdf2_sha256$600000$")
    ok = subprocess.run(["/usr/bin/python3", "-c",
                         "import sys; from django.conf import settings; settings.configure(); "
                         "from django.contrib.auth.hashers import check_password; "
                         "print(check_password(sys.argv[1], sys.argv[2]))", new, stored],
                        capture_output=True, text=True, check=True).stdout.strip()
    assert ok == "True"
