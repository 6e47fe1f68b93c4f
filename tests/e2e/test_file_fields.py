"""FileField / ImageField in model forms over HTTP (multipart posts): the
form HTML compared with Django 3.2's (ClearableFileInput), uploads stored
under MEDIA_ROOT with Django's names (upload_to with strftime,
get_valid_filename, a random suffix for a taken name), served back at
MEDIA_URL, the clear checkbox, Django's validation messages, and nothing
written for an invalid form or a failed insert."""
import datetime
import json
import re
import secrets
import sqlite3
import subprocess
import urllib.parse

import pytest

from server_util import Server, make_project, migrate, sql

MODELS = """\
Doc:
  fields:
    title: {type: CharField, max_length: 50}
    attachment: {type: FileField, upload_to: "docs/%Y/", blank: true, max_length: 40}
    photo: {type: ImageField, upload_to: photos}
  absolute_url: "{% url 'docs:detail' pk=id %}"
"""
VIEWS = """\
new:
  view: CreateView
  model: Doc
  fields: [title, attachment, photo]
edit:
  view: UpdateView
  model: Doc
  fields: [title, attachment, photo]
detail:
  view: DetailView
  model: Doc
"""
URLS = """\
app_name: docs
urlpatterns:
  - {path: "new/", view: new, name: new}
  - {path: "<int:pk>/edit/", view: edit, name: edit}
  - {path: "<int:pk>/", view: detail, name: detail}
"""
FORM = "{{ form.as_p }}|{{ form.is_multipart }}|{% for field in form %}[{{ field }}]{% endfor %}"
DETAIL = ("name={{ doc.attachment }}|{% if doc.attachment %}url={{ doc.attachment.url }}|size={{ doc.attachment.size }}"
          "|.name={{ doc.attachment.name }}{% else %}no attachment{% endif %}|photo={{ doc.photo.url }}")

DJANGO = r"""
import json, sys
import django
from django.conf import settings
settings.configure(USE_TZ=True, TIME_ZONE='UTC', MEDIA_URL='/media/', MEDIA_ROOT='/nonexistent',
                   INSTALLED_APPS=['django.contrib.contenttypes', 'django.contrib.auth'],
                   DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}},
                   TEMPLATES=[{'BACKEND': 'django.template.backends.django.DjangoTemplates'}])
django.setup()
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.template import engines

class Doc(models.Model):
    title = models.CharField(max_length=50)
    attachment = models.FileField(upload_to='docs/%Y/', blank=True, max_length=40)
    photo = models.ImageField(upload_to='photos')
    class Meta:
        app_label = 'auth'

class DocForm(forms.ModelForm):
    class Meta:
        model = Doc
        fields = ['title', 'attachment', 'photo']

template = engines['django'].from_string(sys.argv[1])
instance = Doc(pk=1, title='Report', attachment='docs/2026/a b&c.pdf', photo='photos/p.png')
forms_ = [
    DocForm(),
    DocForm(instance=instance),
    # A new file and the clear checkbox together; the title missing.
    DocForm({'title': '', 'attachment-clear': 'on'}, {'attachment': SimpleUploadedFile('n.txt', b'x')}, instance=instance),
    # An empty file, a name too long for max_length, no photo.
    DocForm({'title': 'T'}, {'attachment': SimpleUploadedFile('e.txt', b'')}),
    DocForm({'title': 'T'}, {'attachment': SimpleUploadedFile('n' * 37 + '.txt', b'x')}),
]
print(json.dumps([template.render({'form': f}) for f in forms_]))
"""

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63f8ffff3f0005fe02fea7d6a4f50000000049454e44ae426082")
TOKEN = "a" * 64
CSRF = {"Cookie": "csrftoken=" + TOKEN, "X-CSRFToken": TOKEN}


def multipart(fields, files):
    """A multipart/form-data body: fields {name: value}, files {name: (filename, bytes)}."""
    boundary = "----mvt" + secrets.token_hex(8)
    out = b""
    for name, value in fields.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").encode()
    for name, (filename, content) in files.items():
        out += (f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\n"
                f"Content-Type: application/octet-stream\r\n\r\n").encode() + content + b"\r\n"
    out += f"--{boundary}--\r\n".encode()
    return out, {"Content-Type": "multipart/form-data; boundary=" + boundary, **CSRF}


