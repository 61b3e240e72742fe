"""Progress charts as inline SVG, written directly: one chart per metric, a colour per company.

Each chart has a legend (companies, the session-mean line, the good band), the good band
shaded, a dot per answer with a hover title (company, date, value, question) and each
session's mean as a line per company, its points labelled with their value where the labels
fit. With more dots than MAX_DOTS, dots become day, week or month means, so a year stays
readable and the page small.

Why not a plotting library: what these charts draw is a few element kinds, and per-point
hover titles are native SVG; matplotlib took about 1 s to import and 0.3 s a chart at 1,000
sessions, most of the progress page's time budget. Text stays text, so it is searchable and
sharp; the output is deterministic, so pages diff well.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from mockint.render.html import esc

# Okabe–Ito: tells apart with the common colour-vision deficiencies; one per company in order.
PALETTE = ("#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f")
INK, MUTED, GRID = "#1d232b", "#5b6672", "#e3e7eb"
BAND_COLOUR = "#bfe6c6"  # the gauges' good band on the session page
WIDTH = 800  # viewBox units; the page scales the chart to its column
LEFT, RIGHT = 62, 785  # plot area, x
PLOT_H = 170
FONT_PX = 11
CHAR_PX = 6.4  # an average character at FONT_PX, for laying out the legend and labels
LABEL_GAP_PX = 4  # clear space kept on each side of a value label
MIN_BAND_PX = 6  # a band of one value (all 4 STAR parts) is still seen
MAX_DOTS = 400  # more than this: means per day, then week, then month
MAX_X_TICKS = 8


@dataclass(frozen=True)
class Point:
    """One answer's figure."""

    at: datetime
    value: float
    group: str  # the company: its colour
    session: str  # the session id: a session's points make one mean on the line
    note: str = ""  # shown on hover, e.g. the question


@dataclass(frozen=True)
class Band:
    """The good range, shaded; lo == hi draws a thin strip at that value."""

    lo: float
    hi: float
    label: str


@dataclass(frozen=True)
class Mark:
    """A dashed line in one company's colour, e.g. its own answer target."""

    value: float
    label: str
    group: str


@dataclass(frozen=True)
class Series:
    title: str
    ylabel: str  # axis label with its unit, e.g. "words per minute"
    points: tuple[Point, ...]
    band: Band | None = None
    marks: tuple[Mark, ...] = ()
    unit: str = ""  # after a value on hover, e.g. " wpm"
    decimals: int = 0
    ymin: float = 0.0
    ymax: float | None = None


@dataclass(frozen=True)
class _Mean:
    group: str
    at: datetime
    value: float
    count: int
    span: str  # what it covers, for the hover title ("2026-11-08 10:00", "week of 2026-11-02")


def company_colours(groups: Sequence[str]) -> dict[str, str]:
    """A colour per company, in the order given (repeating after the palette's end)."""
    return {g: PALETTE[i % len(PALETTE)] for i, g in enumerate(dict.fromkeys(groups))}


