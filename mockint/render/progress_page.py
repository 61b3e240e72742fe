"""The progress page: every saved session's answers over time, as one offline HTML page.

Charts (score, answer length, pace, fillers per minute, STAR coverage), a principle × attempts
grid for Amazon, and the questions practised more than once with their scores over attempts.
Other features add sections through `extra_sections` (e.g. the story bank's coverage grid).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mockint.bank import Bank
from mockint.render.figures import DELIVERY_GAUGES
from mockint.render.html import esc, html_table, page
from mockint.store.view import read_session

AMAZON = "amazon"
GOOD_SCORE = 70  # grid cell colours: at or above is green, below LOW_SCORE red, between amber
LOW_SCORE = 50


@dataclass(frozen=True)
class Attempt:
    """The answer that counts for one question in one session (its newest reviewed answer take)."""

    session_id: str
    company: str
    at: datetime
    question_id: str
    question_text: str
    principles: tuple[str, ...]
    score: float | None  # with the follow-up where one was reviewed with the answer
    duration_s: float | None
    wpm: float | None
    fillers_per_min: float | None
    star_parts: int  # STAR parts present, 0-4
    with_follow_up: bool = False  # `score` is the answer + follow-up figure


@dataclass(frozen=True)
class ProgressSection:
    """A section another feature adds to the progress page. `html` must be safe HTML:
    build it with `mockint.render.session_page.esc` / `html_table`, which escape every text."""

    title: str
    html: str


def attempts(docs: Iterable[Mapping[str, Any]], bank: Bank | None = None) -> list[Attempt]:
    """Every reviewed answer across sessions (`show --json` documents), oldest first."""
    found = []
    for doc in docs:
        session = read_session(doc)
        at = _when(session.started_at)
        if at is None:
            continue
        for q in session.questions:
            take = q.counting_answer()
            if take is None or take.review is None:
                continue
            review = take.review
            score, combined = q.result()
            known = bank.questions.get(q.id) if bank else None
            found.append(
                Attempt(
                    session_id=session.id,
                    company=session.company,
                    at=at,
                    question_id=q.id,
                    question_text=q.text or (known.text if known else ""),
                    principles=q.principles or (known.principles if known else ()),
                    score=score,
                    duration_s=next(
                        (d for d in (review.speaking_s, review.duration_s, take.duration_s) if d is not None),
                        None,
                    ),
                    wpm=review.wpm,
                    fillers_per_min=review.fillers_per_min,
                    star_parts=review.parts_present,
                    with_follow_up=combined is not None,
                )
            )
    return sorted(found, key=lambda a: a.at)


def build_progress_report(
    docs: Iterable[Mapping[str, Any]],
    bank: Bank | None = None,
    *,
    extra_sections: Sequence[ProgressSection] = (),
) -> str:
    """The progress page for these sessions; `extra_sections` are appended in order."""
    from mockint.render.charts import Series, line_chart

    found = attempts(docs, bank)
    sessions = len({a.session_id for a in found})
    head = (
        f"<header><h1>Progress</h1><p class='muted'>{len(found)} answer{'s' if len(found) != 1 else ''} in {sessions} "
        f"session{'s' if sessions != 1 else ''}"
        + _date_span(found)
        + "."
        + _follow_up_note(found)
        + "</p></header>"
    )
    if not found:
        body = "<p>No reviewed answers yet: run <code>mockint practice</code>, then come back.</p>"
        return page("mockint — progress", head + body + _extra(extra_sections))

    wpm, fillers = DELIVERY_GAUGES["wpm"], DELIVERY_GAUGES["fillers"]
    charts = [
        Series("Score", "score (0–100)", _points(found, "score"), ymax=105),  # room for a 100
        Series(
            "Answer length",
            "seconds",
            _points(found, "duration_s"),
            band=_length_band(bank, found),
            band_label="45 s to the target",
        ),
        Series(
            "Pace",
            "words per minute",
            _points(found, "wpm"),
            band=(wpm.good_lo, wpm.good_hi),
            band_label=f"{wpm.good_lo:g}–{wpm.good_hi:g} wpm",
        ),
        Series(
            "Fillers",
            "fillers per minute",
            _points(found, "fillers_per_min"),
            band=(fillers.good_lo, fillers.good_hi),
            band_label=f"≤ {fillers.good_hi:g}/min fluent",
        ),
        Series("STAR coverage", "STAR parts present (of 4)", _points(found, "star_parts"), ymax=4.3),
    ]
    figures = "".join(
        f'<figure class="chart" data-metric="{esc(s.title)}">{line_chart(s)}</figure>'
        for s in charts
        if s.points
    )
    body = (
        "<h2>Over time</h2><p class='small muted'>A dot per answer (the newest take of each question), "
        "the line is each session's mean; the shaded band is the good range.</p>" + figures
    )
    if bank is not None and AMAZON in bank.profiles and any(a.company == AMAZON for a in found):
        body += "<h2>Amazon Leadership Principles × attempts</h2>" + principle_grid(found, bank)
    body += "<h2>Questions practised more than once</h2>" + repeated_questions(found)
    return page("mockint — progress", head + body + _extra(extra_sections))


def principle_grid(found: Sequence[Attempt], bank: Bank, profile_id: str = AMAZON) -> str:
    """Rows: the profile's principles; cells: each attempt's score in order, oldest first."""
    principles = bank.principles_for(profile_id)
    by_principle = {
        p.id: [a for a in found if a.company == profile_id and p.id in a.principles] for p in principles
    }
    width = max((len(v) for v in by_principle.values()), default=0)
    rows = []
    for p in principles:
        tried = by_principle[p.id]
        cells = "".join(
            f'<td class="cell" style="background:{_score_colour(a.score)}" '
            f'title="{esc(a.at.strftime("%Y-%m-%d"))} · {esc(a.question_text)}{_with(a)}">{_fmt(a.score)}</td>'
            for a in tried
        ) + '<td class="cell"></td>' * (width - len(tried))
        status = f"{len(tried)}" if tried else "<span class='off'>not practised</span>"
        rows.append(f'<tr data-principle="{esc(p.id)}"><td>{esc(p.name)}</td><td>{status}</td>{cells}</tr>')
    head = "".join(f"<th>{i}</th>" for i in range(1, width + 1))
    missing = sum(1 for v in by_principle.values() if not v)
    return (
        f"<p class='small muted'>Score of each attempt; green ≥ {GOOD_SCORE}, red &lt; {LOW_SCORE}. "
        f"{missing} of {len(principles)} principles not practised yet.</p>"
        f'<table class="grid"><thead><tr><th>Principle</th><th>Attempts</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def repeated_questions(found: Sequence[Attempt]) -> str:
    by_question: dict[str, list[Attempt]] = {}
    for a in found:
        by_question.setdefault(a.question_id, []).append(a)
    rows = []
    for qid, tries in sorted(by_question.items(), key=lambda kv: -len(kv[1])):
        if len(tries) < 2:
            continue
        scores = [a.score for a in tries]
        change = f"{scores[-1] - scores[0]:+.0f}" if scores[0] is not None and scores[-1] is not None else "–"
        rows.append(
            (
                tries[-1].question_text or qid,
                len(tries),
                " → ".join(_fmt(a.score) + (" (with follow-up)" if a.with_follow_up else "") for a in tries),
                change,
                " → ".join(_fmt(a.duration_s) for a in tries),
                ", ".join(a.at.strftime("%Y-%m-%d") for a in tries),
            )
        )
    if not rows:
        return "<p class='muted'>No question practised twice yet.</p>"
    return html_table(
        ("Question", "Attempts", "Score", "Change", "Length (s)", "Dates"), rows, cls="repeated"
    )


def _follow_up_note(found: Sequence[Attempt]) -> str:
    n = sum(1 for a in found if a.with_follow_up and a.score is not None)
    if not n:
        return ""
    return f" {n} score{'s are' if n != 1 else ' is'} the answer with its follow-up (reviewed together)."


def _with(a: Attempt) -> str:
    return " · score with follow-up" if a.with_follow_up else ""


def _date_span(found: Sequence[Attempt]) -> str:
    if not found:
        return ""
    first, last = f"{found[0].at:%Y-%m-%d}", f"{found[-1].at:%Y-%m-%d}"
    return f", {first}" if first == last else f", {first} to {last}"


def plan_section(plan) -> ProgressSection:
    """The plan for next time (mockint.plan.NextPlan), the page's last section."""
    items = "".join(f"<li>{esc(step.text)}</li>" for step in plan.steps)
    return ProgressSection(
        "Next time, practise",
        f"<ol class='plan'>{items}</ol><p class='small muted'>A plain <code>mockint practice --company "
        f"{esc(plan.profile)}</code> asks these principles first.</p>",
    )


def _extra(sections: Sequence[ProgressSection]) -> str:
    return "".join(f"<section class='extra'><h2>{esc(s.title)}</h2>{s.html}</section>" for s in sections)


def _points(found: Sequence[Attempt], field: str) -> tuple[tuple[datetime, float], ...]:
    return tuple((a.at, float(getattr(a, field))) for a in found if getattr(a, field) is not None)


def _length_band(bank: Bank | None, found: Sequence[Attempt]) -> tuple[float, float] | None:
    companies = {a.company for a in found}
    if bank is None or len(companies) != 1 or next(iter(companies)) not in bank.profiles:
        return None  # targets differ between companies: no single band
    return (45.0, bank.profiles[next(iter(companies))].answer_target_s)


def _score_colour(score: float | None) -> str:
    if score is None:
        return "#eee"
    return "#bfe6c6" if score >= GOOD_SCORE else "#ffe3a8" if score >= LOW_SCORE else "#f5c2bd"


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _when(value: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value)
        return moment if moment.tzinfo else moment.astimezone()  # naive: the machine's local time
    except (ValueError, OverflowError):  # not a time, or one at the calendar's very edge
        return None
