"""`mockint practice` and `replay` on the virtual sound card (tests/helpers/sound.py): the question is
heard on `speaker.monitor`, the answer played into `micfeed` is recorded, transcribed and
reviewed, a follow-up asks for the missing result, Ctrl-C keeps the take, and `replay --part
result` plays the stretch of the recording that the review labelled Result."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from helpers.sound import best_alignment, voiced_seconds  # the `pulse` fixture comes from conftest.py

from mockint.audio.files import read_16k_mono

pytestmark = [pytest.mark.device, pytest.mark.slow]

SAMPLES = Path(str(resources.files("mockint.samples")))
OUTCOME = "What was the outcome, and how did you measure it?"
RATE = 16_000
RECORDER_SETTLE_S = 1.5  # after the take file appears: the input stream opens and audio flows


def sample(prefix: str) -> Path:
    return next(SAMPLES.glob(f"{prefix}*.ogg"))


def mockint(pulse, tmp_path: Path, *args: str) -> subprocess.Popen:
    env = {**pulse.env, "MOCKINT_RECORDINGS": str(tmp_path / "rec"), "MOCKINT_CACHE": str(tmp_path / "cache")}
    return subprocess.Popen(
        [sys.executable, "-m", "mockint", *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for(probe, timeout_s: float, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        if proc is not None and proc.poll() is not None:
            raise AssertionError(f"mockint exited {proc.returncode}: {proc.stderr.read()}")
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_a_spoken_session_on_the_virtual_sound_card(pulse, tmp_path):
    listener = pulse.hear_speaker()
    # Sample 02 tells which hypotheses were ruled out, and no outcome: a short answer with no result.
    proc = mockint(
        pulse,
        tmp_path,
        "practice",
        "--company",
        "amazon",
        "--question",
        "amazon-dive-deep-1",
        "--stop-on-silence",
        "2.5",
    )
    try:
        rec = tmp_path / "rec"
        answer = wait_for(lambda: next(rec.glob("*/q01-answer-1.wav"), None), 120, proc)
        time.sleep(RECORDER_SETTLE_S)
        subprocess.run(
            ["paplay", "--device=micfeed", str(sample("02"))], env=pulse.env, check=True, timeout=120
        )
        wait_for(lambda: next(rec.glob("*/q01-follow-up-1.wav"), None), 120, proc)
        time.sleep(RECORDER_SETTLE_S)
        subprocess.run(
            ["paplay", "--device=micfeed", str(sample("04"))], env=pulse.env, check=True, timeout=120
        )
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        spoken = listener.stop()
    assert proc.returncode == 0, err

    # The interviewer was heard: the question, then the follow-up, on speaker.monitor.
    assert voiced_seconds(spoken) > 4.0
    assert f"Interviewer: {OUTCOME}" in out

    doc = json.loads(next((tmp_path / "rec").glob("*/session.json")).read_text())
    assert doc["complete"] is True
    first, follow = doc["questions"][0]["takes"]
    assert first["kind"] == "answer" and follow["kind"] == "follow_up"
    assert follow["prompt"] == OUTCOME and follow["follow_up_reason"] == "missing_result"
    assert "missing_result" in first["review"]["flags"]
    assert follow["review"]["components"]["result"]["present"] is True
    # The fed answer was recorded whole (the recording matches the source) and transcribed.
    recorded = read_16k_mono(answer)
    source = read_16k_mono(sample("02"))
    _, score = best_alignment(recorded, source)
    assert score > 0.6, score
    assert abs(voiced_seconds(recorded) - voiced_seconds(source)) < 3.0
    assert "provider" in [w["word"] for w in first["transcript"]["words"]] and first["thinking_s"] is not None
    assert first["stopped_by"] == "silence"


@pytest.mark.parametrize(
    ("signum", "code", "stopped_by"),
    [(signal.SIGINT, 130, "interrupt"), (signal.SIGTERM, 143, "terminated")],
    ids=["ctrl-c", "sigterm"],
)
def test_ctrl_c_mid_answer_keeps_the_take(pulse, tmp_path, signum, code, stopped_by):
    proc = mockint(pulse, tmp_path, "practice", "--question", "amazon-dive-deep-1", "--no-voice")
    feeder = None
    try:
        take = wait_for(lambda: next((tmp_path / "rec").glob("*/q01-answer-1.wav"), None), 120, proc)
        time.sleep(RECORDER_SETTLE_S)
        feeder = pulse.feed_mic(sample("01"))
        time.sleep(6.0)
        proc.send_signal(signum)
        out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        if feeder is not None:
            feeder.kill()
    assert proc.returncode == code, err
    doc = json.loads(next((tmp_path / "rec").glob("*/session.json")).read_text())
    assert doc["complete"] is False
    saved = doc["questions"][0]["takes"][0]
    assert saved["stopped_by"] == stopped_by and saved["audio"] == take.name
    recorded = read_16k_mono(take)
    assert voiced_seconds(recorded) > 3.0  # about 6 s of the answer was fed before Ctrl-C
    source = read_16k_mono(sample("01"))
    lag, score = best_alignment(source, recorded)  # the take is the start of the fed answer
    assert score > 0.6, score


def test_replay_part_result_plays_the_result_stretch(pulse, tmp_path, run_cli):
    # A session answered from the sample with a result (no devices needed to make it).
    env = {"MOCKINT_RECORDINGS": str(tmp_path / "rec")}
    r = run_cli(
        "practice",
        "--question",
        "amazon-dive-deep-1",
        "--answers-from",
        str(sample("01")),
        "--no-follow-ups",
        "--no-voice",
        environ=env,
    )
    assert r.code == 0, r.err
    doc = json.loads(run_cli("show", "last", "--json", environ=env).out)
    take = doc["questions"][0]["takes"][0]
    results = [s for s in take["review"]["segments"] if s["label"] == "result"]
    assert results, "the review found no result in the sample answer"
    start, end = results[0]["start_s"], results[-1]["end_s"]

    listener = pulse.hear_speaker()
    proc = mockint(pulse, tmp_path, "replay", "last", "1", "--part", "result")
    out, err = proc.communicate(timeout=120)
    time.sleep(0.3)
    played = listener.stop()
    assert proc.returncode == 0, err

    recorded = read_16k_mono(tmp_path / "rec" / doc["id"] / take["audio"])
    stretch = recorded[int(start * RATE) : int(end * RATE)]
    # What came out of the speaker is that stretch: the same waveform, as long...
    assert abs(voiced_seconds(played) - voiced_seconds(stretch)) < 1.5
    _, score = best_alignment(played, stretch)
    assert score > 0.6, score
    # ...and not the beginning of the answer.
    assert best_alignment(played, recorded[: len(stretch)])[1] < 0.3
    # The words of the stretch were printed with it.
    result_words = [w["word"] for w in take["transcript"]["words"] if start <= w["start"] < end]
    assert " ".join(result_words[:3]) in out
