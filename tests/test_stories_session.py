"""Stories in a practice session: each answer's story saved with the take, a repeat flagged,
the summary listing the stories per question; and `practice --drill` refusing what it cannot do."""

from __future__ import annotations

import io
import json

from helpers.session_fakes import (
    FakeRecorder,
    FakeReviewer,
    FakeSpeaker,
    FakeTranscriber,
    FakeView,
    Say,
    StepClock,
    WallClock,
    profile,
    question,
)

from mockint import session
from mockint.render.terminal import console_for, render_summary
from mockint.store import Store
from mockint.stories import Story
from mockint.stories.match import StoryTracker

OUTAGE = Story(
    id="outage",
    title="Checkout outage on Black Friday",
    situation="Black Friday sale, checkout p99 latency at 9 seconds, orders failing.",
    action="Connection pool exhausted by a retry storm from the cart; circuit breaker, capped retries.",
    result="Latency under 400 ms within an hour.",
)
COST = Story(
    id="cost",
    title="Cutting the cloud bill by a third",
    action="Idle GPU instances shut down, batch jobs on spot instances, autoscaling.",
    result="Saved 35,000 dollars a month.",
)

TOLD_OUTAGE = (
    "on black friday our checkout latency hit nine seconds and orders were failing the retry storm "
    "from the cart exhausted the connection pool so i added a circuit breaker and capped retries"
)
TOLD_COST = "i shut down idle g p u instances moved batch jobs to spot instances and added autoscaling"
OUTAGE_AGAIN = (
    "the checkout outage on black friday the connection pool was exhausted by a retry storm "
    "and my circuit breaker brought latency under four hundred milliseconds"
)


def _run(tmp_path, script, questions, tracker):
    store = Store(tmp_path / "recordings", now=WallClock())
    plan = session.Plan(profile=profile(), questions=tuple(questions), seed=1, follow_ups=1)
    ports = session.Ports(
        speaker=FakeSpeaker(),
        recorder=FakeRecorder(script),
        transcriber=FakeTranscriber(),
        review=FakeReviewer(script),
        store=store,
        view=FakeView(),
        clock=StepClock(),
        stories=tracker,
    )
    result = session.run(plan, ports)
    return json.loads((store.root / result.session_id / "session.json").read_text())


def test_each_answer_saves_its_story_and_a_repeat_names_the_earlier_question(tmp_path):
    script = [
        Say(TOLD_OUTAGE),
        Say("it was my service to fix"),
        Say(TOLD_COST),
        Say("nobody else owned cost"),
        Say(OUTAGE_AGAIN),
        Say("we wrote a postmortem"),
    ]
    questions = [question("q-dive"), question("q-frugal"), question("q-owner")]
    doc = _run(tmp_path, script, questions, StoryTracker([OUTAGE, COST]))
    answers = [q["takes"][0] for q in doc["questions"]]
    assert [a["story"]["story"] for a in answers] == ["outage", "cost", "outage"]
    assert [a["story"]["told_for"] for a in answers] == [[], [], ["q-dive"]]
    assert all("story" not in q["takes"][1] for q in doc["questions"])  # follow-ups are not matched

    out = io.StringIO()
    render_summary(console_for(out), doc)
    text = out.getvalue()
    assert "Stories told" in text
    assert "1. q-dive: Checkout outage on Black Friday — told twice" in text
    assert "2. q-frugal: Cutting the cloud bill by a third\n" in text


def test_an_answer_telling_no_prepared_story_says_so(tmp_path):
    script = [
        Say("a designer and i disagreed about the colours of the onboarding screens"),
        Say("we tested it"),
    ]
    doc = _run(tmp_path, script, [question("q-conflict")], StoryTracker([OUTAGE, COST]))
    assert doc["questions"][0]["takes"][0]["story"] is None
    out = io.StringIO()
    render_summary(console_for(out), doc)
    assert "1. q-conflict: no prepared story" in out.getvalue()


def test_without_stories_nothing_changes(tmp_path):
    doc = _run(tmp_path, [Say(TOLD_OUTAGE), Say("because")], [question("q-dive")], None)
    assert "story" not in doc["questions"][0]["takes"][0]
    out = io.StringIO()
    render_summary(console_for(out), doc)
    assert "Stories told" not in out.getvalue()


