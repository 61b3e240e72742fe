"""The session engine on fakes: the interviewer loop, follow-ups, keys, Ctrl-C, what is saved."""

from __future__ import annotations

import json

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
from mockint.followup import GENERIC_PROBE
from mockint.ports import STOP_INTERRUPT, STOP_QUIT, STOP_RETAKE, STOP_SKIP
from mockint.store import Store

OUTCOME = "What was the outcome, and how did you measure it?"


def run(tmp_path, script, *, prof=None, questions=None, speaker=None, streaming=True, follow_ups=None):
    prof = prof or profile()
    questions = questions or (question("q-one", ("Why you?",)), question("q-two", ("Who helped?",)))
    recorder, transcriber, reviewer, view = (
        FakeRecorder(script),
        FakeTranscriber(),
        FakeReviewer(script),
        FakeView(),
    )
    speaker = speaker or FakeSpeaker()
    store = Store(tmp_path / "recordings", now=WallClock())
    plan = session.Plan(
        profile=prof,
        questions=tuple(questions),
        seed=7,
        follow_ups=prof.follow_ups if follow_ups is None else follow_ups,
        streaming=streaming,
    )
    ports = session.Ports(
        speaker=speaker,
        recorder=recorder,
        transcriber=transcriber,
        review=reviewer,
        store=store,
        view=view,
        clock=StepClock(),
    )
    result = session.run(plan, ports)
    on_disk = json.loads((store.root / result.session_id / "session.json").read_text())
    return result, on_disk, speaker, recorder, transcriber, view


def takes(doc, n):
    return doc["questions"][n]["takes"]


def test_whole_session_asks_follow_up_aimed_at_the_gap(tmp_path):
    script = [
        Say("full story with a result", score=80),
        Say("because it was mine"),
        Say("story without an ending", flags=("missing_result",), score=55),
        Say("revenue rose 12 percent"),
    ]
    result, doc, speaker, recorder, transcriber, view = run(tmp_path, script)

    # No gap in answer 1: the question's own probe. Missing result in answer 2: the outcome probe.
    assert speaker.said == ["Tell me about q-one.", "Why you?", "Tell me about q-two.", OUTCOME]
    assert result.ended_by == "done" and doc["complete"] is True and doc["schema_version"] == 1
    assert doc["id"] == result.session_id == "2026-11-26T19-30-06-amazon"
    assert [t["kind"] for t in takes(doc, 0)] == ["answer", "follow_up"]
    assert [t["prompt"] for t in takes(doc, 1)] == ["Tell me about q-two.", OUTCOME]
    assert takes(doc, 1)[1]["follow_up_reason"] == "missing_result"
    # Every take: its audio (relative, in the session folder), transcript and review.
    for q in doc["questions"]:
        for take in q["takes"]:
            assert (tmp_path / "recordings" / doc["id"] / take["audio"]).read_text() == take["transcript"][
                "text"
            ]
            assert take["review"]["score"] in (80, 70, 55)
            assert take["thinking_s"] == 1.5 and take["duration_s"] == 60.0
            assert take["review_ready_s"] >= 0
    # Streamed while recording, never transcribed again afterwards.
    assert [how for how, _ in transcriber.heard] == ["stream"] * 4
    assert all(call["streamed"] for call in recorder.calls)
    # Follow-ups get half the time of an answer.
    assert [c["limit_s"] for c in recorder.calls] == [180, 90, 180, 90]


def test_transcribes_after_the_fact_without_streaming(tmp_path):
    script = [Say("a"), Say("b")]
    *_, transcriber, _ = run(tmp_path, script, questions=[question("q-one")], streaming=False)
    assert transcriber.heard == [("file", "a"), ("file", "b")]


def test_prep_countdown_and_no_follow_ups_for_a_video_screen_profile(tmp_path):
    script = [Say("one", flags=("missing_result",)), Say("two")]
    _, doc, speaker, _, _, view = run(tmp_path, script, prof=profile("jpmc", prep_s=30, follow_ups=0))
    assert speaker.said == ["Tell me about q-one.", "Tell me about q-two."]
    kinds = [e[0] for e in view.events]
    assert kinds == ["question", "prep", "take_done", "question", "prep", "take_done"]
    assert ("prep", 30) in view.events
    assert all(len(q["takes"]) == 1 for q in doc["questions"])


