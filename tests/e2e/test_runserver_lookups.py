"""ListView `queryset` lookups end to end (SPEC §4; issue 5): every lookup
the issue names, and `__` traversal of forward, reverse and many-to-many
relations, served by `mvt runserver` and compared row for row with what
Django 3.2's ORM answers for the same filter on the same SQLite file."""
import json
import subprocess

import pytest

from server_util import Server, make_project, migrate, sql

MODELS = """
Tag:
  fields:
    name: {type: CharField, max_length: 50}
Post:
  fields:
    title: {type: CharField, max_length: 200}
    rating: {type: IntegerField, null: true}
    published_date: DateTimeField
    author: {type: ForeignKey, to: auth.User, on_delete: CASCADE, null: true, related_name: posts}
    tags: {type: ManyToManyField, to: Tag, related_name: posts}
Comment:
  fields:
    post: {type: ForeignKey, to: Post, on_delete: CASCADE, related_name: comments}
    body: TextField
"""

# (name, queryset[, Django's queryset]) — the same mapping is given to mvt
# (views.yaml, as JSON, which is YAML 1.2) and to Django's filter()/exclude().
CASES = [
    ("exact", {"filter": {"title__exact": "Hello World"}}),
    ("exact_implicit", {"filter": {"title": "hello there"}}),
    ("exact_none", {"filter": {"author": None}}),
    ("exact_int", {"filter": {"rating": 3}}),
    ("exact_pk", {"filter": {"pk": 2}}),
    ("iexact", {"filter": {"title__iexact": "HELLO world"}}),
    ("iexact_non_ascii", {"filter": {"title__iexact": "\u00e4rger"}}),  # SQLite's LIKE folds ASCII only
    ("contains", {"filter": {"title__contains": "hello"}}),  # case-insensitive on SQLite, as Django's
    ("contains_wildcards", {"filter": {"title__contains": "%"}}),
    ("contains_underscore", {"filter": {"title__contains": "_"}}),
    ("icontains", {"filter": {"title__icontains": "O w"}}),
    ("in_ints", {"filter": {"id__in": [1, 3, 5, 99]}}),
    ("in_strings", {"filter": {"title__in": ["Second post", "hello there", "nope"]}}),
    ("in_empty", {"filter": {"id__in": []}}),
    # A string (a template) for `in` is split at commas: mvt's way to give a list from a template.
    ("in_template", {"filter": {"rating__in": "1,5"}}, {"filter": {"rating__in": [1, 5]}}),
    ("gt", {"filter": {"rating__gt": 3}}),
    ("gte", {"filter": {"rating__gte": 3}}),
    ("lt", {"filter": {"rating__lt": 3}}),
    ("lte", {"filter": {"rating__lte": 3}}),
    ("gt_datetime", {"filter": {"published_date__gt": "2026-11-20 10:00:00"}}),
    ("lte_date_string", {"filter": {"published_date__lte": "2026-11-20"}}),
    ("startswith", {"filter": {"title__startswith": "hello"}}),
    ("istartswith", {"filter": {"title__istartswith": "HELLO"}}),
    ("endswith", {"filter": {"title__endswith": "POST"}}),
    ("iendswith", {"filter": {"title__iendswith": "off_sale"}}),
    ("isnull_true", {"filter": {"rating__isnull": True}}),
    ("isnull_false", {"filter": {"author__isnull": False}}),
    ("range_ints", {"filter": {"rating__range": [2, 4]}}),
    ("range_datetimes", {"filter": {"published_date__range": ["2026-11-20 00:00:00", "2026-11-21 00:00:00"]}}),
    ("fk_traversal", {"filter": {"author__username": "ann"}}),
    ("fk_traversal_lookup", {"filter": {"author__username__startswith": "b"}}),
    ("fk_id", {"filter": {"author_id": 2}}),
    ("fk_pk", {"filter": {"author__pk__in": [1]}}),
    ("reverse_fk", {"filter": {"comments__body__icontains": "nice"}}),  # one row per matching comment, as Django
    ("reverse_fk_isnull", {"filter": {"comments__isnull": True}}),  # LEFT OUTER JOIN, as Django
    ("reverse_fk_isnull_false", {"filter": {"comments__isnull": False}}),
    ("reverse_fk_isnull_and_fk", {"filter": {"comments__isnull": True, "author__username": "ann"}}),
    ("fk_field_isnull", {"filter": {"author__username__isnull": True}}),
    ("fk_field_none", {"filter": {"author__username": None}}),
    ("exclude_fk_field_isnull_and", {"exclude": {"author__username__isnull": True, "title__icontains": "post"}}),
    ("two_hops", {"filter": {"comments__post__author__username": "ann"}}),
    ("exclude", {"exclude": {"title__icontains": "hello"}}),
    ("exclude_null_fk", {"exclude": {"author__username": "ann"}}),
    ("exclude_isnull", {"exclude": {"rating__isnull": True}}),
    ("filter_and_exclude", {"filter": {"rating__gte": 1}, "exclude": {"author__username__in": ["bob"]}}),
    ("several", {"filter": {"rating__lt": 5, "title__icontains": "o", "published_date__gte": "2026-01-01"}}),
    # order_by (NULLs first ascending on SQLite, as Django leaves them), across relations, case-sensitive text.
    ("order_desc_nulls", {"order_by": ["-rating", "id"]}),
    ("order_asc_nulls", {"order_by": ["rating", "-id"]}),
    ("order_text", {"order_by": ["title"]}),
    ("order_fk", {"order_by": ["author__username", "-published_date"]}),
    ("order_fk_desc", {"filter": {"author__isnull": False}, "order_by": ["-author__username", "id"]}),
    ("order_pk", {"order_by": ["-pk"]}),
    ("order_reverse_fk", {"order_by": ["comments__body", "id"]}),
]

