"""`mockint check` on the virtual sound card (tests/helpers/sound.py): the test tone is heard on the
speaker; a sentence played into the microphone gets "fine" and its words, the same sentence in a
noisy room "noisy room", turned up until it clips "clipping", silence "too quiet", each with the fix;
and the first practice at a terminal offers the check and runs it."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from helpers.sound import DATA
from helpers.terminal import Terminal

from mockint.audio.files import read_16k_mono
from mockint.miccheck import CLIPPING, FIXES, NOISY
from mockint.ports import SAMPLE_RATE_HZ

pytestmark = pytest.mark.device
NOISE_DBFS = -22.0  # the room's loudness (RMS); the sentence peaks about 7 dB above it

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


def _room_noise(path: Path, seconds: float = 20.0) -> Path:
    """A noisy room: a café's chatter (five Harvard-sentence readers, reversed so no word is
    understood, at random offsets) over a fan's steady pink noise, at NOISE_DBFS."""
    talk = read_16k_mono(DATA / "speech_osr_harvard_8k.wav").astype(np.float64)
    rng = np.random.default_rng(16)
    n = int(seconds * SAMPLE_RATE_HZ)
    chatter = sum(np.resize(np.roll(talk[::-1], rng.integers(talk.size)), n) for _ in range(5))
    spectrum = np.fft.rfft(rng.standard_normal(n))
    spectrum[1:] /= np.sqrt(np.arange(1, spectrum.size))  # 1/f power: pink
    fan = np.fft.irfft(spectrum, n)
    gain = 32768 * 10 ** (NOISE_DBFS / 20)
    noise = (0.5 * chatter / _rms(chatter) + 0.85 * fan / _rms(fan)) * gain
    sf.write(path, np.clip(noise, -32768, 32767).astype(np.int16), SAMPLE_RATE_HZ, subtype="PCM_16")
    return path


def _clipped(path: Path) -> Path:
    """The sentence with the input volume far too high: 8 times louder, cut at full scale."""
    loud = read_16k_mono(CLIP).astype(np.float64) * 8
    sf.write(path, np.clip(loud, -32768, 32767).astype(np.int16), SAMPLE_RATE_HZ, subtype="PCM_16")
    return path


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x))))


def test_speaking_in_a_noisy_room_says_so_with_the_fix(pulse, tmp_path):
    room = subprocess.Popen(  # the room is noisy before, while and after the candidate speaks
        ["paplay", "--device=micfeed", str(_room_noise(tmp_path / "room.wav"))], env=pulse.env
    )
    try:
        proc, lines = start(pulse, tmp_path, "check", "--no-tone", "--seconds", "5.5", "--engine", "whisper")
        read_until(lines, "recording")
        time.sleep(SETTLE_S)
        subprocess.run(["paplay", "--device=micfeed", str(CLIP)], env=pulse.env, check=True, timeout=60)
        out = rest(lines, proc)
    finally:
        room.kill()
        room.wait()
    assert proc.returncode == 1, proc.stderr.read()
    assert f"Verdict: {NOISY} — {FIXES[NOISY]}" in out


def test_silence_is_too_quiet_with_the_fix(pulse, tmp_path):
    proc, lines = start(pulse, tmp_path, "check", "--no-tone", "--seconds", "3", "--engine", "sphinx")
    out = rest(lines, proc)
    assert proc.returncode == 1, proc.stderr.read()
    assert "Verdict: too quiet — unmute the microphone or turn its input volume up" in out
    assert "Words heard (sphinx): (none)" in out


PRACTICE = ("--no-voice", "--no-beeps", "--no-follow-ups", "--answer-limit", "1", "--engine", "sphinx")
PRACTICE += ("--question", "amazon-dive-deep-1")
OFFER = "Check your microphone first? [Y/n]"


def test_the_first_practice_without_a_terminal_only_names_the_check(pulse, tmp_path):
    first, lines = start(pulse, tmp_path, "practice", *PRACTICE)
    out = rest(lines, first)
    assert first.returncode == 0, first.stderr.read()
    assert "First session? Check your microphone and speaker first: 'mockint check'" in out
    assert OFFER not in out  # no one to ask


def test_the_first_practice_at_a_terminal_runs_the_check_then_the_session(pulse, tmp_path):
    recordings = tmp_path / "rec"
    # alongside, as it records nothing: answers from files, so no microphone to check
    scripted = Terminal(
        pulse, tmp_path, *PRACTICE, "--answers-from", str(CLIP), recordings=tmp_path / "files"
    )
    term = Terminal(pulse, tmp_path, *PRACTICE, recordings=recordings)
    assert OFFER not in _until_the_session_starts(scripted)
    term.wait_for(OFFER)
    term.press("\r")  # Enter: yes
    term.wait_for("● REC")  # the level meter: the microphone is open
    time.sleep(SETTLE_S)
    loud = _clipped(tmp_path / "clipped.wav")  # the input volume turned far too high
    subprocess.run(["paplay", "--device=micfeed", str(loud)], env=pulse.env, check=True, timeout=60)
    after = len(term.text)
    term.wait_for(f"Verdict: {CLIPPING} — ")
    term.wait_for("Amazon mock interview", after=after)  # then the session, on the same run
    asked = len(term.text)
    term.wait_for("● REC", after=asked)
    term.press("q")  # ends the session there, saved
    term.close()
    assert term.proc.returncode == 0, term.proc.stderr.read()
    out = term.text
    assert out.index(OFFER) < out.index("2. Microphone: say a sentence") < out.index("Verdict: clipping")
    assert " ".join(FIXES[CLIPPING].split()) in " ".join(out.split())  # the fix, however the line wrapped
    words = next(line for line in out.splitlines() if line.startswith("Words heard (sphinx): "))
    assert {"these", "days", "forever"} <= set(words.split())  # the session's own recognizer heard it
    assert len(list(recordings.glob("*/session.json"))) == 1  # the session was saved

    again = Terminal(pulse, tmp_path, *PRACTICE, recordings=recordings)
    shown = _until_the_session_starts(again)
    assert OFFER not in shown and "mockint check" not in shown  # asked on the first practice only


def _until_the_session_starts(term: Terminal) -> str:
    """What the terminal showed up to the session's header; then the run is stopped there."""
    term.wait_for("Amazon mock interview")
    term.proc.kill()
    term.close()
    return term.text
