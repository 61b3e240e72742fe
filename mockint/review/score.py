"""The 0–100 score: the rubric's items with their points, the caps, and the README's table of
them — formatted from these constants, so the page and the code cannot disagree
(tests/test_docs.py compares them)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from mockint.review.delivery import TOO_FAST_WPM, TOO_SLOW_WPM
from mockint.review.rubric import (
    ACTION_SHARE_LOW,
    LONG_SETUP_SHARE,
    RESULT_SHARE_MIN,
    TOO_SHORT_S,
    Facts,
    _pct,
    never_mentions,
)

NOT_A_STORY_CAP = 30  # the score can't exceed this for an answer that tells no story
OFF_TOPIC_CAP = 40
CUT_AT_LIMIT_CAP = 45  # the limit stopped the story before its end
NO_RESULT_CAP = 45  # a story without its outcome is not a finished answer (as one the limit cut)
WE_ONLY_CAP = 50  # the actions are told in "we": the interviewer cannot tell what you did
HEAVY_PENALTY = 25  # no result, cut at the limit or "we" only costs at least this many points


@dataclass(frozen=True)
class Points:
    item: str
    points: float
    max: float

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "points": round(self.points, 1), "max": self.max}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Points:
        return cls(str(d["item"]), float(d["points"]), float(d["max"]))


@dataclass(frozen=True)
class Item:
    name: str  # as `score_breakdown` names it
    points: int
    rule: str  # the rule in words (README)
    earned: Callable[[Facts, frozenset[str]], bool]
    spoken_only: bool = False  # needs times: left out of a typed draft's score


def _present(part: str) -> Callable[[Facts, frozenset[str]], bool]:
    return lambda f, flagged: bool(f.components[part].present)


ITEMS: tuple[Item, ...] = (
    Item("situation present", 6, "Situation present", _present("situation")),
    Item("task present", 6, "Task present", _present("task")),
    Item("action present", 12, "Action present", _present("action")),
    # the part interviewers probe first
    Item("result present", 20, "Result present", _present("result")),
    Item(
        f"setup at most {_pct(LONG_SETUP_SHARE)}%",
        5,
        f"setup (Situation + Task) at most {_pct(LONG_SETUP_SHARE)} % of the answer",
        lambda f, flagged: "long_setup" not in flagged,
    ),
    Item(
        f"action {_pct(ACTION_SHARE_LOW)}% or more",
        5,
        f"Action at least {_pct(ACTION_SHARE_LOW)} %",
        lambda f, flagged: (
            f.components["action"].present and _pct(f.share("action")) >= _pct(ACTION_SHARE_LOW)
        ),
    ),
    Item(
        f"result {_pct(RESULT_SHARE_MIN)}% or more",
        5,
        f"Result at least {_pct(RESULT_SHARE_MIN)} %",
        lambda f, flagged: (
            f.components["result"].present and _pct(f.share("result")) >= _pct(RESULT_SHARE_MIN)
        ),
    ),
    Item(
        "result quantified",
        10,
        "Result quantified (a number, percentage, money or time)",
        lambda f, flagged: f.components["result"].present and "result_not_quantified" not in flagged,
    ),
    Item(
        "names what the question asks",
        10,
        'The story names what the question asks for (a disagreement, a deadline…): no "never mentions" tip',
        lambda f, flagged: "off_topic" not in flagged and not never_mentions(f),
    ),
    Item(
        "ownership (I over we)",
        10,
        "ownership: no `low_ownership`",
        lambda f, flagged: "low_ownership" not in flagged,
    ),
    Item(
        "length within target",
        6,
        f"length: neither `too_short` (under {TOO_SHORT_S:.0f} s of speaking) nor `too_long`",
        lambda f, flagged: "too_short" not in flagged and "too_long" not in flagged,
    ),
    Item(
        f"pace {TOO_SLOW_WPM:g}–{TOO_FAST_WPM:g} wpm",
        5,
        f"spoken only — pace {TOO_SLOW_WPM:g}–{TOO_FAST_WPM:g} words a minute",
        lambda f, flagged: "too_fast" not in flagged and "too_slow" not in flagged,
        spoken_only=True,
    ),
    Item(
        "few fillers",
        5,
        "spoken only — few fillers (no `many_fillers`)",
        lambda f, flagged: "many_fillers" not in flagged,
        spoken_only=True,
    ),
    Item(
        "no long pauses",
        5,
        "spoken only — no long pauses",
        lambda f, flagged: "long_pauses" not in flagged,
        spoken_only=True,
    ),
)


def points(f: Facts, flagged: tuple[str, ...]) -> tuple[Points, ...]:
    """The rubric, item by item (ITEMS; README "The review")."""
    marks = frozenset(flagged)
    return tuple(
        Points(item.name, item.points * bool(item.earned(f, marks)), item.points)
        for item in ITEMS
        if f.timed or not item.spoken_only
    )


def total(breakdown: tuple[Points, ...], flagged: tuple[str, ...]) -> int:
    """Points earned over points available, as 0–100; capped for non-stories, off-topic answers, answers without a result,
    answers the limit cut off and actions told in "we"."""
    available = sum(p.max for p in breakdown) or 1
    score = round(100 * sum(p.points for p in breakdown) / available)
    if "not_a_story" in flagged:
        score = min(score, NOT_A_STORY_CAP)
    if "off_topic" in flagged:
        score = min(score, OFF_TOPIC_CAP)
    if "missing_result" in flagged:
        score = max(min(score - HEAVY_PENALTY, NO_RESULT_CAP), 0)
    if "cut_at_limit" in flagged:
        score = max(min(score - HEAVY_PENALTY, CUT_AT_LIMIT_CAP), 0)
    if "low_ownership" in flagged:
        # "we" outnumbers "I" in the actions (or none says "I"): the interviewer cannot tell what
        # the candidate did, at any company. (Until 2026-12-07 this was heavy only for Amazon,
        # whose principles name Ownership; elsewhere a good story beat its "we" copy by under 25.)
        score = max(min(score - HEAVY_PENALTY, WE_ONLY_CAP), 0)
    return int(score)


def score_table_markdown() -> str:
    """The README's score section, from ITEMS and the caps."""
    typed = sum(i.points for i in ITEMS if not i.spoken_only)
    spoken = sum(i.points for i in ITEMS)
    rows = "\n".join(f"| {i.rule} | {i.points} |" for i in ITEMS)
    return (
        "**Score, 0–100**: points earned over points available.\n\n"
        "| item | points |\n|---|---|\n"
        f"{rows}\n\n"
        f"A typed draft is scored out of the {typed} points that apply to it, a spoken answer out of "
        f"{spoken}. An answer flagged `not_a_story` scores at most {NOT_A_STORY_CAP}; `off_topic`, at "
        f"most {OFF_TOPIC_CAP}; `missing_result` loses {HEAVY_PENALTY} points and scores at most "
        f"{NO_RESULT_CAP}; `cut_at_limit` loses {HEAVY_PENALTY} points and scores at most {CUT_AT_LIMIT_CAP}; "
        'actions told in "we" (`low_ownership`: "we" outnumbers "I" in them, at any company) '
        f"lose {HEAVY_PENALTY} points and score "
        f"at most {WE_ONLY_CAP}. With `no_speech` or `unclear_audio` there is no score (`null`).\n"
    )
