#!/usr/bin/env python3
"""Blog index with 100 posts: requests/s of `mvt runserver` beside Django's
runserver (Debian's python3-django) and nginx serving the same bytes as a
static file, measured with wrk in one run (issue 5's benchmark; not a test).

    /usr/bin/python3 bench/server_compare.py [--mvt build/mvt] [--seconds 10] [--connections 32] [--rounds 1]

Prints requests/s for each server, the ratios, and mvt's RSS after the run.
Each server is warmed up with one unmeasured second of the same load.
With --rounds N the three servers are measured N times in turn and the
medians are printed beside each round's numbers (on a shared or virtual
machine one server's rate can vary by a fifth from one minute to the next).
Needs wrk and nginx (apt-get install wrk nginx-light)."""
import argparse
import os
import pathlib
import re
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

TEMPLATE_BASE = "<!DOCTYPE html><html><head><title>{% block title %}Blog{% endblock %}</title></head><body>{% block content %}{% endblock %}</body></html>\n"
TEMPLATE_INDEX = """{% extends "base.html" %}{% block content %}<h1>Blog</h1><ul>
{% for post in posts %}<li><a href="/post/{{ post.id }}/">{{ post.title }} - {{ post.published_date }}</a></li>
{% endfor %}</ul>{% endblock %}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def wrk(url, seconds, connections):
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", url], capture_output=True, text=True).stdout
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses\n{out}")
    return float(m.group(1))


def seed(db):
    con = sqlite3.connect(db)
    for i in range(1, 101):
        con.execute("INSERT INTO blog_post (id, title, content, published_date) VALUES (?, ?, ?, ?)",
                    (i, f"Post number {i} <with markup>", "text", f"2026-11-{1 + i % 28:02d} 07:18:03"))
    con.commit()
    con.close()


def mvt_project(root, mvt):
    subprocess.run([mvt, "startproject", "site"], cwd=root, check=True)
    site = root / "site"
    subprocess.run([mvt, "startapp", "blog"], cwd=site, check=True, capture_output=True)
    s = (site / "settings.yaml").read_text().replace("  - staticfiles\n", "  - staticfiles\n  - blog\n")
    (site / "settings.yaml").write_text(s.replace("DEBUG: true", "DEBUG: false").replace("ALLOWED_HOSTS: []", "ALLOWED_HOSTS: ['*']"))
    (site / "blog" / "models.yaml").write_text(
        "Post:\n  fields:\n    title: {type: CharField, max_length: 200}\n    content: TextField\n"
        "    published_date: {type: DateTimeField}\n  meta:\n    ordering: [-published_date]\n")
    (site / "blog" / "views.yaml").write_text("index:\n  view: ListView\n  model: Post\n  template_name: index.html\n  context_object_name: posts\n")
    (site / "blog" / "urls.yaml").write_text('app_name: blog\nurlpatterns:\n  - {path: "", view: index, name: index}\n')
    (site / "urls.yaml").write_text('urlpatterns:\n  - {path: "", include: blog}\n')
    (site / "templates" / "base.html").write_text(TEMPLATE_BASE)
    (site / "templates" / "index.html").write_text(TEMPLATE_INDEX)
    subprocess.run([mvt, "makemigrations"], cwd=site, check=True, capture_output=True)
    subprocess.run([mvt, "migrate"], cwd=site, check=True, capture_output=True)
    seed(site / "db.sqlite3")
    return site


def django_project(root):
    site = root / "djsite"
    (site / "djsite").mkdir(parents=True)
    (site / "blog" / "migrations").mkdir(parents=True)
    (site / "templates").mkdir()
    (site / "djsite" / "__init__.py").write_text("")
    (site / "blog" / "__init__.py").write_text("")
    (site / "blog" / "migrations" / "__init__.py").write_text("")
    (site / "djsite" / "settings.py").write_text(f"""
SECRET_KEY = 'bench'
DEBUG = False
ALLOWED_HOSTS = ['*']
INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'django.contrib.sessions',
                  'django.contrib.messages', 'django.contrib.staticfiles', 'blog']
MIDDLEWARE = ['django.middleware.security.SecurityMiddleware', 'django.contrib.sessions.middleware.SessionMiddleware',
              'django.middleware.common.CommonMiddleware', 'django.middleware.csrf.CsrfViewMiddleware',
              'django.contrib.auth.middleware.AuthenticationMiddleware', 'django.contrib.messages.middleware.MessageMiddleware',
              'django.middleware.clickjacking.XFrameOptionsMiddleware']
ROOT_URLCONF = 'djsite.urls'
TEMPLATES = [{{'BACKEND': 'django.template.backends.django.DjangoTemplates', 'DIRS': [{str(site / 'templates')!r}],
              'APP_DIRS': True, 'OPTIONS': {{'context_processors': ['django.template.context_processors.debug',
              'django.template.context_processors.request', 'django.contrib.auth.context_processors.auth',
              'django.contrib.messages.context_processors.messages']}}}}]
