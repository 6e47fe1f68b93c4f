"""Model instances in templates keep their field types (SPEC §5, §7;
issue 5): a DetailView page of mvt runserver compared byte for byte with
Django 3.2 rendering the same template for the same row, written by Django's
ORM into the SQLite file mvt migrated."""
import json
import subprocess

import pytest

from server_util import Server, make_project, migrate

MODELS = """
Thing:
  fields:
    name: {type: CharField, max_length: 50}
    notes: {type: TextField, null: true}
    flag: BooleanField
    maybe: {type: BooleanField, null: true}
    count: IntegerField
    big: BigIntegerField
    ratio: FloatField
    price: {type: DecimalField, max_digits: 8, decimal_places: 2}
    day: DateField
    when: DateTimeField
    at: TimeField
    took: DurationField
    key: UUIDField
    data: JSONField
    email: EmailField
    site: URLField
    ip: GenericIPAddressField
    level: {type: IntegerField, choices: [[1, Low], [2, "High & <mighty>"]]}
    owner: {type: ForeignKey, to: auth.User, on_delete: CASCADE, null: true}
  str: "{{ name }} ({{ level }})"
"""

DJANGO_MODELS = """
from django.db import models
from django.contrib.auth.models import User

class Thing(models.Model):
    name = models.CharField(max_length=50)
    notes = models.TextField(null=True)
    flag = models.BooleanField()
    maybe = models.BooleanField(null=True)
    count = models.IntegerField()
    big = models.BigIntegerField()
    ratio = models.FloatField()
    price = models.DecimalField(max_digits=8, decimal_places=2)
    day = models.DateField()
    when = models.DateTimeField()
    at = models.TimeField()
    took = models.DurationField()
    key = models.UUIDField()
    data = models.JSONField()
    email = models.EmailField()
    site = models.URLField()
    ip = models.GenericIPAddressField()
    level = models.IntegerField(choices=[(1, "Low"), (2, "High & <mighty>")])
    owner = models.ForeignKey(User, models.CASCADE, null=True)

    def __str__(self):
        return "%s (%s)" % (self.name, self.level)
"""

# One piece per field use; the page is the pieces joined by "|".
PIECES = [
    "{{ object }}", "{{ thing.pk }}", "{{ thing.name }}", "{{ thing.notes }}", "{{ thing.notes|default:'-' }}",
    "{{ thing.flag }}", "{{ thing.flag|yesno }}", "{{ thing.maybe }}", "{{ thing.maybe|yesno:'y,n,unknown' }}",
    "{{ thing.count }}", "{{ thing.count|add:1 }}", "{{ thing.big }}", "{{ thing.ratio }}",
    "{{ thing.ratio|floatformat:2 }}", "{{ thing.price }}", "{{ thing.price|floatformat }}",
    "{% if thing.price > 10 %}dear{% else %}cheap{% endif %}", "{{ thing.day }}", "{{ thing.day|date:'D d M Y' }}",
    "{{ thing.when }}", "{{ thing.when|date:'c' }}", "{{ thing.when|time:'H:i:s' }}", "{{ thing.at }}",
    "{{ thing.at|time:'g:i A' }}", "{{ thing.took }}", "{{ thing.key }}", "{{ thing.data }}",
    "{{ thing.data.tags.1 }}", "{{ thing.data.n }}", "{{ thing.email }}", "{{ thing.site|urlize }}", "{{ thing.ip }}",
    "{{ thing.level }}", "{{ thing.get_level_display }}", "{{ thing.owner.username|default:'nobody' }}",
    "{{ thing.owner_id }}", "{% for k, v in thing.data.items %}{{ k }}={{ v }};{% endfor %}",
    # A UUIDField holds a uuid.UUID, a DurationField a datetime.timedelta.
    "{{ thing.key.hex }}", "{{ thing.key.int }}", "{{ thing.key.urn }}", "{{ thing.key.version }}",
    "{{ thing.key.variant }}", "{{ thing.key.fields }}", "{{ thing.key.time }}", "{{ thing.key.clock_seq }}",
    "{{ thing.key.node }}", "{{ thing.key.bytes }}", "{{ thing.key.bytes_le }}", "{{ thing.key.is_safe }}",
    "{{ thing.key|length }}", "{{ thing.key|stringformat:'r' }}", "{% if thing.key == thing.key %}eq{% endif %}",
    "{% if thing.key == '0b5d7e34-1c6a-4b0e-9a3e-4c2f1e9d8b7a' %}equals a str{% endif %}",
    "{{ thing.took.days }}", "{{ thing.took.seconds }}", "{{ thing.took.microseconds }}",
    "{{ thing.took.total_seconds }}", "{% if thing.took %}nonzero{% else %}zero{% endif %}",
    "{{ thing.took|default:'none' }}", "{{ thing.took|stringformat:'r' }}", "{{ thing.took|length }}",
]
TEMPLATE = "|".join(PIECES)