def line_chart(series: Series, names: Mapping[str, str], colours: Mapping[str, str]) -> str:
    """The series as an <svg> element, ready to inline in HTML; `names`/`colours` by company."""
    groups = [g for g in colours if any(p.group == g for p in series.points)]
    legend, legend_h = _legend(series, groups, names, colours)
    top = 34 + legend_h  # the title's row, the legend's rows, a gap
    bottom = top + PLOT_H
    height = bottom + 44
    dots, dot_kind = _means(series.points, _DOT_LEVELS)
    means, mean_kind = _means(series.points, _LINE_LEVELS)
    x = _TimeAxis.over([p.at for p in series.points])
    values = [p.value for p in series.points]
    lims = [*(series.band and (series.band.lo, series.band.hi) or ()), *(m.value for m in series.marks)]
    ymax = series.ymax if series.ymax is not None else _nice_top(max([*values, *lims], default=1) * 1.12)
    ticks = _y_ticks(series.ymin, ymax)

    def y(v: float) -> float:
        return bottom - (v - series.ymin) / (ymax - series.ymin) * PLOT_H

    def px(t: datetime) -> float:
        return LEFT + x(t) * (RIGHT - LEFT)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" '
        f'height="{height}" style="width:100%;height:auto" role="img" aria-label="{esc(series.title)}" font-size="{FONT_PX}" '
        f'fill="{INK}">',
        f'<text x="8" y="18" font-size="14" font-weight="600">{esc(series.title)}</text>',
        legend,
    ]
    if series.band:
        y_hi, y_lo = y(min(series.band.hi, ymax)), y(max(series.band.lo, series.ymin))
        if y_lo - y_hi < MIN_BAND_PX:
            mid = (y_lo + y_hi) / 2
            y_hi, y_lo = mid - MIN_BAND_PX / 2, mid + MIN_BAND_PX / 2
        out.append(
            f'<rect class="band" x="{LEFT}" y="{y_hi:.1f}" width="{RIGHT - LEFT}" height="{y_lo - y_hi:.1f}" '
            f'fill="{BAND_COLOUR}"><title>good: {esc(series.band.label)}</title></rect>'
        )
    for v in ticks:
        out.append(
            f'<line x1="{LEFT}" x2="{RIGHT}" y1="{y(v):.1f}" y2="{y(v):.1f}" stroke="{GRID}"/>'
            f'<text x="{LEFT - 6}" y="{y(v) + 4:.1f}" text-anchor="end" fill="{MUTED}">{_num(v)}</text>'
        )
    taken = []  # label boxes: value labels keep clear of the marks' labels
    for mark in series.marks:
        colour = colours.get(mark.group, MUTED)
        taken.append((RIGHT - len(mark.label) * CHAR_PX, y(mark.value) - 4 - FONT_PX, RIGHT, y(mark.value)))
        out.append(
            f'<line class="mark" x1="{LEFT}" x2="{RIGHT}" y1="{y(mark.value):.1f}" y2="{y(mark.value):.1f}" '
            f'stroke="{colour}" stroke-dasharray="6 4"/><text x="{RIGHT}" y="{y(mark.value) - 4:.1f}" '
            f'text-anchor="end" fill="{colour}">{esc(mark.label)}</text>'
        )
    for tick, label, year in x.ticks():
        tx = LEFT + tick * (RIGHT - LEFT)
        out.append(
            f'<line x1="{tx:.1f}" x2="{tx:.1f}" y1="{bottom}" y2="{bottom + 4}" stroke="{MUTED}"/>'
            f'<text x="{tx:.1f}" y="{bottom + 16}" text-anchor="middle" fill="{MUTED}">{esc(label)}'
            + (f'<tspan x="{tx:.1f}" dy="12">{year}</tspan>' if year else "")
            + "</text>"
        )
    fmt = f"{{:.{series.decimals}f}}"
    for d in dots:
        what = f"{dot_kind} · " if d.count > 1 else ""
        out.append(
            f'<circle class="dot" cx="{px(d.at):.1f}" cy="{y(d.value):.1f}" r="3.5" fill="{colours[d.group]}" '
            f'fill-opacity="0.55"><title>{esc(names.get(d.group, d.group))} · {esc(d.span)} · {what}'
            f"{fmt.format(d.value)}{esc(series.unit)}{_count(d.count, 'answer') if d.count > 1 else ''}"
            f"</title></circle>"
        )
    out += _mean_lines(means, mean_kind, px, y, fmt, series.unit, names, colours, bottom - PLOT_H, taken)
    out.append(
        f'<line x1="{LEFT}" x2="{RIGHT}" y1="{bottom}" y2="{bottom}" stroke="{MUTED}"/>'
        f'<line x1="{LEFT}" x2="{LEFT}" y1="{bottom - PLOT_H}" y2="{bottom}" stroke="{MUTED}"/>'
        f'<text x="{(LEFT + RIGHT) / 2:.0f}" y="{height - 4}" text-anchor="middle" fill="{MUTED}">'
        f"session date</text>"
        f'<text transform="translate(14 {bottom - PLOT_H / 2:.0f}) rotate(-90)" text-anchor="middle" '
        f'fill="{MUTED}">{esc(series.ylabel)}</text></svg>'
    )
    return "".join(out)


