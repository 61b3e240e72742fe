"""`mockint check`'s verdicts (mockint.miccheck.judge), a row per kind of recording."""

from __future__ import annotations

import numpy as np
import pytest
from helpers.sound import DATA

from mockint.audio.files import read_16k_mono
from mockint.miccheck import CLIPPING, FINE, NOISY, TOO_QUIET, judge

SPEECH = read_16k_mono(DATA / "rec_forever_16k.wav")
NOISE = np.random.default_rng(0).normal(0, 2000, SPEECH.size)


def scaled(x, gain: float) -> np.ndarray:
    return np.clip(np.asarray(x, dtype=np.float64) * gain, -32768, 32767).astype(np.int16)


@pytest.mark.parametrize(
    ("samples", "verdict"),
    [
        (SPEECH, FINE),
        (scaled(SPEECH, 0.02), TOO_QUIET),  # -34 dB: a muted or distant microphone
        (np.zeros(3 * 16_000, dtype=np.int16), TOO_QUIET),  # nothing at all
        (scaled(SPEECH, 20), CLIPPING),  # the input gain far too high
        (scaled(SPEECH + NOISE, 1), NOISY),  # a fan or a street under the voice
    ],
)
def test_verdicts(samples, verdict):
    got = judge(samples)
    assert got.code == verdict, got
    assert got.fix  # every verdict comes with what to do
