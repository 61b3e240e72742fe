"""What a recognizer heard: words with times. Shared by speech, review, session and store."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Word:
    word: str  # lowercase, as recognized (fillers such as "um" kept)
    start: float  # seconds from the start of the take
    end: float
    confidence: float | None = None  # recognizer's posterior in 0..1 when it gives one

    def to_dict(self) -> dict[str, Any]:
        return {
            "word": self.word,
            "start": round(self.start, 3),
            "end": round(self.end, 3),
            "confidence": None if self.confidence is None else round(self.confidence, 3),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Word:
        return cls(
            str(d["word"]),
            float(d["start"]),
            float(d["end"]),
            None if d.get("confidence") is None else float(d["confidence"]),
        )


@dataclass(frozen=True)
class Transcript:
    text: str
    engine: str  # "sphinx", "vosk", "faster-whisper", or "text" for typed answers
    duration_s: float | None  # length of the audio; None for typed text
    elapsed_s: float | None = None  # time the recognizer spent after the audio ended
    words: tuple[Word, ...] = field(default_factory=tuple)

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
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Transcript:
        return cls(
            text=str(d.get("text", "")),
            engine=str(d.get("engine", "")),
            duration_s=None if d.get("duration_s") is None else float(d["duration_s"]),
            elapsed_s=None if d.get("elapsed_s") is None else float(d["elapsed_s"]),
            words=tuple(Word.from_dict(w) for w in d.get("words", [])),
        )

    @classmethod
    def from_text(cls, text: str) -> Transcript:
        """A typed answer: words without times."""
        return cls(text=text, engine="text", duration_s=None)