ROWS = """
import datetime, decimal, uuid
from django.contrib.auth.models import User
ann = User.objects.create(id=1, username="ann <a>")
Thing.objects.create(
    id=1, name="Tom & <Jerry>", notes=None, flag=True, maybe=None, count=41, big=9007199254740993,
    ratio=0.1 + 0.2, price=decimal.Decimal("12.50"), day=datetime.date(2026, 11, 21),
    when=datetime.datetime(2026, 11, 21, 7, 18, 3, 120000, tzinfo=datetime.timezone.utc),
    at=datetime.time(19, 5), took=datetime.timedelta(days=1, hours=2, seconds=3, microseconds=4),
    key=uuid.UUID("0b5d7e34-1c6a-4b0e-9a3e-4c2f1e9d8b7a"),
    data={"tags": ["a", "<b>"], "n": 1.5, "ok": True, "none": None},
    email="t@example.com", site="https://example.com/x?a=1&b=2", ip="::ffff:10.0.0.1", level=2, owner=ann)
Thing.objects.create(
    id=2, name="Plain", notes="", flag=False, maybe=False, count=-3, big=0, ratio=1e20,
    price=decimal.Decimal("0.05"), day=datetime.date(1999, 1, 2),
    when=datetime.datetime(1999, 1, 2, 23, 59, 59, tzinfo=datetime.timezone.utc), at=datetime.time(0, 0),
    took=datetime.timedelta(0), key=uuid.UUID(int=0), data=[1, "two", None], email="", site="", ip="10.0.0.1",
    level=1, owner=None)
"""

DJANGO_RENDER = """
import json, sys, warnings
warnings.simplefilter("ignore")
import django
from django.conf import settings
settings.configure(
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "blog"],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": sys.argv[1]}},
    TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates"}],
    USE_TZ=True, TIME_ZONE="UTC", DEFAULT_AUTO_FIELD="django.db.models.BigAutoField")
django.setup()
from django.template import engines
from blog.models import Thing
exec(sys.stdin.read())
template = engines["django"].from_string(json.loads(sys.argv[2]))
print(json.dumps({t.pk: template.render({"object": t, "thing": t}) for t in Thing.objects.all()}))
"""


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    files = {
        "blog/models.yaml": MODELS,
        "blog/views.yaml": "thing:\n  view: DetailView\n  model: Thing\nthing_json:\n  view: DetailView\n"
                           "  model: Thing\n  format: json\n",
        "blog/urls.yaml": 'app_name: blog\nurlpatterns:\n  - {path: "<int:pk>/", view: thing, name: thing}\n'
                          '  - {path: "<int:pk>.json", view: thing_json, name: thing_json}\n',
        "urls.yaml": 'urlpatterns:\n  - {path: "", include: blog}\n',
        "blog/templates/blog/thing_detail.html": TEMPLATE,
    }
    root = make_project(tmp_path_factory.mktemp("types"), files)
    migrate(root)
    work = tmp_path_factory.mktemp("django")
    (work / "blog").mkdir()
    (work / "blog" / "__init__.py").write_text("")
    (work / "blog" / "models.py").write_text(DJANGO_MODELS)
    r = subprocess.run(["/usr/bin/python3", "-c", DJANGO_RENDER, str(root / "db.sqlite3"), json.dumps(TEMPLATE)],
                       input=ROWS, cwd=work, capture_output=True, text=True, timeout=120,
                       env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(work), "PYTHONDONTWRITEBYTECODE": "1"})
    assert r.returncode == 0, r.stderr
    expected = json.loads(r.stdout)
    server = Server(root, "--noreload")
    yield expected, server
    server.stop()


