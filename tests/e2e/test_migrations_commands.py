"""The migration commands' behaviours: messages, flags and exit statuses as
Django's (makemigrations --check/--dry-run/--empty/--merge/--noinput,
migrate --fake/--fake-initial/--plan/--check/zero, showmigrations,
sqlmigrate --backwards, squashmigrations), diagnostics for wrong models and
migrations, failed migrations rolled back, and databases taken over between
Django and mvt in both directions."""
import sqlite3
import textwrap

import pytest

from test_migrations_django import Harness, POLLS, insert_rows, schema, diff_schemas


@pytest.fixture
def polls(tmp_path):
    h = Harness(tmp_path, ["polls"])
    h.write_models(POLLS)
    return h


def mvt(h, *args, check=True, input=None):
    return h.run_mvt(list(args), check=check, input=input)


def write(h, app, text):
    (h.mvt_dir / app / "models.yaml").write_text(textwrap.dedent(text))


def test_makemigrations_messages(polls):
    h = polls
    p = mvt(h, "makemigrations", "--check", check=False)
    assert p.returncode == 1
    assert p.stdout == ("Migrations for 'polls':\n  polls/migrations/0001_initial.yaml\n"
                        "    - Create model Question\n    - Create model Choice\n")
    assert not list((h.mvt_dir / "polls" / "migrations").glob("*.yaml")), "--check writes nothing"
    p = mvt(h, "makemigrations", "--dry-run", "-v", "3")
    assert "Full migrations file '0001_initial.yaml':" in p.stdout
    assert "  - CreateModel:\n      name: Question\n" in p.stdout
    assert not list((h.mvt_dir / "polls" / "migrations").glob("*.yaml"))
    p = mvt(h, "makemigrations")
    assert (h.mvt_dir / "polls" / "migrations" / "0001_initial.yaml").exists()
    assert mvt(h, "makemigrations").stdout == "No changes detected\n"
    assert mvt(h, "makemigrations", "polls").stdout == "No changes detected in app 'polls'\n"
    assert mvt(h, "makemigrations", "--check", check=False).returncode == 0
    p = mvt(h, "makemigrations", "nope", check=False)
    assert p.returncode == 2 and p.stderr == "No installed app with label 'nope'.\n"
    p = mvt(h, "makemigrations", "--empty", "polls", "-n", "data_fix")
    assert "polls/migrations/0002_data_fix.yaml" in p.stdout
    text = (h.mvt_dir / "polls" / "migrations" / "0002_data_fix.yaml").read_text()
    assert "dependencies:\n  - [polls, 0001_initial]\noperations: []\n" in text
    p = mvt(h, "makemigrations", "--empty", check=False)
    assert p.returncode == 1 and "You must supply at least one app label when using --empty." in p.stderr


def test_noinput_non_null_field_exits_3(polls):
    h = polls
    mvt(h, "makemigrations")
    write(h, "polls", """
        Question:
          fields:
            question_text: {type: CharField, max_length: 200}
            pub_date: {type: DateTimeField, verbose_name: date published}
            rank: IntegerField
        Choice:
          fields:
            question: {type: ForeignKey, to: Question, on_delete: CASCADE}
            choice_text: {type: CharField, max_length: 200}
            votes: {type: IntegerField, default: 0}
        """)
    p = mvt(h, "makemigrations", "--noinput", check=False)
    assert p.returncode == 3
    assert ("Field 'rank' on model 'question' not migrated: it is impossible to add a non-nullable field without "
            "specifying a default.") in p.stdout
    assert "default" in p.stdout and "null" in p.stdout
    assert len(list((h.mvt_dir / "polls" / "migrations").glob("*.yaml"))) == 1


def test_models_diagnostics_are_compiler_style(polls):
    h = polls
    write(h, "polls", """\
        Question:
          fields:
            question_text: {type: CharField, max_lenght: 200}
            pub_date: DateTimeFeld
        Choice:
          fields:
            question: {type: ForeignKey, to: Questoin, on_delete: CASCADE}
            title: {type: CharField}
        """)
    p = mvt(h, "makemigrations", check=False)
    assert p.returncode == 1
    assert ("polls/models.yaml:3:38: error: unknown option 'max_lenght' for CharField (did you mean "
            "'max_length'?)") in p.stderr
    assert "polls/models.yaml:4:15: error: unknown field type 'DateTimeFeld' (did you mean 'DateTimeField'?)" in p.stderr
    p = mvt(h, "migrate", check=False)
    assert p.returncode == 1 and "max_lenght" in p.stderr
    write(h, "polls", """\
        Choice:
          fields:
            question: {type: ForeignKey, to: Questoin, on_delete: CASCADE}
            title: {type: CharField}
        """)
    p = mvt(h, "makemigrations", check=False)
    assert p.returncode == 1
    assert ("polls/models.yaml:3:34: error: polls.Choice.question: (fields.E300) Field defines a relation with model "
            "'Questoin', which is either not installed, or is abstract.") in p.stderr
    assert "polls/models.yaml:4:5: error: polls.Choice.title: (fields.E120) CharFields must define a 'max_length' " \
           "attribute." in p.stderr
    p = mvt(h, "check", check=False)
    assert "polls.Choice.title: (fields.E120) CharFields must define a 'max_length' attribute." in p.stderr