def test_take_review_shows_the_story_and_the_warning():
    from mockint.render.terminal import render_take

    out = io.StringIO()
    take = {
        "kind": "answer",
        "duration_s": 60.0,
        "review": {"score": 70, "components": {}, "flags": [], "tips": []},
        "story": {
            "story": "outage",
            "title": "Checkout outage",
            "score": 0.61,
            "runner_up": None,
            "told_for": ["amazon-dive-deep-1"],
        },
    }
    render_take(console_for(out), take)
    assert "Story: Checkout outage (match 0.61)" in out.getvalue()
    assert "already told for amazon-dive-deep-1" in out.getvalue()


def test_drill_refuses_other_question_filters_and_unknown_stories(run_cli):
    run_cli("stories", "add", "--id", "outage", "--title", "Checkout outage", "--principle", "dive-deep")
    r = run_cli("practice", "--drill", "outage", "--lp", "ownership", "--no-voice")
    assert r.code == 2 and "--drill picks its own questions" in r.err
    r = run_cli("practice", "--drill", "nope", "--no-voice")
    assert r.code == 2 and "unknown story 'nope' — known stories: outage" in r.err


def test_review_shows_the_story_the_answer_tells(run_cli):
    run_cli(
        "stories",
        "add",
        "--id",
        "outage",
        "--title",
        OUTAGE.title,
        "--situation",
        OUTAGE.situation,
        "--action",
        OUTAGE.action,
        "--result",
        OUTAGE.result,
        "--principle",
        "dive-deep",
    )
    r = run_cli("review", "--text", TOLD_OUTAGE)
    assert r.code == 0, r.err
    assert "Story: Checkout outage on Black Friday (match" in r.out
    doc = json.loads(run_cli("review", "--text", TOLD_OUTAGE, "--json").out)
    assert doc["story"]["story"] == "outage"
    doc = json.loads(run_cli("review", "--text", "I organised a hackathon with sixty people", "--json").out)
    assert doc["story"] is None


def test_review_without_stories_or_with_a_broken_file(run_cli, tmp_path):
    doc = json.loads(run_cli("review", "--text", TOLD_OUTAGE, "--json").out)
    assert "story" not in doc  # no stories prepared: the contract's fields only
    broken = tmp_path / "recordings" / "stories.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("stories: [{id: a}]\n")
    r = run_cli("review", "--text", TOLD_OUTAGE)
    assert r.code == 0  # the review still happens
    assert (
        "mockint: warning: prepared stories are not recognized: " in r.err
        and "stories[0].title: missing" in r.err
    )


def test_drill_does_not_warn_about_the_story_it_drills(run_cli):
    """`practice --drill` tells the same story twice on purpose: no "already told", no "told twice"."""
    from importlib import resources
    from pathlib import Path

    samples = Path(str(resources.files("mockint.samples")))
    answer = next(samples.glob("04-*.ogg"))  # the hospital audit: passed on time, contract renewed
    r = run_cli(
        "stories",
        "add",
        "--id",
        "audit",
        "--title",
        "Hospital audit export",
        "--situation",
        "a hospital could not export monthly reports before a state audit",
        "--result",
        "the hospital passed the audit on time, the office manager thanked our chief executive, "
        "they renewed their contract for three more years, the script became a feature",
        "--principle",
        "customer-obsession",
        "--principle",
        "ownership",
    )
    assert r.code == 0, r.err
    r = run_cli(
        "practice",
        "--drill",
        "audit",
        "--count",
        "2",
        "--no-follow-ups",
        "--no-voice",
        "--answers-from",
        str(answer),
        "--answers-from",
        str(answer),
    )
    assert r.code == 0, r.err
    assert "Story: Hospital audit export" in r.out  # the story was recognized...
    assert "already told" not in r.out and "told twice" not in r.out  # ...and not held against it
    doc = json.loads(run_cli("show", "last", "--json").out)
    assert doc["options"]["drill"] == "audit"
    stories = [q["takes"][0]["story"] for q in doc["questions"]]
    assert [s["story"] for s in stories] == ["audit", "audit"] and stories[1]["told_for"] == []
