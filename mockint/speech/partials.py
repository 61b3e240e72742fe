"""Tentative words of the open utterance, so the live view is not a whole utterance behind.

An utterance's final words come when it closes at a pause, 3-25 s after its first word. Meanwhile,
whenever the stream's worker has nothing queued, the open utterance's audio so far is decoded the
cheap way: greedy, no timestamps, and an encoder that sees the audio padded to 10 s instead of
Whisper's 30 s window (the encoder is most of a call's cost: ~0.05 s of CPU for 10 s against
~0.5 s for 30 s here; measured on the STAR and Harvard clips, 94-96% of the words it writes are
the final decode's, against 95-97% with the full window). The result is only shown: the final
decode of the closed utterance replaces it, and it never enters a transcript. Whisper's gates
apply to it as to a final decode, so silence and noise show no words here either.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mockint.ports import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    import numpy as np

CONTEXT_MIN_S = 10.0  # the encoder's input: the audio so far, padded with silence to this length...
CONTEXT_PAD_S = 2.0  # ...and at least this much past its end (the last word needs room to end)
TOKENS_PER_S = 5.0  # a bound on the text (fast speech is ~4 tokens/s): a loop stops here
TOKENS_EXTRA = 10
PARTIAL_EVERY_S = 1.0  # a partial once the open utterance has grown this much since the last...
PARTIAL_REST = 3.0  # ...and by this many times the last partial's decode time: partials take at
# most a third of the worker's time, and come less often when the CPU is busy and decodes slow
LIVE_PACE = 2.0  # only for audio arriving at most this fast (a microphone, a page): an answer fed
# from a file goes at the decoder's pace, many times real time, and a partial there would only
# slow it (the demo took 33 s with them instead of 13 s)


@dataclass(frozen=True)
class PartialResult:
    """A partial decode as the segment gate reads it (the fields of a Whisper segment it uses)."""

    text: str  # as shown, "" when nothing was said
    no_speech_prob: float
    avg_logprob: float
    compression_ratio: float


class PartialDecoder:
    """Greedy, timestamp-free decodes of short audio with a shortened encoder window."""

    def __init__(self, model: Any, prompt: str) -> None:
        from faster_whisper.tokenizer import Tokenizer
        from faster_whisper.transcribe import get_suppressed_tokens

        self._model = model  # a faster_whisper.WhisperModel
        self._tokenizer = Tokenizer(
            model.hf_tokenizer, model.model.is_multilingual, task="transcribe", language="en"
        )
        previous = self._tokenizer.encode(" " + prompt.strip())
        self._prompt = model.get_prompt(self._tokenizer, previous, without_timestamps=True)
        self._suppress = get_suppressed_tokens(self._tokenizer, [-1])

    def decode(self, audio: np.ndarray) -> PartialResult:
        """`audio`: float32 samples at 16 kHz, at most ~25 s."""
        import numpy as np
        from faster_whisper.transcribe import get_compression_ratio

        length_s = audio.size / SAMPLE_RATE_HZ
        total = round(max(CONTEXT_MIN_S, length_s + CONTEXT_PAD_S) * SAMPLE_RATE_HZ)
        padded = np.zeros(max(total, audio.size), dtype=np.float32)
        padded[: audio.size] = audio
        features = self._model.feature_extractor(padded)
        frames = (features.shape[-1] - 1) // 2 * 2  # the encoder halves its input: an even length
        encoded = self._model.encode(np.ascontiguousarray(features[:, :frames]))
        result = self._model.model.generate(
            encoded,
            [self._prompt],
            beam_size=1,
            max_length=len(self._prompt) + int(TOKENS_PER_S * length_s) + TOKENS_EXTRA,
            return_scores=True,
            return_no_speech_prob=True,
            suppress_blank=True,
            suppress_tokens=self._suppress,
        )[0]
        tokens = result.sequences_ids[0]
        # as faster-whisper recovers a segment's average log-probability from the score
        avg_logprob = result.scores[0] * len(tokens) / (len(tokens) + 1)
        text = self._tokenizer.decode(tokens).strip()
        ratio = get_compression_ratio(text)  # of the whole text: a loop is what the gate looks for
        return PartialResult(without_loop(text), float(result.no_speech_prob), float(avg_logprob), ratio)


LOOP_MIN_WORDS = 3


def without_loop(text: str) -> str:
    """`text` cut where it starts saying itself again: a short window makes Whisper loop ("The
    journey took a year. The journey took a year.") more often than its gates catch."""
    words = text.split()
    bare = [w.strip(".,!?;:\"'-").lower() for w in words]
    for start in range(1, len(words)):
        for size in range(LOOP_MIN_WORDS, min(start, len(words) - start) + 1):
            if bare[start : start + size] == bare[start - size : start]:
                return " ".join(words[:start])
    return text


def due(grown_s: float, last_cost_s: float, wall_s: float) -> bool:
    """Is a partial due, the open utterance having grown `grown_s` of audio in `wall_s` seconds
    since the last one?"""
    return grown_s >= max(PARTIAL_EVERY_S, PARTIAL_REST * last_cost_s) and grown_s <= LIVE_PACE * wall_s
