"""Progress charts as inline SVG (matplotlib, no pyplot, no display): one figure per metric.

Text stays text in the SVG (svg.fonttype "none"), so the charts are small, sharp and
searchable in the page; the drawing is deterministic (a fixed hash salt) so reports diff well.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

FIGURE_SIZE_IN = (8.0, 2.6)
DPI = 72
POINT_COLOUR = "#4a78c2"
MEAN_COLOUR = "#1d232b"
BAND_COLOUR = "#bfe6c6"
MARGINS = {"left": 0.1, "right": 0.8, "bottom": 0.2, "top": 0.88}  # of the figure
MAX_DOTS = 400  # more answers than this: a dot per day (the day's mean), so a year stays readable


@dataclass(frozen=True)
class Series:
    """One metric over time: a point per answer, the session mean drawn as a line."""

    title: str
    ylabel: str  # axis label with its unit, e.g. "words per minute"
    points: tuple[tuple[datetime, float], ...]
    band: tuple[float, float] | None = None  # the good band, shaded
    band_label: str = ""
    ymin: float | None = 0.0
    ymax: float | None = None


def line_chart(series: Series) -> str:
    """The series as an <svg> element (no XML prolog), ready to inline in HTML."""
    from matplotlib import dates as mdates
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    with rc_context({"svg.fonttype": "none", "svg.hashsalt": "mockint", "font.size": 10}):
        # Fixed margins (room for the legend on the right): constrained layout measured every
        # tick label again and cost most of the drawing time with a year of sessions.
        fig = Figure(figsize=FIGURE_SIZE_IN, dpi=DPI)
        fig.subplots_adjust(**MARGINS)
        FigureCanvasSVG(fig)
        ax = fig.add_subplot()
        if series.band:
            ax.axhspan(
                *series.band, color=BAND_COLOUR, alpha=0.6, lw=0, label=series.band_label or "good band"
            )
        dots, label = series.points, "an answer"
        if len(dots) > MAX_DOTS:
            dots, label = _day_means(dots), "a day's mean"
        xs = [t for t, _ in dots]
        ys = [v for _, v in dots]
        ax.plot(xs, ys, "o", color=POINT_COLOUR, ms=5 if label == "an answer" else 3, alpha=0.8, label=label)
        means = _session_means(series.points)
        if len(means) > MAX_DOTS:
            means = _day_means(means)
        if len(means) > 1:
            ax.plot(
                [t for t, _ in means],
                [v for _, v in means],
                "-",
                color=MEAN_COLOUR,
                lw=1.5,
                label="session mean",
            )
        ax.set_title(series.title, loc="left", fontsize=11)
        ax.set_ylabel(series.ylabel)
        ax.set_xlabel("session date")
        top = series.ymax if series.ymax is not None else max([*ys, *(series.band or ())], default=1) * 1.15
        ax.set_ylim(series.ymin, top)
        locator = mdates.AutoDateLocator(minticks=2, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        if len(set(xs)) == 1:  # one session: give the lone date some room
            ax.set_xlim(mdates.date2num(xs[0]) - 1, mdates.date2num(xs[0]) + 1)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    return _inline(out.getvalue())


def _session_means(points: Sequence[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    by_time: dict[datetime, list[float]] = {}
    for t, v in points:
        by_time.setdefault(t, []).append(v)
    return [(t, sum(vs) / len(vs)) for t, vs in sorted(by_time.items())]


def _day_means(points: Sequence[tuple[datetime, float]]) -> list[tuple[datetime, float]]:
    by_day: dict[datetime, list[float]] = {}
    for t, v in points:
        by_day.setdefault(t.replace(hour=12, minute=0, second=0, microsecond=0), []).append(v)
    return [(t, sum(vs) / len(vs)) for t, vs in sorted(by_day.items())]


def _inline(svg: str) -> str:
    """Drop the XML prolog and doctype; HTML takes the <svg> element as it is."""
    start = svg.find("<svg")
    return re.sub(r'\s(width|height)="[^"]*"', "", svg[start:], count=2) if start >= 0 else svg