def test_two_follow_ups_probe_different_gaps_then_the_bank(tmp_path):
    script = [
        Say("we did things", flags=("missing_result", "low_ownership")),
        Say("it worked"),
        Say("i led it"),
        Say("no gaps here"),
        Say("x"),
        Say("y"),
    ]
    questions = [question("q-one", ("Bank probe?",)), question("q-two", ())]
    _, doc, speaker, *_ = run(tmp_path, script, prof=profile("meta", follow_ups=2), questions=questions)
    assert speaker.said == [
        "Tell me about q-one.",
        OUTCOME,
        "What did you personally do?",
        "Tell me about q-two.",
        GENERIC_PROBE,
    ]
    # q-two: no gap, no bank probe, so one generic probe and no repeat of it.
    assert [t["kind"] for t in takes(doc, 1)] == ["answer", "follow_up"]


def test_no_follow_ups_flag_wins_over_the_profile(tmp_path):
    _, doc, speaker, *_ = run(tmp_path, [Say("a", flags=("missing_result",)), Say("b")], follow_ups=0)
    assert speaker.said == ["Tell me about q-one.", "Tell me about q-two."]


def test_retake_keeps_the_earlier_take_and_the_newest_counts(tmp_path):
    script = [
        Say("false start", stopped_by=STOP_RETAKE, score=20),
        Say("better", score=75),
        Say("probe answer"),
        Say("second"),
        Say("generic probe answer"),
    ]
    _, doc, speaker, *_ = run(
        tmp_path, script, questions=[question("q-one"), question("q-two", ())], follow_ups=1
    )
    answers = [t for t in takes(doc, 0) if t["kind"] == "answer"]
    assert [a["stopped_by"] for a in answers] == [STOP_RETAKE, "end_of_audio"]
    assert len({a["audio"] for a in answers}) == 2  # two audio files on disk
    assert speaker.said.count("Tell me about q-one.") == 1  # the question is not asked again
    from mockint.store.summary import newest_answer, summary_row

    assert newest_answer(doc["questions"][0])["review"]["score"] == 75
    # each question is scored with its follow-up (the fake reviewer gives answer + follow-up 80)
    assert summary_row(doc)["average_score"] == 80 and summary_row(doc)["with_follow_up"] == 2


def test_skip_moves_on_without_review_or_follow_up(tmp_path):
    script = [Say("um", stopped_by=STOP_SKIP), Say("second"), Say("probe")]
    _, doc, speaker, _, transcriber, _ = run(tmp_path, script)
    assert doc["questions"][0]["skipped"] is True
    assert takes(doc, 0)[0]["review"] is None and takes(doc, 0)[0]["stopped_by"] == STOP_SKIP
    assert speaker.said == ["Tell me about q-one.", "Tell me about q-two.", "Who helped?"]
    assert doc["complete"] is True


def test_quit_saves_the_answer_and_ends_the_session(tmp_path):
    script = [Say("short and done", stopped_by=STOP_QUIT)]
    result, doc, speaker, *_ = run(tmp_path, script)
    assert result.ended_by == "quit" and doc["complete"] is True and doc["ended_by"] == "quit"
    assert len(doc["questions"]) == 1 and takes(doc, 0)[0]["review"]["score"] == 70
    assert speaker.said == ["Tell me about q-one."]


def test_ctrl_c_mid_answer_keeps_the_take_and_leaves_the_session_incomplete(tmp_path):
    script = [
        Say("first answer"),
        Say("probe"),
        Say("half an ans", stopped_by=STOP_INTERRUPT, duration_s=12.0),
    ]
    result, doc, *_ = run(tmp_path, script)
    assert result.ended_by == "interrupt" and doc["complete"] is False and doc["ended_by"] == "interrupt"
    assert takes(doc, 0)[0]["review"] is not None  # finished answers intact
    partial = takes(doc, 1)[0]
    assert partial["stopped_by"] == STOP_INTERRUPT and partial["duration_s"] == 12.0
    assert (tmp_path / "recordings" / doc["id"] / partial["audio"]).read_text() == "half an ans"
    row = Store(tmp_path / "recordings").list()[0]
    assert row["complete"] is False and row["questions"] == 2 and row["answered"] == 1


def test_keyboard_interrupt_out_of_the_recorder_keeps_the_partial_file(tmp_path):
    script = [Say("cut off", raise_instead=KeyboardInterrupt())]
    result, doc, *_ = run(tmp_path, script)
    assert result.ended_by == "interrupt"
    take = takes(doc, 0)[0]
    assert take["stopped_by"] == STOP_INTERRUPT and take["audio"]


def test_ctrl_c_while_the_question_is_spoken(tmp_path):
    script = [Say("first"), Say("probe")]
    result, doc, *_ = run(tmp_path, script, speaker=FakeSpeaker(interrupt_on="q-two"))
    assert result.ended_by == "interrupt" and doc["complete"] is False
    assert [t["kind"] for t in takes(doc, 0)] == ["answer", "follow_up"]