def post(server, path, fields, files=None):
    body, headers = multipart(fields, files or {})
    return server.request("POST", path, body=body, headers=headers)


def rows(root):
    con = sqlite3.connect(root / "db.sqlite3")
    try:
        return con.execute("SELECT id, title, attachment, photo FROM docs_doc ORDER BY id").fetchall()
    finally:
        con.close()


def media_files(root):
    media = root / "media"
    return sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) if media.exists() else []


@pytest.fixture
def docs(tmp_path):
    root = make_project(tmp_path, {
        "docs/models.yaml": MODELS, "docs/views.yaml": VIEWS, "docs/urls.yaml": URLS,
        "docs/templates/docs/doc_form.html": FORM, "docs/templates/docs/doc_detail.html": DETAIL,
        "urls.yaml": 'urlpatterns:\n  - {path: "", include: docs}\n',
    }, apps=("docs",))
    migrate(root)
    server = Server(root)
    yield root, server
    server.stop()


def django_pages():
    return json.loads(subprocess.run(["/usr/bin/python3", "-c", DJANGO, FORM], capture_output=True, text=True,
                                     check=True).stdout)


def test_form_html_as_django(docs):
    root, s = docs
    expected = django_pages()
    status, _, page = s.get("/new/")
    assert status == 200
    assert page == expected[0]
    assert '<input type="file" name="photo" accept="image/*" required id="id_photo">' in page
    sql(root, "INSERT INTO docs_doc (id, title, attachment, photo) VALUES (1, 'Report', 'docs/2026/a b&c.pdf', 'photos/p.png')")
    status, _, page = s.get("/1/edit/")
    assert status == 200
    assert page == expected[1]  # "Currently: <a href=...>", the clear checkbox for the optional field only
    assert 'Currently: <a href="/media/docs/2026/a%20b%26c.pdf">docs/2026/a b&amp;c.pdf</a>' in page
    # Bound forms with errors re-render as Django's.
    status, _, page = post(s, "/1/edit/", {"title": "", "attachment-clear": "on"}, {"attachment": ("n.txt", b"x")})
    assert status == 200
    assert page == expected[2]
    assert "Please either submit a file or check the clear checkbox, not both." in page
    status, _, page = post(s, "/new/", {"title": "T"}, {"attachment": ("e.txt", b"")})
    assert status == 200
    assert page == expected[3]
    assert "The submitted file is empty." in page and "This field is required." in page
    status, _, page = post(s, "/new/", {"title": "T"}, {"attachment": ("n" * 37 + ".txt", b"x")})
    assert page == expected[4]
    assert "Ensure this filename has at most 40 characters (it has 41)." in page
    assert rows(root) == [(1, "Report", "docs/2026/a b&c.pdf", "photos/p.png")]
    assert media_files(root) == []  # invalid forms write nothing


def test_upload_stored_under_media_root_and_served(docs):
    root, s = docs
    year = datetime.datetime.now(datetime.timezone.utc).year
    status, headers, _ = post(s, "/new/", {"title": "First"},
                              {"attachment": ("my report (v2).txt", b"hello upload"), "photo": ("pixel.png", PNG)})
    assert status == 302, _
    assert headers["Location"] == "/1/"
    assert rows(root) == [(1, "First", f"docs/{year}/my_report_v2.txt", "photos/pixel.png")]
    assert (root / "media" / "docs" / str(year) / "my_report_v2.txt").read_bytes() == b"hello upload"
    assert (root / "media" / "photos" / "pixel.png").read_bytes() == PNG
    # runserver serves MEDIA_URL from MEDIA_ROOT while DEBUG.
    status, headers, body = s.get(f"/media/docs/{year}/my_report_v2.txt")
    assert status == 200 and body == "hello upload"
    status, headers, _ = s.get("/media/photos/pixel.png")
    assert status == 200 and headers["Content-Type"] == "image/png"
    # The FieldFile in templates: name, url, size, truthiness.
    status, _, page = s.get("/1/")
    assert page == (f"name=docs/{year}/my_report_v2.txt|url=/media/docs/{year}/my_report_v2.txt|size=12"
                    f"|.name=docs/{year}/my_report_v2.txt|photo=/media/photos/pixel.png")
    # The same names again: Django's get_available_name adds _<7 alphanumerics>.
    status, _, _ = post(s, "/new/", {"title": "Second"},
                        {"attachment": ("my report (v2).txt", b"again"), "photo": ("pixel.png", PNG)})
    assert status == 302
    _, title, attachment, photo = rows(root)[1]
    assert re.fullmatch(rf"docs/{year}/my_report_v2_[A-Za-z0-9]{{7}}\.txt", attachment), attachment
    assert re.fullmatch(r"photos/pixel_[A-Za-z0-9]{7}\.png", photo), photo
    assert (root / "media" / attachment).read_bytes() == b"again"
    status, _, body = s.get("/media/" + urllib.parse.quote(attachment))
    assert status == 200 and body == "again"


