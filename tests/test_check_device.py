"""`mockint check` on the virtual sound card (tests/helpers/sound.py): the test tone is heard on the
speaker; a sentence played into the microphone gets "fine" and its words, silence "too quiet";
and the first practice offers the check."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from helpers.sound import DATA

pytestmark = pytest.mark.device

CLIP = DATA / "rec_forever_16k.wav"  # "feels like these days go on forever"
SETTLE_S = 1.5  # the input stream opens and audio flows after "recording" is printed


def start(pulse, tmp_path: Path, *args: str) -> tuple[subprocess.Popen, queue.Queue]:
    env = {**pulse.env, "MOCKINT_RECORDINGS": str(tmp_path / "rec"), "MOCKINT_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockint", *args],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()
    return proc, lines


def read_until(lines: queue.Queue, marker: str, timeout_s: float = 60) -> list[str]:
    seen = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=0.1)
        except queue.Empty:
            continue
        seen.append(line)
        if marker in line:
            return seen
    raise AssertionError(f"{marker!r} never printed; got {seen}")


def rest(lines: queue.Queue, proc: subprocess.Popen) -> str:
    proc.wait(60)
    time.sleep(0.2)
    out = []
    while not lines.empty():
        out.append(lines.get())
    return "".join(out)


def test_a_sentence_into_the_microphone_is_fine_and_its_words_are_shown(pulse, tmp_path):
    listener = pulse.hear_speaker()
    proc, lines = start(pulse, tmp_path, "check", "--engine", "sphinx")
    try:
        seen = read_until(lines, "recording")
        time.sleep(SETTLE_S)
        subprocess.run(["paplay", "--device=micfeed", str(CLIP)], env=pulse.env, check=True, timeout=60)
        out = "".join(seen) + rest(lines, proc)
    finally:
        proc.kill()
        heard = listener.stop()
    assert proc.returncode == 0, proc.stderr.read()
    assert "1. Speaker: playing a test tone" in out and "2. Microphone: say a sentence" in out
    assert "Verdict: fine — " in out
    words = next(line for line in out.splitlines() if line.startswith("Words heard (sphinx): "))
    assert {"these", "days", "forever"} <= set(words.split())
    assert "Level: voice " in out
    assert np.abs(heard.astype(np.int32)).max() > 3000  # the test tone reached the speaker


def test_silence_is_too_quiet_with_the_fix(pulse, tmp_path):
    proc, lines = start(pulse, tmp_path, "check", "--no-tone", "--seconds", "3", "--engine", "sphinx")
    out = rest(lines, proc)
    assert proc.returncode == 1, proc.stderr.read()
    assert "Verdict: too quiet — unmute the microphone or turn its input volume up" in out
    assert "Words heard (sphinx): (none)" in out


def test_the_first_practice_offers_the_check(pulse, tmp_path):
    args = ("practice", "--no-voice", "--no-beeps", "--no-follow-ups", "--answer-limit", "1")
    args += ("--question", "amazon-dive-deep-1")
    first, lines = start(pulse, tmp_path, *args)
    out = rest(lines, first)
    assert first.returncode == 0, first.stderr.read()
    assert "First session? Check your microphone and speaker first: 'mockint check'" in out
    second, lines = start(pulse, tmp_path, *args)
    assert "mockint check" not in rest(lines, second)