def test_migrate_plan_check_fake_and_zero(polls):
    h = polls
    mvt(h, "makemigrations")
    p = mvt(h, "migrate", "--check", check=False)
    assert p.returncode == 1
    p = mvt(h, "migrate", "--plan")
    assert "Planned operations:\ncontenttypes.0001_initial\n    Create model ContentType\n" in p.stdout
    assert "polls.0001_initial\n    Create model Question\n    Create model Choice\n" in p.stdout
    p = mvt(h, "migrate")
    assert p.stdout.startswith("Operations to perform:\n  Apply all migrations: auth, contenttypes, polls, "
                               "sessions\nRunning migrations:\n  Applying contenttypes.0001_initial... OK\n")
    assert "  Applying polls.0001_initial... OK\n" in p.stdout
    assert mvt(h, "migrate").stdout.endswith("Running migrations:\n  No migrations to apply.\n")
    assert mvt(h, "migrate", "--check").returncode == 0
    p = mvt(h, "showmigrations", "polls")
    assert p.stdout == "polls\n [X] 0001_initial\n"
    p = mvt(h, "migrate", "polls", "zero")
    assert "  Unapply all migrations: polls\n" in p.stdout
    assert "Running migrations:\n  Rendering model states... DONE\n  Unapplying polls.0001_initial... OK\n" in p.stdout
    assert mvt(h, "showmigrations", "polls").stdout == "polls\n [ ] 0001_initial\n"
    tables = {r[0] for r in sqlite3.connect(h.db).execute("select name from sqlite_master where type='table'")}
    assert "polls_question" not in tables
    p = mvt(h, "migrate", "polls", "--fake")
    assert "  Applying polls.0001_initial... FAKED\n" in p.stdout
    mvt(h, "migrate", "polls", "zero", "--fake")
    # --fake-initial adopts existing tables.
    con = sqlite3.connect(h.db)
    con.execute('CREATE TABLE "polls_question" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
                '"question_text" varchar(200) NOT NULL, "pub_date" datetime NOT NULL)')
    con.execute('CREATE TABLE "polls_choice" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, '
                '"choice_text" varchar(200) NOT NULL, "votes" integer NOT NULL, "question_id" bigint NOT NULL)')
    con.commit()
    p = mvt(h, "migrate", "--fake-initial")
    assert "  Applying polls.0001_initial... FAKED\n" in p.stdout
    p = mvt(h, "migrate", "polls", "0001", check=False)
    assert p.returncode == 0


def test_sqlmigrate_matches_django_both_ways(polls):
    h = polls
    h.step(POLLS)
    h.compare_sqlmigrate("polls", "0001_initial", "0001_initial")
    h.compare_sqlmigrate("polls", "0001", "0001", backwards=True)
    for app, name in (("auth", "0002"), ("auth", "0008"), ("contenttypes", "0002"), ("sessions", "0001")):
        h.compare_sqlmigrate(app, name, name)
    p = mvt(h, "sqlmigrate", "polls", "0009", check=False)
    assert p.returncode == 1
    assert "Cannot find a migration matching '0009' from app 'polls'. Is it in INSTALLED_APPS?" in p.stderr