def test_running_out_of_answers_is_an_error_and_leaves_no_empty_take(tmp_path):
    recorder, store = FakeRecorder([Say("only one")]), Store(tmp_path / "rec", now=WallClock())
    plan = session.Plan(profile=profile(), questions=(question("q-one"),), follow_ups=1)
    ports = session.Ports(
        FakeSpeaker(),
        recorder,
        FakeTranscriber(),
        FakeReviewer([Say("only one")]),
        store,
        FakeView(),
        StepClock(),
    )
    with pytest.raises(UsageError):
        session.run(plan, ports)
    doc = store.load(store.ids()[0])
    assert doc["complete"] is False and len(takes(doc, 0)) == 1
    assert sorted(p.name for p in (store.root / doc["id"]).iterdir()) == ["q01-answer-1.wav", "session.json"]


def test_reviewer_gets_question_and_thinking_time(tmp_path):
    script = [Say("a", thinking_s=3.25), Say("b", thinking_s=None)]
    recorder, reviewer = FakeRecorder(script), FakeReviewer(script)
    plan = session.Plan(profile=profile(), questions=(question("q-one"),), follow_ups=1)
    ports = session.Ports(
        FakeSpeaker(),
        recorder,
        FakeTranscriber(),
        reviewer,
        Store(tmp_path / "r", now=WallClock()),
        FakeView(),
        StepClock(),
    )
    session.run(plan, ports)
    assert reviewer.reviewed == [("q-one", "a", 3.25), ("q-one", "b", None)]


def test_a_take_is_listed_while_it_is_recorded_so_a_crash_leaves_it_named(tmp_path):
    seen = []

    class PeekingRecorder(FakeRecorder):
        def record(self, path, **kw):
            doc = json.loads((path.parent / "session.json").read_text())
            seen.append([(t["audio"], t["stopped_by"]) for q in doc["questions"] for t in q["takes"]])
            return super().record(path, **kw)

    script = [Say("one"), Say("two")]
    plan = session.Plan(profile=profile(), questions=(question("q-one"),), follow_ups=1)
    store = Store(tmp_path / "r", now=WallClock())
    session.run(
        plan,
        session.Ports(
            FakeSpeaker(),
            PeekingRecorder(script),
            FakeTranscriber(),
            FakeReviewer(script),
            store,
            FakeView(),
            StepClock(),
        ),
    )
    assert seen == [
        [("q01-answer-1.wav", "recording")],
        [("q01-answer-1.wav", "end_of_audio"), ("q01-follow-up-1.wav", "recording")],
    ]


def test_ctrl_c_while_the_transcript_is_finished_keeps_the_whole_take(tmp_path):
    class SlowTranscriber(FakeTranscriber):
        def transcribe(self, path):
            raise KeyboardInterrupt

    script = [Say("complete answer", duration_s=80.0)]
    store = Store(tmp_path / "r", now=WallClock())
    plan = session.Plan(profile=profile(), questions=(question("q-one"),), streaming=False)
    result = session.run(
        plan,
        session.Ports(
            FakeSpeaker(),
            FakeRecorder(script),
            SlowTranscriber(),
            FakeReviewer(script),
            store,
            FakeView(),
            StepClock(),
        ),
    )
    assert result.ended_by == "interrupt"
    take = result.document["questions"][0]["takes"][0]
    assert (take["stopped_by"], take["duration_s"], take["transcript"]) == ("end_of_audio", 80.0, None)


def test_the_next_question_is_synthesized_while_this_one_is_answered(tmp_path):
    import threading

    class PreparingSpeaker(FakeSpeaker):
        def __init__(self):
            super().__init__()
            self.prepared, self.done = [], threading.Event()

        def prepare(self, text):
            self.prepared.append(text)
            self.done.set()

    speaker = PreparingSpeaker()
    run(tmp_path, [Say("a"), Say("b"), Say("c"), Say("d")], speaker=speaker)
    assert speaker.done.wait(5)
    assert speaker.prepared == ["Tell me about q-two."]  # the next question only: none after the last


@pytest.mark.parametrize("key", ["quit", "skip"])
def test_q_or_s_on_an_unheard_take_means_what_it_says(tmp_path, key):
    """Nothing heard, but the candidate pressed q (or s): no "answer again", the key is obeyed."""
    script = [Say("", flags=("no_speech",), score=None, stopped_by=key), Say("second question"), Say("probe")]
    _, doc, speaker, *_, view = run(tmp_path, script)
    assert [t["stopped_by"] for t in takes(doc, 0)] == [key]
    assert ("notice", session.NOT_HEARD) not in view.events
    assert "I didn't hear an answer. Please answer again." not in speaker.said
    assert doc["ended_by"] == ("quit" if key == "quit" else "done")


