"""What a saved session document adds up to: the answer that counts, its score, the time spent
answering, and the `sessions --json` row. Pure functions of the manifest dict.

A question's score is its counting answer's, unless a follow-up to that answer was reviewed
together with it: then the answer and the follow-up's `combined` score is the question's
("100 (with follow-up)"), and the answer alone keeps its own score beside it."""

from __future__ import annotations

import statistics
from typing import Any

from mockint.review.confidence import UNHEARD_FLAGS


def summary_row(doc: dict[str, Any]) -> dict[str, Any]:
    """The `sessions --json` row of a session document."""
    results = [question_result(q) for q in doc["questions"]]
    scores = [s for s, _ in results if s is not None]
    return {
        "id": doc["id"],
        "company": doc.get("company"),
        "started_at": doc.get("started_at"),
        "complete": bool(doc.get("complete")),
        "questions": len(doc["questions"]),
        "answered": sum(1 for q in doc["questions"] if newest_answer(q) is not None),
        "average_score": round(statistics.fmean(scores)) if scores else None,
        # how many of the scores averaged are the answer + follow-up figure
        "with_follow_up": sum(1 for s, combined in results if s is not None and combined),
        "duration_s": session_duration_s(doc),
    }


def newest_answer(question: dict[str, Any]) -> dict[str, Any] | None:
    """The answer take that counts: the newest one with a review (a retake replaces earlier ones)
    in which something was heard (a no_speech / unclear_audio take is kept but does not count)."""
    for take in reversed(question.get("takes", [])):
        if take.get("kind") == "answer" and take.get("review") and heard(take["review"]):
            return take
    return None


def heard(review: dict[str, Any]) -> bool:
    """The review judged an answer: not flagged no_speech or unclear_audio."""
    return not set(review.get("flags") or ()) & set(UNHEARD_FLAGS)


def question_score(question: dict[str, Any]) -> int | None:
    """The question's score: with its follow-up where one was reviewed with the answer."""
    return question_result(question)[0]


def question_result(question: dict[str, Any]) -> tuple[int | None, bool]:
    """(score, with_follow_up): the newest follow-up's combined score when a follow-up to the
    counting answer was reviewed with it, else the answer's own score."""
    take = newest_answer(question)
    if take is None:
        return None, False
    combined = combined_of(question, take)
    if combined is not None:
        return combined["score"], True
    score = take["review"].get("score")
    return (score if isinstance(score, (int, float)) else None), False


def combined_of(question: dict[str, Any], answer: dict[str, Any]) -> dict[str, Any] | None:
    """The `combined` review (with a score) of the newest follow-up to `answer`, if any."""
    takes = question.get("takes", [])
    at = next((k for k, t in enumerate(takes) if t is answer), None)
    if at is None:
        return None
    found = None
    for take in takes[at + 1 :]:
        if take.get("kind") == "answer":
            break  # the follow-ups after a later (unheard) take belong to that one
        combined = take.get("combined")
        if take.get("kind") == "follow_up" and isinstance(combined, dict):
            score = combined.get("score")
            if isinstance(score, (int, float)) and not isinstance(score, bool):
                found = combined
    return found


def session_duration_s(doc: dict[str, Any]) -> float | None:
    """The time spent answering: every take's recorded length, answers and follow-ups (not the
    program's run time, which includes listening, preparing and reading reviews)."""
    takes = [t.get("duration_s") for q in doc["questions"] for t in q.get("takes", [])]
    present = [float(d) for d in takes if isinstance(d, (int, float))]
    return round(sum(present), 1) if present else None
