"""A take's figures on the session page: seconds per STAR part against the profile's target
(a timeline), and delivery figures drawn against their bands (gauges)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mockint.bank import Profile
from mockint.render.html import COLOURS, esc
from mockint.review.rubric import DEFAULT_TARGET_S, TOO_SHORT_S
from mockint.store.view import STAR_PARTS, ReviewView, TakeView

# Target share of the answer's seconds per part, from the review rubric (issue 5): setup
# (Situation + Task) under ~35% of the answer, Action ~50-60%, Result at least 10%.
TARGET_SHARE = {"situation": 0.20, "task": 0.10, "action": 0.55, "result": 0.15}


@dataclass(frozen=True)
class Gauge:
    """A delivery figure drawn against its band: green inside [good_lo, good_hi]."""

    label: str
    unit: str
    scale_max: float  # right end of the drawn scale
    good_lo: float
    good_hi: float
    note: str  # the band in words, shown beside the figure


DELIVERY_GAUGES = {
    "wpm": Gauge("Pace", "words/min", 240, 130, 160, "130–160 comfortable; under 110 or over 180 is flagged"),
    "fillers": Gauge("Fillers", "per min", 8, 0, 1.2, "about 1.2/min reads fluent, 4.8/min hesitant"),
    "long_pauses": Gauge("Long pauses", "over 3 s", 6, 0, 1, "one at most; pause to think before you start"),
    "thinking_s": Gauge("Thinking time", "s", 20, 0, 5, "a few seconds is fine; say you are thinking"),
}


def part_seconds(review: ReviewView) -> dict[str, float] | None:
    """Seconds per STAR part from the review, or None for typed text (no timing)."""
    if all(review.seconds.get(p) is None for p in STAR_PARTS):
        return None
    return {p: max(0.0, review.seconds.get(p) or 0.0) for p in STAR_PARTS}


def timeline_html(take: TakeView, review: ReviewView, target_s: float) -> str:
    """Two bars on one seconds scale: this take's seconds per part, and the target's."""
    seconds = part_seconds(review)
    if seconds is None:
        return '<p class="small muted">Typed answer: no timing.</p>'
    duration = max(take.duration_s or 0.0, 0.0) or sum(seconds.values())
    other = max(0.0, duration - sum(seconds.values()))
    target = {p: TARGET_SHARE[p] * target_s for p in STAR_PARTS}
    scale = max(duration, sum(seconds.values()), 1.0 if take.is_follow_up else target_s)

    def bar(parts: Mapping[str, float], what: str) -> str:
        cells = "".join(
            f'<div class="part-{p}" data-seconds="{s:.1f}" style="width:{100 * s / scale:.2f}%;'
            f'background:{COLOURS[p]}" title="{what}: {p} {s:.0f} s">{p[0].upper()} {s:.0f} s</div>'
            for p, s in parts.items()
            if s > 0
        )
        return f'<div class="bar">{cells}</div>'

    mine = dict(seconds, other=other) if other >= 0.5 else seconds
    if take.is_follow_up:  # a probe for one gap: no whole-answer target
        return (
            f'<table class="bars small"><tbody><tr><td>This take</td><td>{bar(mine, "this take")}</td></tr>'
            f'</tbody></table><p class="small muted">Seconds per STAR part; this follow-up: {duration:.0f} s.</p>'
        )
    return (
        '<table class="bars small"><tbody>'
        f"<tr><td>This take</td><td>{bar(mine, 'this take')}</td></tr>"
        f"<tr><td>Target</td><td>{bar(target, 'target')}</td></tr>"
        f'</tbody></table><p class="small muted">Seconds per STAR part; the target splits the '
        f"{target_s:.0f} s answer target as Situation 20%, Task 10%, Action 55%, Result 15%. "
        f"This take: {duration:.0f} s.</p>"
    )


def _gauge_row(gauge: Gauge, value: float | None, shown: str) -> str:
    if value is None:
        return f"<tr><td>{esc(gauge.label)}</td><td>–</td><td></td><td class='small muted'>{esc(gauge.note)}</td></tr>"
    ok = gauge.good_lo <= value <= gauge.good_hi
    pos = min(max(value / gauge.scale_max, 0.0), 1.0) * 100
    lo, hi = gauge.good_lo / gauge.scale_max * 100, min(gauge.good_hi / gauge.scale_max, 1.0) * 100
    drawn = (
        f'<div class="gauge" title="band {gauge.good_lo:g}–{gauge.good_hi:g} {esc(gauge.unit)}">'
        f'<div class="band" style="left:{lo:.1f}%;width:{hi - lo:.1f}%"></div>'
        f'<div class="mark" style="left:calc({pos:.1f}% - 1px)"></div></div>'
    )
    verdict = "in band" if ok else ("high" if value > gauge.good_hi else "low")
    return (
        f"<tr><td>{esc(gauge.label)}</td><td class='{'ok' if ok else 'off'}'>{esc(shown)} "
        f"<span class='small'>({verdict})</span></td><td>{drawn}</td>"
        f"<td class='small muted'>{esc(gauge.note)}</td></tr>"
    )


def answer_targets(take: TakeView, profile: Profile | None) -> tuple[float, float]:
    """(target, limit) seconds of the take: as saved with it (a question may override the
    profile), else the profile's, else mockint's defaults."""
    target = take.target_s or (profile.answer_target_s if profile else DEFAULT_TARGET_S)
    limit = take.limit_s or (profile.answer_limit_s if profile else DEFAULT_TARGET_S * 1.5)
    return target, limit


def delivery_html(take: TakeView, review: ReviewView, profile: Profile | None) -> str:
    target, limit = answer_targets(take, profile)
    if take.is_follow_up:  # short by design: anything under the limit is fine
        length = Gauge("Length", "s", limit * 1.2, 0, limit, f"a follow-up; recording stops at {limit:.0f} s")
    else:
        length = Gauge(
            "Length",
            "s",
            limit * 1.2,
            TOO_SHORT_S,
            target,
            f"{TOO_SHORT_S:.0f} s to the {target:.0f} s target; recording stops at {limit:.0f} s",
        )
    count = "" if review.fillers_count is None else f" ({review.fillers_count})"
    # speaking time (first word to last), the figure the flags and tips use; the take's length without it
    # (whole seconds, as printed, is what the band is judged on)
    spoken = review.speaking_s if review.speaking_s is not None else review.duration_s
    spoken = None if spoken is None else float(round(spoken))
    rows = [
        _gauge_row(length, spoken, f"{spoken or 0:.0f} s"),
        _gauge_row(DELIVERY_GAUGES["wpm"], review.wpm, f"{review.wpm or 0:.0f} words/min"),
        _gauge_row(
            DELIVERY_GAUGES["fillers"],
            review.fillers_per_min,
            f"{review.fillers_per_min or 0:.1f}/min{count}",
        ),
        _gauge_row(DELIVERY_GAUGES["long_pauses"], review.long_pauses, f"{review.long_pauses or 0}"),
        _gauge_row(DELIVERY_GAUGES["thinking_s"], review.thinking_s, f"{review.thinking_s or 0:.1f} s"),
    ]
    by_word = ", ".join(f"{esc(w)} ×{n}" for w, n in sorted(review.fillers_by_word.items()))
    ownership = (
        f"<tr><td>“I” / “we”</td><td>{fmt(review.i_count)} / {fmt(review.we_count)}</td>"
        "<td></td><td class='small muted'>say what you did: “I”, not “we”</td></tr>"
    )
    extra = f"<p class='small muted'>Fillers: {by_word}</p>" if by_word else ""
    return (
        "<table class='delivery'><thead><tr><th>Delivery</th><th>This take</th><th>Band</th><th></th>"
        f"</tr></thead><tbody>{''.join(rows)}{ownership}</tbody></table>{extra}"
    )


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"
