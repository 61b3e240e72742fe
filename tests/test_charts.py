"""The progress page's charts: a colour per company with a legend, a good band on every chart,
values on the session means and hover titles, readable at a year of sessions."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.render.charts import MAX_DOTS, PALETTE, Band, Point, Series, line_chart
from mockint.render.progress_page import build_progress_report

SVG = "{http://www.w3.org/2000/svg}"
METRICS = ("Score", "Answer length", "Pace", "Fillers", "STAR coverage")
BANK = load_bank(bundled_bank_dir())


def _doc(session_id: str, company: str, day: str, scores: list[int], seconds: float = 100.0) -> dict:
    def take(score: int) -> dict:
        return {
            "kind": "answer",
            "duration_s": seconds,
            "review": {
                "score": score,
                "components": {p: {"present": True} for p in ("situation", "task", "action", "result")},
                "delivery": {"duration_s": seconds, "wpm": 140.0, "fillers": {"per_minute": 2.0}},
            },
        }

    return {
        "id": session_id,
        "company": company,
        "started_at": f"{day}T10:00:00+00:00",
        "questions": [
            {"id": f"{company}-q{i}", "text": f"Question {i} of {company}", "takes": [take(s)]}
            for i, s in enumerate(scores)
        ],
    }


def _charts(html: str) -> dict[str, ET.Element]:
    """Each chart's SVG, parsed as XML (so it is well formed), by metric."""
    found = re.findall(r'<figure class="chart" data-metric="([^"]+)">(.*?)</figure>', html, re.S)
    return {metric: ET.fromstring(svg) for metric, svg in found}


def _legend(svg: ET.Element) -> dict[str, str]:
    """Legend text -> the colour of its swatch (circle or band)."""
    out = {}
    for g in svg.iter(f"{SVG}g"):
        if g.get("class") == "legend":
            swatch = g.find(f"{SVG}circle")
            if swatch is None:
                swatch = g.find(f"{SVG}rect")
            out["".join(g.find(f"{SVG}text").itertext())] = swatch.get("fill") or swatch.get("stroke")
    return out


def _of(svg: ET.Element, tag: str, cls: str) -> list[ET.Element]:
    return [e for e in svg.iter(f"{SVG}{tag}") if e.get("class") == cls]


@pytest.fixture(scope="module")
def two_companies() -> dict[str, ET.Element]:
    docs = [
        _doc("s1", "amazon", "2026-11-01", [40, 60]),
        _doc("s2", "jpmc", "2026-11-03", [72]),
        _doc("s3", "amazon", "2026-11-08", [80, 90]),
    ]
    return _charts(build_progress_report(docs, BANK))


def test_each_company_has_its_colour_and_a_legend_entry_on_every_chart(two_companies):
    assert list(two_companies) == list(METRICS)
    for metric, svg in two_companies.items():
        legend = _legend(svg)
        amazon, jpmc = legend["Amazon"], legend["JPMorgan Chase"]
        assert amazon != jpmc and {amazon, jpmc} <= set(PALETTE), metric
        dots = {d.find(f"{SVG}title").text: d.get("fill") for d in _of(svg, "circle", "dot")}
        assert len(dots) == 5  # an answer each
        assert {t.split(" · ")[0]: c for t, c in dots.items()} == {"Amazon": amazon, "JPMorgan Chase": jpmc}


def test_every_chart_shades_its_good_band_and_names_it(two_companies):
    expected = {
        "Score": "good: 70 or more",
        "Answer length": "good: 45–90 s, within every target",  # JPMC's 90 s is the shorter
        "Pace": "good: 130–160 wpm",
        "Fillers": "good: ≤ 1.2/min, fluent",
        "STAR coverage": "good: all 4 parts",
    }
    for metric, svg in two_companies.items():
        assert len(_of(svg, "rect", "band")) == 1, metric
        assert expected[metric] in _legend(svg), metric
    # Amazon's longer target is its own dashed line, in Amazon's colour
    length = two_companies["Answer length"]
    (mark,) = _of(length, "line", "mark")
    assert mark.get("stroke") == _legend(length)["Amazon"]
    assert "Amazon target 120 s" in "".join(length.itertext())


def test_session_means_carry_their_value_and_points_their_date(two_companies):
    score = two_companies["Score"]
    labels = sorted(t.text for t in _of(score, "text", "value"))
    assert labels == ["50", "72", "85"]  # each session's mean score
    means = [c.find(f"{SVG}title").text for c in _of(score, "circle", "mean")]
    assert "Amazon · 2026-11-08 10:00 · session mean 85 (2 answers)" in means
    dots = [c.find(f"{SVG}title").text for c in _of(score, "circle", "dot")]
    assert "JPMorgan Chase · 2026-11-03 10:00 · Question 0 of jpmc · 72" in dots


def test_a_value_label_that_would_overlap_another_is_left_out():
    at = datetime(2026, 11, 1, 10, tzinfo=timezone.utc)
    points = (
        Point(at, 60, "a", "s1"),
        Point(at, 61, "b", "s2"),
        Point(at + timedelta(days=9), 30, "a", "s3"),
    )
    svg = ET.fromstring(
        line_chart(Series("Score", "score", points, Band(70, 100, "70+")), {}, {"a": "#111", "b": "#222"})
    )
    labels = sorted(t.text for t in _of(svg, "text", "value"))
    assert labels in (["30", "60"], ["30", "61"])  # 60 and 61 would print on top of each other


def test_a_year_of_sessions_becomes_weekly_means_with_month_ticks():
    start = datetime(2026, 1, 1, 10, tzinfo=timezone.utc)
    points = tuple(
        Point(start + timedelta(days=d), 50 + d % 30, company, f"{company}-{d}")
        for d in range(365)
        for company in ("amazon", "meta")
        for _ in range(3)  # three answers a session
    )
    svg = ET.fromstring(
        line_chart(
            Series("Score", "score", points, Band(70, 100, "70+")), {}, {"amazon": "#111", "meta": "#222"}
        )
    )
    dots, means = _of(svg, "circle", "dot"), _of(svg, "circle", "mean")
    assert 100 <= len(dots) <= MAX_DOTS and len(means) == len(dots)
    assert all(" · week of 20" in d.find(f"{SVG}title").text for d in dots)
    ticks = [" ".join(t.itertext()) for t in svg.iter(f"{SVG}text") if t.find(f"{SVG}tspan") is not None]
    assert ticks == ["Jan 2026", "Jan 2027"]  # the year under the first tick and where it changes
    months = [t.text for t in svg.iter(f"{SVG}text") if t.text in ("Jan", "Mar", "May", "Jul", "Sep", "Nov")]
    assert months == ["Jan", "Mar", "May", "Jul", "Sep", "Nov", "Jan"]
