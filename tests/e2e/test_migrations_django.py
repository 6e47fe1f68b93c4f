"""makemigrations + migrate against Django 3.2: for projects described in
models.yaml, the same models are written as a Django models.py in a temporary
Django project; both tools make and apply their migrations, step after step,
and the two SQLite schemas must be the same (tables, columns, types, NOT
NULL, primary and foreign keys, CHECKs, uniques, indexes and the CREATE
statements). Rows inserted in every table must survive each step; finally
every app is migrated back to zero and forward again. `sqlmigrate` output is
compared with Django's for each migration.

The Harness class is reused by the other migration test files.
"""
import datetime
import decimal
import os
import random
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap

import pytest
import yaml

MVT = os.environ.get("MVT_BIN", "mvt")
PY = "/usr/bin/python3"


# ---------------------------------------------------------------------------
# models.yaml -> Django models.py

def load_yaml(text):
    """PyYAML (YAML 1.1) with mapping keys kept as names: `null: true` is the option null."""
    def fix(node):
        if isinstance(node, dict):
            return {("null" if k is None else k): fix(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fix(x) for x in node]
        return node
    return fix(yaml.safe_load(text))


def py_value(ftype, v):
    if isinstance(v, dict) and list(v) == ["callable"]:
        return {"timezone.now": "timezone.now", "now": "timezone.now", "date.today": "datetime.date.today",
                "uuid.uuid4": "uuid.uuid4", "dict": "dict", "list": "list"}[v["callable"]]
    if ftype == "DecimalField" and v is not None:
        return "decimal.Decimal(%r)" % str(v)
    if ftype == "DateField" and isinstance(v, (str, datetime.date)):
        return "datetime.date.fromisoformat(%r)" % str(v)
    return repr(v)


def field_py(name, spec, app):
    if isinstance(spec, str):
        spec = {"type": spec}
    spec = dict(spec)
    ftype = spec.pop("type")
    args = []
    kw = []
    if "to" in spec:
        to = spec.pop("to")
        if to == "auth.User":
            args.append("settings.AUTH_USER_MODEL")
        elif "." in to or to == "self":
            args.append(repr(to))
        else:
            args.append(repr(to))
    if "on_delete" in spec:
        kw.append("on_delete=models.%s" % spec.pop("on_delete"))
    for k, v in spec.items():
        if k == "default":
            kw.append("default=%s" % py_value(ftype, v))
        elif k == "choices":
            kw.append("choices=%s" % repr([tuple(c) for c in v]))
        elif k == "through":
            kw.append("through=%r" % v)
        else:
            kw.append("%s=%r" % (k, v))
    return "    %s = models.%s(%s)" % (name, ftype, ", ".join(args + kw))


def q_py(check):
    return "models.Q(%s)" % ", ".join("%s=%r" % (k, v) for k, v in check.items())


def models_py(app, models):
    lines = ["import datetime", "import decimal", "import uuid", "from django.conf import settings",
             "from django.db import models", "from django.utils import timezone", ""]
    for name, d in (models or {}).items():
        bases = ", ".join(d.get("bases", [])) or "models.Model"
        lines.append("class %s(%s):" % (name, bases))
        for fname, fspec in (d.get("fields") or {}).items():
            lines.append(field_py(fname, fspec, app))
        meta = d.get("meta") or {}
        if meta:
            lines.append("    class Meta:")
            for k, v in meta.items():
                if k == "indexes":
                    idx = ", ".join("models.Index(fields=%r, name=%r)" % (i["fields"], i["name"]) for i in v)
                    lines.append("        indexes = [%s]" % idx)
                elif k == "constraints":
                    cs = []
                    for c in v:
                        if c["type"] == "UniqueConstraint":
                            cond = ", condition=%s" % q_py(c["condition"]) if "condition" in c else ""
                            cs.append("models.UniqueConstraint(fields=%r, name=%r%s)" % (c["fields"], c["name"], cond))
                        else:
                            cs.append("models.CheckConstraint(check=%s, name=%r)" % (q_py(c["check"]), c["name"]))
                    lines.append("        constraints = [%s]" % ", ".join(cs))
                else:
                    lines.append("        %s = %r" % (k, v))
        if not (d.get("fields") or meta):
            lines.append("    pass")
        lines.append("")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Schemas

def schema(path):
    c = sqlite3.connect(path)
    out = {}
    for name, sql in c.execute("select name, sql from sqlite_master where type='table' "
                               "and name not like 'sqlite_%' order by name"):
        t = {"columns": sorted((r[1], r[2], r[3], r[5]) for r in c.execute('PRAGMA table_info("%s")' % name)),
             "fks": sorted((r[2], r[3], r[4]) for r in c.execute('PRAGMA foreign_key_list("%s")' % name)),
             "sql": sql}
        idx = []
        for r in c.execute('PRAGMA index_list("%s")' % name):
            cols = tuple(x[2] for x in c.execute('PRAGMA index_info("%s")' % r[1]))
            idx.append(("auto" if r[1].startswith("sqlite_autoindex") else r[1], r[2], cols))
        t["indexes"] = sorted(idx)
        out[name] = t
    c.close()
    return out


def diff_schemas(a, b):
    problems = []
    for t in sorted(set(a) | set(b)):
        if t not in a or t not in b:
            problems.append("table %s only in %s" % (t, "mvt" if t in a else "django"))
            continue
        for k in ("columns", "fks", "indexes", "sql"):
            if a[t][k] != b[t][k]:
                problems.append("%s.%s:\n   mvt:    %s\n   django: %s" % (t, k, a[t][k], b[t][k]))
    return problems


# ---------------------------------------------------------------------------
# Rows in every table

def column_value(ctype, check, n):
    t = ctype.lower()
    if "json" in (check or "").lower():
        return '{"n": %d}' % n
    if t.startswith("varchar") or t == "text":
        size = int(re.findall(r"\d+", t)[0]) if "(" in t else 30
        return ("v%d_%d" % (n, random.randint(0, 10 ** 6)))[:size]
    if t == "char(32)":
        return "%032x" % random.getrandbits(128)
    if t == "char(39)":
        return "10.0.%d.%d" % (n % 250, random.randint(1, 250))
    if t in ("integer", "bigint", "smallint", "integer unsigned", "bigint unsigned", "smallint unsigned"):
        return random.randint(1, 30000)
    if t == "bool":
        return n % 2
    if t == "datetime":
        return "2026-01-%02d 03:04:05" % (n % 28 + 1)
    if t == "date":
        return "2026-02-%02d" % (n % 28 + 1)
    if t == "time":
        return "10:%02d:00" % (n % 60)
    if t == "decimal":
        return 1.5 + n
    if t == "real":
        return 2.25 + n
    if t == "blob":
        return b"\x00\x01"
    return "x%d" % n


def insert_rows(path, rounds=2):
    """Inserts `rounds` rows into every table (references point at existing rows)."""
    c = sqlite3.connect(path)
    c.execute("PRAGMA foreign_keys = ON")
    # Tables and columns in name order, references to the lowest key first:
    # two databases with the same schema get the same rows for the same seed.
    tables = sorted(r[0] for r in c.execute("select name from sqlite_master where type='table' and name not like "
                                            "'sqlite_%' and name != 'django_migrations'"))
    info = {t: sorted(c.execute('PRAGMA table_info("%s")' % t), key=lambda r: r[1]) for t in tables}
    fks = {t: {r[3]: (r[2], r[4]) for r in c.execute('PRAGMA foreign_key_list("%s")' % t)} for t in tables}
    sqls = {t: c.execute("select sql from sqlite_master where name=?", (t,)).fetchone()[0] for t in tables}
    done = []
    pending = list(tables)
    while pending:
        progress = False
        for t in list(pending):
            deps = {ref for (ref, _) in fks[t].values() if ref != t}
            if any(d in pending for d in deps):
                continue
            for n in range(rounds):
                cols, vals = [], []
                for cid, name, ctype, notnull, dflt, pk in info[t]:
                    if pk and ctype.lower() == "integer":
                        continue
                    m = re.search(r'"%s" [^,]*CHECK \(([^)]*\)?)' % re.escape(name), sqls[t])
                    if name in fks[t]:
                        ref, refcol = fks[t][name]
                        if ref == t:
                            if not notnull:
                                continue
                            row = c.execute('select "%s" from "%s" order by 1 limit 1' % (refcol, ref)).fetchone()
                            if not row:
                                continue
                            value = row[0]
                        else:
                            rows = c.execute('select "%s" from "%s" order by 1' % (refcol, ref)).fetchall()
                            value = random.choice(rows)[0]
                    else:
                        value = column_value(ctype, m.group(1) if m else "", len(done) * 10 + n)
                    cols.append('"%s"' % name)
                    vals.append(value)
                try:
                    c.execute('insert into "%s" (%s) values (%s)' % (t, ", ".join(cols), ", ".join("?" * len(vals))),
                              vals)
                except sqlite3.IntegrityError:
                    pass  # a table whose rows cannot be made up generically (self-referencing NOT NULL)
            c.commit()
            pending.remove(t)
            done.append(t)
            progress = True
        if not progress:
            break
    c.close()


def snapshot(path):
    c = sqlite3.connect(path)
    out = {}
    for (t,) in c.execute("select name from sqlite_master where type='table' and name not like 'sqlite_%' "
                          "and name != 'django_migrations'"):
        cols = [r[1] for r in c.execute('PRAGMA table_info("%s")' % t)]
        pk = [r[1] for r in c.execute('PRAGMA table_info("%s")' % t) if r[5]] or ["rowid"]
        rows = c.execute('select %s, * from "%s"' % (pk[0] if pk[0] == "rowid" else '"%s"' % pk[0], t)).fetchall()
        out[t] = (cols, {r[0]: dict(zip(cols, r[1:])) for r in rows})
    c.close()
    return out


def check_rows_survive(before, after, dropped_tables=(), changed_columns=()):
    problems = []
    for t, (cols, rows) in before.items():
        if t in dropped_tables or t not in after:
            continue
        acols, arows = after[t]
        for pk, row in rows.items():
            if pk not in arows:
                problems.append("row %r of %s lost" % (pk, t))
                continue
            for col, val in row.items():
                if col in acols and (t, col) not in changed_columns and arows[pk][col] != val:
                    problems.append("%s[%r].%s changed: %r -> %r" % (t, pk, col, val, arows[pk][col]))
    return problems


# ---------------------------------------------------------------------------
# The two projects

SETTINGS_PY = """
from pathlib import Path
BASE_DIR = Path(__file__).resolve().parent.parent
SECRET_KEY = 'x'
DEBUG = True
ALLOWED_HOSTS = []
INSTALLED_APPS = ['django.contrib.contenttypes', 'django.contrib.auth', 'django.contrib.sessions',
                  'django.contrib.messages', 'django.contrib.staticfiles'] + %(apps)r
DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': BASE_DIR / 'db.sqlite3'}}
DEFAULT_AUTO_FIELD = 'django.db.models.BigAutoField'
USE_TZ = True
TIME_ZONE = 'UTC'
ROOT_URLCONF = 'mysite.urls'
"""


class Harness:
    def __init__(self, tmp_path, apps):
        self.apps = list(apps)
        self.mvt_dir = tmp_path / "mvt" / "mysite"
        self.dj_dir = tmp_path / "dj"
        self.mvt_dir.parent.mkdir(parents=True)
        self.run_mvt(["startproject", "mysite"], cwd=self.mvt_dir.parent)
        s = (self.mvt_dir / "settings.yaml").read_text()
        s = s.replace("  - staticfiles\n", "  - staticfiles\n" + "".join("  - %s\n" % a for a in self.apps))
        (self.mvt_dir / "settings.yaml").write_text(s)
        (self.dj_dir / "mysite").mkdir(parents=True)
        (self.dj_dir / "mysite" / "__init__.py").write_text("")
        (self.dj_dir / "mysite" / "settings.py").write_text(SETTINGS_PY % {"apps": self.apps})
        (self.dj_dir / "mysite" / "urls.py").write_text("urlpatterns = []\n")
        (self.dj_dir / "manage.py").write_text(
            "import os, sys\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"
            "from django.core.management import execute_from_command_line\nexecute_from_command_line(sys.argv)\n")
        for a in self.apps:
            (self.mvt_dir / a / "migrations").mkdir(parents=True)
            (self.dj_dir / a / "migrations").mkdir(parents=True)
            (self.dj_dir / a / "__init__.py").write_text("")
            (self.dj_dir / a / "migrations" / "__init__.py").write_text("")

    def run_mvt(self, args, cwd=None, check=True, input=None):
        p = subprocess.run([MVT] + args, cwd=cwd or self.mvt_dir, capture_output=True, text=True, input=input,
                           env=dict(os.environ, NO_COLOR="1"))
        if check and p.returncode != 0:
            raise AssertionError("mvt %s failed (%d):\n%s\n%s" % (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def run_django(self, args, check=True):
        p = subprocess.run([PY, "manage.py"] + args, cwd=self.dj_dir, capture_output=True, text=True)
        if check and p.returncode != 0:
            raise AssertionError("django %s failed:\n%s\n%s" % (" ".join(args), p.stdout, p.stderr))
        return p

    def write_models(self, models_by_app):
        for app, text in models_by_app.items():
            (self.mvt_dir / app / "models.yaml").write_text(textwrap.dedent(text))
            parsed = load_yaml(textwrap.dedent(text)) or {}
            (self.dj_dir / app / "models.py").write_text(models_py(app, parsed))

    def migration_names(self, app):
        names = sorted(p.stem for p in (self.mvt_dir / app / "migrations").glob("*.yaml"))
        dj = sorted(p.stem for p in (self.dj_dir / app / "migrations").glob("0*.py"))
        return names, dj

    def step(self, models_by_app, compare_sqlmigrate=True):
        """One evolution step: new models, makemigrations and migrate with both tools."""
        self.write_models(models_by_app)
        before_names = {a: self.migration_names(a)[0] for a in self.apps}
        mk = self.run_mvt(["makemigrations", "--noinput"])
        self.run_django(["makemigrations", "--noinput"])
        for a in self.apps:
            names, dj = self.migration_names(a)
            # Names match (Django 3.2 names multi-operation migrations auto_<date>; mvt as Django 4.0).
            assert [n.split("_")[0] for n in names] == [n.split("_")[0] for n in dj], (names, dj, mk.stdout)
            if compare_sqlmigrate:
                for n, d in zip(names, dj):
                    if n in before_names[a]:
                        continue
                    self.compare_sqlmigrate(a, n, d)
        self.run_mvt(["migrate", "--noinput"])
        self.run_django(["migrate", "--noinput"])
        self.assert_same_schema()
        return mk

    def compare_sqlmigrate(self, app, name, dj_name, backwards=False):
        args = ["sqlmigrate", app, name] + (["--backwards"] if backwards else [])
        mine = self.run_mvt(args).stdout
        theirs = self.run_django(["sqlmigrate", app, dj_name] + (["--backwards"] if backwards else [])).stdout
        assert mine == theirs, "sqlmigrate %s %s differs:\n--- mvt\n%s\n--- django\n%s" % (app, name, mine, theirs)

    def assert_same_schema(self):
        problems = diff_schemas(schema(self.mvt_dir / "db.sqlite3"), schema(self.dj_dir / "db.sqlite3"))
        assert not problems, "\n".join(problems)

    @property
    def db(self):
        return self.mvt_dir / "db.sqlite3"


# ---------------------------------------------------------------------------
# Projects

SPEC_BLOG = {"blog": """
    Post:
      fields:
        title: {type: CharField, max_length: 200}
        content: TextField
        published_date: {type: DateTimeField, auto_now_add: true}
        author: {type: ForeignKey, to: auth.User, on_delete: CASCADE, related_name: posts}
        tags: {type: ManyToManyField, to: Tag, blank: true}
      meta:
        ordering: [-published_date]
        verbose_name_plural: posts
      str: "{{ title }}"
      absolute_url: "{% url 'blog:post_detail' pk=id %}"
    Tag:
      fields:
        name: {type: SlugField, unique: true}
    """}

POLLS = {"polls": """
    Question:
      fields:
        question_text: {type: CharField, max_length: 200}
        pub_date: {type: DateTimeField, verbose_name: date published}
      str: "{{ question_text }}"
    Choice:
      fields:
        question: {type: ForeignKey, to: Question, on_delete: CASCADE}
        choice_text: {type: CharField, max_length: 200}
        votes: {type: IntegerField, default: 0}
      str: "{{ choice_text }}"
    """}

SHOP = {"shop": """
    Product:
      fields:
        name: {type: CharField, max_length: 100}
        slug: {type: SlugField, unique: true}
        description: {type: TextField, blank: true}
        price: {type: DecimalField, max_digits: 10, decimal_places: 2}
        stock: {type: PositiveIntegerField, default: 0}
        available: {type: BooleanField, default: true}
        created: {type: DateTimeField, auto_now_add: true}
        updated: {type: DateTimeField, auto_now: true}
        code: {type: UUIDField, default: {callable: uuid.uuid4}, unique: true}
        attributes: {type: JSONField, default: {callable: dict}, blank: true}
        weight: {type: FloatField, null: true}
      meta:
        ordering: [name]
        indexes:
          - {fields: [name, -created], name: shop_prod_name_idx}
        constraints:
          - {type: CheckConstraint, check: {price__gte: 0}, name: price_not_negative}
    Order:
      fields:
        customer: {type: ForeignKey, to: auth.User, on_delete: CASCADE, related_name: orders}
        products: {type: ManyToManyField, to: Product, through: OrderItem}
        status: {type: CharField, max_length: 10, choices: [[new, New], [paid, Paid], [sent, Sent]], default: new}
        total_amount: {type: DecimalField, max_digits: 12, decimal_places: 2, default: 0}
        placed_at: {type: DateTimeField, auto_now_add: true}
        ip: {type: GenericIPAddressField, null: true, blank: true}
    OrderItem:
      fields:
        order: {type: ForeignKey, to: Order, on_delete: CASCADE, related_name: items}
        product: {type: ForeignKey, to: Product, on_delete: PROTECT}
        quantity: {type: PositiveSmallIntegerField, default: 1}
      meta:
        unique_together: [[order, product]]
    """}


def test_spec_blog_models(tmp_path):
    h = Harness(tmp_path, ["blog"])
    h.step(SPEC_BLOG)
    insert_rows(h.db)
    assert "No changes detected" in h.run_mvt(["makemigrations"]).stdout


def test_polls_tutorial(tmp_path):
    h = Harness(tmp_path, ["polls"])
    h.step(POLLS)
    insert_rows(h.db)
    h.compare_sqlmigrate("polls", "0001", "0001", backwards=True)


def test_shop_with_user_orders(tmp_path):
    h = Harness(tmp_path, ["shop"])
    h.step(SHOP)
    # The content types and permissions are Django's (same rows, same ids).
    for q in ("select id, app_label, model from django_content_type order by id",
              "select id, content_type_id, codename, name from auth_permission order by id"):
        mine = sqlite3.connect(h.db).execute(q).fetchall()
        theirs = sqlite3.connect(h.dj_dir / "db.sqlite3").execute(q).fetchall()
        assert mine == theirs
    insert_rows(h.db)
    assert "No changes detected" in h.run_mvt(["makemigrations"]).stdout


EVOLUTION = [
    # 1: two apps, a self-reference, a foreign key within the app
    {"blog": """
        Author:
          fields:
            name: {type: CharField, max_length: 100}
        Category:
          fields:
            name: {type: CharField, max_length: 50}
            parent: {type: ForeignKey, to: self, on_delete: CASCADE, null: true, blank: true, related_name: children}
        Post:
          fields:
            title: {type: CharField, max_length: 200}
            body: {type: TextField, blank: true}
            author: {type: ForeignKey, to: Author, on_delete: CASCADE}
            category: {type: ForeignKey, to: Category, on_delete: SET_NULL, null: true}
        """,
     "shop": """
        Product:
          fields:
            name: {type: CharField, max_length: 100}
            price: {type: DecimalField, max_digits: 8, decimal_places: 2}
        """},
    # 2: added fields with defaults, an altered field, unique_together, an index
    {"blog": """
        Author:
          fields:
            name: {type: CharField, max_length: 100}
            email: {type: EmailField, blank: true}
        Category:
          fields:
            name: {type: CharField, max_length: 50}
            parent: {type: ForeignKey, to: self, on_delete: CASCADE, null: true, blank: true, related_name: children}
        Post:
          fields:
            title: {type: CharField, max_length: 300}
            body: {type: TextField, blank: true}
            author: {type: ForeignKey, to: Author, on_delete: CASCADE}
            category: {type: ForeignKey, to: Category, on_delete: SET_NULL, null: true}
            views: {type: IntegerField, default: 0}
            flag: {type: BooleanField, default: false}
            rating: {type: DecimalField, max_digits: 4, decimal_places: 2, default: 1.5}
            extra: {type: JSONField, default: {a: 1, b: [1, 2]}}
          meta:
            unique_together: [[title, author]]
            indexes:
              - {fields: [views], name: blog_post_views_idx}
        """,
     "shop": """
        Product:
          fields:
            name: {type: CharField, max_length: 100}
            price: {type: DecimalField, max_digits: 8, decimal_places: 2}
            stock: {type: PositiveIntegerField, default: 3}
        """},
    # 3: relations across apps both ways (circular), OneToOne, M2M, removed field,
    #    renamed without a question (--noinput: remove + add)
    {"blog": """
        Author:
          fields:
            name: {type: CharField, max_length: 100}
            email: {type: EmailField, blank: true}
            user: {type: OneToOneField, to: auth.User, on_delete: CASCADE, null: true}
            favourite: {type: ForeignKey, to: shop.Product, on_delete: SET_NULL, null: true, related_name: fans}
        Category:
          fields:
            name: {type: CharField, max_length: 50}
            parent: {type: ForeignKey, to: self, on_delete: CASCADE, null: true, blank: true, related_name: children}
        Post:
          fields:
            title: {type: CharField, max_length: 300}
            text: {type: TextField, default: ""}
            author: {type: ForeignKey, to: Author, on_delete: CASCADE}
            category: {type: ForeignKey, to: Category, on_delete: SET_NULL, null: true}
            views: {type: IntegerField, default: 0}
            rating: {type: DecimalField, max_digits: 4, decimal_places: 2, default: 1.5}
            extra: {type: JSONField, default: {a: 1, b: [1, 2]}}
            products: {type: ManyToManyField, to: shop.Product, blank: true}
            related: {type: ManyToManyField, to: self, blank: true}
          meta:
            unique_together: [[title, author]]
            indexes:
              - {fields: [views], name: blog_post_views_idx}
        """,
     "shop": """
        Product:
          fields:
            name: {type: CharField, max_length: 100}
            price: {type: DecimalField, max_digits: 8, decimal_places: 2}
            stock: {type: PositiveIntegerField, default: 3}
            featured: {type: ForeignKey, to: blog.Post, on_delete: SET_NULL, null: true, related_name: featuring}
          meta:
            constraints:
              - {type: CheckConstraint, check: {price__gte: 0}, name: shop_price_gte_0}
              - {type: UniqueConstraint, fields: [name, price], name: shop_name_price_uniq}
        """},
    # 4: a deleted model, null -> not null with a default, a removed index and
    #    unique_together, a new table name, a removed constraint
    {"blog": """
        Author:
          fields:
            name: {type: CharField, max_length: 100}
            email: {type: EmailField, blank: true}
            user: {type: OneToOneField, to: auth.User, on_delete: CASCADE, null: true}
            favourite: {type: ForeignKey, to: shop.Product, on_delete: SET_NULL, null: true, related_name: fans}
        Post:
          fields:
            title: {type: CharField, max_length: 300}
            text: {type: TextField, default: ""}
            author: {type: ForeignKey, to: Author, on_delete: CASCADE}
            views: {type: IntegerField, default: 0}
            rating: {type: DecimalField, max_digits: 4, decimal_places: 2, default: 2.5}
            extra: {type: JSONField, default: {a: 1, b: [1, 2]}}
            products: {type: ManyToManyField, to: shop.Product, blank: true}
            related: {type: ManyToManyField, to: self, blank: true}
          meta:
            db_table: blog_article
        """,
     "shop": """
        Product:
          fields:
            name: {type: CharField, max_length: 120}
            price: {type: DecimalField, max_digits: 8, decimal_places: 2}
            stock: {type: PositiveIntegerField, default: 3}
            featured: {type: ForeignKey, to: blog.Post, on_delete: SET_NULL, null: true, related_name: featuring}
          meta:
            constraints:
              - {type: CheckConstraint, check: {price__gte: 0}, name: shop_price_gte_0}
        """},
]


def test_multi_step_evolution_matches_django(tmp_path):
    h = Harness(tmp_path, ["blog", "shop"])
    previous = None
    for i, step in enumerate(EVOLUTION):
        before = snapshot(h.db) if previous else None
        h.step(step)
        if before is not None:
            problems = check_rows_survive(before, snapshot(h.db))
            assert not problems, "step %d:\n%s" % (i + 1, "\n".join(problems[:20]))
        insert_rows(h.db)
        previous = step
    assert "No changes detected" in h.run_mvt(["makemigrations"]).stdout
    # Back to zero (every app) and forward again gives the same schema.
    for app in ("shop", "blog", "sessions", "auth", "contenttypes"):
        h.run_mvt(["migrate", app, "zero", "--noinput"])
    tables = {r[0] for r in sqlite3.connect(h.db).execute("select name from sqlite_master where type='table'")}
    assert tables <= {"django_migrations", "sqlite_sequence"}, tables
    h.run_mvt(["migrate", "--noinput"])
    h.assert_same_schema()
