"""The utterance splitter both streaming engines share: a voice-activity detector on 30 ms frames
cuts a take into utterances at pauses, so each can be decoded on its own while the candidate goes
on speaking, and the silence between them is never decoded.

An utterance starts after a short run of speech (not a click), with a little audio from before it.
It ends at a long pause, or at a short pause once it is long (a sentence end), or at any gap once
it is longer still (past that, a dip a stricter detector hears, if the engine gives one), or at a
hard cap: whisper decodes 30 s windows, and pocketsphinx's memory and
end-of-utterance search grow with the utterance, so the cap bounds both and keeps the work left
when an answer ends small. Feeding in any chunk sizes gives the same cuts (streaming == file).
"""

from __future__ import annotations

import collections
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockint.ports import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

FRAME_S = 0.03  # voice-activity frame (the detector's native size)
FRAME_SAMPLES = int(SAMPLE_RATE_HZ * FRAME_S)
START_RUN_S = 0.18  # an utterance starts after this much unbroken speech (not a click)
PREROLL_S = 0.3  # audio kept before that speech


@dataclass(frozen=True)
class Limits:
    """When an utterance ends (seconds)."""

    pause_end_s: float = 2.0  # a pause this long ends an utterance
    soft_max_s: float = 8.0  # past this, a short pause ends the utterance (a sentence end)...
    short_pause_s: float = 0.24  # ...this long
    late_s: float = 14.0  # past this, any gap between words ends it...
    hard_max_s: float = 25.0  # ...and past this it is cut even without a gap (inside whisper's 30 s)
    strict_after_s: float = 12.0  # past this, a gap the stricter detector (gap_vad, if any) hears...
    strict_gap_s: float = 0.09  # ...this long ends it too


SPHINX_LIMITS = Limits()


def webrtc_vad(mode: int = 0) -> Any:
    """The voice-activity detector (WebRTC's, as pocketsphinx ships it): is_speech(frame bytes).
    `mode` 0 (loose, the default) to 3 (strict: quiet frames inside speech count as silence)."""
    import pocketsphinx

    return pocketsphinx.Vad(mode)


class UtteranceSplitter:
    """Cuts int16 audio pushed in any chunk sizes into utterances of whole frames.

    `on_start(first_frame_index)` opens an utterance, `on_frame(frame_bytes, speech)` hands each of
    its frames (pre-roll included) and `on_end()` closes it."""

    def __init__(
        self,
        vad: Any,
        on_start: Callable[[int], None],
        on_frame: Callable[[bytes, bool], None],
        on_end: Callable[[], None],
        limits: Limits = SPHINX_LIMITS,
        gap_vad: Any = None,
    ) -> None:
        """`gap_vad`: a stricter detector for the late rule. The loose one carries speech over
        short dips, so smooth speech can run for 20 s with no frame it calls silence; past
        `limits.strict_after_s`, `strict_gap_s` of what this one calls silence ends it too."""
        import numpy as np

        self._limits = limits
        self._gap_vad = gap_vad
        self._gap_run = 0  # frames in a row gap_vad called silence
        self._np = np
        self._vad = vad
        self._on_start, self._on_frame, self._on_end = on_start, on_frame, on_end
        self._rest = np.zeros(0, dtype=np.int16)  # samples short of a whole frame
        self.samples = 0  # samples pushed so far
        self.frames_seen = 0
        self._preroll: collections.deque = collections.deque(
            maxlen=round((PREROLL_S + START_RUN_S) / FRAME_S)
        )
        self.in_utterance = False
        self._utt_frames = 0
        self._silence_run = 0
        self._speech_run = 0

    def push(self, samples: np.ndarray) -> None:
        np = self._np
        self.samples += samples.size
        data = np.concatenate([self._rest, samples]) if self._rest.size else samples
        whole = data.size // FRAME_SAMPLES * FRAME_SAMPLES
        for i in range(0, whole, FRAME_SAMPLES):
            self._frame(data[i : i + FRAME_SAMPLES].tobytes())
        self._rest = data[whole:].copy()

    def close(self) -> None:
        """End of the take: the part frame left joins the open utterance, which ends."""
        if self._rest.size and self.in_utterance:
            pad = self._np.zeros(FRAME_SAMPLES - self._rest.size, dtype=self._np.int16)
            self._give(self._np.concatenate([self._rest, pad]).tobytes(), False)
        self._rest = self._rest[:0]
        if self.in_utterance:
            self.end()

    def end(self) -> None:
        """Close the open utterance now."""
        self.in_utterance, self._utt_frames, self._silence_run, self._gap_run = False, 0, 0, 0
        self._on_end()

    def _strict_gap(self, frame: bytes) -> bool:
        """Has the gap detector heard silence for `strict_gap_s` up to this frame?"""
        if self._gap_vad is None:
            return False
        self._gap_run = 0 if self._gap_vad.is_speech(frame) else self._gap_run + 1
        return self._gap_run >= round(self._limits.strict_gap_s / FRAME_S)

    def _give(self, frame: bytes, speech: bool) -> None:
        self._utt_frames += 1
        self._on_frame(frame, speech)

    def _frame(self, frame: bytes) -> None:
        speech = self._vad.is_speech(frame)
        index = self.frames_seen
        self.frames_seen += 1
        if not self.in_utterance:
            self._preroll.append((frame, speech))
            self._speech_run = self._speech_run + 1 if speech else 0
            if self._speech_run * FRAME_S < START_RUN_S:
                return
            self.in_utterance, self._utt_frames, self._silence_run, self._speech_run = True, 0, 0, 0
            keep = min(len(self._preroll), round((PREROLL_S + START_RUN_S) / FRAME_S))
            self._on_start(index + 1 - keep)
            for f, s in list(self._preroll)[len(self._preroll) - keep :]:
                self._give(f, s)
            self._preroll.clear()
        else:
            self._give(frame, speech)
        self._silence_run = 0 if speech else self._silence_run + 1
        length_s, pause_s, lim = self._utt_frames * FRAME_S, self._silence_run * FRAME_S, self._limits
        if (
            pause_s >= lim.pause_end_s
            or (length_s >= lim.soft_max_s and pause_s >= lim.short_pause_s)
            or (length_s >= lim.late_s and pause_s > 0)
            or (length_s >= lim.strict_after_s and self._strict_gap(frame))
            or length_s >= lim.hard_max_s
        ):
            self.end()
