"""Ctrl-C (a real SIGINT to a real `mockint practice`) at every stage of a question: while the
question is spoken, during the preparation countdown, while answering, while transcribing and
during the follow-up. Every time: exit 130, a line saying where the recordings are, the session
listed as incomplete, and everything recorded before the interrupt kept.

(Answering is also covered by test_reliability_crash.py and, on the sound card, by
test_practice_device.py.)
"""

from __future__ import annotations

import json
import signal
import time

import pytest
import soundfile as sf
from helpers.practice_proc import (
    CLIP,
    SAMPLE_RATE_HZ,
    env_for,
    long_answer,
    manifest,
    start,
    take_growing,
    wait_for,
)

pytestmark = pytest.mark.slow
ONE = ("--question", "amazon-dive-deep-1")


def _interrupt(proc) -> str:
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert "Interrupted: what was recorded is saved in" in out
    return out


def _listed_incomplete(run_cli, rec) -> dict:
    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert len(rows) == 1 and rows[0]["complete"] is False and "damaged" not in rows[0]
    doc = manifest(rec)
    assert doc["ended_by"] == "interrupt"
    return doc


def _asked(rec) -> bool:
    found = list(rec.glob("*/session.json"))
    return bool(found) and bool(json.loads(found[0].read_text())["questions"])


def test_ctrl_c_during_the_preparation_countdown(tmp_path, run_cli):
    """JPMC gives 30 s to prepare (answers from a microphone: the countdown really waits)."""
    rec = tmp_path / "rec"
    proc = start(
        ["--company", "jpmc", "--count", "1", "--no-voice"], env_for(rec, tmp_path / "cache"), tmp_path
    )
    try:
        wait_for(lambda: _asked(rec), what="the question")
        time.sleep(1.5)  # in the countdown
        assert proc.poll() is None
        _interrupt(proc)
    finally:
        proc.kill()
    doc = _listed_incomplete(run_cli, rec)
    assert [len(q["takes"]) for q in doc["questions"]] == [0]
    assert not list(rec.glob("*/*.wav"))


def test_ctrl_c_while_transcribing_keeps_the_whole_answer(tmp_path, run_cli):
    rec = tmp_path / "rec"
    answer = long_answer(tmp_path, 40.0)
    proc = start(
        [*ONE, "--no-voice", "--no-follow-ups", "--after-the-fact", "--answers-from", str(answer)],
        env_for(rec, tmp_path / "cache"),
        tmp_path,
    )
    try:
        take = take_growing(rec, "q01-answer-1.wav", 40.0)  # recorded whole: now it is transcribed
        time.sleep(0.5)
        _interrupt(proc)
    finally:
        proc.kill()
    doc = _listed_incomplete(run_cli, rec)
    saved = doc["questions"][0]["takes"][0]
    assert saved["stopped_by"] == "end_of_audio" and saved["transcript"] is None
    assert saved["duration_s"] == pytest.approx(40.0, abs=0.01)
    assert sf.info(take).frames == 40 * SAMPLE_RATE_HZ


def test_ctrl_c_during_the_follow_up_keeps_the_answer_and_the_partial_follow_up(tmp_path, run_cli):
    rec = tmp_path / "rec"
    proc = start(
        [
            *ONE,
            "--no-voice",
            "--realtime",
            "--answers-from",
            str(CLIP),
            "--answers-from",
            str(long_answer(tmp_path, 30.0)),
        ],
        env_for(rec, tmp_path / "cache"),
        tmp_path,
    )
    try:
        take_growing(rec, "q01-follow-up-1.wav", 1.5)
        out = _interrupt(proc)
    finally:
        proc.kill()
    assert "Follow-up" in out
    doc = _listed_incomplete(run_cli, rec)
    answer, follow = doc["questions"][0]["takes"]
    assert (
        answer["kind"] == "answer" and answer["review"]["score"] is not None and answer["transcript"]["text"]
    )
    assert (
        follow["kind"] == "follow_up" and follow["stopped_by"] == "interrupt" and follow["duration_s"] >= 1.5
    )
    assert sf.info(rec / doc["id"] / follow["audio"]).frames >= 1.5 * SAMPLE_RATE_HZ


@pytest.mark.device
def test_ctrl_c_while_the_question_is_spoken(pulse, tmp_path, run_cli):
    """On the virtual sound card: the question is synthesized, then played; Ctrl-C mid-sentence."""
    rec, cache = tmp_path / "rec", tmp_path / "cache"
    proc = start([*ONE, "--no-follow-ups"], {**env_for(rec, cache), **pulse.env_vars}, tmp_path)
    try:
        wait_for(lambda: list(cache.glob("voice/*.wav")), timeout_s=60, what="the question's audio")
        time.sleep(1.0)  # playing: the question is about 4 s long
        assert proc.poll() is None
        _interrupt(proc)
    finally:
        proc.kill()
    doc = _listed_incomplete(run_cli, rec)
    assert [q["id"] for q in doc["questions"]] == ["amazon-dive-deep-1"] and doc["questions"][0][
        "takes"
    ] == []
