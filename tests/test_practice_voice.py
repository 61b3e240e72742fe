"""`--voice` takes espeak-ng languages and names, checked before the session; `mockint voices`
lists them; `--no-voice` keeps the wrap-up/time's-up beeps unless `--no-beeps` (device tier)."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

RATE = 16_000


def test_voices_lists_languages_and_names(run_cli):
    r = run_cli("voices")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert any(line.split()[:2] == ["en-gb", "English_(Great_Britain)"] for line in lines if line.strip())
    assert any("English_(America)" in line for line in lines)
    rows = json.loads(run_cli("voices", "--json").out)
    assert {"id": "gmw/en-us", "name": "English (America)", "languages": ["en-us"]} in rows


def test_unknown_voice_is_refused_before_the_session_starts(run_cli, tmp_path):
    r = run_cli("practice", "--voice", "en-gbb", "--question", "amazon-dive-deep-1")
    assert r.code == 2
    assert r.err.strip() == (
        "mockint: error: unknown voice 'en-gbb' — did you mean en-gb, en-gb-x-rp, en-gb-x-gbcwmd? "
        "list the voices with 'mockint voices'"
    )
    assert "mock interview" not in r.out and "Interviewer" not in r.out
    assert not (tmp_path / "recordings").exists() or not any((tmp_path / "recordings").iterdir())


def silent_answer(tmp_path: Path) -> Path:
    path = tmp_path / "quiet.wav"
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1), w.setsampwidth(2), w.setframerate(RATE)
        w.writeframes(b"\x01\x00" * RATE)
    return path


def practice(pulse, tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**pulse.env, "MOCKINT_RECORDINGS": str(tmp_path / "rec"), "MOCKINT_CACHE": str(tmp_path / "cache")}
    return subprocess.run(
        [sys.executable, "-m", "mockint", "practice", "--question", "amazon-dive-deep-1", *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )


def loud_seconds(samples: np.ndarray, floor: float = 1000.0) -> float:
    n = RATE // 50
    frames = samples[: len(samples) // n * n].astype(np.float64).reshape(-1, n)
    return float((np.sqrt((frames**2).mean(axis=1)) > floor).sum() / 50)


@pytest.mark.device
@pytest.mark.parametrize("spelling", ["en-gb", "English_(America)"])
def test_voice_by_language_or_name_speaks_the_question(pulse, tmp_path, spelling):
    listener = pulse.hear_speaker()
    try:
        done = practice(
            pulse,
            tmp_path,
            "--voice",
            spelling,
            "--no-follow-ups",
            "--answers-from",
            str(silent_answer(tmp_path)),
        )
    finally:
        heard = listener.stop()
    assert done.returncode == 0, done.stderr
    assert loud_seconds(heard) > 1.0  # the question was spoken


@pytest.mark.device
@pytest.mark.slow
def test_no_voice_keeps_the_beeps_and_no_beeps_drops_them(pulse, tmp_path):
    heard = {}
    for flags in (("--no-voice",), ("--no-voice", "--no-beeps")):
        listener = pulse.hear_speaker()
        try:
            done = practice(pulse, tmp_path, *flags, "--no-follow-ups", "--answer-limit", "2")
        finally:
            heard[flags] = listener.stop()
        assert done.returncode == 0, done.stderr
        assert "(time's up)" in done.stdout
    # wrap-up (0.12 s) and time's-up (0.6 s of tones): heard with --no-voice alone
    assert loud_seconds(heard[("--no-voice",)]) > 0.4
    assert loud_seconds(heard[("--no-voice", "--no-beeps")]) == 0.0
