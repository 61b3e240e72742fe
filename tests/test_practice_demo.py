"""`mockint practice` end to end without a sound card: answers from the shipped samples through
the real recorder (FileRecorder), the real (default, whisper) transcriber and the real review."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import wave
from importlib import resources
from pathlib import Path

import pytest
from helpers.paths import ROOT
from helpers.practice_proc import wait_for

SAMPLES = Path(str(resources.files("mockint.samples")))
OUTCOME = "What was the outcome, and how did you measure it?"


def sample(name: str) -> Path:
    return next(SAMPLES.glob(f"{name}*.ogg"))


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.mark.slow
def test_demo_runs_a_whole_session_and_saves_it(run_cli, tmp_path):
    r = run_cli("practice", "--demo")
    assert r.code == 0, r.err
    out = r.out
    assert "Interviewer: Tell me about a time you dug into a problem to find its root cause." in out
    assert f"Interviewer: {OUTCOME}" in out  # the second sample answer has no result
    assert "The three most useful tips" in out and "Session saved: " in out

    rows = json.loads(run_cli("sessions", "--json").out)
    assert len(rows) == 1 and rows[0]["complete"] is True
    assert (rows[0]["company"], rows[0]["questions"], rows[0]["answered"]) == ("amazon", 2, 2)
    doc = json.loads(run_cli("show", rows[0]["id"], "--json").out)
    folder = tmp_path / "recordings" / doc["id"]
    assert [q["id"] for q in doc["questions"]] == ["amazon-dive-deep-1", "amazon-customer-obsession-1"]
    q1, q2 = doc["questions"]
    assert [t["kind"] for t in q1["takes"]] == ["answer", "follow_up"] == [t["kind"] for t in q2["takes"]]
    assert q2["takes"][0]["review"]["components"]["result"]["present"] is False
    assert "missing_result" in q2["takes"][0]["review"]["flags"]
    assert q2["takes"][1]["prompt"] == OUTCOME and q2["takes"][1]["follow_up_reason"] == "missing_result"
    assert q2["takes"][1]["review"]["components"]["result"]["present"] is True
    assert q1["takes"][0]["review"]["components"]["result"]["present"] is True
    expected = [
        "01-dive-deep-answer",
        "02-dive-deep-follow-up",
        "03-customer-answer",
        "04-customer-follow-up",
    ]
    takes = [t for q in doc["questions"] for t in q["takes"]]
    key_words = ["payments", "provider", "hospital", "hospital"]
    for take, name, word in zip(takes, expected, key_words, strict=True):
        audio = folder / take["audio"]
        # The whole sample went through the recorder into the take file...
        assert abs(wav_seconds(audio) - take["duration_s"]) < 0.05
        import soundfile as sf

        assert abs(take["duration_s"] - sf.info(str(sample(name))).duration) < 0.2
        # ...and was transcribed with word times inside the take.
        transcript = take["transcript"]
        assert transcript["engine"] == "whisper" and transcript["model"] == "tiny.en"
        assert word in [w["word"] for w in transcript["words"]] and word in transcript["text"].lower()
        times = [(w["start"], w["end"]) for w in transcript["words"]]
        assert times == sorted(times) and times[-1][1] <= take["duration_s"] + 0.1
        assert isinstance(take["review"]["score"], int) and take["review_ready_s"] >= 0

    r = run_cli("stats", "--json")
    assert json.loads(r.out)["answers"] == 2
    r = run_cli("show", "last")
    assert "[R] " in r.out  # the result of the first answer, marked


def short_answer(tmp_path: Path) -> Path:
    """One second of near-silence: quick to decode."""
    path = tmp_path / "short.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(16_000)
        w.writeframes(b"\x01\x00" * 16_000)
    return path


def test_practice_from_one_answer_file(run_cli, tmp_path):
    r = run_cli(
        "practice",
        "--question",
        "amazon-dive-deep-1",
        "--answers-from",
        str(short_answer(tmp_path)),
        "--no-follow-ups",
        "--no-voice",
        "--seed",
        "3",
    )
    assert r.code == 0, r.err
    doc = json.loads(run_cli("show", "last", "--json").out)
    assert doc["complete"] is True and doc["seed"] == 3 and doc["options"]["follow_ups"] == 0
    take = doc["questions"][0]["takes"][0]
    assert take["stopped_by"] == "end_of_audio" and abs(take["duration_s"] - 1.0) < 0.01
    assert take["transcript"]["engine"] == "whisper" and take["review"] is not None
    assert take["transcript"]["words"] == []  # near-silence: no invented words
    # kept, reviewed as nothing heard, not counted as an answer
    assert take["review"]["score"] is None and take["review"]["flags"] == ["no_speech"]


def test_answer_files_running_out_end_the_session_like_q(run_cli, tmp_path):
    """Two questions, one file: the session ends after the first answer, summarized and saved."""
    r = run_cli(
        "practice",
        "--question",
        "amazon-dive-deep-1",
        "--question",
        "amazon-customer-obsession-1",
        "--answers-from",
        str(sample("02")),  # a spoken answer (a silent one would not count, nor get a follow-up)
        "--no-voice",
    )
    assert r.code == 0, r.err
    assert r.err == ""
    assert "All 1 answer file(s) from --answers-from used: the session ends here." in r.out
    assert "Session saved: " in r.out and "Answered " in r.out
    assert "amazon-customer-obsession-1" not in r.out  # never asked
    row = json.loads(run_cli("sessions", "--json").out)[0]
    assert row["complete"] is True and row["questions"] == 1
    doc = json.loads(run_cli("show", "last", "--json").out)
    assert doc["ended_by"] == "answers_used"
    assert [t["kind"] for t in doc["questions"][0]["takes"]] == ["answer"]  # no follow-up without a file


def test_practice_help_says_how_many_answer_files_a_session_asks_for(run_cli):
    out = " ".join(run_cli("practice", "--help").out.split())
    assert "questions × (1 + follow_ups) files" in out and "the session ends there" in out


def test_unknown_things_are_usage_errors(run_cli, tmp_path):
    assert run_cli("practice", "--company", "nope", "--no-voice").code == 2
    assert run_cli("practice", "--answers-from", str(tmp_path / "missing.wav"), "--no-voice").code == 2
    assert (
        run_cli("practice", "--answer-limit", "0", "--answers-from", str(sample("02")), "--no-voice").code
        == 2
    )


@pytest.mark.slow
def test_ctrl_c_mid_answer_saves_the_take_and_exits_130(tmp_path):
    """A real SIGINT to a real process while an answer is being fed at speaking pace."""
    env = {
        **os.environ,
        "MOCKINT_RECORDINGS": str(tmp_path / "rec"),
        "MOCKINT_CACHE": str(tmp_path / "cache"),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "mockint",
            "practice",
            "--question",
            "amazon-dive-deep-1",
            "--no-voice",
            "--answers-from",
            str(sample("01")),
            "--realtime",
        ],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    take = wait_for(
        lambda: next((tmp_path / "rec").glob("*/q01-answer-1.wav"), None),
        timeout_s=60,
        what="the first take on disk",
    )
    deadline = time.monotonic() + 60
    while take.stat().st_size < 4 * 16_000 * 2 and time.monotonic() < deadline:  # about 4 s recorded
        time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    doc = json.loads(next((tmp_path / "rec").glob("*/session.json")).read_text())
    assert doc["complete"] is False
    saved = doc["questions"][0]["takes"][0]
    assert saved["stopped_by"] == "interrupt" and saved["audio"] == "q01-answer-1.wav"
    assert 3.5 <= wav_seconds(take) <= 20 and abs(wav_seconds(take) - saved["duration_s"]) < 0.2
    assert "saved" in out


def test_the_demo_samples_are_small_and_documented():
    files = sorted(SAMPLES.glob("*.ogg"))
    assert [f.stem for f in files] == [
        "01-dive-deep-answer",
        "02-dive-deep-follow-up",
        "03-customer-answer",
        "04-customer-follow-up",
    ]
    assert sum(f.stat().st_size for f in files) < 1_500_000
    notice = (SAMPLES / "NOTICE").read_text()
    assert "cmu_us_slt_arctic_hts" in notice and all(f.stem in notice for f in files)
    assert (ROOT / "scripts" / "make_samples.sh").is_file()
