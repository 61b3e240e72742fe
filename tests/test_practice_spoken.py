"""A file answer (the demo, --answers-from) is shown being "spoken" — timer, level meter and the
words as they are decoded — instead of a frozen screen; with --realtime it is also heard on the
speaker (pty for the terminal view, the virtual sound card for the speaker)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest
from helpers.sound import DATA, best_alignment

from mockint.audio.files import read_16k_mono

SAMPLES = Path(str(resources.files("mockint.samples")))
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def read_all(fd: int, proc: subprocess.Popen, timeout_s: float = 120) -> str:
    chunks = []
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            data = os.read(fd, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(10)
    return ANSI.sub("", b"".join(chunks).decode("utf-8", "replace"))


@pytest.mark.slow
def test_a_file_answer_is_shown_being_spoken_on_a_terminal(tmp_path):
    # 21 s: hypotheses ruled out, the payment provider. On sphinx, which decodes at about a
    # quarter of real time here: the case where a frozen screen showed (Whisper is ~10x faster,
    # so the answer runs past in a second or two and the timer shows few distinct values).
    answer = next(SAMPLES.glob("02-*.ogg"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
    env.update(MOCKINT_RECORDINGS=str(tmp_path / "rec"), MOCKINT_CACHE=str(tmp_path / "cache"), COLUMNS="100")
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mockint", "practice", "--question", "amazon-dive-deep-1"]
        + ["--no-follow-ups", "--no-voice", "--engine", "sphinx", "--answers-from", str(answer)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=terminal,
        stderr=subprocess.PIPE,
    )
    os.close(terminal)
    try:
        out = read_all(controller, proc)
    finally:
        os.close(controller)
        proc.kill()
    assert proc.returncode == 0, proc.stderr.read()
    review = out.index("Answer review")
    shown = out[:review]
    clocks = set(re.findall(r"● REC (\d+:\d\d) / 3:00", shown))
    assert len(clocks) >= 5, clocks  # the timer moved while the answer was decoded
    assert "█" in shown  # the level meter
    assert "provider" in shown  # the words, live, before the review
    assert "Answer recorded: 0:21 (end of audio)" in shown


@pytest.mark.device
def test_realtime_answer_is_heard_on_the_speaker(pulse, tmp_path):
    clip = DATA / "rec_forever_16k.wav"
    env = {**pulse.env, "MOCKINT_RECORDINGS": str(tmp_path / "rec"), "MOCKINT_CACHE": str(tmp_path / "cache")}
    listener = pulse.hear_speaker()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mockint", "practice", "--question", "amazon-dive-deep-1"]
            + ["--no-follow-ups", "--no-beeps", "--answers-from", str(clip), "--realtime"],
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=180,
        )
    finally:
        heard = listener.stop()
    assert done.returncode == 0, done.stderr
    assert "Answer recorded: 0:03 (end of audio)" in done.stdout
    _, score = best_alignment(heard, read_16k_mono(clip))
    assert score > 0.4, score  # the answer itself was played (unrelated sound scores under 0.1)
