"""`mockint check`'s verdict on a few seconds of the candidate speaking: too quiet, clipping,
a noisy room, or fine — each with the fix. Pure: samples in, a Verdict out."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mockint.audio.level import FRAME_S, SILENT_DBFS
from mockint.ports import SAMPLE_RATE_HZ

SPEECH_PERCENTILE = 90  # the voice: the loud end of the frame levels
NOISE_PERCENTILE = 10  # the room: the quiet end (pauses between words)
TOO_QUIET_DBFS = -40.0  # speech quieter than this is hard to transcribe
CLIP_LEVEL = 32_000  # |sample| at or above this is clipped (int16 full scale is 32767)
CLIPPED_SHARE_MAX = 0.001  # more than 0.1 % of samples clipped distorts the words
NOISY_FLOOR_DBFS = -50.0  # a room louder than this between words...
NOISY_MARGIN_DB = 15.0  # ...and speech less than this above it: the room drowns the voice

FINE = "fine"
TOO_QUIET = "too quiet"
CLIPPING = "clipping"
NOISY = "noisy room"

FIXES = {
    FINE: "the microphone is ready: 'mockint practice' to start",
    TOO_QUIET: "unmute the microphone or turn its input volume up (alsamixer, pavucontrol or the system "
    "sound settings), speak closer to it, or choose another with --input-device (see 'mockint devices')",
    CLIPPING: "turn the microphone's input volume down (alsamixer, pavucontrol or the system sound "
    "settings), or sit a little further from it",
    NOISY: "move somewhere quieter (close the window, stop the fan or music), or use a headset "
    "microphone close to your mouth",
}


@dataclass(frozen=True)
class Verdict:
    code: str  # FINE, TOO_QUIET, CLIPPING or NOISY
    speech_dbfs: float  # the voice's level
    noise_dbfs: float  # the room's level between words
    clipped_share: float  # of samples at or above CLIP_LEVEL

    @property
    def fix(self) -> str:
        return FIXES[self.code]

    @property
    def ok(self) -> bool:
        return self.code == FINE


def frame_levels(samples: np.ndarray, rate: int = SAMPLE_RATE_HZ) -> np.ndarray:
    """dBFS of each FRAME_S frame of int16 samples."""
    n = int(FRAME_S * rate)
    x = np.asarray(samples, dtype=np.float64).reshape(-1)
    x = x[: x.size // n * n].reshape(-1, n)
    if x.size == 0:
        return np.array([SILENT_DBFS])
    rms = np.sqrt(np.mean(np.square(x), axis=1)) / 32768.0
    return np.maximum(SILENT_DBFS, 20 * np.log10(np.maximum(rms, 1e-10)))


def judge(samples: np.ndarray, rate: int = SAMPLE_RATE_HZ) -> Verdict:
    """The microphone check's verdict on a recording of the candidate saying a sentence."""
    levels = frame_levels(samples, rate)
    speech = float(np.percentile(levels, SPEECH_PERCENTILE))
    noise = float(np.percentile(levels, NOISE_PERCENTILE))
    x = np.asarray(samples).reshape(-1)
    clipped = float(np.mean(np.abs(x.astype(np.int32)) >= CLIP_LEVEL)) if x.size else 0.0
    if clipped > CLIPPED_SHARE_MAX:
        code = CLIPPING
    elif speech < TOO_QUIET_DBFS:
        code = TOO_QUIET
    elif noise > NOISY_FLOOR_DBFS and speech - noise < NOISY_MARGIN_DB:
        code = NOISY
    else:
        code = FINE
    return Verdict(code, round(speech, 1), round(noise, 1), round(clipped, 4))
