"""Figures over all saved sessions: timing against the profile, pace, fillers, STAR coverage over
time, principles practised, and progress on questions answered more than once. Pure: reads
session documents (as the store loads them), returns plain values for `stats --json`."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from typing import Any

from mockint.parts import STAR_PARTS
from mockint.picker import QuestionHistory
from mockint.store.summary import combined_of, newest_answer

PARTS = STAR_PARTS
COVERAGE_DAYS = 14  # rows of the STAR coverage table for people (the JSON keeps every day)


def answers(docs: Iterable[dict[str, Any]], company: str | None = None) -> list[dict[str, Any]]:
    """One row per reviewed answer (the newest take of each question), oldest session first."""
    rows = []
    for doc in docs:
        if company and doc.get("company") != company:
            continue
        profile = doc.get("profile") or {}
        for question in doc["questions"]:
            take = newest_answer(question)
            if take is None:
                continue
            review = take["review"]
            delivery = review.get("delivery") or {}
            combined = combined_of(question, take)
            rows.append(
                {
                    "session": doc["id"],
                    "company": doc.get("company"),
                    "date": (doc.get("started_at") or "")[:10],
                    "question": question["id"],
                    "principles": list(question.get("principles") or []),
                    # the answer + follow-up score where a follow-up was reviewed with it
                    "score": combined["score"] if combined else review.get("score"),
                    "answer_score": review.get("score"),
                    "with_follow_up": combined is not None,
                    # speaking time where the review measured it: the duration its flags use
                    "duration_s": delivery.get("speaking_s") or take.get("duration_s"),
                    "thinking_s": take.get("thinking_s"),
                    "target_s": take.get("target_s") or profile.get("answer_target_s"),
                    "wpm": delivery.get("wpm"),
                    "fillers_per_minute": (delivery.get("fillers") or {}).get("per_minute"),
                    "parts": {
                        p: bool(((review.get("components") or {}).get(p) or {}).get("present")) for p in PARTS
                    },
                    "flags": list(review.get("flags") or []),
                }
            )
    return rows


def compute(docs: Iterable[dict[str, Any]], company: str | None = None) -> dict[str, Any]:
    """The `stats --json` document."""
    docs = list(docs)
    rows = answers(docs, company)
    companies = sorted({r["company"] or "" for r in rows})
    return {
        "company": company,
        # Companies are kept apart: each against its own profile's target.
        "by_company": [_company(c, docs, [r for r in rows if (r["company"] or "") == c]) for c in companies],
        "sessions": sum(1 for d in docs if not company or d.get("company") == company),
        "answers": len(rows),
        "scores_with_follow_up": sum(1 for r in rows if r["with_follow_up"]),
        "timing": _timing(rows),
        "delivery": {
            "median_wpm": _median(r["wpm"] for r in rows),
            "median_fillers_per_minute": _median(r["fillers_per_minute"] for r in rows),
        },
        "star_coverage": _coverage(rows),
        "flags": _flag_counts(rows),
        "principles": _principles(rows),
        "progress": _progress(rows),
    }


def _company(company: str, docs: list[dict[str, Any]], rows: list[dict[str, Any]]) -> dict[str, Any]:
    scores = [r["score"] for r in rows if isinstance(r["score"], (int, float))]
    return {
        "company": company or None,
        "sessions": sum(1 for d in docs if (d.get("company") or "") == company),
        "answers": len(rows),
        "average_score": round(statistics.fmean(scores)) if scores else None,
        "timing": _timing(rows),
    }


def question_history(docs: Iterable[dict[str, Any]]) -> dict[str, QuestionHistory]:
    """What the picker needs: attempts, newest score and newest date per question id."""
    history: dict[str, QuestionHistory] = {}
    for doc in sorted(docs, key=lambda d: d.get("started_at") or ""):
        for question in doc["questions"]:
            take = newest_answer(question)
            if take is None:
                continue
            before = history.get(question["id"], QuestionHistory())
            combined = combined_of(question, take)
            score = combined["score"] if combined else take["review"].get("score")
            history[question["id"]] = QuestionHistory(
                attempts=before.attempts + 1,
                last_score=score if isinstance(score, int) else before.last_score,
                last_practised=question.get("asked_at") or doc.get("started_at"),
            )
    return history


def _timing(rows: list[dict[str, Any]]) -> dict[str, Any]:
    durations = [r["duration_s"] for r in rows if r["duration_s"] is not None]
    targets = [r["target_s"] for r in rows if r["target_s"]]
    over = sum(1 for r in rows if r["duration_s"] and r["target_s"] and r["duration_s"] > r["target_s"])
    return {
        "median_answer_s": _median(durations),
        "median_target_s": _median(targets),
        "over_target": over,
        "median_thinking_s": _median(r["thinking_s"] for r in rows),
    }


def _coverage(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Share of answers with each STAR part, overall and per session day (oldest first)."""
    by_day: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        by_day.setdefault(r["date"], []).append(r)

    def shares(group: list[dict[str, Any]]) -> dict[str, float]:
        out = {p: round(sum(r["parts"][p] for r in group) / len(group), 2) for p in PARTS}
        out["all_four"] = round(sum(all(r["parts"].values()) for r in group) / len(group), 2)
        return out

    return {
        "overall": shares(rows) if rows else None,
        "by_day": [{"date": day, "answers": len(group), **shares(group)} for day, group in by_day.items()],
    }


