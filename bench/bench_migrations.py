#!/usr/bin/env python3
"""makemigrations and migrate from scratch: mvt beside Django 3.2.

Generates a project of 10 apps x 20 models (200 models) with fields of many
types, foreign keys within and across apps, many-to-many fields, indexes and
unique_together, writes it as models.yaml for mvt and as models.py for a
Django project, then times, for each tool, `makemigrations` (no migrations
yet) and `migrate` (a new database), each the best of --repeat runs, and
prints the ratios. Usage:

    bench/bench_migrations.py [--mvt build/mvt] [--repeat 3] [--apps 10] [--models 20]
"""
import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
from test_migrations_django import models_py, load_yaml, SETTINGS_PY  # noqa: E402


def generate(apps, per_app):
    """models.yaml text per app."""
    out = {}
    for a in range(apps):
        lines = []
        for m in range(per_app):
            lines.append("Model%d:" % m)
            lines.append("  fields:")
            lines.append("    name: {type: CharField, max_length: %d}" % (50 + m))
            lines.append("    slug: {type: SlugField, unique: true}")
            lines.append("    count: {type: IntegerField, default: 0}")
            lines.append("    price: {type: DecimalField, max_digits: 10, decimal_places: 2, default: 0}")
            lines.append("    active: {type: BooleanField, default: true}")
            lines.append("    created: {type: DateTimeField, auto_now_add: true}")
            lines.append("    notes: {type: TextField, blank: true}")
            if m > 0:
                lines.append("    parent: {type: ForeignKey, to: Model%d, on_delete: CASCADE, null: true}" % (m - 1))
            if a > 0:
                lines.append("    other: {type: ForeignKey, to: app%d.Model%d, on_delete: PROTECT, related_name: "
                             "'+'}" % (a - 1, m))
            if m % 5 == 4:
                lines.append("    tags: {type: ManyToManyField, to: Model%d, blank: true, related_name: tagged_%d}" % (m - 1, m))
            if m % 3 == 0:
                lines.append("    owner: {type: ForeignKey, to: auth.User, on_delete: CASCADE, null: true, "
                             "related_name: '+'}")
            lines.append("  meta:")
            lines.append("    ordering: [name]")
            if m % 4 == 1:
                lines.append("    unique_together: [[name, count]]")
            if m % 4 == 2:
                lines.append("    indexes: [{fields: [name, created], name: a%dm%d_idx}]" % (a, m))
        out["app%d" % a] = "\n".join(lines) + "\n"
    return out


def timed(cmd, cwd, env=None):
    """(wall seconds, CPU seconds: user + system of the command and its threads)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode != 0:
        raise SystemExit("%s failed:\n%s\n%s" % (" ".join(cmd), p.stdout, p.stderr))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return elapsed, cpu


def setup(root, models):
    mvt_dir = os.path.join(root, "mvt")
    dj_dir = os.path.join(root, "dj")
    apps = sorted(models)
    os.makedirs(mvt_dir)
    with open(os.path.join(mvt_dir, "settings.yaml"), "w") as f:
        f.write("SECRET_KEY: bench\nINSTALLED_APPS: [contenttypes, auth, sessions, messages, staticfiles, %s]\n"
                % ", ".join(apps))
    os.makedirs(os.path.join(dj_dir, "mysite"))
    open(os.path.join(dj_dir, "mysite", "__init__.py"), "w").close()
    with open(os.path.join(dj_dir, "mysite", "settings.py"), "w") as f:
        f.write(SETTINGS_PY % {"apps": apps})
    with open(os.path.join(dj_dir, "mysite", "urls.py"), "w") as f:
        f.write("urlpatterns = []\n")
    with open(os.path.join(dj_dir, "manage.py"), "w") as f:
        f.write("import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"
                "from django.core.management import execute_from_command_line\n"
                "execute_from_command_line(sys.argv)\n")
    for app, text in models.items():
        os.makedirs(os.path.join(mvt_dir, app))
        with open(os.path.join(mvt_dir, app, "models.yaml"), "w") as f:
            f.write(text)
        os.makedirs(os.path.join(dj_dir, app))
        open(os.path.join(dj_dir, app, "__init__.py"), "w").close()
        with open(os.path.join(dj_dir, app, "models.py"), "w") as f:
            f.write(models_py(app, load_yaml(text)))
    return mvt_dir, dj_dir, apps


def reset(mvt_dir, dj_dir, apps, keep_migrations):
    for d in (mvt_dir, dj_dir):
        db = os.path.join(d, "db.sqlite3")
        if os.path.exists(db):
            os.remove(db)
        if not keep_migrations:
            for app in apps:
                shutil.rmtree(os.path.join(d, app, "migrations"), ignore_errors=True)
                os.makedirs(os.path.join(d, app, "migrations"))
                if d == dj_dir:
                    open(os.path.join(d, app, "migrations", "__init__.py"), "w").close()


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mvt", default=os.environ.get("MVT_BIN", os.path.join(HERE, "..", "build", "mvt")))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--apps", type=int, default=10)
    ap.add_argument("--models", type=int, default=20)
    args = ap.parse_args()
    mvt = os.path.abspath(args.mvt)
    root = tempfile.mkdtemp(prefix="bench_migrations_")
    try:
        mvt_dir, dj_dir, apps = setup(root, generate(args.apps, args.models))
        results = {}
        for name, tool, cwd in (("mvt", [mvt], mvt_dir), ("django", ["/usr/bin/python3", "manage.py"], dj_dir)):
            mk, mg = [], []
            for _ in range(args.repeat):
                reset(mvt_dir, dj_dir, apps, keep_migrations=False)
                mk.append(timed(tool + ["makemigrations", "--noinput", "-v", "0"], cwd))
                mg.append(timed(tool + ["migrate", "--noinput", "-v", "0"], cwd))
            results[name] = (min(mk), min(mg))
        # Wall time is what users wait for; CPU time (best run by wall time)
        # shows the work done, less disturbed by a busy machine.
        print("%d apps x %d models (best of %d)" % (args.apps, args.models, args.repeat))
        print("%-16s %10s %10s %8s   %10s %10s %8s" % ("command", "mvt (s)", "django (s)", "ratio",
                                                     "mvt cpu", "django cpu", "ratio"))
        for i, cmd in enumerate(("makemigrations", "migrate")):
            (m, mc), (d, dc) = results["mvt"][i], results["django"][i]
            print("%-16s %10.3f %10.3f %7.1fx   %10.3f %10.3f %7.1fx" % (cmd, m, d, d / m, mc, dc, dc / mc))
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
