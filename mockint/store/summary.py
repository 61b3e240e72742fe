"""What a saved session document adds up to: the answer that counts, its score, the time spent
answering, and the `sessions --json` row. Pure functions of the manifest dict."""

from __future__ import annotations

import statistics
from typing import Any

from mockint.review.confidence import UNHEARD_FLAGS


def summary_row(doc: dict[str, Any]) -> dict[str, Any]:
    """The `sessions --json` row of a session document."""
    scores = [s for s in (question_score(q) for q in doc["questions"]) if s is not None]
    return {
        "id": doc["id"],
        "company": doc.get("company"),
        "started_at": doc.get("started_at"),
        "complete": bool(doc.get("complete")),
        "questions": len(doc["questions"]),
        "answered": sum(1 for q in doc["questions"] if newest_answer(q) is not None),
        "average_score": round(statistics.fmean(scores)) if scores else None,
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
    take = newest_answer(question)
    score = take["review"].get("score") if take else None
    return score if isinstance(score, (int, float)) else None


def session_duration_s(doc: dict[str, Any]) -> float | None:
    """The time spent answering: every take's recorded length, answers and follow-ups (not the
    program's run time, which includes listening, preparing and reading reviews)."""
    takes = [t.get("duration_s") for q in doc["questions"] for t in q.get("takes", [])]
    present = [float(d) for d in takes if isinstance(d, (int, float))]
    return round(sum(present), 1) if present else None
