"""Every field type and the less common options beside Django 3.2: an
abstract base, SmallAutoField/AutoField keys, db_column, to_field (and the
foreign key column following its target's length), db_constraint: false, a
conditional UniqueConstraint, a CheckConstraint; then fields of every kind
added to a table with rows (the back-filled values must be the ones Django
writes), then altered. After each step the schemas and the whole data of the
two databases are the same and no row is lost; finally zero and forward."""
import sqlite3

from test_migrations_django import Harness, snapshot
from test_migrations_evolution import assert_same_data, insert_same_rows, rows_survive

STEP1 = {"things": """
    Base:
      fields:
        created: {type: DateTimeField, auto_now_add: true}
      meta: {abstract: true}
    Kind:
      fields:
        id: {type: SmallAutoField, primary_key: true}
        code: {type: CharField, max_length: 10, unique: true}
    Plain:
      fields:
        id: {type: AutoField, primary_key: true}
        name: {type: CharField, max_length: 5}
    Item:
      bases: [Base]
      fields:
        big: BigIntegerField
        small: SmallIntegerField
        day: DateField
        at: TimeField
        span: DurationField
        blob: BinaryField
        doc: {type: FileField, upload_to: docs/}
        site: URLField
        mail: EmailField
        uid: UUIDField
        ip: {type: GenericIPAddressField, null: true}
        named: {type: CharField, max_length: 20, db_column: named_col}
        kind: {type: ForeignKey, to: Kind, on_delete: CASCADE, to_field: code}
        loose: {type: ForeignKey, to: Kind, on_delete: DO_NOTHING, db_constraint: false, null: true, related_name: loose}
        plain: {type: OneToOneField, to: Plain, on_delete: CASCADE, null: true}
        ratio: FloatField
      meta:
        constraints:
          - {type: UniqueConstraint, fields: [big, small], name: item_big_small_uniq, condition: {big__gte: 0}}
          - {type: CheckConstraint, check: {small__lte: 30000}, name: item_small_lte}
    """}

ADDED = """\
        flag: {type: BooleanField, default: true}
        when: {type: DateField, default: 2026-11-21}
        count: {type: PositiveIntegerField, default: 7}
        price: {type: DecimalField, max_digits: 6, decimal_places: 2, default: 1.50}
        extra: {type: JSONField, default: {a: 1, b: [1, 2]}}
        ident: {type: UUIDField, default: "12345678-1234-5678-1234-567812345678"}
        label: {type: CharField, max_length: 10, blank: true}
        note: {type: TextField, null: true}
        score: {type: FloatField, default: 0.5}
        big2: {type: BigIntegerField, default: 10000000000}
        tiny: {type: SmallIntegerField, default: -3}
"""

STEP2 = {"things": STEP1["things"].replace("        ratio: FloatField\n", "        ratio: FloatField\n" + ADDED)}

STEP3 = {"things": STEP2["things"]
         .replace("code: {type: CharField, max_length: 10, unique: true}",
                  "code: {type: CharField, max_length: 12, unique: true}")
         .replace("small: SmallIntegerField", "small: PositiveSmallIntegerField")
         .replace("db_column: named_col", "db_column: named_column")
         .replace("note: {type: TextField, null: true}", "note: {type: TextField, default: \"\"}")
         .replace("span: DurationField", "span: {type: DurationField, null: true}")}


def test_every_type_added_and_altered_as_django(tmp_path):
    h = Harness(tmp_path, ["things"])
    h.step(STEP1)
    insert_same_rows(h, 11)
    assert_same_data(h)
    for n, models in ((2, STEP2), (3, STEP3)):
        before = snapshot(h.db)
        h.step(models)
        renamed = {("things_item", "named_col"): "named_column"} if n == 3 else {}
        # NULL notes become '' (null -> not null with a default; compared with Django's below).
        problems = rows_survive(before, snapshot(h.db), columns=renamed, changed={("things_item", "note")})
        assert not problems, "step %d:\n%s" % (n, "\n".join(problems[:20]))
        assert_same_data(h)  # the back-filled and converted values are Django's
        insert_same_rows(h, 11 + n)
        assert_same_data(h)
        assert h.run_mvt(["makemigrations"]).stdout == "No changes detected\n"
    # Back one step with both tools, then zero and forward.
    for tool in (h.run_mvt, h.run_django):
        tool(["migrate", "things", "0002"])
    h.assert_same_schema()
    assert_same_data(h)
    h.run_mvt(["migrate", "things", "zero"])
    tables = {r[0] for r in sqlite3.connect(h.db).execute("select name from sqlite_master where type='table'")}
    assert not {t for t in tables if t.startswith("things_")}, tables
    h.run_mvt(["migrate"])
    h.run_django(["migrate"])
    h.assert_same_schema()
