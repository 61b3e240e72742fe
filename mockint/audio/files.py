"""Reading any audio a user may have as 16 kHz mono 16-bit samples (WAV, FLAC, AIFF, OGG…)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

from mockint.errors import UsageError
from mockint.ports import MAX_RATE_HZ, MIN_RATE_HZ, SAMPLE_RATE_HZ


def check_rate(path: Path, rate: int) -> None:
    """UsageError unless `rate` is a plausible speech sample rate (MIN_RATE_HZ..MAX_RATE_HZ)."""
    # A header declaring e.g. 38 Hz turns 32 KB into minutes of "audio" to decode.
    if not MIN_RATE_HZ <= rate <= MAX_RATE_HZ:
        raise UsageError(
            f"{path} declares a sample rate of {rate} Hz, not speech audio",
            "use a WAV, FLAC or AIFF file recorded at 8–48 kHz, e.g. convert with: sox in.wav -r 16000 out.wav",
        )


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
    check_rate(path, rate)
    mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
    if rate != SAMPLE_RATE_HZ and mono.size:
        mono = soxr.resample(mono, rate, SAMPLE_RATE_HZ, quality="HQ")
    return to_int16(mono)


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in -1..1 to int16, rounded and clipped. The scale is soundfile's (and
    PortAudio's): int16 read as float is n / 32768, so a 16-bit file comes back sample for sample
    and a file transcribed after the fact hears what the stream heard."""
    return np.clip(np.rint(np.asarray(samples, dtype=np.float64) * 32768.0), -32768, 32767).astype(np.int16)


def iter_16k_mono(path: Path, block_s: float = 2.0) -> Iterator[np.ndarray]:
    """The file's samples as int16 mono blocks at SAMPLE_RATE_HZ, read and resampled block by
    block so an hour-long file never sits in memory whole."""
    import soundfile as sf
    import soxr

    path = Path(path)
    if not path.is_file():
        raise UsageError(f"audio file {path} not found", "check the path")
    try:
        with sf.SoundFile(str(path)) as f:
            rate = f.samplerate
            check_rate(path, rate)
            resampler = (
                soxr.ResampleStream(rate, SAMPLE_RATE_HZ, 1, dtype="float32", quality="HQ")
                if rate != SAMPLE_RATE_HZ
                else None
            )
            block = max(1, int(rate * block_s))
            while True:
                data = f.read(block, dtype="float32", always_2d=True)
                last = data.shape[0] < block
                mono = data.mean(axis=1) if data.shape[1] > 1 else data[:, 0]
                if resampler is not None:
                    mono = resampler.resample_chunk(np.ascontiguousarray(mono), last=last)
                if mono.size:
                    yield to_int16(mono)
                if last:
                    return
    except (sf.LibsndfileError, RuntimeError, ValueError) as exc:
        raise UsageError(
            f"{path} is not audio mockint can read ({exc})",
            "use a WAV, FLAC or AIFF file, e.g. convert with: sox in.mp3 out.wav",
        ) from None
