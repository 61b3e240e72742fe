"""`sessions`, `show`, `stats` and replay planning on sessions made by the engine (with fakes)."""

from __future__ import annotations

import io
import json
from datetime import datetime, timezone

import pytest
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
from mockint.errors import UsageError
from mockint.ports import STOP_INTERRUPT
from mockint.replay import WordPrinter, part_spans, plan_replay
from mockint.store import Store


def make_session(root, script, *, company="amazon", day=26, questions=None):
    questions = questions or (
        question("amazon-ownership-1", pid=company),
        question("amazon-dive-deep-1", pid=company),
    )
    store = Store(root, now=WallClock(datetime(2026, 11, day, 19, 30, 5, tzinfo=timezone.utc)))
    plan = session.Plan(profile=profile(company), questions=tuple(questions), follow_ups=0)
    ports = session.Ports(
        FakeSpeaker(),
        FakeRecorder(script),
        FakeTranscriber(),
        FakeReviewer(script),
        store,
        FakeView(),
        StepClock(),
    )
    return session.run(plan, ports)


@pytest.fixture
def recordings(tmp_path):
    root = tmp_path / "recordings"
    make_session(
        root,
        [
            Say("first try", score=50, flags=("missing_result",), tips=("Say what changed.",)),
            Say("dive", score=70),
        ],
        day=20,
    )
    make_session(
        root,
        [Say("second try", score=74, tips=("Use a number.",)), Say("cut", stopped_by=STOP_INTERRUPT)],
        day=26,
    )
    return root


def test_sessions_json_contract(run_cli, recordings):
    r = run_cli("sessions", "--json", "--recordings", str(recordings))
    assert r.code == 0, r.err
    rows = json.loads(r.out)
    assert [(row["complete"], row["questions"], row["answered"], row["average_score"]) for row in rows] == [
        (True, 2, 2, 60),
        (False, 2, 1, 74),
    ]
    assert rows[0]["id"] == "2026-11-20T19-30-06-amazon" and rows[0]["company"] == "amazon"


def test_sessions_human_marks_incomplete_and_damaged(run_cli, recordings):
    (recordings / "2026-11-27T10-00-00-meta").mkdir()
    (recordings / "2026-11-27T10-00-00-meta" / "session.json").write_text("not json")
    r = run_cli("sessions", "--recordings", str(recordings))
    assert r.code == 0, r.err
    assert "incomplete" in r.out and "complete" in r.out
    assert "damaged" in r.out


def test_show_json_is_the_saved_document(run_cli, recordings):
    r = run_cli("show", "last", "--json", "--recordings", str(recordings))
    assert r.code == 0, r.err
    doc = json.loads(r.out)
    assert doc["id"] == "2026-11-26T19-30-06-amazon" and doc["complete"] is False
    take = doc["questions"][0]["takes"][0]
    assert (
        take["kind"] == "answer"
        and take["transcript"]["text"] == "second try"
        and take["review"]["score"] == 74
    )


def test_show_human_marks_parts_flags_and_tips(run_cli, recordings):
    r = run_cli("show", "2026-11-20T19-30-06-amazon", "--recordings", str(recordings))
    assert r.code == 0, r.err
    assert "[A] first try" in r.out  # the fake review labels the whole answer as action
    assert "Result missing" in r.out and "missing_result" in r.out and "Say what changed." in r.out
    assert "fillers 0 (0.0/min)" in r.out


@pytest.mark.parametrize("bad", ["../secrets", "nope"])
def test_show_unknown_or_unsafe_id_is_a_usage_error(run_cli, recordings, bad):
    r = run_cli("show", bad, "--recordings", str(recordings))
    assert r.code == 2 and r.err.startswith("mockint: error: ") and len(r.err.strip().splitlines()) == 1