DATABASES = {{'default': {{'ENGINE': 'django.db.backends.sqlite3', 'NAME': {str(site / 'db.sqlite3')!r}}}}}
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
USE_TZ = True
TIME_ZONE = 'UTC'
STATIC_URL = '/static/'
""")
    (site / "djsite" / "urls.py").write_text(
        "from django.urls import path\nfrom django.views.generic import ListView\nfrom blog.models import Post\n"
        "urlpatterns = [path('', ListView.as_view(model=Post, template_name='index.html', context_object_name='posts'))]\n")
    (site / "blog" / "models.py").write_text(
        "from django.db import models\nclass Post(models.Model):\n    title = models.CharField(max_length=200)\n"
        "    content = models.TextField()\n    published_date = models.DateTimeField()\n"
        "    class Meta:\n        ordering = ['-published_date']\n")
    (site / "templates" / "base.html").write_text(TEMPLATE_BASE)
    (site / "templates" / "index.html").write_text(TEMPLATE_INDEX)
    (site / "manage.py").write_text("import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'djsite.settings')\n"
                                    "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n")
    for cmd in (["makemigrations", "blog"], ["migrate"]):
        subprocess.run(["/usr/bin/python3", "manage.py", *cmd], cwd=site, check=True, capture_output=True)
    seed(site / "db.sqlite3")
    return site


def rss_kb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mvt", default=str(pathlib.Path(__file__).resolve().parents[1] / "build" / "mvt"))
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--rounds", type=int, default=1)
    args = ap.parse_args()
    args.mvt = str(pathlib.Path(args.mvt).resolve())
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="mvt-bench-"))
    procs = []
    try:
        site = mvt_project(tmp, args.mvt)
        dj = django_project(tmp)
        p_mvt, p_dj, p_ng = free_port(), free_port(), free_port()
        procs.append(subprocess.Popen([args.mvt, "runserver", str(p_mvt), "--noreload"], cwd=site,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        procs.append(subprocess.Popen(["/usr/bin/python3", "manage.py", "runserver", str(p_dj), "--noreload"], cwd=dj,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        wait_port(p_mvt)
        wait_port(p_dj)
        import urllib.request
        page = urllib.request.urlopen(f"http://127.0.0.1:{p_mvt}/").read()
        django_page = urllib.request.urlopen(f"http://127.0.0.1:{p_dj}/").read()
        www = tmp / "www"
        www.mkdir()
        (www / "index.html").write_bytes(page)
        conf = tmp / "nginx.conf"
        conf.write_text(f"""daemon off; worker_processes 2; {"user root;" if os.geteuid() == 0 else ""} pid {tmp}/nginx.pid; error_log {tmp}/nginx.err;
events {{ worker_connections 1024; }}
http {{ access_log off; server {{ listen 127.0.0.1:{p_ng}; root {www}; }} }}
""")
        procs.append(subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL))
        wait_port(p_ng)
        print(f"page: {len(page)} bytes from mvt, {len(django_page)} from Django (same template and data)")
        # Each server first serves the same load for a second, unmeasured
        # (threads, caches and page faults of a first burst).
        wrk(f"http://127.0.0.1:{p_mvt}/", 1, args.connections)
        wrk(f"http://127.0.0.1:{p_dj}/", 1, min(args.connections, 8))
        wrk(f"http://127.0.0.1:{p_ng}/index.html", 1, args.connections)
        rounds = []
        for n in range(args.rounds):
            rounds.append((wrk(f"http://127.0.0.1:{p_mvt}/", args.seconds, args.connections),
                           wrk(f"http://127.0.0.1:{p_dj}/", args.seconds, min(args.connections, 8)),
                           wrk(f"http://127.0.0.1:{p_ng}/index.html", args.seconds, args.connections)))
            if args.rounds > 1:
                m, d, g = rounds[-1]
                print(f"round {n + 1}: mvt {m:.0f}, Django {d:.0f}, nginx {g:.0f} requests/s "
                      f"({m / d:.1f}x Django, {100 * m / g:.0f}% of nginx)")
        r_mvt, r_dj, r_ng = (statistics.median(r[k] for r in rounds) for k in range(3))
        rss = rss_kb(procs[0].pid)
        print(f"mvt runserver:    {r_mvt:10.0f} requests/s")
        print(f"Django runserver: {r_dj:10.0f} requests/s")
        print(f"nginx (static):   {r_ng:10.0f} requests/s")
        print(f"mvt / Django = {r_mvt / r_dj:.1f}x   (target >= 30x)")
        print(f"mvt / nginx  = {100 * r_mvt / r_ng:.0f}%   (target >= 30%)")
        print(f"mvt RSS after the run: {rss / 1024:.1f} MB   (target < 20 MB)")
    finally:
        for p in procs:
            p.send_signal(signal.SIGINT)
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
