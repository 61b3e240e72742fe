"""Choose the questions for a session: filters, no repeats, distinct principles, history-aware."""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass

from mockint.bank import Bank, Question
from mockint.errors import UsageError


@dataclass(frozen=True)
class QuestionHistory:
    """What earlier sessions say about one question."""

    attempts: int = 0
    last_score: int | None = None  # score of the newest reviewed answer
    last_practised: str | None = None  # ISO 8601 time of the newest attempt


@dataclass(frozen=True)
class PickRequest:
    profile: str
    count: int | None = None  # None: the profile's questions_per_session
    question_ids: tuple[str, ...] = ()  # asked first, in this order
    principle: str | None = None  # --lp
    tag: str | None = None  # --tag
    seed: int | None = None
    focus: tuple[str, ...] = ()  # principles asked first, in order (mockint.plan's next steps)


def pick(
    bank: Bank, request: PickRequest, history: Mapping[str, QuestionHistory] | None = None
) -> list[Question]:
    """Return the session's questions.

    Order of preference: a question for each `focus` principle (the plan for next time), then
    never practised, then the weakest past reviews, then the least recently practised; a seeded
    shuffle breaks ties so the same seed gives the same picks.
    """
    profile = bank.profile(request.profile)
    history = history or {}
    count = request.count if request.count is not None else profile.questions_per_session
    if count < 1:
        raise UsageError(f"--count {count} is not a positive number", "use --count 1 or more")

    chosen: list[Question] = []
    for qid in request.question_ids:
        question = bank.question(qid)
        if question not in chosen:
            chosen.append(question)
    if request.question_ids:
        count = max(count, len(chosen)) if request.count is not None else len(chosen)

    pool = _filtered(bank, request)
    rng = random.Random(request.seed)
    rng.shuffle(pool)
    pool.sort(key=lambda q: _preference(history.get(q.id)))

    # A question's first principle is the one it tests. The first pass keeps those distinct
    # (an Amazon session covers distinct principles); a second pass fills up if the pool runs short.
    used = {_primary(q) for q in chosen}
    for principle in request.focus:
        if len(chosen) >= count:
            break
        testing = [q for q in pool if q not in chosen and principle in q.principles]
        testing.sort(key=lambda q: _primary(q) != principle)  # stable: a question *on* it first
        if testing:
            chosen.append(testing[0])
            used.add(_primary(testing[0]))
    for distinct in (True, False):
        for question in pool:
            if len(chosen) >= count:
                break
            if question in chosen:
                continue
            if distinct and _primary(question) is not None and _primary(question) in used:
                continue
            chosen.append(question)
            used.add(_primary(question))
    if not chosen:
        raise UsageError(
            f"no question in the bank matches {_describe(request)}",
            "loosen --lp/--tag, or run 'mockint bank list --company " + profile.id + "'",
        )
    return chosen[:count]


def _filtered(bank: Bank, request: PickRequest) -> list[Question]:
    if request.principle and request.principle not in bank.principles:
        known = ", ".join(p.id for p in bank.principles_for(request.profile)) or "none"
        raise UsageError(f"unknown principle '{request.principle}'", f"use one of: {known}")
    pool = []
    for q in bank.questions_for(request.profile):
        if request.principle and request.principle not in q.principles:
            continue
        if request.tag and request.tag.lower() not in q.tags:
            continue
        pool.append(q)
    return sorted(pool, key=lambda q: q.id)  # stable base order before the seeded shuffle


def _primary(question: Question) -> str | None:
    return question.principles[0] if question.principles else None


def _preference(h: QuestionHistory | None) -> tuple:
    if h is None or h.attempts == 0:
        return (0, 0, "")
    score = h.last_score if h.last_score is not None else 0
    return (1, score, h.last_practised or "")


def _describe(request: PickRequest) -> str:
    parts = [f"company '{request.profile}'"]
    if request.principle:
        parts.append(f"--lp {request.principle}")
    if request.tag:
        parts.append(f"--tag '{request.tag}'")
    return " ".join(parts)