def test_stats_json_figures(run_cli, recordings):
    r = run_cli("stats", "--json", "--recordings", str(recordings))
    assert r.code == 0, r.err
    stats = json.loads(r.out)
    assert stats["sessions"] == 2 and stats["answers"] == 3
    assert stats["timing"]["median_answer_s"] == 60.0 and stats["timing"]["median_thinking_s"] == 1.5
    assert stats["timing"]["median_target_s"] == 120
    assert stats["star_coverage"]["by_day"][0] == {
        "date": "2026-11-20",
        "answers": 2,
        "situation": 1.0,
        "task": 1.0,
        "action": 1.0,
        "result": 0.5,
        "all_four": 0.5,
    }
    assert stats["flags"] == {"missing_result": 1}
    assert stats["progress"] == [
        {
            "question": "amazon-ownership-1",
            "change": 24,
            "attempts": [
                {
                    "session": "2026-11-20T19-30-06-amazon",
                    "date": "2026-11-20",
                    "score": 50,
                    "with_follow_up": False,
                },
                {
                    "session": "2026-11-26T19-30-06-amazon",
                    "date": "2026-11-26",
                    "score": 74,
                    "with_follow_up": False,
                },
            ],
        }
    ]
    assert {p["principle"]: p["answers"] for p in stats["principles"]} == {"ownership": 3}


def test_stats_for_a_company_without_sessions(run_cli, recordings):
    r = run_cli("stats", "--company", "meta", "--recordings", str(recordings))
    assert r.code == 0 and "No reviewed answers yet for meta" in r.out
    r = run_cli("stats", "--recordings", str(recordings))
    assert r.code == 0 and "Progress on repeated questions" in r.out and "50 → 74" in r.out


def test_sessions_duration_is_the_time_spent_answering(run_cli, tmp_path):
    """Two 95 s answers and a 40 s follow-up: 230 s, however long the program ran."""
    root = tmp_path / "timed"
    make_session(
        root,
        [Say("one", duration_s=95.0), Say("two", duration_s=95.0, flags=("missing_result",))],
    )
    doc = json.loads(next(root.glob("*/session.json")).read_text())
    spoken = sum(t["duration_s"] for q in doc["questions"] for t in q["takes"])
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(root)).out)
    assert rows[0]["duration_s"] == spoken == 190.0
    assert "3 min 10 s" in run_cli("sessions", "--recordings", str(root)).out


def test_stats_keeps_companies_apart_each_against_its_target(run_cli, recordings):
    from mockint.bank import Profile

    jpmc = Profile(
        id="jpmc",
        name="JPMorgan Chase",
        description="test",
        prep_s=30,
        answer_target_s=90,
        answer_limit_s=120,
        questions_per_session=1,
        follow_ups=0,
    )
    store = Store(recordings, now=WallClock(datetime(2026, 11, 27, 9, 0, 0, tzinfo=timezone.utc)))
    plan = session.Plan(profile=jpmc, questions=(question("jpmc-teamwork-1", pid="jpmc"),))
    script = [Say("short and sweet", duration_s=100.0, score=80)]
    session.run(
        plan,
        session.Ports(
            FakeSpeaker(),
            FakeRecorder(script),
            FakeTranscriber(),
            FakeReviewer(script),
            store,
            FakeView(),
            StepClock(),
        ),
    )
    stats = json.loads(run_cli("stats", "--json", "--recordings", str(recordings)).out)
    groups = {g["company"]: g for g in stats["by_company"]}
    assert groups["amazon"]["timing"]["median_target_s"] == 120 and groups["amazon"]["answers"] == 3
    assert groups["jpmc"]["timing"]["median_target_s"] == 90 and groups["jpmc"]["timing"]["over_target"] == 1
    assert groups["jpmc"]["average_score"] == 80
    out = run_cli("stats", "--recordings", str(recordings)).out
    assert "Per company (each against its own profile's target)" in out
    assert "against a target of" not in out  # no single mixed target


def test_stats_unknown_company_is_the_same_usage_error_as_practice(run_cli, recordings):
    r = run_cli("stats", "--company", "google", "--recordings", str(recordings))
    p = run_cli("practice", "--company", "google", "--no-voice")
    assert r.code == p.code == 2
    assert r.err == p.err and r.err.startswith("mockint: error: unknown company 'google'")
    assert len(r.err.strip().splitlines()) == 1 and r.out == ""


def test_practice_history_prefers_unpractised_then_weakest(recordings):
    from mockint.stats import question_history

    history = question_history(Store(recordings).documents())
    assert history["amazon-ownership-1"].attempts == 2 and history["amazon-ownership-1"].last_score == 74
    assert history["amazon-dive-deep-1"].attempts == 1 and history["amazon-dive-deep-1"].last_score == 70


