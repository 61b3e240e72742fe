"""Did the review hear an answer? Reliability from the transcript, decided before any judging.

A review is never more certain than its transcript. From the recognizer's own figures — each
word's confidence, each utterance's `no_speech_prob` and `avg_logprob` (Whisper), the seconds of
speech and the words per second — this says one of:
  ok    the words can be judged;
  low   words were heard but are probably wrong (`unclear_audio`): the score is withheld;
  none  nothing was heard (`no_speech`): no score, and the take is not counted as an answer.
Typed text is always reliable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mockint.transcript import Transcript, Utterance

OK, LOW, NONE = "ok", "low", "none"
NO_SPEECH = "no_speech"
UNCLEAR_AUDIO = "unclear_audio"
UNHEARD_FLAGS = (NO_SPEECH, UNCLEAR_AUDIO)  # a take with one of these has no score and does not count

MIN_WORDS_HEARD = 3  # fewer recognized words: nothing was said
MIN_SPEECH_S = 1.0  # less speech than this (word times): nothing was said
# Whisper's own rule for a silent window: probably not speech and not confidently decoded.
NO_SPEECH_PROB = 0.6
SILENT_LOGPROB = -1.0
LOW_MEAN_CONFIDENCE = 0.5  # mean word confidence below this: the words are mostly guesses
LOW_AVG_LOGPROB = -1.0  # mean utterance log-probability below this (weighted by length): the same
# Whisper (the default engine) calibrated on its own output (benchmarks/bench_review_spoken.py,
# calibration half, 16 answers): midway between the least sure take that must be reviewed
# (clipped espeak-ng speech, confidence 0.65; clipped Festival, log-probability -0.59) and the
# surest that must not (Festival played backwards: 0.40, -0.89). Whisper's own segment gate
# already drops segments under -1.0, so -1.0 would never fire on it.
CALIBRATED = {"whisper": (0.53, -0.74)}  # engine -> (LOW_MEAN_CONFIDENCE, LOW_AVG_LOGPROB)
MAX_COMPRESSION_RATIO = 2.4  # above: the decoder repeated itself (Whisper's hallucination guard)
MAX_WORDS_PER_S = 5.0  # faster than anyone speaks: words invented over noise
DOCTOR = "mockint doctor"


@dataclass(frozen=True)
class Reliability:
    level: str = OK  # ok | low | none
    mean_confidence: float | None = None  # mean word confidence; None when typed or not given
    reason: str = ""

    @property
    def flag(self) -> str | None:
        return {NONE: NO_SPEECH, LOW: UNCLEAR_AUDIO}.get(self.level)

    def to_dict(self) -> dict[str, Any]:
        mean = None if self.mean_confidence is None else round(self.mean_confidence, 3)
        return {"level": self.level, "mean_confidence": mean, "reason": self.reason}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any] | None) -> Reliability:
        d = d or {}
        mean = d.get("mean_confidence")
        return cls(
            str(d.get("level") or OK), None if mean is None else float(mean), str(d.get("reason") or "")
        )


def _silent(u: Utterance) -> bool:
    return (
        u.no_speech_prob is not None
        and u.no_speech_prob > NO_SPEECH_PROB
        and (u.avg_logprob is None or u.avg_logprob < SILENT_LOGPROB)
    )


def assess(answer: Transcript, words: int) -> Reliability:
    """How far the review can trust `answer`; `words` is the number of words it will judge."""
    if not answer.timed:
        return Reliability(OK, None, "typed text")
    confidences = [w.confidence for w in answer.words if w.confidence is not None]
    mean = sum(confidences) / len(confidences) if confidences else None
    speech_s = sum(max(w.end - w.start, 0.0) for w in answer.words)
    if words < MIN_WORDS_HEARD or (answer.words and speech_s < MIN_SPEECH_S):
        heard = "no words" if words == 0 else f"only {words} word{'s' if words != 1 else ''}"
        return Reliability(NONE, mean, f"{heard} in {answer.duration_s or 0:.0f} s of audio")
    spoken = [u for u in answer.utterances if u.text.strip()]
    if spoken and all(_silent(u) for u in spoken):
        return Reliability(NONE, mean, "the recognizer judged every stretch of the audio to be non-speech")
    low_mean, low_logprob = CALIBRATED.get(answer.engine, (LOW_MEAN_CONFIDENCE, LOW_AVG_LOGPROB))
    if mean is not None and mean < low_mean:
        return Reliability(LOW, mean, f"mean word confidence {mean:.2f} (below {low_mean:.2f})")
    timed = [(u.end - u.start, u) for u in spoken if u.avg_logprob is not None and u.end > u.start]
    if timed:
        logprob = sum(d * u.avg_logprob for d, u in timed) / sum(d for d, _ in timed)  # type: ignore[operator]
        if logprob < low_logprob:
            return Reliability(
                LOW, mean, f"the recognizer was unsure of its words (log-probability {logprob:.2f})"
            )
    if any((u.compression_ratio or 0.0) > MAX_COMPRESSION_RATIO for u in spoken):
        return Reliability(LOW, mean, "the recognizer repeated itself, a sign it heard noise as words")
    if speech_s > 0 and words / speech_s > MAX_WORDS_PER_S:
        return Reliability(LOW, mean, f"{words / speech_s:.1f} words a second is faster than speech")
    shown = "" if mean is None else f"mean word confidence {mean:.2f}"
    return Reliability(OK, mean, shown or "the recognizer gives no confidences")


def tip(reliability: Reliability) -> str:
    """What to fix, for a take the review could not judge."""
    if reliability.level == NONE:
        return (
            f"Nothing was heard ({reliability.reason}). Check that the microphone is on and "
            f"picked as the input (run `{DOCTOR}`), then answer again."
        )
    return (
        f"The recording is too unclear to judge ({reliability.reason}), so there is no score. "
        "Speak closer to the microphone, cut background noise (fans, music, other voices), "
        f"and run `{DOCTOR}` to check the input level; then answer again."
    )
