"""The story bank file: strict validation, atomic private writes, coverage and drills."""

from __future__ import annotations

import stat
import textwrap

import pytest

from mockint import stories as sb
from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.errors import UsageError
from mockint.render.coverage import coverage_html
from mockint.stories import Story, StoryError, coverage, drill_questions, load_stories, save_stories


@pytest.fixture(scope="module")
def bank():
    return load_bank(bundled_bank_dir())


OUTAGE = Story(
    id="checkout-outage",
    title="Checkout outage on Black Friday",
    situation="Sale day, p99 at 9 s.",
    action="Circuit breaker, capped retries.",
    result="Back under 400 ms in an hour.",
    tags=("failure", "proudest achievement"),
    principles=("dive-deep", "ownership"),
)
INTERN = Story(
    id="mentoring-intern",
    title="Mentoring an intern",
    tags=("leadership",),
    principles=("hire-and-develop-the-best",),
)


def test_save_then_load_round_trips_and_is_private(tmp_path):
    file = tmp_path / "rec" / "stories.yaml"
    save_stories(file, [OUTAGE, INTERN])
    assert load_stories(file) == [OUTAGE, INTERN]
    assert stat.S_IMODE(file.stat().st_mode) == 0o600
    text = file.read_text()
    assert text.startswith("# mockint story bank")  # a human opening it learns what it is
    assert "task:" not in text.split("mentoring-intern")[1]  # empty notes are left out, not written as ''
    assert [p.name for p in file.parent.iterdir()] == ["stories.yaml"]  # no temporary file left behind


def test_a_missing_file_is_an_empty_bank(tmp_path):
    assert load_stories(tmp_path / "nowhere.yaml") == []


def test_hand_written_file_with_comments_and_multiline_notes(tmp_path, bank):
    file = tmp_path / "stories.yaml"
    file.write_text(
        textwrap.dedent("""\
        # my stories
        stories:
          - id: sdk-rollback
            title: Rolling back the vendor SDK
            action: >-
              Rolled back behind a flag,
              then told the VP.
            tags: [Failure]
            principles: [bias-for-action]
        """)
    )
    [story] = load_stories(file, bank)
    assert story.action == "Rolled back behind a flag, then told the VP."
    assert story.tags == ("failure",)


BAD = [
    ("stories:\n  - id: a\n    title: A\n    titel: typo\n", "stories[0].titel: unknown key"),
    ("stories:\n  - id: a\n", "stories[0].title: missing"),
    ("stories:\n  - id: A b\n    title: A\n", "stories[0].id: 'A b' is not an id"),
    (
        "stories:\n  - id: a\n    title: A\n  - id: a\n    title: B\n",
        "stories[1].id: duplicate story id 'a' (first at stories[0])",
    ),
    (
        "stories:\n  - id: a\n    title: A\n    tags: conflict\n",
        "stories[0].tags: expected a list of strings",
    ),
    ("stories:\n  - id: a\n    title: A\n    result: 40\n", "stories[0].result: expected text"),
    (
        "stories:\n  - id: a\n    title: A\n    principles: [ownership, ownership]\n",
        "stories[0].principles[1]: 'ownership' is listed twice",
    ),
    (
        "stories:\n  - id: a\n    title: A\n    principles: [owner-ship]\n",
        "stories[0].principles[0]: unknown principle 'owner-ship'",
    ),
    ("stories: {id: a}\n", "stories: expected a list of stories"),
    ("story:\n  - id: a\n", "story: unknown key"),
    ("- id: a\n  title: A\n", "expected a mapping, got list"),
    ("stories:\n  - id: [unclosed\n  - id: b\n", ": line 3: expected ',' or ']'"),
]


@pytest.mark.parametrize("body, expected", BAD)
def test_bad_entries_name_file_and_path(tmp_path, bank, body, expected):
    file = tmp_path / "stories.yaml"
    file.write_text(body)
    with pytest.raises(StoryError) as err:
        load_stories(file, bank)
    assert err.value.message.startswith(f"{file}")
    assert expected in err.value.message
    assert err.value.exit_code == 2


def test_add_update_remove(tmp_path):
    stories = sb.add([OUTAGE], INTERN)
    with pytest.raises(UsageError, match="story 'mentoring-intern' already exists"):
        sb.add(stories, INTERN)
    stories = sb.update(stories, "mentoring-intern", result="Return offer.", principles=("earn-trust",))
    assert sb.find(stories, "mentoring-intern").result == "Return offer."
    assert sb.find(stories, "mentoring-intern").title == INTERN.title
    assert [s.id for s in sb.remove(stories, "checkout-outage")] == ["mentoring-intern"]
    with pytest.raises(
        UsageError, match="unknown story 'nope' — known stories: checkout-outage, mentoring-intern"
    ):
        sb.remove(stories, "nope")


