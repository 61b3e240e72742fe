"""`mockint practice` as a real process, for the tests that kill, interrupt or starve it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import soundfile as sf

from helpers.paths import DATA
from mockint.audio.files import read_16k_mono
from mockint.ports import SAMPLE_RATE_HZ

SAMPLES = Path(str(resources.files("mockint.samples")))
CLIP = DATA / "rec_forever_16k.wav"  # 3.3 s of speech
BYTES_PER_S = SAMPLE_RATE_HZ * 2
TWO_QUESTIONS = ("--question", "amazon-dive-deep-1", "--question", "amazon-customer-obsession-1")


def sample(name: str) -> Path:
    return next(SAMPLES.glob(f"{name}*.ogg"))


def long_answer(folder: Path, seconds: float = 30.0) -> Path:
    """`seconds` of speech: the clip over and over (a WAV, so tests can compare samples)."""
    speech = read_16k_mono(CLIP)
    reps = int(np.ceil(seconds * SAMPLE_RATE_HZ / speech.size))
    path = folder / f"long-{seconds:g}s.wav"
    if not path.exists():
        sf.write(
            path, np.tile(speech, reps)[: int(seconds * SAMPLE_RATE_HZ)], SAMPLE_RATE_HZ, subtype="PCM_16"
        )
    return path


def env_for(recordings: Path, cache: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
    return {**base, "MOCKINT_RECORDINGS": str(recordings), "MOCKINT_CACHE": str(cache), **extra}


def start(args: list[str], env: dict[str, str], cwd: Path, **popen) -> subprocess.Popen:
    popen.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.Popen(
        [sys.executable, "-m", "mockint", "practice", *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )


def run(
    args: list[str], env: dict[str, str], cwd: Path, timeout_s: float = 120, **popen
) -> subprocess.CompletedProcess:
    popen.setdefault("stdin", subprocess.DEVNULL)
    return subprocess.run(
        [sys.executable, "-m", "mockint", "practice", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        **popen,
    )


def wait_for(probe, *, timeout_s: float = 60.0, what: str = "condition"):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = probe()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def take_growing(recordings: Path, name: str, seconds: float, timeout_s: float = 60.0) -> Path:
    """The take file `name` once it holds `seconds` of audio."""

    def probe():
        found = next(recordings.glob(f"*/{name}"), None)
        return found if found is not None and found.stat().st_size >= 44 + seconds * BYTES_PER_S else None

    return wait_for(probe, timeout_s=timeout_s, what=f"{name} to hold {seconds} s")


def manifest(recordings: Path, index: int = -1) -> dict:
    return json.loads(sorted(recordings.glob("*/session.json"))[index].read_text())


def one_line_error(stderr: str) -> str:
    lines = [line for line in stderr.strip().splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("mockint: error: "), stderr
    assert "Traceback" not in stderr
    return lines[0]
