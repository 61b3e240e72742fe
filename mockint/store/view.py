"""A saved session as the reports read it: typed values from the `show SESSION --json` document.

Saved sessions may be damaged (a hand edit, a half-synced file, an older or newer mockint), and
a report must still show what is readable. So reading is forgiving and happens once, here: a
field of the wrong type reads as missing (None, empty), never as an exception further on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mockint.parts import STAR_PARTS
from mockint.review.confidence import UNHEARD_FLAGS

LABELS = (*STAR_PARTS, "other")


@dataclass(frozen=True)
class TimedWord:
    word: str
    start: float  # seconds from the start of the take
    end: float
    display: str = ""  # as the recognizer showed it ("Americans,"); "" when it gives plain words

    @property
    def shown(self) -> str:
        return self.display or self.word


@dataclass(frozen=True)
class SegmentView:
    text: str
    label: str  # one of LABELS ("other" for anything else)
    start_s: float | None  # None for typed text
    end_s: float | None


@dataclass(frozen=True)
class ReviewView:
    present: Mapping[str, bool]  # STAR part -> present
    seconds: Mapping[str, float | None]  # STAR part -> seconds (None for typed text)
    segments: tuple[SegmentView, ...]
    duration_s: float | None
    wpm: float | None
    thinking_s: float | None
    fillers_count: int | None
    fillers_per_min: float | None
    fillers_by_word: Mapping[str, int]
    i_count: int | None
    we_count: int | None
    long_pauses: int | None
    flags: tuple[str, ...]
    tips: tuple[str, ...]
    score: float | None
    talking_points: tuple[tuple[str, bool], ...] = ()  # optional review field: (point, covered)
    breakdown: tuple[tuple[str, float | None, float | None], ...] = ()  # optional: (item, points, max)
    speaking_s: float | None = None  # first word to last: the one duration the review's numbers use
    reliability: str = "ok"  # ok | low (unclear_audio) | none (no_speech)
    reliability_reason: str = ""  # why, in words ("mean word confidence 0.37 (below 0.50)")

    @property
    def heard(self) -> bool:
        """Something was heard (not no_speech / unclear_audio): the take counts as an answer."""
        return not set(self.flags) & set(UNHEARD_FLAGS)

    @property
    def parts_present(self) -> int:
        return sum(1 for p in STAR_PARTS if self.present.get(p))


@dataclass(frozen=True)
class TakeView:
    kind: str  # "answer" or "follow_up"
    prompt: str
    audio: str | None  # relative path, as saved
    duration_s: float | None
    thinking_s: float | None
    target_s: float | None  # the answer target saved with the take (a question may override the profile)
    limit_s: float | None
    text: str  # the transcript's text
    words: tuple[TimedWord, ...]
    review: ReviewView | None  # None when the session ended before the review
    follow_up_reason: str = ""  # the gap a follow-up probed (a review flag code), "" for answers
    combined: CombinedView | None = None  # a follow-up: the answer and it reviewed together

    @property
    def is_follow_up(self) -> bool:
        return self.kind == "follow_up"


@dataclass(frozen=True)
class CombinedView:
    """A follow-up's `combined` review: the question's score and status with the follow-up."""

    score: float | None
    answer_score: float | None  # the first answer's own score, kept beside it
    status: str  # "result given in the follow-up", "still missing after the follow-up: result"
    filled: bool


@dataclass(frozen=True)
class QuestionView:
    id: str
    text: str
    principles: tuple[str, ...]
    skipped: bool
    takes: tuple[TakeView, ...]

    def counting_answer(self) -> TakeView | None:
        """The answer that counts: the newest answer take with a review (a retake replaces earlier ones)."""
        for take in reversed(self.takes):
            if take.kind == "answer" and take.review is not None and take.review.heard:
                return take
        return None

    def result(self) -> tuple[float | None, CombinedView | None]:
        """The question's score and, when it is the answer + follow-up figure, that review (as
        store.summary.question_result: the newest scored follow-up of the counting answer)."""
        answer = self.counting_answer()
        if answer is None or answer.review is None:
            return None, None
        found = None
        at = next(k for k, t in enumerate(self.takes) if t is answer)
        for take in self.takes[at + 1 :]:
            if not take.is_follow_up:
                break
            if take.combined is not None and take.combined.score is not None:
                found = take.combined
        return (found.score, found) if found else (answer.review.score, None)


@dataclass(frozen=True)
class SessionView:
    id: str
    company: str
    started_at: str
    complete: bool
    questions: tuple[QuestionView, ...]
    saved_profile: Mapping[str, Any] = field(default_factory=dict)  # the profile as saved with the session


def read_session(doc: Any) -> SessionView:
    """The session document as typed values; unreadable parts read as missing."""
    d = _dict(doc)
    return SessionView(
        id=_text(d.get("id")),
        company=_text(d.get("company")),
        started_at=_text(d.get("started_at")),
        complete=d.get("complete") is not False,
        questions=tuple(_question(q) for q in _dicts(d.get("questions"))),
        saved_profile=_dict(d.get("profile")),
    )


def _question(q: dict) -> QuestionView:
    return QuestionView(
        id=_text(q.get("id")),
        text=_text(q.get("text")),
        principles=_texts(q.get("principles")),
        skipped=q.get("skipped") is True,
        takes=tuple(_take(t) for t in _dicts(q.get("takes"))),
    )


def _take(t: dict) -> TakeView:
    transcript = _dict(t.get("transcript"))
    review = t.get("review")
    return TakeView(
        kind="follow_up" if t.get("kind") == "follow_up" else "answer",
        prompt=_text(t.get("prompt")),
        audio=t.get("audio") if isinstance(t.get("audio"), str) and t.get("audio") else None,
        duration_s=number(t.get("duration_s")),
        thinking_s=number(t.get("thinking_s")),
        target_s=_positive(t.get("target_s")),
        limit_s=_positive(t.get("limit_s")),
        text=_text(transcript.get("text")),
        words=tuple(_words(transcript.get("words"))),
        review=_review(review) if isinstance(review, dict) else None,
        follow_up_reason=_text(t.get("follow_up_reason")),
        combined=_combined(t.get("combined")) if t.get("kind") == "follow_up" else None,
    )


def _combined(c: Any) -> CombinedView | None:
    if not isinstance(c, dict):
        return None
    return CombinedView(
        number(c.get("score")), number(c.get("answer_score")), _text(c.get("status")), c.get("filled") is True
    )


def _words(raw: Any) -> list[TimedWord]:
    words = []
    for w in _dicts(raw):
        start, end = number(w.get("start")), number(w.get("end"))
        if isinstance(w.get("word"), str) and start is not None and end is not None:
            display = w.get("display") if isinstance(w.get("display"), str) else ""
            words.append(TimedWord(w["word"], start, max(start, end), display))
    return words


def _review(r: dict) -> ReviewView:
    components = _dict(r.get("components"))
    delivery = _dict(r.get("delivery"))
    fillers = _dict(delivery.get("fillers"))
    by_word = {k: n for k, v in _dict(fillers.get("by_word")).items() if (n := _count(v)) is not None}
    relevance = _dict(r.get("relevance"))
    reliability = _dict(r.get("reliability"))
    level = reliability.get("level")
    return ReviewView(
        present={p: _dict(components.get(p)).get("present") is True for p in STAR_PARTS},
        seconds={p: number(_dict(components.get(p)).get("seconds")) for p in STAR_PARTS},
        segments=tuple(_segment(s) for s in _dicts(r.get("segments"))),
        duration_s=number(delivery.get("duration_s")),
        wpm=number(delivery.get("wpm")),
        thinking_s=number(delivery.get("thinking_s")),
        fillers_count=_count(fillers.get("count")),
        fillers_per_min=number(fillers.get("per_minute")),
        fillers_by_word=by_word,
        i_count=_count(delivery.get("i_count")),
        we_count=_count(delivery.get("we_count")),
        long_pauses=_count(delivery.get("long_pauses")),
        flags=_texts(r.get("flags")),
        tips=_texts(r.get("tips")),
        score=number(r.get("score")),
        talking_points=tuple(
            (_text(p.get("text")), p.get("covered") is True) for p in _dicts(relevance.get("talking_points"))
        ),
        breakdown=tuple(
            (_text(b.get("item")), number(b.get("points")), number(b.get("max")))
            for b in _dicts(r.get("score_breakdown"))
        ),
        speaking_s=number(delivery.get("speaking_s")),
        reliability=level if level in ("ok", "low", "none") else "ok",
        reliability_reason=_text(reliability.get("reason")),
    )


def _segment(s: dict) -> SegmentView:
    label = s.get("label")
    start, end = number(s.get("start_s")), number(s.get("end_s"))
    timed = start is not None and end is not None
    return SegmentView(
        _text(s.get("text")),
        label if label in LABELS else "other",
        start if timed else None,
        end if timed else None,
    )


# ----------------------------------------------------------------------------- forgiving readers


def number(value: Any) -> float | None:
    """A finite number, or None (booleans, text, NaN and infinities are not numbers here)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        value = float(value)
    except OverflowError:  # an integer too large for a float
        return None
    return value if math.isfinite(value) else None


def _positive(value: Any) -> float | None:
    n = number(value)
    return n if n is not None and n > 0 else None


def _count(value: Any) -> int | None:
    n = number(value)
    return int(n) if n is not None and n >= 0 and n == int(n) else None


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _texts(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _dicts(value: Any) -> list[dict]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []
