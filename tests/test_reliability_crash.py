"""kill -9 mid-answer, and a second mockint reading a session that is still being recorded.

A real `mockint practice` process answers from audio files fed at speaking pace (--realtime),
as a microphone would deliver them. Nothing already recorded may be lost.
"""

from __future__ import annotations

import json
import signal
import time

import numpy as np
import pytest
import soundfile as sf
from helpers.practice_proc import (
    CLIP,
    SAMPLE_RATE_HZ,
    TWO_QUESTIONS,
    env_for,
    long_answer,
    manifest,
    start,
    take_growing,
)

from mockint.audio.files import read_16k_mono

pytestmark = pytest.mark.slow
LOSS_BOUND_S = 1.0  # "a crash loses at most a second"


@pytest.fixture
def answers(tmp_path_factory):
    return CLIP, long_answer(tmp_path_factory.mktemp("answers"), 40.0)


def test_kill_9_mid_answer_keeps_every_second_and_the_earlier_answer(tmp_path, run_cli, answers):
    rec = tmp_path / "rec"
    first, second = answers
    proc = start(
        [
            *TWO_QUESTIONS,
            "--no-voice",
            "--no-follow-ups",
            "--realtime",
            "--answers-from",
            str(first),
            "--answers-from",
            str(second),
        ],
        env_for(rec, tmp_path / "cache"),
        tmp_path,
    )
    try:
        take = take_growing(rec, "q02-answer-1.wav", 0.0)
        began = time.monotonic()
        take_growing(rec, "q02-answer-1.wav", 4.0)
        time.sleep(0.6)
        fed_s = time.monotonic() - began  # at least this much of the answer had been fed
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        proc.kill()
    assert proc.returncode == -signal.SIGKILL
    before = manifest(rec)
    assert before["questions"][1]["takes"][0]["stopped_by"] == "recording"  # what the crash left

    rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)  # the next start
    assert [(r["complete"], r["questions"], r["answered"]) for r in rows] == [(False, 2, 1)]
    assert "damaged_audio" not in rows[0]
    doc = json.loads(run_cli("show", "last", "--json", "--recordings", str(rec)).out)
    assert doc["questions"][0] == before["questions"][0]  # the earlier answer, untouched
    assert doc["questions"][0]["takes"][0]["review"]["score"] is not None
    cut = doc["questions"][1]["takes"][0]
    assert cut["stopped_by"] == "crash" and doc["ended_by"] == "crash" and "cut off" in cut["error"]
    audio, rate = sf.read(take, dtype="int16")  # plays, at the stored rate
    assert rate == SAMPLE_RATE_HZ and audio.size / rate == pytest.approx(cut["duration_s"], abs=0.01)
    assert cut["duration_s"] >= fed_s - LOSS_BOUND_S
    source = read_16k_mono(second)
    assert np.array_equal(audio, source[: audio.size])  # exactly what was said, up to the kill
    again = json.loads(run_cli("show", "last", "--json", "--recordings", str(rec)).out)
    assert again["questions"] == doc["questions"]  # repaired once; reading again changes nothing


def test_a_session_being_recorded_is_left_alone_by_another_mockint(tmp_path, run_cli, answers):
    """`mockint sessions` in another terminal must not 'repair' a take that is still growing;
    then Ctrl-C (answering stage) ends the session: exit 130, the take kept."""
    rec = tmp_path / "rec"
    proc = start(
        [
            "--question",
            "amazon-dive-deep-1",
            "--no-voice",
            "--no-follow-ups",
            "--realtime",
            "--answers-from",
            str(answers[1]),
        ],
        env_for(rec, tmp_path / "cache"),
        tmp_path,
    )
    try:
        take = take_growing(rec, "q01-answer-1.wav", 2.0)
        rows = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
        assert [(r["complete"], r["answered"]) for r in rows] == [(False, 0)]
        assert manifest(rec)["questions"][0]["takes"][0]["stopped_by"] == "recording"  # not marked crashed
        grown = take_growing(rec, "q01-answer-1.wav", 3.0).stat().st_size
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 130, err
    saved = manifest(rec)["questions"][0]["takes"][0]
    assert saved["stopped_by"] == "interrupt" and take.stat().st_size >= grown
    assert sf.info(take).frames / SAMPLE_RATE_HZ == pytest.approx(saved["duration_s"], abs=0.01)
    assert "saved" in out
