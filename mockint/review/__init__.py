"""The answer review: STAR parts with evidence, delivery, flags, tips and a 0–100 score.

`review(transcript, question, profile)` is pure: no I/O, the same input gives the same Review.
Spoken answers carry times (segments, seconds, pace); typed drafts carry words only, and their
timing fields are None. The flags and tips come from mockint/review/rubric.py, the score
from mockint/review/score.py (its table is the README's).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from mockint.bank import Bank, Profile, Question
from mockint.parts import STAR_PARTS
from mockint.ports import STOP_LIMIT
from mockint.review import relevance as relevance_
from mockint.review import rubric
from mockint.review import score as scoring
from mockint.review.confidence import OK, Reliability, assess
from mockint.review.confidence import tip as reliability_tip
from mockint.review.delivery import Delivery, measure
from mockint.review.relevance import Relevance
from mockint.review.segment import segment, tokens_of
from mockint.review.star import label_phrases
from mockint.transcript import Transcript

PARTS = STAR_PARTS


@dataclass(frozen=True)
class Segment:
    text: str
    label: str  # situation | task | action | result | other
    start_s: float | None  # None for typed text
    end_s: float | None
    words: int = 0
    cues: tuple[str, ...] = ()  # the features behind the label, as evidence

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "label": self.label,
            "start_s": _r(self.start_s),
            "end_s": _r(self.end_s),
            "words": self.words,
            "cues": list(self.cues),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Segment:
        return cls(
            str(d["text"]),
            str(d["label"]),
            _f(d.get("start_s")),
            _f(d.get("end_s")),
            int(d.get("words") or len(str(d["text"]).split())),
            tuple(d.get("cues") or ()),
        )


@dataclass(frozen=True)
class Component:
    present: bool
    share: float | None  # share of the spoken seconds; None for typed text
    seconds: float | None
    evidence: tuple[str, ...]  # the phrases labelled with this part
    word_share: float = 0.0  # share of the words, typed or spoken

    def to_dict(self) -> dict[str, Any]:
        return {
            "present": self.present,
            "share": _r(self.share, 3),
            "seconds": _r(self.seconds),
            "evidence": list(self.evidence),
            "word_share": round(self.word_share, 3),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Component:
        return cls(
            bool(d["present"]),
            _f(d.get("share")),
            _f(d.get("seconds")),
            tuple(d.get("evidence") or ()),
            float(d.get("word_share") or 0.0),
        )


@dataclass(frozen=True)
class Review:
    components: Mapping[str, Component]
    segments: tuple[Segment, ...]
    delivery: Delivery
    flags: tuple[str, ...]  # fixed codes, see rubric.FLAGS
    tips: tuple[str, ...]
    score: int | None  # 0..100, rubric in README; None when the audio could not be judged
    breakdown: tuple[scoring.Points, ...] = ()
    relevance: Relevance = field(default_factory=Relevance)
    reliability: Reliability = field(default_factory=Reliability)

    @property
    def heard(self) -> bool:
        """The review could judge the answer (not no_speech / unclear_audio): it counts."""
        return self.reliability.level == OK

    def to_dict(self) -> dict[str, Any]:
        return {
            "components": {p: self.components[p].to_dict() for p in PARTS},
            "segments": [s.to_dict() for s in self.segments],
            "delivery": self.delivery.to_dict(),
            "flags": list(self.flags),
            "tips": list(self.tips),
            "score": self.score,
            "score_breakdown": [b.to_dict() for b in self.breakdown],
            "relevance": self.relevance.to_dict(),
            "reliability": self.reliability.to_dict(),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Review:
        return cls(
            components={p: Component.from_dict(d["components"][p]) for p in PARTS},
            segments=tuple(Segment.from_dict(s) for s in d.get("segments") or ()),
            delivery=Delivery.from_dict(d.get("delivery") or {}),
            flags=tuple(d.get("flags") or ()),
            tips=tuple(d.get("tips") or ()),
            score=None if d.get("score") is None else int(d["score"]),
            breakdown=tuple(scoring.Points.from_dict(b) for b in d.get("score_breakdown") or ()),
            relevance=Relevance.from_dict(d.get("relevance")),
            reliability=Reliability.from_dict(d.get("reliability")),
        )

    def part_span(self, part: str) -> tuple[float, float] | None:
        """(start, end) seconds covering the segments labelled `part`; None if absent or typed."""
        times = [
            (s.start_s, s.end_s)
            for s in self.segments
            if s.label == part and s.start_s is not None and s.end_s is not None
        ]
        if not times:
            return None
        return min(t[0] for t in times), max(t[1] for t in times)  # type: ignore[type-var]


def _r(x: float | None, digits: int = 2) -> float | None:
    return None if x is None else round(x, digits)


def _f(x: Any) -> float | None:
    return None if x is None else float(x)


def reviewer_for(profile: Profile | None, bank: Bank | None):
    """The session's reviewer (ports.Reviewer): review() with this profile and bank bound, the
    same in the terminal, the browser and `transcribe --session`."""

    def reviewer(
        transcript: Transcript, question: Question, thinking_s: float | None, *, stopped_by: str | None = None
    ) -> Review:
        return review(
            transcript,
            question=question,
            profile=profile,
            bank=bank,
            thinking_s=thinking_s,
            stopped_by=stopped_by,
        )

    return reviewer


def review(
    answer: Transcript,
    question: Question | None = None,
    profile: Profile | None = None,
    bank: Bank | None = None,
    thinking_s: float | None = None,
    stopped_by: str | None = None,
) -> Review:
    """Review one answer. `bank` supplies the question's principles (keywords) and the other
    questions the story might fit better; `stopped_by` is the take's stop code (ports.STOP_*)."""
    tokens = tokens_of(answer)
    shown = rubric.shown_forms(answer, tokens)
    phrases = segment(answer)
    labels, scored = label_phrases(phrases)
    segments = tuple(
        Segment(rubric.said(p, shown), label, p.start_s, p.end_s, len(p.tokens), s.cues)
        for p, label, s in zip(phrases, labels, scored, strict=True)
    )
    if stopped_by == STOP_LIMIT and len(labels) > 1 and labels[-1] == "result":
        # The limit cut the last sentence: an unfinished phrase is not the story's outcome (it is
        # more often the start of a new point), so it keeps the label before it.
        before = next((lab for lab in reversed(labels[:-1]) if lab != "result"), "other")
        labels = [*labels[:-1], before]
        segments = (*segments[:-1], replace(segments[-1], label=before))
    timed = answer.timed and all(s.start_s is not None for s in segments)
    delivery = measure(tokens, answer.duration_s if timed else None, thinking_s)
    components = _components(segments, timed)
    reliability = assess(answer, delivery.words)
    if reliability.level != OK:
        # Nothing (or nothing intelligible) was heard: no flags but that, no score, one tip.
        return Review(
            components,
            segments,
            delivery,
            (reliability.flag or "",),
            (reliability_tip(reliability),),
            None,
            reliability=reliability,
        )
    principles = _principles(bank, question)
    rivals = (
        [(q, _principles(bank, q)) for q in bank.questions.values()]  # the whole bank: more to rank
        if bank is not None and question is not None and question.id in bank.questions
        else []  # a question of one's own (or no bank) has nothing like it to compare with
    )
    relevance = relevance_.judge([t.norm for t in tokens], question, principles, rivals)
    target_s, limit_s = rubric.timing_targets(question, profile)
    facts = rubric.Facts(
        components=components,
        segments=segments,
        phrases=phrases,
        labels=labels,
        delivery=delivery,
        relevance=relevance,
        question=question,
        principles=principles,
        target_s=target_s,
        limit_s=limit_s,
        timed=timed,
        norms=[t.norm for t in tokens],
        stopped_by=stopped_by,
        shown=shown,
    )
    if segments and rubric.not_a_story(facts):
        # No story, so no STAR parts: a habit or a ramble has no Situation, Action or Result to
        # credit ("the billing system was really old" is not an Action).
        labels = ["other"] * len(labels)
        segments = tuple(replace(s, label="other") for s in segments)
        components = _components(segments, timed)
        facts = replace(facts, components=components, segments=segments, labels=labels)
    flags = rubric.flags(facts)
    tips = rubric.tips(facts, flags)
    breakdown = scoring.points(facts, flags)
    total = scoring.total(breakdown, flags)
    return Review(components, segments, delivery, flags, tips, total, breakdown, relevance, reliability)


def _principles(bank: Bank | None, question: Question | None) -> list:
    if bank is None or question is None:
        return []
    return [bank.principles[p] for p in question.principles if p in bank.principles]


def _components(segments: tuple[Segment, ...], timed: bool) -> dict[str, Component]:
    total_words = sum(s.words for s in segments) or 1
    total_s = sum((s.end_s or 0.0) - (s.start_s or 0.0) for s in segments) if timed else 0.0
    out = {}
    for part in PARTS:
        mine = [s for s in segments if s.label == part]
        seconds = sum((s.end_s or 0.0) - (s.start_s or 0.0) for s in mine) if timed else None
        out[part] = Component(
            present=bool(mine),
            share=(seconds / total_s if total_s > 0 else 0.0) if seconds is not None else None,
            seconds=seconds,
            evidence=tuple(s.text for s in mine),
            word_share=sum(s.words for s in mine) / total_words,
        )
    return out