def _mean_lines(means, kind, px, y, fmt, unit, names, colours, plot_top, taken) -> list[str]:
    out, placed = [], list(taken)
    for group in dict.fromkeys(m.group for m in means):
        mine = [m for m in means if m.group == group]
        colour = colours[group]
        if len(mine) > 1:
            pts = " ".join(f"{px(m.at):.1f},{y(m.value):.1f}" for m in mine)
            out.append(f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="1.8"/>')
        for m in mine:
            out.append(
                f'<circle class="mean" cx="{px(m.at):.1f}" cy="{y(m.value):.1f}" r="2.8" fill="#fff" '
                f'stroke="{colour}" stroke-width="1.5"><title>{esc(names.get(group, group))} · {esc(m.span)} · '
                f"{kind} {fmt.format(m.value)}{esc(unit)}{_count(m.count, 'answer')}</title></circle>"
            )
    # Value labels above right of their point (left at the right edge), newest first, where
    # they overlap no other label: the answer dots share the point's x, so the right is clear.
    for m in sorted(means, key=lambda m: m.at, reverse=True):
        text = fmt.format(m.value)
        w, cx, cy = len(text) * CHAR_PX, px(m.at), y(m.value) - 4  # just above the line
        left = cx + 6 + w > WIDTH - 2
        x0 = cx - 6 - w if left else cx + 6
        box = (x0 - LABEL_GAP_PX, cy - FONT_PX + 1, x0 + w + LABEL_GAP_PX, cy + 1)
        if box[1] < plot_top - 12 or any(_overlap(box, b) for b in placed):
            continue
        placed.append(box)
        out.append(
            f'<text class="value" x="{cx - 6 if left else cx + 6:.1f}" y="{cy:.1f}" '
            f'text-anchor="{"end" if left else "start"}" fill="{colours[m.group]}">{text}</text>'
        )
    return out


def _legend(series, groups, names, colours) -> tuple[str, int]:
    items: list[tuple[float, str]] = []  # (width, svg at x=0, y=0)
    for g in groups:
        name = esc(names.get(g, g))
        items.append(
            (
                14 + len(names.get(g, g)) * CHAR_PX,
                f'<circle cx="4" cy="-4" r="4" fill="{colours[g]}"/><text x="12" y="0">{name}</text>',
            )
        )
    items.append(
        (
            30 + 12 * CHAR_PX,
            f'<line x1="0" x2="18" y1="-4" y2="-4" stroke="{MUTED}" stroke-width="1.8"/><circle cx="9" cy="-4" '
            f'r="2.8" fill="#fff" stroke="{MUTED}" stroke-width="1.5"/><text x="24" y="0">session mean</text>',
        )
    )
    if series.band:
        label = f"good: {series.band.label}"
        items.append(
            (
                20 + len(label) * CHAR_PX,
                f'<rect x="0" y="-9" width="14" height="10" fill="{BAND_COLOUR}"/>'
                f'<text x="18" y="0">{esc(label)}</text>',
            )
        )
    out, x, row = [], 8.0, 0
    for width, svg in items:
        if x + width > WIDTH - 8 and x > 8:
            x, row = 8.0, row + 1
        out.append(f'<g class="legend" transform="translate({x:.0f} {40 + row * 16})">{svg}</g>')
        x += width + 16
    return "".join(out), 16 * (row + 1)


# ------------------------------------------------------------------ means at a readable density


def _week(t: datetime) -> date:
    return t.date() - timedelta(days=t.weekday())


_DOT_LEVELS: tuple[tuple[str, Callable[[Point], object], Callable[[Point], str]], ...] = (
    ("an answer", id, lambda p: f"{p.at:%Y-%m-%d %H:%M} · {p.note}" if p.note else f"{p.at:%Y-%m-%d %H:%M}"),
    ("day's mean", lambda p: p.at.date(), lambda p: f"{p.at:%Y-%m-%d}"),
    ("week's mean", lambda p: _week(p.at), lambda p: f"week of {_week(p.at):%Y-%m-%d}"),
    ("month's mean", lambda p: (p.at.year, p.at.month), lambda p: f"{p.at:%B %Y}"),
)
_LINE_LEVELS = (("session mean", lambda p: p.session, lambda p: f"{p.at:%Y-%m-%d %H:%M}"), *_DOT_LEVELS[1:])


def _means(points: Sequence[Point], levels) -> tuple[list[_Mean], str]:
    """Means per (company, key) at the finest level that gives at most MAX_DOTS, oldest first."""
    for n, (kind, key, span) in enumerate(levels):
        groups: dict[tuple[str, object], list[Point]] = {}
        for p in points:
            groups.setdefault((p.group, key(p)), []).append(p)
        if len(groups) <= MAX_DOTS or n == len(levels) - 1:
            return sorted((_mean(g, pts, span) for (g, _), pts in groups.items()), key=lambda m: m.at), kind
    raise ValueError("no levels")


def _mean(group: str, pts: Sequence[Point], span: Callable[[Point], str]) -> _Mean:
    first = min(p.at for p in pts)
    at = first + sum((p.at - first for p in pts), timedelta()) / len(pts)
    return _Mean(group, at, sum(p.value for p in pts) / len(pts), len(pts), span(pts[0]))


# ------------------------------------------------------------------ scales and ticks


@dataclass(frozen=True)
class _TimeAxis:
    """Time across the plot (0..1), with a little room at both ends (a day for one session)."""

    lo: datetime
    hi: datetime

    @classmethod
    def over(cls, times: Sequence[datetime]) -> _TimeAxis:
        lo, hi = min(times), max(times)
        pad = max((hi - lo) * 0.03, timedelta(hours=12) if hi - lo < timedelta(days=1) else timedelta())
        return cls(lo - pad, hi + pad)

    def __call__(self, t: datetime) -> float:
        return (t - self.lo) / (self.hi - self.lo)

    def ticks(self) -> list[tuple[float, str, str]]:
        """(position, label, year line) at whole days, weeks or months; the year where it starts
        or changes. Days are the first point's time zone's."""
        lo, hi, tz = self.lo, self.hi, self.lo.tzinfo
        start = datetime.combine(lo.date(), datetime.min.time(), tz)
        for days in (1, 2, 3, 7, 14):
            ticks = [start + timedelta(days=days * i) for i in range((hi - start).days // days + 2)]
            ticks = [t for t in ticks if lo <= t <= hi]
            if len(ticks) <= MAX_X_TICKS:
                return self._labelled(ticks, "%b %-d")
        for months in (1, 2, 3, 6, 12, 24, 60):
            firsts = [datetime(y, m, 1, tzinfo=tz) for y in range(lo.year, hi.year + 1) for m in range(1, 13)]
            ticks = [t for t in firsts if lo <= t <= hi and (t.year * 12 + t.month - 1) % months == 0]
            if len(ticks) <= MAX_X_TICKS:
                return self._labelled(ticks, "%b")
        return []

    def _labelled(self, ticks: Sequence[datetime], fmt: str) -> list[tuple[float, str, str]]:
        out, year = [], None
        for t in ticks:
            out.append((self(t), t.strftime(fmt), str(t.year) if t.year != year else ""))
            year = t.year
        return out


def _nice_step(span: float) -> float:
    """A round tick step giving about five ticks over `span`."""
    raw = span / 5 if span > 0 else 1.0
    mag = 10.0 ** math.floor(math.log10(raw))
    return next((m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw), 10 * mag)


def _nice_top(value: float) -> float:
    step = _nice_step(value)
    return max(step, -(-value // step) * step)


def _y_ticks(lo: float, hi: float) -> list[float]:
    step = _nice_step(hi - lo)
    n = int((hi - lo) / step + 1e-9)
    return [lo + i * step for i in range(n + 1)]


def _num(v: float) -> str:
    return f"{v:g}"


def _count(n: int, what: str) -> str:
    return f" ({n} {what}{'s' if n != 1 else ''})"


def _overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
