"""ListView pagination end to end (SPEC §4; issue 5): `page_obj`,
`paginator`, `is_paginated` and `?page=` of mvt runserver compared byte for
byte with Django 3.2's ListView rendering the same template over the same
SQLite rows (django.test.RequestFactory), page by page, and Django's 404s."""
import json
import subprocess

import pytest

from server_util import Server, make_project, migrate, sql

PIECES = [
    "{{ is_paginated }}", "{{ page_obj }}", "{{ page_obj.number }}", "{{ page_obj.has_next }}",
    "{{ page_obj.has_previous }}", "{{ page_obj.has_other_pages }}",
    "{% if page_obj.has_next %}{{ page_obj.next_page_number }}{% endif %}",
    "{% if page_obj.has_previous %}{{ page_obj.previous_page_number }}{% endif %}", "{{ page_obj.start_index }}",
    "{{ page_obj.end_index }}", "{{ paginator.count }}", "{{ paginator.num_pages }}", "{{ paginator.per_page }}",
    "{% for n in paginator.page_range %}{{ n }},{% endfor %}", "{{ page_obj.object_list|length }}",
    "{% for p in page_obj %}{{ p.title }},{% endfor %}", "{% for p in object_list %}{{ p.id }},{% endfor %}",
    "{% for p in post_list %}{{ p.id }},{% endfor %}", "{{ page_obj.paginator.num_pages }}", "{{ page_obj|length }}",
    "{{ paginator.page_range }}", "{{ paginator.page_range|length }}", "{{ paginator.page_range|last }}",
    "{% if 2 in paginator.page_range %}in{% endif %}", "{{ paginator.page_range.1 }}",
    "{{ paginator.page_range|join:'-' }}",
]
TEMPLATE = "|".join(PIECES)

VIEWS = """
paged:
  view: ListView
  model: Post
  paginate_by: 3
  ordering: [-id]
  template_name: paged.html
one_page:
  view: ListView
  model: Post
  paginate_by: 50
  template_name: paged.html
unpaged:
  view: ListView
  model: Post
  template_name: paged.html
"""

DJANGO = """
import json, sys, warnings
warnings.simplefilter("ignore")
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "blog"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [sys.argv[2]]}],
    ALLOWED_HOSTS=["*"], USE_TZ=True, DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
django.setup()
from django.http import Http404
from django.test import RequestFactory
from django.views.generic import ListView
from blog.models import Post
views = {
    "paged": ListView.as_view(model=Post, paginate_by=3, ordering=["-id"], template_name="paged.html"),
    "one_page": ListView.as_view(model=Post, paginate_by=50, template_name="paged.html"),
    "unpaged": ListView.as_view(model=Post, template_name="paged.html"),
}
out = {}
for name, query in json.loads(sys.stdin.read()):
    path = query.split("?")[0]  # "2/": the URL kwarg `page` (<int:page>/)
    kwargs = {"page": int(path[:-1])} if path else {}
    try:
        r = views[name](RequestFactory().get("/" + name + "/" + query), **kwargs)
        r.render()
        out[name + query] = [r.status_code, r.content.decode()]
    except Http404 as e:
        out[name + query] = [404, str(e)]
print(json.dumps(out))
"""

QUERIES = [("paged", ""), ("paged", "?page=1"), ("paged", "?page=2"), ("paged", "?page=3"), ("paged", "?page=last"),
           ("paged", "?page=4"), ("paged", "?page=0"), ("paged", "?page=-1"), ("paged", "?page=abc"),
           ("paged", "?page="), ("paged", "?page=2.0"), ("paged", "?page=%202"), ("paged", "?page=02"),
           ("paged", "?page=1&page=3"), ("paged", "?page=+2"), ("paged", "?page=2%20"), ("paged", "?page=%0C2%0A"),
           ("paged", "?page=1_0"), ("paged", "?page=1__0"), ("paged", "?page=_1"), ("paged", "?page=00"),
           ("paged", "?page=99999999999999999999999"), ("paged", "?page=-99999999999999999999999"),
           ("paged", "2/"), ("paged", "3/?page=1"), ("paged", "0/?page=2"), ("paged", "0/"), ("one_page", ""), ("one_page", "?page=last"), ("one_page", "?page=2"),
           ("unpaged", ""), ("unpaged", "?page=7")]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = make_project(tmp_path_factory.mktemp("pages"), {
        "blog/models.yaml": "Post:\n  fields:\n    title: {type: CharField, max_length: 20}\n",
        "blog/views.yaml": VIEWS,
        "blog/urls.yaml": "app_name: blog\nurlpatterns:\n" + "".join(
            f'  - {{path: "{n}/", view: {n}, name: {n}}}\n' for n in ("paged", "one_page", "unpaged"))
        + '  - {path: "paged/<int:page>/", view: paged, name: paged_kw}\n',
        "urls.yaml": 'urlpatterns:\n  - {path: "", include: blog}\n',
        "templates/paged.html": TEMPLATE})
    migrate(root)
    for i in range(1, 9):
        sql(root, "INSERT INTO blog_post (id, title) VALUES (?, ?)", (i, f"p{i}"))
    work = tmp_path_factory.mktemp("django")
    (work / "blog").mkdir()
    (work / "blog" / "__init__.py").write_text("")
    (work / "blog" / "models.py").write_text(
        "from django.db import models\nclass Post(models.Model):\n    title = models.CharField(max_length=20)\n")
    r = subprocess.run(["/usr/bin/python3", "-c", DJANGO, str(root / "db.sqlite3"), str(root / "templates")],
                       input=json.dumps(QUERIES), cwd=work, capture_output=True, text=True, timeout=120,
                       env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 0, r.stderr
    server = Server(root, "--noreload")
    yield json.loads(r.stdout), server
    server.stop()


XFAIL = {}


@pytest.mark.parametrize("name,query", [pytest.param(*q, marks=pytest.mark.xfail(reason=XFAIL[q], strict=True))
                                        if q in XFAIL else q for q in QUERIES])
def test_pages_as_django(served, name, query):
    expected, s = served
    want_status, want_body = expected[name + query]
    status, _, body = s.get(f"/{name}/{query}")
    assert status == want_status, (want_body, body[:2000])
    if status == 404:
        assert f'<pre class="exception_value">{want_body}</pre>' in body.replace("&#x27;", "'")
        return
    got, want = body.split("|"), want_body.split("|")
    assert len(got) == len(want)
    diffs = [(PIECES[i], g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not diffs, diffs