@pytest.mark.parametrize(
    "title, slug",
    [
        ("Checkout outage on Black Friday!", "checkout-outage-on-black-friday"),
        ("  MySQL → Postgres: the slip ", "mysql-postgres-the-slip"),
        ("!!!", "story"),
    ],
)
def test_slugify(title, slug):
    assert sb.slugify(title) == slug


def test_coverage_grid_and_gaps(bank):
    cov = coverage([OUTAGE, INTERN], bank, "amazon")
    rows = {r.key: r for r in cov.rows}
    assert rows["dive-deep"].stories == ("checkout-outage",)
    assert rows["hire-and-develop-the-best"].stories == ("mentoring-intern",)
    assert rows["dive-deep"].questions == sum(
        1 for q in bank.questions_for("amazon") if "dive-deep" in q.principles
    )
    assert len([r for r in cov.rows if r.kind == "principle"]) == 16
    assert "frugality" in cov.gaps and "ownership" not in cov.gaps
    assert len(cov.gaps) == 13
    assert cov.single_use == ("mentoring-intern",)
    # the notes' four themes are always rows (a gap shows), free tags join them
    assert {
        "conflict",
        "failure",
        "end-to-end / multiple roles",
        "proudest achievement",
        "leadership",
    } <= set(rows)
    assert "conflict" in cov.theme_gaps and "failure" not in cov.theme_gaps
    doc = cov.to_dict()
    assert doc["gaps"] == list(cov.gaps) and doc["stories"][0] == {
        "id": "checkout-outage",
        "title": OUTAGE.title,
    }


def test_coverage_for_another_company_counts_amazon_only_stories_as_unmapped(bank):
    cov = coverage([OUTAGE], bank, "meta")
    assert cov.unmapped == ("checkout-outage",)
    assert all(r.kind == "theme" or not r.stories for r in cov.rows)
    with pytest.raises(UsageError, match="unknown company 'amazn'"):
        coverage([OUTAGE], bank, "amazn")


def test_drill_spreads_questions_across_the_storys_principles(bank):
    picked = drill_questions(OUTAGE, bank, "amazon", 4, seed=1)
    assert len(picked) == 4 == len({q.id for q in picked})
    first_two = [q.principles[0] for q in picked[:2]]
    assert first_two == ["dive-deep", "ownership"]  # one question testing each principle first
    assert all(set(q.principles) & set(OUTAGE.principles) or set(q.tags) & set(OUTAGE.tags) for q in picked)
    assert drill_questions(OUTAGE, bank, "amazon", 4, seed=1) == picked  # a seed repeats the drill
    assert {q.id for s in range(6) for q in drill_questions(OUTAGE, bank, "amazon", 2, seed=s)} > {
        q.id for q in picked[:2]
    }


def test_drill_uses_tags_where_the_company_has_no_such_principle(bank):
    picked = drill_questions(OUTAGE, bank, "general", 3, seed=0)
    assert picked and all({"failure", "proudest achievement"} & set(q.tags) for q in picked)


def test_drill_without_any_fitting_question_says_how_to_fix(bank):
    bare = Story(id="bare", title="Bare")
    with pytest.raises(UsageError, match="no amazon question asks for story 'bare'.*stories edit bare"):
        drill_questions(bare, bank, "amazon", 3)


def test_stories_path_default_and_env(tmp_path):
    assert sb.stories_path(tmp_path, {}) == tmp_path / "stories.yaml"
    assert sb.stories_path(tmp_path, {"MOCKINT_STORIES": "/x/mine.yaml"}).as_posix() == "/x/mine.yaml"


def test_coverage_html_escapes_the_users_text(bank):
    sneaky = Story(id="sneaky", title="<script>alert(1)</script> & co", principles=("ownership",))
    html = coverage_html(coverage([sneaky, OUTAGE], bank, "amazon"))
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html
    assert (
        "<tr data-principle=\"frugality\"><td><span class='off'>Frugality</span>" in html
    )  # a gap shows red
    assert html.count("●") == 5  # ownership ×2, dive-deep, and the two theme tags of OUTAGE


def test_progress_page_shows_the_story_coverage(run_cli, tmp_path):
    run_cli("stories", "add", "--id", "outage", "--title", "Checkout outage", "--principle", "dive-deep")
    r = run_cli("report", "--progress", "-o", str(tmp_path / "progress.html"))
    assert r.code == 0, r.err
    html = (tmp_path / "progress.html").read_text()
    assert "Story bank coverage — Amazon" in html
    assert '<tr data-principle="dive-deep"><td>Dive Deep</td>' in html
    (tmp_path / "recordings" / "stories.yaml").write_text("stories:\n  - id: x\n")
    r = run_cli("report", "--progress", "-o", str(tmp_path / "progress.html"))
    assert r.code == 0  # a broken stories file does not cost the report
    assert "stories[0].title: missing" in (tmp_path / "progress.html").read_text()
