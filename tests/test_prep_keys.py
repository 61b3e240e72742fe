"""JPMC's 30 s preparation takes keys on a terminal (pty, virtual sound card): Enter starts the
answer at once, s skips the question; the countdown line is not duplicated."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from helpers.terminal import Terminal

pytestmark = pytest.mark.device
CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def screen(raw: bytes) -> list[str]:
    """What a terminal shows after `raw`: enough of VT100 for rich's Live (\\r, \\n, cursor up,
    erase line; colours ignored) — so a line left behind by an echoed key is seen."""
    lines, row, col = [""], 0, 0
    text = raw.decode("utf-8", "replace")
    i = 0
    while i < len(text):
        m = CSI.match(text, i)
        if m:
            arg, op = m.groups()
            if op == "A":
                row = max(0, row - int(arg or 1))
            elif op == "K" and arg == "2":
                lines[row] = ""
            elif op == "K":
                lines[row] = lines[row][:col]
            i = m.end()
            continue
        ch = text[i]
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
            col = 0
            if row == len(lines):
                lines.append("")
        elif ch >= " ":
            line = lines[row].ljust(col)
            lines[row] = line[:col] + ch + line[col + 1 :]
            col += 1
        i += 1
    return lines


def saved(tmp_path: Path) -> dict:
    return json.loads(next((tmp_path / "rec").glob("*/session.json")).read_text())


def test_enter_starts_the_answer_early_and_s_skips_during_the_preparation(pulse, tmp_path):
    term = Terminal(
        pulse,
        tmp_path,
        "--company",
        "jpmc",
        "--question",
        "jpmc-teamwork-successful-team",
        "--question",
        "jpmc-client-exceeded-expectations",
        "--no-voice",
        "--no-beeps",
        "--no-check",  # a first practice at a terminal, without the microphone check's offer
    )
    try:
        term.wait_for("Prepare your answer — ")
        assert "Check your microphone first?" not in term.text
        assert "s: skip" in term.text
        term.press("s")  # skip the first question while preparing
        term.wait_for("Question 2 of 2", timeout_s=5)
        at = len(term.text)
        term.wait_for("Prepare your answer — ", after=at)
        time.sleep(1.2)
        term.press("\r")  # answer now, 28 s early
        assert term.wait_for("● REC", timeout_s=5, after=at) < 5
        time.sleep(1.0)
        term.press("\r")  # end the answer: a second of silence, so nothing was heard...
        at = len(term.text)
        term.wait_for("didn't hear an answer", timeout_s=30, after=at)  # ...and it is asked once more
        term.wait_for("● REC", timeout_s=10, after=at)
        time.sleep(1.0)
        term.press("\r")
        term.wait_for("Session saved", timeout_s=90)
        term.close()
    finally:
        term.proc.kill()
    assert term.proc.returncode == 0, term.proc.stderr.read()
    doc = saved(tmp_path)
    first, second = doc["questions"]
    assert first["skipped"] is True and first["takes"] == []
    assert [t["stopped_by"] for t in second["takes"]] == ["enter", "enter"]
    assert all(t["duration_s"] < 10 for t in second["takes"])
    # Keys are read, not echoed: no countdown line is left behind on the screen
    shown = screen(bytes(term.raw))
    assert not [line for line in shown if "Prepare your answer" in line], shown
    assert sum("Answer now." in line for line in shown) == 1 and "Skipped." in "\n".join(shown)
