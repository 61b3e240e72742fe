"""The interviewer heard on the virtual speaker, and playback with progress (device tier)."""

from __future__ import annotations

import io
import time

import numpy as np
import pytest
import soundfile as sf
from helpers.sound import best_alignment

from mockint.audio.files import read_16k_mono
from mockint.audio.playback import play
from mockint.audio.voice import cue_samples, make_speaker, synthesize
from mockint.ports import SAMPLE_RATE_HZ

pytestmark = pytest.mark.device
TOLERANCE_S = 0.02  # two 10 ms frames
QUESTION = "Tell me about a time you had to earn the trust of a skeptical team."


def speech_span(samples: np.ndarray) -> tuple[float, float]:
    """First and last 10 ms frame louder than -40 dBFS, in seconds."""
    frame = SAMPLE_RATE_HZ // 100
    frames = samples[: samples.size // frame * frame].reshape(-1, frame).astype(np.float64)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > 32768 * 10 ** (-40 / 20))
    assert loud.size, "nothing was heard"
    return loud[0] / 100, (loud[-1] + 1) / 100


def hear(pulse, tmp_path, action) -> np.ndarray:
    """Run `action` while listening to the speaker; the 16 kHz samples heard."""
    listener = pulse.hear_speaker()
    try:
        action()
        time.sleep(0.3)
    finally:
        heard = listener.stop()
    return heard


def test_question_is_heard_for_its_synthesized_length(pulse, tmp_path):
    out = io.StringIO()
    speaker = make_speaker(enabled=True, cache_dir=tmp_path / "cache", out=out)
    heard = hear(pulse, tmp_path, lambda: speaker.say(QUESTION))
    assert out.getvalue() == f"\nInterviewer: {QUESTION}\n"  # printed as well as spoken
    synthesized = read_16k_mono(synthesize(QUESTION, voice=None, rate=None, cache_dir=tmp_path / "cache"))
    start, end = speech_span(heard)
    s_start, s_end = speech_span(synthesized)
    assert end - start == pytest.approx(s_end - s_start, abs=4 * TOLERANCE_S)
    _, correlation = best_alignment(heard, synthesized)  # and it is the same sound
    assert correlation > 0.9


def test_cue_is_heard(pulse, tmp_path):
    speaker = make_speaker(enabled=True, cache_dir=tmp_path, out=io.StringIO())
    heard = hear(pulse, tmp_path, lambda: speaker.cue("times_up"))
    start, end = speech_span(heard)
    tone = cue_samples("times_up")
    assert end - start == pytest.approx(speech_span(tone)[1] - speech_span(tone)[0], abs=4 * TOLERANCE_S)


def test_play_a_slice_with_progress(pulse, tmp_path):
    clip = tmp_path / "clip.wav"
    sf.write(clip, np.concatenate([np.zeros(16000), np.sin(np.arange(32000) * 0.2) * 0.5]), SAMPLE_RATE_HZ)
    marks: list[float] = []
    started = time.monotonic()
    heard = hear(pulse, tmp_path, lambda: play(clip, start_s=1.0, end_s=2.5, on_progress=marks.append))
    assert marks[0] == pytest.approx(1.0, abs=0.05) and marks[-1] == pytest.approx(2.5, abs=1e-6)
    assert marks == sorted(marks) and len(marks) > 10  # reported as it plays, about every 50 ms
    assert time.monotonic() - started >= 1.5
    start, end = speech_span(heard)
    assert end - start == pytest.approx(1.5, abs=2 * TOLERANCE_S)
