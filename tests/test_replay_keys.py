"""`mockint replay` on a terminal (pty) and the virtual sound card: space pauses (the speaker
goes quiet), → jumps 5 s, q stops; the word being spoken is highlighted."""

from __future__ import annotations

import re
import time

import numpy as np
import pytest
from helpers.practice_proc import long_answer
from helpers.terminal import ANSI, Terminal

pytestmark = [pytest.mark.device, pytest.mark.slow]
STATUS = re.compile(r"([▶⏸]) (\d+):(\d\d) / 0:20")


def last_status(term) -> tuple[str, int]:
    found = STATUS.findall(term.text)
    assert found, term.text[-500:]
    mark, minutes, seconds = found[-1]
    return mark, int(minutes) * 60 + int(seconds)


def silent_gaps(samples: np.ndarray, rate: int = 16_000) -> float:
    """The longest quiet stretch between the first and the last sound heard, in seconds."""
    n = rate // 50
    frames = samples[: samples.size // n * n].astype(np.float64).reshape(-1, n)
    loud = np.flatnonzero(np.sqrt((frames**2).mean(axis=1)) > 300)
    return float(np.diff(loud).max() / 50) if loud.size > 1 else 0.0


def test_space_pauses_arrows_seek_q_stops_and_the_word_is_highlighted(pulse, tmp_path, run_cli):
    r = run_cli(
        "practice",
        "--question",
        "amazon-dive-deep-1",
        "--no-voice",
        "--no-follow-ups",
        "--answers-from",
        str(long_answer(tmp_path, 20.0)),
        "--recordings",
        str(tmp_path / "rec"),
    )
    assert r.code == 0, r.err
    listener = pulse.hear_speaker()
    term = Terminal(pulse, tmp_path, "last", command="replay")
    started = time.monotonic()
    try:
        term.wait_for("▶ ", timeout_s=30)
        time.sleep(2.0)
        term.press(" ")
        term.wait_for("⏸", timeout_s=5)
        time.sleep(0.3)
        _, paused_at = last_status(term)
        time.sleep(1.5)
        assert last_status(term) == ("⏸", paused_at)  # the clock stands still while paused
        term.press("\x1b[C")  # →
        time.sleep(0.5)
        assert last_status(term)[1] == paused_at + 5
        term.press(" ")  # resume
        time.sleep(1.5)
        mark, now = last_status(term)
        assert mark == "▶" and now >= paused_at + 6
        term.press("q")
        term.proc.wait(10)
    finally:
        term.proc.kill()
        heard = listener.stop()
    assert term.proc.returncode == 0, term.proc.stderr.read()
    assert time.monotonic() - started < 20  # stopped before the 20 s answer ended
    assert silent_gaps(heard) >= 1.2  # the pause was heard as silence
    # the current word, highlighted (reverse video) in the transcript line
    highlighted = re.findall(r"\x1b\[[0-9;]*7m([a-z']+)", term.raw.decode("utf-8", "replace"))
    assert {"feels", "like", "these", "days", "forever"} & set(highlighted), ANSI.sub("", term.text)[-300:]
