"""Model form initial values over HTTP, compared with Django 3.2's HTML for
the same model: a field with a callable default (`default: {callable: ...}`)
shows the called value and Django's hidden `initial-<name>` input
(Field.show_hidden_initial); datetimes show in TIME_ZONE."""
import datetime
import json
import re
import subprocess
import urllib.parse
import zoneinfo

import pytest

from server_util import Server, make_project, migrate, sql

MODELS = """\
Event:
  fields:
    title: {type: CharField, max_length: 50}
    starts: {type: DateTimeField, default: {callable: timezone.now}}
    day: {type: DateField, default: {callable: date.today}}
    key: {type: UUIDField, default: {callable: uuid.uuid4}}
    data: {type: JSONField, default: {callable: dict}}
    tags: {type: JSONField, default: {callable: list}, blank: true}
    size: {type: IntegerField, default: 3}
  absolute_url: "/"
"""
VIEWS = """\
new:
  view: CreateView
  model: Event
  fields: [title, starts, day, key, data, tags, size]
edit:
  view: UpdateView
  model: Event
  fields: [title, starts, day, key, data, tags, size]
"""
URLS = """\
app_name: events
urlpatterns:
  - {path: "new/", view: new, name: new}
  - {path: "<int:pk>/", view: edit, name: edit}
"""
FORM = "{{ form.as_p }}\n--\n{% for field in form %}{{ field }}|{{ field.as_hidden }}\n{% endfor %}"

DJANGO = r"""
import datetime, json, sys, uuid
import django
from django.conf import settings
settings.configure(USE_TZ=True, TIME_ZONE='Europe/Paris', INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'],
                   DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
                   TEMPLATES=[{'BACKEND': 'django.template.backends.django.DjangoTemplates'}])
django.setup()
from django import forms
from django.db import models
from django.template import engines
from django.utils import timezone

class Event(models.Model):
    title = models.CharField(max_length=50)
    starts = models.DateTimeField(default=timezone.now)
    day = models.DateField(default=datetime.date.today)
    key = models.UUIDField(default=uuid.uuid4)
    data = models.JSONField(default=dict)
    tags = models.JSONField(default=list, blank=True)
    size = models.IntegerField(default=3)
    class Meta:
        app_label = 'auth'

class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ['title', 'starts', 'day', 'key', 'data', 'tags', 'size']

template = engines['django'].from_string(sys.argv[1])
instance = Event(title='Launch', starts=datetime.datetime(2026, 6, 1, 10, 0, 0, 123456, tzinfo=datetime.timezone.utc),
                 day=datetime.date(2026, 6, 2), key=uuid.UUID('12345678123456781234567812345678'),
                 data={'a': [1, 'x']}, tags=[], size=5)
bound = {'title': '', 'starts': '2026-01-02 03:04:05', 'day': 'bad', 'key': 'f' * 32, 'data': '{"b": 2}',
         'tags': '[]', 'size': '7', 'initial-starts': 'ignored'}
print(json.dumps([template.render({'form': f}) for f in (EventForm(), EventForm(instance=instance), EventForm(bound))]))
"""

DT = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\+00:00)?")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
DAY = re.compile(r"\d{4}-\d\d-\d\d")


@pytest.fixture
def events(tmp_path):
    root = make_project(tmp_path, {
        "events/models.yaml": MODELS, "events/views.yaml": VIEWS, "events/urls.yaml": URLS,
        "events/templates/events/event_form.html": FORM,
        "urls.yaml": 'urlpatterns:\n  - {path: "", include: events}\n',
    }, apps=("events",))
    settings = root / "settings.yaml"
    settings.write_text(settings.read_text().replace("TIME_ZONE: UTC", "TIME_ZONE: Europe/Paris"))
    migrate(root)
    server = Server(root)
    yield root, server
    server.stop()


def django_pages():
    return json.loads(subprocess.run(["/usr/bin/python3", "-c", DJANGO, FORM], capture_output=True, text=True,
                                     check=True).stdout)


def masked(page):
    return DAY.sub("DAY", UUID.sub("UUID", DT.sub("DATETIME", page)))


def test_callable_default_shows_hidden_initial_as_django(events):
    root, s = events
    expected = django_pages()
    status, _, page = s.get("/new/")
    assert status == 200
    assert masked(page) == masked(expected[0])
    # The called values: now in TIME_ZONE (no microseconds), today, a fresh
    # UUID4, shown alike in the widget and in the hidden initial input.
    value = re.search(r'name="starts" value="([^"]+)"', page).group(1)
    assert f'name="initial-starts" value="{value}" id="initial-id_starts"' in page
    now = datetime.datetime.now(zoneinfo.ZoneInfo("Europe/Paris")).replace(tzinfo=None)
    assert abs((now - datetime.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")).total_seconds()) < 60
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    assert f'name="initial-key" value="{key}"' in page
    assert key != re.search(r'name="key" value="([^"]+)"', s.get("/new/")[2]).group(1)
    assert '<input type="hidden" name="initial-data" value="{}" id="initial-id_data">' in page
    assert 'name="initial-size"' not in page  # a plain default has no hidden initial


def test_instance_and_bound_values_as_django(events):
    root, s = events
    expected = django_pages()
    sql(root, "INSERT INTO events_event (id, title, starts, day, key, data, tags, size) VALUES "
              "(1, 'Launch', '2026-06-01 10:00:00.123456', '2026-06-02', '12345678123456781234567812345678', "
              "'{\"a\": [1, \"x\"]}', '[]', 5)")
    status, _, page = s.get("/1/")
    assert status == 200
    assert page == expected[1]  # datetimes in Europe/Paris, JSON as json.dumps
    assert '<input type="text" name="starts" value="2026-06-01 12:00:00" required id="id_starts">' in page
    # A bound form shows the submitted data in both inputs, not initial-NAME.
    data = {"title": "", "starts": "2026-01-02 03:04:05", "day": "bad", "key": "f" * 32, "data": '{"b": 2}',
            "tags": "[]", "size": "7", "initial-starts": "ignored"}
    cookie = "a" * 64  # any well-formed token: the header's equals the cookie's
    status, _, page = s.request("POST", "/new/", body=urllib.parse.urlencode(data),
                                headers={"Content-Type": "application/x-www-form-urlencoded",
                                         "Cookie": "csrftoken=" + cookie, "X-CSRFToken": cookie})
    assert status == 200
    assert page == expected[2]