# Traversal of a many-to-many relation (`tags__name`), in a project of its own.
M2M_CASES = [
    ("m2m", {"filter": {"tags__name": "c++"}}),
    ("m2m_in", {"filter": {"tags__name__in": ["c++", "rust"]}}),
    ("m2m_reverse", {"filter": {"tags__posts__title__startswith": "hello"}}),
    ("m2m_exclude", {"exclude": {"tags__name": "rust"}}),
    ("m2m_isnull", {"filter": {"tags__isnull": True}}),
    ("m2m_isnull_false", {"filter": {"tags__isnull": False}}),
    ("m2m_exclude_isnull", {"exclude": {"tags__isnull": True}}),
    ("m2m_pk", {"filter": {"tags": 1}}),
    ("m2m_id_and_name", {"filter": {"tags__id__in": [1, 2], "tags__name": "rust"}}),
    ("m2m_order", {"filter": {"tags__isnull": False}, "order_by": ["tags__name", "-id"]}),
]

# Django's side: an installed app `blog` (so reverse relations exist) whose
# models mirror models.yaml, on the SQLite file mvt migrated.
DJANGO_MODELS = """
from django.db import models
from django.contrib.auth.models import User

class Tag(models.Model):
    name = models.CharField(max_length=50)

class Post(models.Model):
    title = models.CharField(max_length=200)
    rating = models.IntegerField(null=True)
    published_date = models.DateTimeField()
    author = models.ForeignKey(User, models.CASCADE, null=True, related_name="posts")
    tags = models.ManyToManyField(Tag, related_name="posts")

class Comment(models.Model):
    post = models.ForeignKey(Post, models.CASCADE, related_name="comments")
    body = models.TextField()
"""

DJANGO_QUERIES = """
import json, sys, warnings
warnings.simplefilter("ignore")
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "blog"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}},
    USE_TZ=True, TIME_ZONE="UTC", DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
django.setup()
from blog.models import Post

out = {}
for name, qs, *django_qs in json.loads(sys.stdin.read()):
    qs = django_qs[0] if django_qs else qs
    q = Post.objects.filter(**qs.get("filter", {})).exclude(**qs.get("exclude", {})).order_by(*qs.get("order_by", ["id"]))
    out[name] = ",".join(str(p.id) for p in q)
print(json.dumps(out))
"""