def test_a_take_with_no_speech_is_kept_not_counted_and_the_retake_offered(tmp_path):
    script = [
        Say("", flags=("no_speech",), score=None),  # Enter pressed after silence
        Say("the real answer", flags=("missing_result",)),
        Say("the outcome"),  # the follow-up
        Say("second question"),
        Say("probe two"),
    ]
    _, doc, speaker, *_, view = run(tmp_path, script)
    first = takes(doc, 0)
    assert [t["kind"] for t in first][:2] == ["answer", "answer"]
    assert first[0]["review"]["score"] is None and first[0]["audio"]  # kept, with its audio
    assert ("notice", session.NOT_HEARD) in view.events and "mockint doctor" in session.NOT_HEARD
    assert speaker.said[1] == "I didn't hear an answer. Please answer again."
    row = Store(tmp_path / "recordings").list()[0]
    # the silent take counts for nothing: the real answer is the one its follow-up joined (80)
    assert row["answered"] == 2 and row["average_score"] == 80
    assert first[2]["kind"] == "follow_up" and first[2]["combined"]["answer_score"] == 70


def test_twice_nothing_heard_moves_on_without_a_follow_up(tmp_path):
    script = [
        Say("", flags=("no_speech",), score=None),
        Say(" ", flags=("no_speech",), score=None),
        Say("b"),
        Say("probe b"),
    ]
    _, doc, speaker, *_ = run(tmp_path, script, follow_ups=1)
    assert len(takes(doc, 0)) == 2 and all(t["kind"] == "answer" for t in takes(doc, 0))
    row = Store(tmp_path / "recordings").list()[0]
    assert row["answered"] == 1


def test_the_reviewer_hears_that_the_limit_stopped_the_answer(tmp_path):
    from mockint.ports import STOP_LIMIT

    script = [Say("cut mid-story", stopped_by=STOP_LIMIT), Say("probe"), Say("b"), Say("probe b")]
    recorder, reviewer = FakeRecorder(script), FakeReviewer(script)
    plan = session.Plan(profile=profile(), questions=(question("q-one"),), follow_ups=0)
    ports = session.Ports(
        FakeSpeaker(),
        recorder,
        FakeTranscriber(),
        reviewer,
        Store(tmp_path / "r", now=WallClock()),
        FakeView(),
        StepClock(),
    )
    session.run(plan, ports)
    assert reviewer.stopped_by[0] == STOP_LIMIT


def test_a_follow_up_that_supplies_the_result_updates_the_status_and_combined_score(tmp_path):
    from mockint.review import review
    from mockint.transcript import Transcript, Word

    def spoken(text: str) -> Transcript:
        words = tuple(Word(w, 0.3 * k, 0.3 * k + 0.25, 0.9) for k, w in enumerate(text.lower().split()))
        return Transcript(text.lower(), "whisper", 0.3 * len(words) + 0.5, None, words)

    answer = spoken(
        "last spring our nightly billing job failed twice a week and invoices went out late "
        "i had to make it reliable before the quarter closed "
        "i traced the failures to a race in the locking code and i rewrote the lock "
        "then i added an alert and i ran the job by hand for a week"
    )
    follow = spoken(
        "as a result the job has not failed in four months and billing tickets fell by seventy percent"
    )
    first = review(answer, question("q-one"))
    assert "missing_result" in first.flags

    class Engine(session._Engine):
        def __init__(self) -> None:
            self.ports = session.Ports(
                FakeSpeaker(),
                None,
                None,
                lambda t, q, th, stopped_by=None: review(t, q),
                None,
                None,
                StepClock(),
            )

    base = session._Outcome("enter", first, answer, 1.0)
    combined = Engine()._combined(question("q-one"), base, follow, "missing_result")
    assert combined["filled"] and combined["status"] == "result given in the follow-up"
    assert combined["answer_score"] == first.score and combined["score"] > first.score


def test_scripted_answers_are_not_retaken_when_nothing_was_heard(tmp_path):
    # --answers-from: the next file is the next answer, so a silent one is kept and passed over.
    script = [Say("", flags=("no_speech",), score=None), Say("second answer")]
    view = FakeView()
    plan = session.Plan(
        profile=profile(), questions=(question("q-one"), question("q-two")), follow_ups=0, unheard_retakes=0
    )
    ports = session.Ports(
        FakeSpeaker(),
        FakeRecorder(script),
        FakeTranscriber(),
        FakeReviewer(script),
        Store(tmp_path / "r", now=WallClock()),
        view,
        StepClock(),
    )
    result = session.run(plan, ports)
    doc = result.document
    assert [len(q["takes"]) for q in doc["questions"]] == [1, 1]
    assert ("notice", session.NOT_HEARD_SCRIPTED) in view.events
    assert Store(tmp_path / "r").list()[0]["answered"] == 1