def _flag_counts(rows: list[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for r in rows:
        for flag in r["flags"]:
            counts[flag] = counts.get(flag, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))


def _principles(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, list[int]] = {}
    for r in rows:
        for principle in r["principles"]:
            groups.setdefault(principle, [])
            if isinstance(r["score"], (int, float)):
                groups[principle].append(r["score"])
    out = [
        {"principle": p, "answers": len(s), "average_score": round(statistics.fmean(s)) if s else None}
        for p, s in groups.items()
    ]
    return sorted(out, key=lambda d: (d["average_score"] is None, d["average_score"] or 0, d["principle"]))


def _progress(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Questions answered in more than one session: their scores in order, and the change."""
    attempts: dict[str, list[dict[str, Any]]] = {}
    for r in rows:
        attempts.setdefault(r["question"], []).append(
            {
                "session": r["session"],
                "date": r["date"],
                "score": r["score"],
                "with_follow_up": r["with_follow_up"],
            }
        )
    out = []
    for question, tries in attempts.items():
        if len(tries) < 2:
            continue
        scores = [t["score"] for t in tries if isinstance(t["score"], (int, float))]
        change = scores[-1] - scores[0] if len(scores) >= 2 else None
        out.append({"question": question, "attempts": tries, "change": change})
    return sorted(out, key=lambda d: d["question"])


def _median(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(statistics.median(present), 1) if present else None


def render(console, stats: dict[str, Any]) -> None:
    """`mockint stats` for people."""
    from rich.table import Table

    scope = f" for {stats['company']}" if stats["company"] else ""
    if not stats["answers"]:
        console.print(f"No reviewed answers yet{scope} — start with 'mockint practice'.")
        _render_next(console, stats.get("next"))
        return
    t = stats["timing"]
    console.rule(f"{stats['answers']} answers in {stats['sessions']} sessions{scope}")
    groups = stats.get("by_company") or []
    if len(groups) > 1:  # one target per profile: never one median against a mixed target
        table = Table(title="Per company (each against its own profile's target)")
        for column in (
            "company",
            "sessions",
            "answers",
            "median answer",
            "target",
            "over target",
            "avg score",
        ):
            table.add_column(column)
        for g in groups:
            gt = g["timing"]
            table.add_row(
                g["company"] or "–",
                str(g["sessions"]),
                str(g["answers"]),
                _s(gt["median_answer_s"]),
                _s(gt["median_target_s"]),
                str(gt["over_target"]),
                "–" if g["average_score"] is None else str(g["average_score"]),
            )
        console.print(table)
        console.print(f"Thinking time: median {_s(t['median_thinking_s'], 1)}")
    else:
        console.print(
            f"Answer time: median {_s(t['median_answer_s'])} against a target of {_s(t['median_target_s'])}"
            f" ({t['over_target']} over target) · thinking time: median {_s(t['median_thinking_s'], 1)}"
        )
    if stats.get("scores_with_follow_up"):
        n = stats["scores_with_follow_up"]
        console.print(
            f"Scores: {n} answer{'s' if n != 1 else ''} scored with {'their' if n != 1 else 'its'} follow-up "
            "(answer and follow-up reviewed together)"
        )
    d = stats["delivery"]
    wpm = "–" if d["median_wpm"] is None else f"{d['median_wpm']:.0f} wpm (comfortable: 130–160)"
    fpm = (
        "–" if d["median_fillers_per_minute"] is None else f"{d['median_fillers_per_minute']:.1f} per minute"
    )
    console.print(f"Pace: {wpm} · fillers: {fpm}")
    days = stats["star_coverage"]["by_day"]
    shown = (
        f"the last {COVERAGE_DAYS} days of {len(days)}; --json has all" if len(days) > COVERAGE_DAYS else ""
    )
    coverage = Table(title=f"STAR coverage (share of answers with each part{'; ' + shown if shown else ''})")
    for column in ("day", "answers", *PARTS, "all four"):
        coverage.add_column(column)
    for day in days[-COVERAGE_DAYS:]:
        coverage.add_row(
            day["date"], str(day["answers"]), *(f"{day[p]:.0%}" for p in PARTS), f"{day['all_four']:.0%}"
        )
    console.print(coverage)
    if stats["flags"]:
        console.print(
            "Most frequent flags: " + ", ".join(f"{k} ×{v}" for k, v in list(stats["flags"].items())[:5])
        )
    if stats["principles"]:
        table = Table(title="Principles practised (weakest first)")
        for column in ("principle", "answers", "average score"):
            table.add_column(column)
        for p in stats["principles"]:
            table.add_row(
                p["principle"],
                str(p["answers"]),
                "–" if p["average_score"] is None else str(p["average_score"]),
            )
        console.print(table)
    if stats["progress"]:
        table = Table(title="Progress on repeated questions")
        for column in ("question", "scores", "change"):
            table.add_column(column)
        for p in stats["progress"]:
            change = "–" if p["change"] is None else f"{p['change']:+.0f}"
            tries = " → ".join(
                f"{a['score']} (with follow-up)" if a.get("with_follow_up") else str(a["score"])
                for a in p["attempts"]
            )
            table.add_row(p["question"], tries, change)
        console.print(table)
    _render_next(console, stats.get("next"))


def _render_next(console, plan: dict[str, Any] | None) -> None:
    if not plan or not plan["steps"]:
        return
    from mockint.render.terminal import render_next_steps

    render_next_steps(console, [f"{n}. {s['text']}" for n, s in enumerate(plan["steps"], 1)])


def _s(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f} s"
