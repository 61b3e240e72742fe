"""The plan for next time (mockint.plan): never-practised or weakest principles, the most recurring
flag, a story gap — shown by the summary, `stats` and the progress page, and asked first by a
plain `practice`."""

from __future__ import annotations

import json
import wave
from pathlib import Path

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
)

from mockint import session
from mockint.bank import Bank, Principle, Question
from mockint.picker import PickRequest, pick
from mockint.plan import next_plan
from mockint.store import Store
from mockint.stories import Story


def _bank() -> Bank:
    bank = Bank(folder=Path("."))
    bank.profiles["amazon"] = profile("amazon")
    for pid, name in (("ownership", "Ownership"), ("dive-deep", "Dive Deep"), ("frugality", "Frugality")):
        bank.principles[pid] = Principle(id=pid, name=name, summary="…", profile="amazon")
    for qid, pid in (
        ("q-own-1", "ownership"),
        ("q-own-2", "ownership"),
        ("q-dive", "dive-deep"),
        ("q-fru", "frugality"),
    ):
        bank.questions[qid] = Question(id=qid, text=f"{qid}?", profiles=("amazon",), principles=(pid,))
    return bank


def _session(root: Path, script, questions, day: int):
    from datetime import datetime, timezone

    store = Store(root, now=WallClock(datetime(2026, 11, day, 9, 0, tzinfo=timezone.utc)))
    plan = session.Plan(profile=profile(), questions=tuple(questions), follow_ups=0)
    ports = session.Ports(
        FakeSpeaker(),
        FakeRecorder(script),
        FakeTranscriber(),
        FakeReviewer(script),
        store,
        FakeView(),
        StepClock(),
    )
    session.run(plan, ports)
    return store


def _q(qid: str, pid: str) -> Question:
    return Question(id=qid, text=f"{qid}?", profiles=("amazon",), principles=(pid,))


def test_plan_names_never_practised_the_recurring_flag_and_a_story_gap(tmp_path):
    script = [
        Say("a", score=40, flags=("result_not_quantified",)),
        Say("b", score=80, flags=("result_not_quantified",)),
    ]
    store = _session(tmp_path, script, [_q("q-own-1", "ownership"), _q("q-dive", "dive-deep")], day=20)
    stories = [Story(id="s", title="Dive story", principles=("dive-deep",))]
    plan = next_plan(store.documents(), _bank(), "amazon", stories)
    assert [(s.kind, s.key) for s in plan.steps] == [
        ("principle", "frugality"),
        ("flag", "result_not_quantified"),
        ("story", "ownership"),  # no story shows it, and two questions ask for it
    ]
    assert plan.steps[0].text == "Frugality: never practised yet"
    assert plan.steps[1].text == ("result not quantified in 1 of 1 session(s): put a number on the result")
    assert plan.principles == ("frugality", "ownership")


def test_once_everything_is_practised_the_weakest_comes_first(tmp_path):
    script = [Say("a", score=40), Say("b", score=80), Say("c", score=60)]
    questions = [_q("q-own-1", "ownership"), _q("q-dive", "dive-deep"), _q("q-fru", "frugality")]
    store = _session(tmp_path, script, questions, day=20)
    stories = [Story(id="s", title="All", principles=("dive-deep", "ownership", "frugality"))]
    plan = next_plan(store.documents(), _bank(), "amazon", stories)
    assert [s.key for s in plan.steps] == ["ownership", "frugality", "dive-deep"]
    assert plan.steps[0].text == "Ownership: your weakest, average score 40"


def test_picker_asks_the_focus_principles_first():
    bank = _bank()
    picked = pick(bank, PickRequest(profile="amazon", count=2, seed=3, focus=("frugality", "ownership")))
    assert [q.principles[0] for q in picked] == ["frugality", "ownership"]


def quiet(tmp_path: Path) -> Path:
    path = tmp_path / "quiet.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16_000)
        w.writeframes(b"\x01\x00" * 16_000)
    return path


def test_summary_stats_and_progress_end_with_the_plan_and_practice_follows_it(run_cli, tmp_path):
    answers = ["--answers-from", str(quiet(tmp_path))] * 3
    common = ("--company", "amazon", "--no-voice", "--no-follow-ups", *answers)
    first = run_cli("practice", "--question", "amazon-dive-deep-1", "--seed", "1", *common)
    assert first.code == 0, first.err
    tail = first.out[first.out.index("Session saved") :].splitlines()
    assert tail[1].startswith("Next time, practise") and len(tail) == 5
    assert all(line.startswith(f"  {n}. ") for n, line in enumerate(tail[2:], 1))

    stats = run_cli("stats")
    assert stats.code == 0, stats.err
    plan = json.loads(run_cli("stats", "--json").out)["next"]
    assert plan["profile"] == "amazon" and len(plan["steps"]) == 3
    assert stats.out.rstrip().splitlines()[-3:] == [
        f"  {n}. {s['text']}" for n, s in enumerate(plan["steps"], 1)
    ]

    second = run_cli("practice", "--seed", "2", "--count", str(len(plan["principles"])), *common)
    assert second.code == 0, second.err
    doc = json.loads(run_cli("show", "last", "--json").out)
    assert [q["principles"][0] for q in doc["questions"]] == plan["principles"]

    r = run_cli("report", "--progress", "-o", str(tmp_path / "p.html"))
    assert r.code == 0, r.err
    html = (tmp_path / "p.html").read_text()
    assert html.rindex("<h2>") == html.index("<h2>Next time, practise")  # the page's last section
    assert "<ol class='plan'>" in html
