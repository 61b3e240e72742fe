"""What a story shows against what the question asks (review/behaviour.py): a row per phrasing."""

from __future__ import annotations

import pytest

from mockint.bank import BEHAVIOURS, load_bank
from mockint.config import bundled_bank_dir
from mockint.review import Review, behaviour, review
from mockint.transcript import Transcript

BANK = load_bank(bundled_bank_dir())

DEADLINE = (
    "Last spring the payment provider changed their API two weeks before our biggest sale. My task was "
    "to get us onto the new API before the sale started. I read the migration guide, wrote a plan with "
    "three steps, and moved our card payments first. I tested every payment path on a staging copy and "
    "ran the old and new side by side for a day. We switched over four days early and took 2.1 million "
    "dollars on the sale weekend with no failed payments."
)
DISAGREEMENT = (
    "My manager wanted to skip the load test to launch a week earlier, and I disagreed: our last launch "
    "without one had gone down within an hour. I pushed back in our one-to-one, showed her the numbers "
    "from that outage, and proposed a two-day test instead of the full week. She agreed, we found a "
    "connection leak on the first day, fixed it, and launched four days later than planned with no outage."
)

ROWS = [
    # (story, behaviours asked, mismatch: no cue at all, shown: named with two cues or more)
    (DEADLINE, ("conflict",), True, False),
    (DISAGREEMENT, ("conflict",), False, True),
    (DEADLINE, ("deadline",), False, True),
    (DEADLINE, ("develop",), True, False),
    (DISAGREEMENT, ("develop", "conflict"), False, True),  # one of the asked behaviours is enough
    (
        "I was new to Kotlin, so I taught myself from the docs and a course in two weeks.",
        ("learn",),
        False,
        True,
    ),
    ("We had a good quarter and everyone was happy with how it went.", ("failure",), True, False),
    ("I mentored a junior analyst until she was promoted.", ("develop",), False, True),
    # acting before anyone could say what was wanted, in words that never say "unclear"
    (
        "The landlord couldn't tell us when the lease would end, so I didn't wait: I planned for "
        "either way and moved the stock we needed whatever happened.",
        ("ambiguity",),
        False,
        True,
    ),
    (
        "The board hadn't decided the budget yet, so I drafted an interim plan.",
        ("ambiguity",),
        False,
        True,
    ),
    ("I only knew Excel, so I worked through a textbook on SQL in the evenings.", ("learn",), False, True),
]


@pytest.mark.parametrize("story, asked, mismatch, shown", ROWS)
def test_what_a_story_shows(story, asked, mismatch, shown):
    fit = behaviour.judge(story.split(), asked)
    assert fit is not None
    assert (fit.mismatch, fit.shown) == (mismatch, shown), fit.cues


def test_cues_are_whole_words():
    # "own" is an ownership cue; "known" and "town" are not
    assert behaviour.shows("It was known in the town.".split(), "ownership") == ()
    assert behaviour.shows("I owned it end to end.".split(), "ownership") == ("owned",)


def test_a_question_that_takes_any_story_is_not_judged():
    assert behaviour.judge(DEADLINE.split(), ("any",)) is None
    assert behaviour.judge(DEADLINE.split(), ()) is None


def test_every_behaviour_a_question_can_name_has_cues():
    assert set(behaviour.CUES) | {"any"} == set(BEHAVIOURS)
    assert set(behaviour.SAID) == set(behaviour.CUES)


def test_a_story_that_never_names_the_asked_behaviour_gets_a_tip_not_a_flag():
    q = BANK.questions["amazon-have-backbone-disagree-and-commit-1"]
    r = review(Transcript.from_text(DEADLINE), q, BANK.profiles["amazon"])
    tip = [t for t in r.tips if "never mentions a disagreement" in t]
    assert tip, r.tips
    assert r.to_dict()["relevance"]["behaviour"]["cues"]["conflict"] == []


def test_a_story_that_never_names_the_asked_behaviour_loses_that_item_only():
    """The same story scores lower under a question asking for what it never mentions than under
    one it answers: it loses the item's points, and no flag or cap comes with it."""
    asked_other = BANK.questions["amazon-have-backbone-disagree-and-commit-1"]
    asked_own = BANK.questions["amazon-deliver-results-2"]  # a tight deadline
    other = review(Transcript.from_text(DEADLINE), asked_other, BANK.profiles["amazon"])
    own = review(Transcript.from_text(DEADLINE), asked_own, BANK.profiles["amazon"])
    item = "names what the question asks"
    assert {p.item: p.points for p in own.breakdown}[item] == 10
    assert {p.item: p.points for p in other.breakdown}[item] == 0
    assert "off_topic" not in other.flags
    assert own.score - other.score == round(100 * 10 / sum(p.max for p in own.breakdown)), (
        own.score,
        other.score,
    )


def test_a_story_that_names_the_asked_behaviour_gets_no_such_tip():
    q = BANK.questions["amazon-have-backbone-disagree-and-commit-1"]
    r = review(Transcript.from_text(DISAGREEMENT), q, BANK.profiles["amazon"], BANK)
    assert "off_topic" not in r.flags
    assert not any("never mentions" in t for t in r.tips), r.tips
    assert "disagreed" in r.to_dict()["relevance"]["behaviour"]["cues"]["conflict"]


def test_a_stored_review_keeps_what_the_story_showed():
    """`show` reads reviews back from the session file: the behaviour judgement survives."""
    q = BANK.questions["amazon-have-backbone-disagree-and-commit-1"]
    r = review(Transcript.from_text(DISAGREEMENT), q, BANK.profiles["amazon"], BANK)
    back = Review.from_dict(r.to_dict())
    assert back.relevance.behaviour == r.relevance.behaviour
    assert back.relevance.behaviour.shown and back.to_dict() == r.to_dict()