def test_update_keeps_replaces_and_clears(docs):
    root, s = docs
    assert post(s, "/new/", {"title": "Doc"}, {"attachment": ("a.txt", b"A"), "photo": ("p.png", PNG)})[0] == 302
    year = datetime.datetime.now(datetime.timezone.utc).year
    # Nothing uploaded: the files stay (the required photo is satisfied by the current one).
    status, _, _ = post(s, "/1/edit/", {"title": "Renamed"})
    assert status == 302
    assert rows(root) == [(1, "Renamed", f"docs/{year}/a.txt", "photos/p.png")]
    # A new file replaces the name (the old file stays on disk, as Django).
    assert post(s, "/1/edit/", {"title": "Renamed"}, {"attachment": ("b.txt", b"B")})[0] == 302
    assert rows(root)[0][2] == f"docs/{year}/b.txt"
    assert f"docs/{year}/a.txt" in media_files(root)
    # The clear checkbox stores '' (Django's empty string, not NULL).
    assert post(s, "/1/edit/", {"title": "Renamed", "attachment-clear": "on"})[0] == 302
    assert rows(root) == [(1, "Renamed", "", "photos/p.png")]
    status, _, page = s.get("/1/")
    assert page == "name=|no attachment|photo=/media/photos/p.png"
    # A required field has no clear checkbox: "photo-clear" is ignored.
    assert post(s, "/1/edit/", {"title": "Renamed", "photo-clear": "on"})[0] == 302
    assert rows(root)[0][3] == "photos/p.png"
    status, _, page = s.get("/1/edit/")
    assert 'name="photo-clear"' not in page and 'name="attachment-clear"' not in page


def test_invalid_uploads_rejected_and_nothing_written(docs):
    root, s = docs
    status, _, page = post(s, "/new/", {"title": "Bad"}, {"attachment": ("a.txt", b"A"), "photo": ("fake.png", b"not an image")})
    assert status == 200
    assert ('<ul class="errorlist"><li>Upload a valid image. The file you uploaded was either not an image or a '
            'corrupted image.</li></ul>') in page
    status, _, page = post(s, "/new/", {"title": "Bad"}, {"photo": ("pixel.txt", PNG)})
    assert status == 200
    assert "File extension “txt” is not allowed. Allowed extensions are: " in page
    status, _, page = post(s, "/new/", {"title": "Bad"}, {"attachment": ("a.txt", b"A")})
    assert status == 200 and "This field is required." in page
    # A urlencoded post carries no files: the photo is missing.
    status, _, page = s.request("POST", "/new/", body=urllib.parse.urlencode({"title": "Bad", "photo": "x.png"}),
                                headers={"Content-Type": "application/x-www-form-urlencoded", **CSRF})
    assert status == 200 and "This field is required." in page
    assert rows(root) == []
    assert media_files(root) == []


def test_failed_insert_leaves_no_file(docs):
    root, s = docs
    sql(root, "CREATE TRIGGER refuse BEFORE INSERT ON docs_doc WHEN NEW.title = 'boom' "
              "BEGIN SELECT RAISE(ABORT, 'refused'); END")
    status, _, _ = post(s, "/new/", {"title": "boom"}, {"attachment": ("a.txt", b"A"), "photo": ("p.png", PNG)})
    assert status == 500
    assert rows(root) == []
    assert media_files(root) == []
    assert post(s, "/new/", {"title": "fine"}, {"photo": ("p.png", PNG)})[0] == 302
    assert media_files(root) == ["photos/p.png"]
    assert rows(root) == [(1, "fine", "", "photos/p.png")]