def test_failed_migration_rolls_back_wholly(polls):
    h = polls
    mvt(h, "makemigrations")
    mvt(h, "migrate")
    insert_rows(h.db)
    before = schema(h.db)
    (h.mvt_dir / "polls" / "migrations" / "0002_broken.yaml").write_text(textwrap.dedent("""\
        dependencies:
          - [polls, 0001_initial]
        operations:
          - AddField:
              model_name: choice
              name: note
              field: {type: CharField, max_length: 20, default: ""}
          - RunSQL: {sql: "INSERT INTO no_such_table VALUES (1)"}
        """))
    p = mvt(h, "migrate", check=False)
    assert p.returncode == 1
    assert "Migration polls.0002_broken failed at operation 2 (Raw SQL operation): no such table: no_such_table" \
        in p.stderr
    assert not diff_schemas(schema(h.db), before), "the migration is rolled back completely"
    assert mvt(h, "showmigrations", "polls").stdout == "polls\n [X] 0001_initial\n [ ] 0002_broken\n"
    # An operation without reverse stops unapplying with Django's message.
    (h.mvt_dir / "polls" / "migrations" / "0002_broken.yaml").write_text(textwrap.dedent("""\
        dependencies:
          - [polls, 0001_initial]
        operations:
          - RunSQL: {sql: "UPDATE polls_choice SET votes = votes + 1"}
        """))
    mvt(h, "migrate")
    p = mvt(h, "migrate", "polls", "0001", check=False)
    assert p.returncode == 1
    assert "Operation <RunSQL  sql='UPDATE polls_choice SET votes = votes + 1'> in polls.0002_broken is not " \
           "reversible" in p.stderr


def test_graph_errors_and_merge(polls):
    h = polls
    mvt(h, "makemigrations")
    mig = h.mvt_dir / "polls" / "migrations"
    (mig / "0002_a.yaml").write_text("dependencies:\n  - [polls, 0001_initial]\noperations: []\n")
    (mig / "0002_b.yaml").write_text("dependencies:\n  - [polls, 0001_initial]\noperations: []\n")
    p = mvt(h, "makemigrations", check=False)
    assert p.returncode == 1
    assert ("CommandError: Conflicting migrations detected; multiple leaf nodes in the migration graph: (0002_a, "
            "0002_b in polls).\nTo fix them run 'mvt makemigrations --merge'") in p.stderr
    assert mvt(h, "migrate", check=False).returncode == 1
    p = mvt(h, "makemigrations", "--merge", "--noinput")
    assert "Merging polls\n  Branch 0002_a\n  Branch 0002_b\n" in p.stdout
    assert (mig / "0003_merge_0002_a_0002_b.yaml").exists()
    mvt(h, "migrate")
    (mig / "0004_bad.yaml").write_text("dependencies:\n  - [polls, 0099_missing]\noperations: []\n")
    p = mvt(h, "migrate", check=False)
    assert p.returncode == 1
    assert "Migration polls.0004_bad dependencies reference nonexistent parent node ('polls', '0099_missing')" in p.stderr


def test_squashmigrations(polls):
    h = polls
    mvt(h, "makemigrations")
    mvt(h, "migrate")  # the old database applied 0001 and 0002
    write(h, "polls", textwrap.dedent(POLLS["polls"]).replace("votes: {type: IntegerField, default: 0}",
                                                            "votes: {type: IntegerField, default: 0}\n"
                                                            "    note: {type: TextField, blank: true}"))
    mvt(h, "makemigrations")
    mvt(h, "migrate")
    p = mvt(h, "squashmigrations", "polls", "0002", "--noinput")
    assert "Will squash the following migrations:\n - 0001_initial\n - 0002_choice_note\n" in p.stdout
    assert "  Optimized from 3 operations to 2 operations.\n" in p.stdout
    squashed = h.mvt_dir / "polls" / "migrations" / "0001_squashed_0002_choice_note.yaml"
    text = squashed.read_text()
    assert "replaces:\n  - [polls, 0001_initial]\n  - [polls, 0002_choice_note]\n" in text
    # The old database keeps working: the squashed migration counts as applied.
    assert "(2 squashed migrations)" in mvt(h, "showmigrations", "polls").stdout
    assert "No migrations to apply." in mvt(h, "migrate").stdout
    # A new database uses the squashed migration and records the replaced names.
    (h.mvt_dir / "db.sqlite3").unlink()
    p = mvt(h, "migrate")
    assert "Applying polls.0001_squashed_0002_choice_note... OK" in p.stdout
    names = {r[0] for r in sqlite3.connect(h.db).execute("select name from django_migrations where app='polls'")}
    assert names == {"0001_initial", "0002_choice_note", "0001_squashed_0002_choice_note"}


def test_databases_are_shared_with_django(polls):
    h = polls
    h.step(POLLS)  # both tools migrated their own database
    # mvt takes over Django's database...
    (h.mvt_dir / "db.sqlite3").write_bytes((h.dj_dir / "db.sqlite3").read_bytes())
    mvt(h, "migrate", "polls", "zero")
    mvt(h, "migrate")
    p = mvt(h, "migrate")
    assert "No migrations to apply." in p.stdout
    # ... and Django takes over mvt's.
    (h.dj_dir / "db.sqlite3").write_bytes((h.mvt_dir / "db.sqlite3").read_bytes())
    p = h.run_django(["migrate"])
    assert "No migrations to apply." in p.stdout
    p = h.run_django(["showmigrations"])
    assert "[ ]" not in p.stdout
    h.assert_same_schema()


