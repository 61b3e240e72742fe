"""Choosing the interviewer's follow-up: aimed at the biggest gap in the answer, like a real one.

Gaps come from the review's flag codes (DESIGN.md). The order is what interviewers probe
first: a story without an outcome, then "we" doing all the work, then a story without its
context; when the answer has none of these gaps, the question's own probes from the bank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

# (flag, probe): the first flag present in the review that has not been probed yet wins.
GAP_PROBES: tuple[tuple[str, str], ...] = (
    (
        "not_a_story",
        "Can you walk me through one specific time that happened — when was it, and what did you do?",
    ),
    ("missing_result", "What was the outcome, and how did you measure it?"),
    ("missing_action", "What did you do, step by step?"),
    ("low_ownership", "What did you personally do?"),
    ("result_not_quantified", "How did you measure the result? What number moved?"),
    ("missing_situation", "Can you set the scene: where was this, and what was going on?"),
    ("missing_task", "What exactly were you responsible for there?"),
)
# The part a gap probe asks for, and the flags that still mean something for a short follow-up
# answer (a follow-up is not a whole story: no situation, task or length flags).
PROBED_PART = {
    "missing_result": "result",
    "result_not_quantified": "result",
    "missing_action": "action",
    "missing_situation": "situation",
    "missing_task": "task",
}
FOLLOW_UP_FLAGS = (
    "result_not_quantified",
    "low_ownership",
    "too_fast",
    "too_slow",
    "many_fillers",
    "long_pauses",
)
# When the answer leaves no gap and the bank has no (more) probes for the question.
GENERIC_PROBE = "Looking back, what would you do differently?"


@dataclass(frozen=True)
class FollowUp:
    prompt: str
    reason: str  # the flag it probes, "question" for a bank probe, or "generic"


def choose(
    flags: Iterable[str], question_probes: Sequence[str], asked: Sequence[str] = ()
) -> FollowUp | None:
    """The follow-up for an answer with these review flags, skipping prompts already asked.

    None when every probe has been asked.
    """
    flags = set(flags)
    for flag, prompt in GAP_PROBES:
        if flag in flags and prompt not in asked:
            return FollowUp(prompt, flag)
    for prompt in question_probes:
        if prompt not in asked:
            return FollowUp(prompt, "question")
    return None if GENERIC_PROBE in asked else FollowUp(GENERIC_PROBE, "generic")


def gap_status(reason: str | None, before: Iterable[str], after: Iterable[str]) -> tuple[bool, str]:
    """Whether the follow-up asked for `reason` filled that gap (review flags of the answer alone
    and of answer + follow-up), and the question's status in words ("result given in the follow-up")."""
    before, after = set(before), set(after)
    part = PROBED_PART.get(reason or "")
    if part and f"missing_{part}" in before:
        filled = f"missing_{part}" not in after
    elif reason:
        filled = reason in before and reason not in after
    else:
        filled = False
    what = part or (reason or "").replace("_", " ")
    return (
        filled,
        f"{what} given in the follow-up" if filled else f"still missing after the follow-up: {what}",
    )