@pytest.mark.parametrize("pk", ["1", "2"])
def test_field_values_render_as_django(pages, pk):
    expected, s = pages
    status, _, body = s.get(f"/{pk}/")
    assert status == 200, body[:3000]
    got, want = body.split("|"), expected[pk].split("|")
    assert len(got) == len(want)
    diffs = [(PIECES[i], g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
    assert not diffs, diffs


def test_field_values_in_json_as_django_rest_framework(pages):
    """SPEC §4: relations as their key, datetimes ISO 8601, decimals as
    strings -- DRF's ModelSerializer defaults (DRF is not installed to
    compare with: its outputs written out)."""
    _, s = pages
    status, headers, body = s.get("/1.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    data = json.loads(body)
    data.pop("took")  # test_duration_in_json_as_django_rest_framework
    assert data == {
        "id": 1, "name": "Tom & <Jerry>", "notes": None, "flag": True, "maybe": None, "count": 41,
        "big": 9007199254740993, "ratio": 0.30000000000000004, "price": "12.50", "day": "2026-11-21",
        "when": "2026-11-21T07:18:03.120000Z", "at": "19:05:00",
        "key": "0b5d7e34-1c6a-4b0e-9a3e-4c2f1e9d8b7a", "data": {"tags": ["a", "<b>"], "n": 1.5, "ok": True, "none": None},
        "email": "t@example.com", "site": "https://example.com/x?a=1&b=2", "ip": "::ffff:10.0.0.1", "level": 2,
        "owner": 1}
    two = json.loads(s.get("/2.json")[2])
    assert two["when"] == "1999-01-02T23:59:59Z" and two["ratio"] == 1e20
    assert two["data"] == [1, "two", None] and two["owner"] is None and two["maybe"] is False


def test_duration_in_json_as_django_rest_framework(pages):
    _, s = pages
    assert json.loads(s.get("/1.json")[2])["took"] == "1 02:00:03.000004"
    assert json.loads(s.get("/2.json")[2])["took"] == "00:00:00"


def test_uuid_attributes_as_django(tmp_path):
    files = {
        "blog/models.yaml": "Thing:\n  fields:\n    key: UUIDField\n",
        "blog/views.yaml": "thing:\n  view: DetailView\n  model: Thing\n",
        "blog/urls.yaml": 'app_name: blog\nurlpatterns:\n  - {path: "<int:pk>/", view: thing, name: thing}\n',
        "urls.yaml": 'urlpatterns:\n  - {path: "", include: blog}\n',
        "blog/templates/blog/thing_detail.html": "{{ thing.key.hex }}|{{ thing.key.urn }}|{{ thing.key.version }}",
    }
    root = make_project(tmp_path, files)
    migrate(root)
    import sqlite3
    con = sqlite3.connect(root / "db.sqlite3")
    con.execute("INSERT INTO blog_thing (id, key) VALUES (1, '0b5d7e341c6a4b0e9a3e4c2f1e9d8b7a')")
    con.commit()
    con.close()
    s = Server(root, "--noreload")
    try:
        assert s.get("/1/")[2] == ("0b5d7e341c6a4b0e9a3e4c2f1e9d8b7a|urn:uuid:0b5d7e34-1c6a-4b0e-9a3e-4c2f1e9d8b7a|4")
    finally:
        s.stop()