def django_rows(work, db, cases):
    """{case name: ids} as Django's ORM answers each case on `db`."""
    (work / "blog").mkdir(parents=True)
    (work / "blog" / "__init__.py").write_text("")
    (work / "blog" / "models.py").write_text(DJANGO_MODELS)
    r = subprocess.run(["/usr/bin/python3", "-c", DJANGO_QUERIES, str(db)], input=json.dumps(cases), cwd=work,
                       env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"},
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


def project_files(cases):
    views, urls = {}, ["app_name: blog", "urlpatterns:"]
    for name, qs, *_ in cases:
        views[name] = {"view": "ListView", "model": "Post", "template_name": "ids.html",
                       "queryset": {"order_by": ["id"], **qs}}
        urls.append(f'  - {{path: "{name}/", view: {name}, name: {name}}}')
    views["search"] = {"view": "ListView", "model": "Post", "template_name": "ids.html",
                       "queryset": {"filter": {"title__icontains": "{{ request.GET.q }}", "rating__in": "{{ request.GET.r }}"},
                                    "order_by": ["id"]}}
    urls.append('  - {path: "search/", view: search, name: search}')
    return {
        "blog/models.yaml": MODELS,
        "blog/views.yaml": json.dumps(views, indent=1),
        "blog/urls.yaml": "\n".join(urls) + "\n",
        "urls.yaml": 'urlpatterns:\n  - {path: "", include: blog}\n',
        "templates/ids.html": "{% for p in object_list %}{{ p.id }}{% if not forloop.last %},{% endif %}{% endfor %}",
    }


def seed(root):
    for uid, name in ((1, "ann"), (2, "bob"), (3, "cid")):
        sql(root, "INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name, email, "
                  "is_staff, is_active, date_joined) VALUES (?, '', 0, ?, '', '', '', 0, 1, '2026-01-01 00:00:00')",
            (uid, name))
    posts = [
        (1, "Hello World", 3, "2026-11-20 10:00:00", 1),
        (2, "hello there", 5, "2026-11-20 00:00:00", 2),
        (3, "Second post", None, "2026-11-21 07:18:03", None),
        (4, "\u00c4rger", 1, "2025-05-05 05:05:05", 1),
        (5, "100% off_sale", 2, "2026-11-21 00:00:00", 3),
        (6, "Draft POST", 4, "2026-11-19 23:59:59", 2),
        (7, "50 percent offXsale", None, "2027-01-01 00:00:00", None),
    ]
    for p in posts:
        sql(root, "INSERT INTO blog_post (id, title, rating, published_date, author_id) VALUES (?,?,?,?,?)", p)
    for i, (post, body) in enumerate([(1, "nice"), (1, "Nice one"), (2, "meh"), (5, "NICE!"), (6, "ok")], start=1):
        sql(root, "INSERT INTO blog_comment (id, post_id, body) VALUES (?,?,?)", (i, post, body))
    for tid, name in ((1, "c++"), (2, "rust"), (3, "go")):
        sql(root, "INSERT INTO blog_tag (id, name) VALUES (?,?)", (tid, name))
    for post, tag in ((1, 1), (1, 2), (2, 3), (4, 1), (6, 2)):
        sql(root, "INSERT INTO blog_post_tags (post_id, tag_id) VALUES (?,?)", (post, tag))


def serve(tmp_path_factory, cases):
    root = make_project(tmp_path_factory.mktemp("lookups"), project_files(cases))
    migrate(root)
    seed(root)
    expected = django_rows(tmp_path_factory.mktemp("django"), root / "db.sqlite3", cases)
    return expected, Server(root, "--noreload")


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    expected, server = serve(tmp_path_factory, CASES)
    yield expected, server
    server.stop()


@pytest.fixture(scope="module")
def served_m2m(tmp_path_factory):
    expected, server = serve(tmp_path_factory, M2M_CASES)
    yield expected, server
    server.stop()


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_lookup_rows_as_django(served, name):
    expected, s = served
    status, _, body = s.get(f"/{name}/")
    assert status == 200, body
    assert body == expected[name]


@pytest.mark.parametrize("name", [c[0] for c in M2M_CASES])
def test_many_to_many_traversal_as_django(served_m2m, name):
    expected, s = served_m2m
    status, _, body = s.get(f"/{name}/")
    assert status == 200, body[:2000]
    assert body == expected[name]


def test_cases_are_discriminating(served):
    # The data is such that the lookups do not all answer the same rows.
    expected, _ = served
    assert expected["contains"] == "1,2"
    assert expected["iexact_non_ascii"] == ""
    assert expected["reverse_fk"] == "1,1,5"
    assert expected["in_empty"] == ""
    assert len(set(expected.values())) > len(CASES) // 2


def test_values_from_the_request_are_bound_parameters(served):
    _, s = served
    import urllib.parse
    q = lambda **kw: "/search/?" + urllib.parse.urlencode(kw)
    assert s.get(q(q="o", r="3,5"))[2] == "1,2"
    for hostile in ("' OR '1'='1", "%' OR 1=1 --", "x'); DROP TABLE blog_post; --", "_", "\\", "%"):
        status, _, body = s.get(q(q=hostile, r="1,2,3,4,5"))
        assert status == 200 and body == ("5" if hostile in ("_", "%") else ""), hostile
    status, _, body = s.get(q(q="", r="1) OR (1=1"))
    assert status in (200, 500) and body != "1,2,4,5,6"
    assert s.get("/exact_pk/")[2] == "2"  # the table is still there