SEGMENTS = [
    {"label": "situation", "start_s": 0.0, "end_s": 4.0},
    {"label": "result", "start_s": 4.0, "end_s": 6.0},
    {"label": "result", "start_s": 6.0, "end_s": 9.0},
    {"label": "action", "start_s": 9.0, "end_s": 20.0},
    {"label": "result", "start_s": 20.0, "end_s": 25.0},
    {"label": "result", "start_s": None, "end_s": None},
]


def test_part_spans_merge_consecutive_segments():
    assert part_spans({"segments": SEGMENTS}, "result") == [(4.0, 9.0), (20.0, 25.0)]
    assert part_spans({"segments": SEGMENTS}, "task") == []


def _doc_with(segments):
    words = [{"word": f"w{i}", "start": float(i), "end": i + 0.5} for i in range(26)]
    take = {
        "kind": "answer",
        "audio": "q01-answer-1.wav",
        "transcript": {"words": words},
        "review": {"score": 60, "segments": segments},
    }
    return {"id": "s", "questions": [{"id": "q-a", "takes": [take]}]}


def test_replay_plan_for_a_part_plays_its_stretch_with_its_words():
    clips = plan_replay(_doc_with(SEGMENTS), "1", part="result")
    assert [(c.start_s, c.end_s) for c in clips] == [(3.85, 9.15), (19.85, 25.15)]
    assert [w for _, w in clips[0].words] == ["w4", "w5", "w6", "w7", "w8", "w9"]
    whole = plan_replay(_doc_with(SEGMENTS), "q-a")
    assert (whole[0].start_s, whole[0].end_s, len(whole[0].words)) == (None, None, 26)


def test_replay_plan_names_a_missing_part_and_question():
    with pytest.raises(UsageError, match="no task found in Q1"):
        plan_replay(_doc_with(SEGMENTS), None, part="task")
    with pytest.raises(UsageError, match="no question 'q-zzz'"):
        plan_replay(_doc_with(SEGMENTS), "q-zzz")


def test_word_printer_prints_words_as_playback_reaches_them():
    out = io.StringIO()
    printer = WordPrinter(((0.0, "i"), (0.4, "fixed"), (1.2, "it")), out)
    printer.at(0.1)
    assert out.getvalue() == "i "
    printer.at(0.5)
    assert out.getvalue() == "i fixed "
    printer.flush()
    assert out.getvalue() == "i fixed it \n"


def test_summary_per_question_totals_and_the_weakest_answers_tips_first(tmp_path):
    from mockint.render.terminal import console_for, render_summary, top_tips

    result = make_session(
        tmp_path / "rec",
        [
            Say("good", score=85, tips=("Trim the setup.", "Name the metric.")),
            Say(
                "weak",
                score=40,
                flags=("missing_result", "too_short"),
                tips=("Say what changed.", "Speak longer."),
            ),
        ],
    )
    assert top_tips(result.document) == ["Say what changed.", "Trim the setup.", "Speak longer."]
    out = io.StringIO()
    render_summary(console_for(out), result.document)
    text = out.getvalue()
    assert "Answered 2 of 2 · speaking time 2 min 00 s · average thinking 1.5 s · average score 62" in text
    rows = [line for line in text.splitlines() if "amazon-" in line and "│" in line]
    assert "STAR" in text and "85" in rows[0] and "STA·" in rows[1] and "missing_result" in rows[1]
    assert f"Session saved: {result.session_id}" in text


def test_prep_countdown_waits_the_profile_seconds_unless_answers_come_from_files():
    from mockint.render.terminal import TerminalView, console_for

    slept, out = [], io.StringIO()
    TerminalView(console_for(out), sleep=slept.append).prep(30)
    assert slept == [1.0] * 30 and "Answer now." in out.getvalue()
    slept, out = [], io.StringIO()
    TerminalView(console_for(out), wait_for_prep=False, sleep=slept.append).prep(30)
    assert slept == [] and "30 s to prepare — skipped" in out.getvalue()
