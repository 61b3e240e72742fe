"""Loudness and "has the candidate started speaking?" from the samples of a take.

One meter serves the microphone and the `--answers-from` path alike, so thinking time (end of
the question to first speech) and `--stop-on-silence` mean the same thing on both.
"""

from __future__ import annotations

import math

import numpy as np

from mockint.ports import SAMPLE_RATE_HZ

FRAME_S = 0.02  # analysis frame
SPEECH_FLOOR_DBFS = -45.0  # quieter than this is never speech
SPEECH_OVER_NOISE_DB = 12.0  # speech stands this far above the room's noise floor
SPEECH_MIN_S = 0.1  # a sound must last this long to count as the start of speech
NOISE_PERCENTILE = 0.1  # the noise floor: this quantile of the frame levels heard so far
NOISE_FLOOR_MAX_DBFS = -50.0  # so a steady loud voice (or tone) is never mistaken for noise
NOISE_HISTORY_S = 0.5  # until this much has been heard, only SPEECH_FLOOR_DBFS applies
SILENT_DBFS = -100.0  # the level of digital silence
_HISTOGRAM_BINS = 101  # 1 dB bins from -100 to 0 dBFS


def dbfs(samples: np.ndarray) -> float:
    """RMS level of int16 samples in dB relative to full scale (SILENT_DBFS for silence)."""
    if samples.size == 0:
        return SILENT_DBFS
    rms = math.sqrt(float(np.mean(np.square(samples.astype(np.float64)))))
    return max(SILENT_DBFS, 20 * math.log10(rms / 32768.0)) if rms > 0 else SILENT_DBFS


class SpeechMeter:
    """Fed int16 mono chunks in order; tracks level, first speech and the last speech heard."""

    def __init__(self, rate: int = SAMPLE_RATE_HZ) -> None:
        self.rate = rate
        self.frame = int(FRAME_S * rate)
        self.frames_fed = 0  # samples seen
        self.level_dbfs = SILENT_DBFS  # of the latest chunk, for the level meter
        self.first_speech_s: float | None = None
        self.last_speech_s: float | None = None  # end of the latest speech frame
        self._hist = np.zeros(_HISTOGRAM_BINS, dtype=np.int64)
        self._pending = np.zeros(0, dtype=np.int16)
        self._run_start: float | None = None  # start of the current run of loud frames

    @property
    def duration_s(self) -> float:
        return self.frames_fed / self.rate

    def silence_s(self) -> float | None:
        """Seconds since speech was last heard; None before speech has started."""
        if self.last_speech_s is None:
            return None
        return self.duration_s - self.last_speech_s

    def noise_floor_dbfs(self) -> float:
        total = int(self._hist.sum())
        if total * FRAME_S < NOISE_HISTORY_S:
            return SILENT_DBFS
        rank = np.searchsorted(np.cumsum(self._hist), max(1, math.ceil(total * NOISE_PERCENTILE)))
        return min(NOISE_FLOOR_MAX_DBFS, float(rank) + SILENT_DBFS)

    def feed(self, chunk: np.ndarray) -> None:
        chunk = np.asarray(chunk, dtype=np.int16).reshape(-1)
        self.level_dbfs = dbfs(chunk)
        samples = np.concatenate([self._pending, chunk]) if self._pending.size else chunk
        whole = samples.shape[0] // self.frame * self.frame
        start_s = (self.frames_fed - self._pending.shape[0]) / self.rate
        for i in range(0, whole, self.frame):
            self._frame(samples[i : i + self.frame], start_s + i / self.rate)
        self._pending = samples[whole:].copy()
        self.frames_fed += chunk.shape[0]

    def _frame(self, frame: np.ndarray, t: float) -> None:
        level = dbfs(frame)
        loud = level >= max(SPEECH_FLOOR_DBFS, self.noise_floor_dbfs() + SPEECH_OVER_NOISE_DB)
        self._hist[int(round(level - SILENT_DBFS))] += 1
        end = t + FRAME_S
        if not loud:
            self._run_start = None
            return
        if self.first_speech_s is not None:
            self.last_speech_s = end
            return
        if self._run_start is None:
            self._run_start = t
        if end - self._run_start >= SPEECH_MIN_S - 1e-9:
            self.first_speech_s = self._run_start
            self.last_speech_s = end
