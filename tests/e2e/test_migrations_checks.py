"""`mvt check` model checks beside Django 3.2's `manage.py check` for the same
(wrong) models: the same issues, with Django's IDs and messages; makemigrations
reports each of them at its file:line:col in models.yaml."""
import re

from test_migrations_django import Harness

BAD = {"polls": """\
    Question:
      fields:
        question_text: {type: CharField}
        pub_date: {type: DateTimeField, verbose_name: date published}
        price: {type: DecimalField, max_digits: 2, decimal_places: 3}
        cost: {type: DecimalField, decimal_places: 2}
        total: {type: DecimalField, max_digits: 5}
        pk: IntegerField
        bad_: IntegerField
        owner: {type: ForeignKey, to: auth.User, on_delete: SET_NULL}
        extra: {type: JSONField, default: {}}
      meta:
        unique_together: [[question_text, missing]]
        ordering: [nothere]
    Choice:
      fields:
        question: {type: ForeignKey, to: Questoin, on_delete: CASCADE}
        choice_text: {type: CharField, max_length: 200}
    Vote:
      fields:
        first: {type: ForeignKey, to: Choice, on_delete: CASCADE}
        second: {type: ForeignKey, to: Choice, on_delete: CASCADE}
    Tagged:
      fields:
        tags: {type: ManyToManyField, to: Nope}
        other: {type: ForeignKey, to: nowhere.Thing, on_delete: CASCADE}
        data: {type: JSONField, default: {callable: dict}}
    """}

ISSUE = re.compile(r"([\w.]+: \((?:fields|models)\.[EW]\d+\) [^\n\t]*?)(?:\s+HINT:|$)", re.M)


def issues(text):
    return sorted(set(m.group(1).strip() for m in ISSUE.finditer(text)))


def test_model_checks_match_django(tmp_path):
    h = Harness(tmp_path, ["polls"])
    h.write_models(BAD)
    mine = h.run_mvt(["check"], check=False)
    theirs = h.run_django(["check"], check=False)
    assert mine.returncode == 1 and theirs.returncode == 1
    ours = issues(mine.stdout + mine.stderr)
    django = issues(theirs.stdout + theirs.stderr)
    assert ours == django, "\n--- mvt\n%s\n--- django\n%s" % ("\n".join(ours), "\n".join(django))
    assert len(django) == 19, django
    # makemigrations refuses the same models, every issue placed in models.yaml.
    p = h.run_mvt(["makemigrations"], check=False)
    assert p.returncode == 1
    assert "polls/models.yaml:3:5: error: polls.Question.question_text: (fields.E120) CharFields must define a " \
           "'max_length' attribute." in p.stderr
    for issue in ours:
        assert re.search(r"polls/models\.yaml:\d+:\d+: (error|warning): " + re.escape(issue), p.stderr), issue
