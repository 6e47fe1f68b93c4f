"""`mvt check` parses every template the loaders can find (issue 7): each
TemplateSyntaxError is reported as templates.E100 at its file and line, with
the message Django 3.2's template engine gives for the same template. Django
3.2 itself has no such check (it finds these errors when rendering), so the
ID is mvt's own, after Django's templates.E001-E003. Missing {% extends %} /
{% include %} targets are not reported: Django resolves them at render time."""
import json
import subprocess

import pytest

from conftest import run_mvt
from server_util import Server, make_project

GOOD = {
    "templates/base.html": "<!doctype html>{% load static %}\n<link href=\"{% static 'css/site.css' %}\">\n"
                           "<title>{% block title %}Site{% endblock %}</title>\n{% block content %}{% endblock %}\n",
    "blog/templates/blog/post_list.html": "{% extends 'base.html' %}\n{% load static %}\n"
                                          "{% block content %}\n{% for post in object_list %}\n"
                                          "  <a href=\"{% url 'blog:detail' post.pk %}\">{{ post.title|title }}</a>\n"
                                          "  <img src=\"{% static 'blog/x.png' %}\">\n"
                                          "{% empty %}none{% endfor %}\n{% include './part.html' with x=1 %}\n"
                                          "{% endblock %}\n",
    "blog/templates/blog/part.html": "{% if x > 0 and not y %}{{ x|add:2 }}{% elif y %}y{% else %}-{% endif %}"
                                     "{% csrf_token %}{% now 'Y' %}{% static 'no-load.css' %}",
    "blog/templates/blog/email.txt": "Hello {{ user.username|default:'you' }},\n{% lorem 2 w %}\n",
    "blog/templates/blog/missing_refs.html": "{% extends 'does/not/exist.html' %}\n"
                                             "{% block content %}{% include 'nope.html' %}"
                                             "{% include name_from_context %}{% endblock %}\n",
}


def check(root, *args):
    return run_mvt("check", *args, cwd=root)


