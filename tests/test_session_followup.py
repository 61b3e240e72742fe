"""Which follow-up the interviewer asks, row by row."""

from __future__ import annotations

import pytest

from mockint.followup import GENERIC_PROBE, choose

OUTCOME = "What was the outcome, and how did you measure it?"
PERSONAL = "What did you personally do?"
BANK = ("How did you know what the customer needed?", "Was it worth it?")


@pytest.mark.parametrize(
    "flags, asked, prompt, reason",
    [
        (["missing_result"], [], OUTCOME, "missing_result"),
        (["low_ownership", "missing_result"], [], OUTCOME, "missing_result"),  # the result first
        (["low_ownership", "missing_result"], [OUTCOME], PERSONAL, "low_ownership"),
        (["low_ownership"], [], PERSONAL, "low_ownership"),
        (
            ["missing_situation"],
            [],
            "Can you set the scene: where was this, and what was going on?",
            "missing_situation",
        ),
        (["missing_task"], [], "What exactly were you responsible for there?", "missing_task"),
        (["too_long", "many_fillers"], [], BANK[0], "question"),  # delivery flags are not story gaps
        ([], [BANK[0]], BANK[1], "question"),
        ([], list(BANK), GENERIC_PROBE, "generic"),
    ],
)
def test_follow_up_aims_at_the_biggest_gap(flags, asked, prompt, reason):
    probe = choose(flags, BANK, asked)
    assert (probe.prompt, probe.reason) == (prompt, reason)


def test_nothing_left_to_ask():
    assert choose([], BANK, [*BANK, GENERIC_PROBE]) is None
