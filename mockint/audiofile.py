"""Reading any audio a user may have as 16 kHz mono 16-bit samples (WAV, FLAC, AIFF, OGG…)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from mockint.errors import UsageError
from mockint.ports import SAMPLE_RATE_HZ


def read_16k_mono(path: Path) -> np.ndarray:
    """The file's samples as int16 mono at SAMPLE_RATE_HZ, resampled with soxr when needed."""
    import soundfile as sf
    import soxr

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"audio file {path} not found", "check the path")
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise UsageError(
            f"{path} is not audio mockint can read ({exc})",
            "use a WAV, FLAC or AIFF file, e.g. convert with: sox in.mp3 out.wav",
        ) from None
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if rate != SAMPLE_RATE_HZ and mono.size:
        mono = soxr.resample(mono, rate, SAMPLE_RATE_HZ, quality="HQ")
    return to_int16(mono)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in -1..1 to int16, clipped."""
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype(np.int16)