def django_syntax_error(template_dir, name):
    """(message, line) of the TemplateSyntaxError Django 3.2's engine raises
    loading `name` from `template_dir` (with the static library loadable and
    built in, as mvt's engine has it)."""
    code = """
import json, sys
import django
from django.conf import settings
settings.configure(STATIC_URL='/static/', INSTALLED_APPS=[])
django.setup()
from django.template import Engine, TemplateSyntaxError
engine = Engine(dirs=[sys.argv[1]], debug=True, libraries={'static': 'django.templatetags.static'},
                builtins=['django.templatetags.static'])
try:
    engine.get_template(sys.argv[2])
    print(json.dumps(None))
except TemplateSyntaxError as e:
    print(json.dumps([str(e), e.template_debug['line']]))
"""
    r = subprocess.run(["/usr/bin/python3", "-c", code, str(template_dir), name], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def test_good_templates_pass(tmp_path):
    root = make_project(tmp_path, GOOD)
    r = check(root)
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == "System check identified no issues (0 silenced).\n"


def test_missing_extends_and_include_targets_are_not_reported(tmp_path):
    # Django looks them up when rendering (TemplateDoesNotExist then), not when parsing.
    root = make_project(tmp_path, {"blog/templates/blog/x.html": GOOD["blog/templates/blog/missing_refs.html"]})
    assert check(root).returncode == 0
    r = run_mvt("render", "blog/x.html", cwd=root)
    assert r.returncode == 1 and r.stderr.startswith("TemplateDoesNotExist: does/not/exist.html")


BROKEN = [
    # (template text, what the message starts with)
    ("a\nb\n{% if x %}\n{% endfor %}\n", "Invalid block tag on line 4: 'endfor', expected 'elif', 'else' or 'endif'"),
    ("{% block a %}\n\n{% for x in y %}\n", "Unclosed tag on line 3: 'for'"),
    ("ok\n{{ x|nosuchfilter }}\n", "Invalid filter: 'nosuchfilter'"),
    ("\n\n{% frobnicate %}\n", "Invalid block tag on line 3: 'frobnicate'"),
    ("{% if x == %}{% endif %}", "Unexpected end of expression in if tag."),
    ("line\n{{ }}\n", "Empty variable tag on line 2"),
    ("{{ x }}\n{% extends 'base.html' %}", "<ExtendsNode: extends 'base.html'> must be the first tag in the template."),
    ("{% extends '../../up.html' %}", "The relative path ''../../up.html'' points outside the file hierarchy"),
    ("{% for x in %}{% endfor %}", "'for' statements should have at least four words: for x in"),
    ("{% block a %}{% endblock %}\n{% block a %}{% endblock %}", "'block' tag with name 'a' appears more than once"),
    ("{% with %}{% endwith %}", "'with' expected at least one variable assignment"),
    ("{% cycle %}", "'cycle' tag requires at least two arguments"),
]


@pytest.mark.parametrize("text,start", BROKEN)
def test_syntax_error_reported_with_file_line_as_django(tmp_path, text, start):
    root = make_project(tmp_path, {"blog/templates/blog/page.html": text})
    message, line = django_syntax_error(root / "blog/templates", "blog/page.html")
    assert message.startswith(start)  # the case tests what it says
    r = check(root)
    assert r.returncode == 1
    assert r.stdout == ""
    assert r.stderr == ("SystemCheckError: System check identified some issues:\n\nERRORS:\n"
                        f"blog/templates/blog/page.html:{line}: (templates.E100) {message}\n\n"
                        "System check identified 1 issue (0 silenced).\n")


ACCEPTED = [
    "<p>text before extends is fine\n{% extends 'base.html' %}",
    "{% extends parent_name %}{% block a %}{% include 'not/there.html' %}{% endblock %}",
    "{% include './sibling.html' only %}{% include name with a=1 %}",
    "{% load static %}{% static 'a.css' as url %}{{ url }}{% get_static_prefix %}{% get_media_prefix %}",
    "{% verbatim %}{% if %}{% endverbatim %}{# {% if %} #}{% comment %}{% endfor %}{% endcomment %}",
    "{% templatetag openblock %} {% widthratio a b 100 %} {% firstof a b 'c' %} {% spaceless %} {% endspaceless %}",
]


@pytest.mark.parametrize("text", ACCEPTED)
def test_what_django_parses_passes(tmp_path, text):
    root = make_project(tmp_path, {"blog/templates/blog/page.html": text})
    assert django_syntax_error(root / "blog/templates", "blog/page.html") is None
    r = check(root)
    assert (r.returncode, r.stderr) == (0, ""), r.stderr


def test_every_broken_template_of_every_loader_folder(tmp_path):
    root = make_project(tmp_path, {
        **GOOD,
        "templates/broken.html": "\n{% if %}{% endif %}",
        "blog/templates/blog/deep/er/bad.html": "x\ny\n{% block %}",
        "shop/templates/shop/bad.txt": "{{ a|b }}",
        "shop/templates/shop/ok.html": "{{ a|lower }}",
        # Not templates the loaders would serve: hidden files, editor backups.
        "shop/templates/shop/.bad.html.swp": "{% if %}",
        "shop/templates/shop/bad.html~": "{% if %}",
        "shop/templates/.hidden/bad.html": "{% if %}",
    }, apps=("blog", "shop"))
    r = check(root)
    assert r.returncode == 1
    errors = [l for l in r.stderr.splitlines() if "(templates." in l]
    assert errors == [
        "blog/templates/blog/deep/er/bad.html:3: (templates.E100) 'block' tag takes only one argument",
        "shop/templates/shop/bad.txt:1: (templates.E100) Invalid filter: 'b'",
        "templates/broken.html:2: (templates.E100) Unexpected end of expression in if tag.",
    ]
    assert r.stderr.endswith("System check identified 3 issues (0 silenced).\n")

    # `check APP` looks at that app's templates and the project's TEMPLATES.DIRS.
    r = check(root, "shop")
    assert [l for l in r.stderr.splitlines() if "(templates." in l] == [errors[1], errors[2]]

    # APP_DIRS off: the apps' folders are not loader folders.
    s = root / "settings.yaml"
    s.write_text(s.read_text().replace("APP_DIRS: true", "APP_DIRS: false"))
    r = check(root)
    assert [l for l in r.stderr.splitlines() if "(templates." in l] == [errors[2]]


def test_silenced_and_run_from_a_subfolder(tmp_path):
    root = make_project(tmp_path, {"blog/templates/blog/bad.html": "{% endif %}"},
                        settings_extra="SILENCED_SYSTEM_CHECKS: [templates.E100]\n")
    r = check(root)
    assert (r.returncode, r.stdout) == (0, "System check identified no issues (1 silenced).\n")
    s = root / "settings.yaml"
    s.write_text(s.read_text().replace("SILENCED_SYSTEM_CHECKS: [templates.E100]\n", ""))
    r = check(root / "blog")
    assert r.returncode == 1
    # Paths are shown relative to the working directory, as every diagnostic.
    assert "templates/blog/bad.html:1: (templates.E100) Invalid block tag on line 1: 'endif'." in r.stderr


def test_not_utf8(tmp_path):
    root = make_project(tmp_path, {})
    p = root / "templates" / "latin1.html"
    p.parent.mkdir(exist_ok=True)
    p.write_bytes("ok\ncaf\u00e9\n".encode("latin-1"))
    r = check(root)
    assert r.returncode == 1
    assert ("templates/latin1.html:2: (templates.E101) The template is not valid UTF-8 (byte 6); the template "
            "loaders cannot read it.\n\tHINT: Save the file as UTF-8.") in r.stderr


def test_runserver_checks_do_not_parse_templates(tmp_path):
    # As Django: a broken template does not stop the server from starting (it is an error when rendered).
    root = make_project(tmp_path, {"blog/templates/blog/bad.html": "{% endif %}"})
    server = Server(root, "--noreload")
    code, out, err = server.stop()
    assert "System check identified no issues (0 silenced)." in out
    assert "templates.E100" not in out + err