def run_in_terminal(h, args, answers, timeout=30):
    """Runs mvt with stdin on a pseudo-terminal, answering each prompt
    (a regular expression) in turn; returns (exit status, output)."""
    import os
    import pty
    import re
    import select
    import time
    pid, fd = pty.fork()
    if pid == 0:
        os.chdir(h.mvt_dir)
        os.environ["NO_COLOR"] = "1"
        os.execv(os.environ.get("MVT_BIN", "mvt"), ["mvt"] + args)
    output = b""
    pending = list(answers)
    deadline = time.time() + timeout
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
        if pending and re.search(pending[0][0], output.decode(errors="replace").split("\x00")[-1]):
            os.write(fd, (pending[0][1] + "\n").encode())
            output += b"\x00"  # answered up to here
            pending.pop(0)
    if time.time() >= deadline:  # still waiting for an answer nobody gives
        import signal
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode(errors="replace").replace("\x00", "")


def test_interactive_rename_and_one_off_default(polls):
    h = polls
    mvt(h, "makemigrations")
    mvt(h, "migrate")
    insert_rows(h.db)
    write(h, "polls", """
        Question:
          fields:
            text: {type: CharField, max_length: 200}
            pub_date: {type: DateTimeField, verbose_name: date published}
            rank: IntegerField
        Choice:
          fields:
            question: {type: ForeignKey, to: Question, on_delete: CASCADE}
            choice_text: {type: CharField, max_length: 200}
            votes: {type: IntegerField, default: 0}
        """)
    status, out = run_in_terminal(h, ["makemigrations"], [
        (r"Did you rename question.question_text to question.text \(a CharField\)\? \[y/N\] $", "y"),
        (r"Select an option: $", "1"),
        (r">>> $", "7"),
    ])
    assert status == 0, out
    assert "You are trying to add a non-nullable field 'rank' to question without a default" in out
    assert "    - Rename field question_text on question to text\n" in out.replace("\r", "")
    text = (h.mvt_dir / "polls" / "migrations" / "0002_rename_question_text_question_text_question_rank.yaml").read_text()
    assert "field: {type: IntegerField, default: 7}\n      preserve_default: false" in text
    before = sqlite3.connect(h.db).execute("select id, question_text from polls_question").fetchall()
    mvt(h, "migrate")
    after = sqlite3.connect(h.db).execute("select id, text, rank from polls_question").fetchall()
    assert after == [(i, t, 7) for i, t in before]
    assert "No changes detected" in mvt(h, "makemigrations").stdout


def test_foreign_key_check_before_commit(polls):
    """A migration that leaves a dangling reference fails at commit with
    Django's IntegrityError message and is rolled back (Django runs
    check_constraints() before committing on SQLite)."""
    h = polls
    h.step(POLLS)
    (h.mvt_dir / "polls" / "migrations" / "0002_dangling.yaml").write_text(textwrap.dedent("""\
        dependencies:
          - [polls, 0001_initial]
        operations:
          - RunSQL: {sql: "INSERT INTO polls_choice (choice_text, votes, question_id) VALUES ('x', 0, 999)"}
        """))
    (h.dj_dir / "polls" / "migrations" / "0002_dangling.py").write_text(textwrap.dedent("""\
        from django.db import migrations
        class Migration(migrations.Migration):
            dependencies = [('polls', '0001_initial')]
            operations = [migrations.RunSQL(
                "INSERT INTO polls_choice (choice_text, votes, question_id) VALUES ('x', 0, 999)")]
        """))
    p = mvt(h, "migrate", check=False)
    assert p.returncode == 1
    dj = h.run_django(["migrate"], check=False)
    assert dj.returncode == 1
    message = ("The row in table 'polls_choice' with primary key '1' has an invalid foreign key: "
               "polls_choice.question_id contains a value '999' that does not have a corresponding value in "
               "polls_question.id.")
    assert message in dj.stderr
    assert message in p.stderr
    assert sqlite3.connect(h.db).execute("select count(*) from polls_choice").fetchone() == (0,)
    assert mvt(h, "showmigrations", "polls").stdout == "polls\n [X] 0001_initial\n [ ] 0002_dangling\n"
