"""What a recognizer heard: words with times. Shared by speech, review, session and store."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


class LiveWords(str):
    """What a transcript stream's partial() returns (ports.TranscriptStream): the words so far, as one string. Its tail `tentative`
    (the open utterance's partial decode, when the engine makes one) may still change: a live
    view can show it apart; the final words come when the utterance closes."""

    final: str  # the words of the closed utterances
    tentative: str

    def __new__(cls, final: str, tentative: str = "") -> LiveWords:
        words = super().__new__(cls, " ".join(part for part in (final, tentative) if part))
        words.final, words.tentative = final, tentative
        return words


@dataclass(frozen=True)
class Word:
    word: str  # lowercase, as recognized (fillers such as "um" kept)
    start: float  # seconds from the start of the take
    end: float
    confidence: float | None = None  # recognizer's posterior in 0..1 when it gives one
    # The word as shown, with the recognizer's casing and punctuation ("Americans,", "40%"); None
    # when the recognizer writes plain lowercase words (then `word` is shown).
    display: str | None = None

    @property
    def shown(self) -> str:
        return self.word if self.display is None else self.display

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "word": self.word,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "confidence": None if self.confidence is None else round(self.confidence, 3),
        }
        if self.display is not None:
            out["display"] = self.display
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        return cls(
            str(d["word"]),
            float(d["start"]),
            float(d["end"]),
            None if d.get("confidence") is None else float(d["confidence"]),
            None if d.get("display") is None else str(d["display"]),
        )


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Utterance:
    """One stretch of speech the recognizer decoded as a unit, with how sure it was. Whisper gives
    the three figures per segment; engines without them leave None."""

    start: float  # seconds from the start of the take
    end: float
    text: str  # as shown (casing and punctuation kept)
    no_speech_prob: float | None = None  # the model's probability that this was not speech
    avg_logprob: float | None = None  # mean log-probability of its tokens (near 0: sure)
    compression_ratio: float | None = None  # text length / its zlib length (high: repeating itself)

    def to_dict(self) -> dict[str, Any]:
        def r(v: float | None) -> float | None:
            return None if v is None else round(v, 3)

        return {
            "start": r(self.start),
            "end": r(self.end),
            "text": self.text,
            "no_speech_prob": r(self.no_speech_prob),
            "avg_logprob": r(self.avg_logprob),
            "compression_ratio": r(self.compression_ratio),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Utterance:
        return cls(
            float(d["start"]),
            float(d["end"]),
            str(d.get("text", "")),
            _opt_float(d.get("no_speech_prob")),
            _opt_float(d.get("avg_logprob")),
            _opt_float(d.get("compression_ratio")),
        )


@dataclass(frozen=True)
class Transcript:
    text: str
    engine: str  # "whisper", "sphinx", "vosk", or "text" for typed answers
    duration_s: float | None  # length of the audio; None for typed text
    elapsed_s: float | None = None  # time the recognizer spent after the audio ended
    words: tuple[Word, ...] = field(default_factory=tuple)
    model: str | None = None  # the model the engine used (e.g. "tiny.en"); None for typed text
    utterances: tuple[Utterance, ...] = field(default_factory=tuple)  # empty: the engine gives none

    @property
    def timed(self) -> bool:
        return self.duration_s is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "engine": self.engine,
            "duration_s": None if self.duration_s is None else round(self.duration_s, 3),
            "elapsed_s": None if self.elapsed_s is None else round(self.elapsed_s, 3),
            "words": [w.to_dict() for w in self.words],
            "model": self.model,
            "utterances": [u.to_dict() for u in self.utterances],
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transcript:
        return cls(
            text=str(d.get("text", "")),
            engine=str(d.get("engine", "")),
            duration_s=None if d.get("duration_s") is None else float(d["duration_s"]),
            elapsed_s=None if d.get("elapsed_s") is None else float(d["elapsed_s"]),
            words=tuple(Word.from_dict(w) for w in d.get("words", [])),
            model=None if d.get("model") is None else str(d["model"]),
            utterances=tuple(Utterance.from_dict(u) for u in d.get("utterances") or []),
        )

    @classmethod
    def from_text(cls, text: str) -> Transcript:
        """A typed answer: words without times."""
        return cls(text=text, engine="text", duration_s=None)


def joined(answer: Transcript, follow: Transcript) -> Transcript:
    """The answer then the follow-up, as one transcript (the follow-up's times shifted after the answer's)."""
    if answer.duration_s is None or follow.duration_s is None:
        return Transcript.from_text(f"{answer.text} {follow.text}".strip())
    shift = answer.duration_s
    words = answer.words + tuple(replace(w, start=w.start + shift, end=w.end + shift) for w in follow.words)
    utterances = answer.utterances + tuple(
        replace(u, start=u.start + shift, end=u.end + shift) for u in follow.utterances
    )
    return replace(
        answer,
        text=f"{answer.text} {follow.text}".strip(),
        duration_s=answer.duration_s + follow.duration_s,
        words=words,
        utterances=utterances,
    )
