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
from mockint.review.rubric import DEFAULT_TARGET_S, TOO_SHORT_S
from mockint.store.view import STAR_PARTS, read_session

AMAZON = "amazon"
GOOD_SCORE = 70  # grid cell colours: at or above is green, below LOW_SCORE red, between amber
LOW_SCORE = 50
GRID_CELLS = 12  # attempts shown per principle: the newest; older ones are counted
TRAIL_ITEMS = 6  # scores, lengths and dates listed per repeated question before eliding


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
    from mockint.render.charts import Band, Series, company_colours, line_chart

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
    length_band, length_marks = _length_band(bank, found)
    charts = [
        Series(
            "Score",
            "score (0–100)",
            _points(found, "score"),
            band=Band(GOOD_SCORE, 100, f"{GOOD_SCORE} or more"),
            ymax=105,  # room for a 100's label
        ),
        Series(
            "Answer length",
            "seconds",
            _points(found, "duration_s"),
            band=length_band,
            marks=length_marks,
            unit=" s",
        ),
        Series(
            "Pace",
            "words per minute",
            _points(found, "wpm"),
            band=Band(wpm.good_lo, wpm.good_hi, f"{wpm.good_lo:g}–{wpm.good_hi:g} wpm"),
            unit=" wpm",
        ),
        Series(
            "Fillers",
            "fillers per minute",
            _points(found, "fillers_per_min"),
            band=Band(fillers.good_lo, fillers.good_hi, f"≤ {fillers.good_hi:g}/min, fluent"),
            unit="/min",
            decimals=1,
        ),
        Series(
            "STAR coverage",
            "STAR parts present (of 4)",
            _points(found, "star_parts"),
            band=Band(len(STAR_PARTS), len(STAR_PARTS), f"all {len(STAR_PARTS)} parts"),
            unit=f" of {len(STAR_PARTS)}",
            decimals=1,
            ymax=len(STAR_PARTS) + 0.6,
        ),
    ]
    companies = sorted({a.company for a in found})
    names = {c: bank.profiles[c].name if bank and c in bank.profiles else c for c in companies}
    colours = company_colours(companies)
    figures = "".join(
        f'<figure class="chart" data-metric="{esc(s.title)}">{line_chart(s, names, colours)}</figure>'
        for s in charts
        if s.points
    )
    body = (
        "<h2>Over time</h2><p class='small muted'>A dot per answer (the newest take of each question) "
        "in its company's colour; the line joins each session's mean, labelled with its value where "
        "there is room; the shaded band is the good range. Hover a point for its date, value and "
        "question.</p>" + figures
    )
    if bank is not None and AMAZON in bank.profiles and any(a.company == AMAZON for a in found):
        body += "<h2>Amazon Leadership Principles × attempts</h2>" + principle_grid(found, bank)
    body += "<h2>Questions practised more than once</h2>" + repeated_questions(found)
    return page("mockint — progress", head + body + _extra(extra_sections))


def principle_grid(found: Sequence[Attempt], bank: Bank, profile_id: str = AMAZON) -> str:
    """Rows: the profile's principles; cells: each attempt's score in order, oldest first (the
    newest GRID_CELLS of them, after a count of the earlier ones)."""
    principles = bank.principles_for(profile_id)
    by_principle = {
        p.id: [a for a in found if a.company == profile_id and p.id in a.principles] for p in principles
    }
    most = max((len(v) for v in by_principle.values()), default=0)
    width = min(most, GRID_CELLS)
    rows = []
    for p in principles:
        tried = by_principle[p.id]
        shown = tried[-GRID_CELLS:]
        hidden = len(tried) - len(shown)
        earlier = f"<td class='cell muted'>{f'+{hidden}' if hidden else ''}</td>" if most > GRID_CELLS else ""
        cells = "".join(
            f'<td class="cell" style="background:{_score_colour(a.score)}" '
            f'title="{esc(a.at.strftime("%Y-%m-%d"))} · {esc(a.question_text)}{_with(a)}">{_fmt(a.score)}</td>'
            for a in shown
        ) + '<td class="cell"></td>' * (width - len(shown))
        status = f"{len(tried)}" if tried else "<span class='off'>not practised</span>"
        rows.append(
            f'<tr data-principle="{esc(p.id)}"><td>{esc(p.name)}</td><td>{status}</td>{earlier}{cells}</tr>'
        )
    first = most - width + 1
    head = ("<th>earlier</th>" if most > GRID_CELLS else "") + "".join(
        f"<th>{i}</th>" for i in range(first, first + width)
    )
    missing = sum(1 for v in by_principle.values() if not v)
    newest = f" The newest {GRID_CELLS} attempts are shown." if most > GRID_CELLS else ""
    return (
        f"<p class='small muted'>Score of each attempt; green ≥ {GOOD_SCORE}, red &lt; {LOW_SCORE}. "
        f"{missing} of {len(principles)} principles not practised yet.{newest}</p>"
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
                _trail(
                    [_fmt(a.score) + (" (with follow-up)" if a.with_follow_up else "") for a in tries], " → "
                ),
                change,
                _trail([_fmt(a.duration_s) for a in tries], " → "),
                _trail([a.at.strftime("%Y-%m-%d") for a in tries], ", "),
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


def _trail(items: Sequence[str], sep: str) -> str:
    """All of them, or with many the first and the newest few around an ellipsis."""
    if len(items) <= TRAIL_ITEMS + 1:
        return sep.join(items)
    return sep.join([items[0], "…", *items[-(TRAIL_ITEMS - 1) :]])


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


def _points(found: Sequence[Attempt], field: str):
    from mockint.render.charts import Point

    return tuple(
        Point(a.at, float(getattr(a, field)), a.company, a.session_id, a.question_text)
        for a in found
        if getattr(a, field) is not None
    )


def _length_band(bank: Bank | None, found: Sequence[Attempt]):
    """45 s up to the answer target; with companies of different targets, up to the shortest,
    and a dashed line at each longer target in its company's colour."""
    from mockint.render.charts import Band, Mark

    targets = {
        a.company: bank.profiles[a.company].answer_target_s
        for a in found
        if bank is not None and a.company in bank.profiles
    }
    shortest = min(targets.values(), default=DEFAULT_TARGET_S)
    if len(set(targets.values())) <= 1:
        return Band(TOO_SHORT_S, shortest, f"{TOO_SHORT_S:g}–{shortest:g} s, the answer target"), ()
    longer: dict[float, list[str]] = {}  # target -> the companies with it
    for company, target in sorted(targets.items()):
        if target > shortest:
            longer.setdefault(target, []).append(company)
    names = {c: bank.profiles[c].name for c in targets}
    marks = tuple(
        Mark(t, f"{', '.join(names[c] for c in who)} target {t:g} s", who[0])
        for t, who in sorted(longer.items())
    )
    return Band(TOO_SHORT_S, shortest, f"{TOO_SHORT_S:g}–{shortest:g} s, within every target"), marks


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
