"""Where the utterance splitter cuts (speech/utterances.py), with scripted detectors: the audio
itself says what each detector hears (a frame's level), so a test can place a dip that only the
strict detector calls silence."""

from __future__ import annotations

import numpy as np

from mockint.ports import SAMPLE_RATE_HZ
from mockint.speech.utterances import FRAME_S, FRAME_SAMPLES, Limits, UtteranceSplitter

LOUD, DIP = 3000, 40  # a dip: quiet, but the loose detector carries speech over it


class Detector:
    """is_speech(frame) by the frame's level: the loose one hears any sound, the strict one only
    frames louder than a dip."""

    def __init__(self, threshold: int) -> None:
        self.threshold = threshold

    def is_speech(self, frame: bytes) -> bool:
        return int(np.abs(np.frombuffer(frame, dtype=np.int16)).max()) > self.threshold


def take(seconds: float, dips: list[tuple[float, float]]) -> np.ndarray:
    """`seconds` of unbroken speech to the loose detector, with dips (start s, length s)."""
    audio = np.full(round(seconds * SAMPLE_RATE_HZ), LOUD, dtype=np.int16)
    for start, length in dips:
        audio[round(start * SAMPLE_RATE_HZ) : round((start + length) * SAMPLE_RATE_HZ)] = DIP
    return audio


def cuts(
    audio: np.ndarray, limits: Limits, strict: bool, sizes: tuple[int, ...] = (1600,)
) -> list[tuple[float, float]]:
    """The utterances (start s, end s) the splitter closes in `audio`, fed in chunks of `sizes`
    in turn (0.1 s by default)."""
    out: list[list[float]] = []
    frames = [0]

    def start(first: int) -> None:
        out.append([first * FRAME_S, first * FRAME_S])
        frames[0] = first

    def frame(_: bytes, __: bool) -> None:
        frames[0] += 1

    def end() -> None:
        out[-1][1] = frames[0] * FRAME_S

    split = UtteranceSplitter(
        Detector(0), start, frame, end, limits, gap_vad=Detector(DIP) if strict else None
    )
    i = n = 0
    while i < audio.size:
        size = sizes[n % len(sizes)]
        split.push(audio[i : i + size])
        i, n = i + size, n + 1
    split.close()
    return [(round(a, 2), round(b, 2)) for a, b in out]


WHISPER_LIKE = Limits(pause_end_s=1.0, soft_max_s=3.0, late_s=6.0, hard_max_s=25.0, strict_after_s=12.0)


def test_past_the_strict_point_a_dip_the_strict_detector_hears_ends_the_utterance():
    # dips at 5 s (too early) and at 13 s (past strict_after_s, long enough)
    audio = take(30.0, [(5.0, 0.15), (13.0, 0.15)])
    first, *_ = cuts(audio, WHISPER_LIKE, strict=True)
    assert first[0] == 0.0
    assert 13.0 < first[1] <= 13.0 + WHISPER_LIKE.strict_gap_s + 2 * FRAME_S


def test_a_dip_shorter_than_the_strict_gap_does_not_end_it():
    audio = take(30.0, [(13.0, WHISPER_LIKE.strict_gap_s - 2 * FRAME_S)])
    first, *_ = cuts(audio, WHISPER_LIKE, strict=True)
    assert first[1] >= WHISPER_LIKE.hard_max_s


def test_without_a_strict_detector_unbroken_speech_runs_to_the_hard_cap():
    """sphinx's splitter has none: the same dips leave its utterance to the cap."""
    audio = take(30.0, [(5.0, 0.15), (13.0, 0.15)])
    first, *_ = cuts(audio, WHISPER_LIKE, strict=False)
    assert WHISPER_LIKE.hard_max_s <= first[1] < WHISPER_LIKE.hard_max_s + FRAME_S


def test_chunk_sizes_do_not_move_the_cuts():
    audio = take(40.0, [(13.0, 0.15), (27.0, 0.2)])
    expected = cuts(audio, WHISPER_LIKE, strict=True)
    assert len(expected) >= 3
    assert cuts(audio, WHISPER_LIKE, strict=True, sizes=(FRAME_SAMPLES * 7 + 13, 4_001, 97)) == expected
