"""Clause labels on spoken-style answers (issue 14): the rules' cues, the clause cuts, and the
score a story without its result keeps. Fast table tests."""

from __future__ import annotations

import pytest

from mockint.review import review, score
from mockint.review.segment import segment, tokens_of
from mockint.review.star import score_phrase
from mockint.transcript import Transcript


def _best(phrase: str, position: float) -> str:
    s = score_phrase(tuple(phrase.lower().split()), position)
    return max(("situation", "task", "action", "result", "other"), key=s.scores.get)


PHRASE_ROWS = [  # (phrase, place in the answer 0..1, label the rules give it on their own)
    # "got someone to do something" is a deed, "got" alone an outcome
    ("i also got a supermarket to let us pack the parcels in their loading bay", 0.6, "action"),
    ("and we got the contract renewed for two more years", 0.9, "result"),
    # "I agreed X with Y", "I got X done" are deeds, late in the answer too
    ("i agreed a delivery window with the two hauliers", 0.75, "action"),
    ("i got the spare pumps couriered up from the depot overnight", 0.75, "action"),
    # a task said without "my task was"
    ("my view was we'd be risking the whole slab so it was on me to say so", 0.3, "task"),
    ("his part of the return had to be done by friday", 0.3, "task"),
    ("i set myself the goal of passing the qualification within a year", 0.2, "task"),
    ("the brief was basically make onboarding better with no owner", 0.1, "task"),
    # ... with the duty on a team, an adverb in "had to", a thing needed done, "on us"
    ("our crew was responsible for clearing the backlog before the audit", 0.3, "task"),
    ("i still had to find a venue for forty people", 0.3, "task"),
    ("i needed the new booking page live before the spring sale", 0.3, "task"),
    ("we were the only ones on shift so the call was on us", 0.3, "task"),
    # ... a duty nobody else held, taken on; a team asked; a promise made; a goal for others
    (
        "it wasn't really the warehouse's problem but if anyone was going to sort it it had to be me",
        0.3,
        "task",
    ),
    ("the team was asked to rebuild the rota before the bank holiday", 0.25, "task"),
    ("i said i'd take it on and i wanted every new starter to shadow a shift first", 0.3, "task"),
    ("we'd promised the client a working prototype for the board meeting", 0.3, "task"),
    ("i offered to chase the supplier myself", 0.3, "task"),
    # ... a challenge "for me", a call that was mine, people needed on side, a task "as a team"
    ("the challenge for me was keeping the school buses running with two drivers off", 0.3, "task"),
    ("closing the pool early was my call and the swim club would not like it", 0.3, "task"),
    ("i needed the night staff on side before the new rota started", 0.3, "task"),
    ("our task as a practice was to cut the waiting list without a locum", 0.3, "task"),
    # a deed in an irregular past tense, told last (a story with no result), is still an action
    ("and i drove out to the depot for two days to go through the manifests with their team", 0.9, "action"),
    ("i bought a second scanner out of my own budget", 0.9, "action"),
    # an outcome with no outcome verb: early, later; a missed target is a result too
    ("we submitted the model a week early", 0.85, "result"),
    ("they chose a competitor and i missed my target that quarter", 0.85, "result"),
    # the first sentence: a move into a role is the setting, not a deed
    ("i moved from retail banking into an insurance claims team", 0.05, "situation"),
]


@pytest.mark.parametrize("phrase, position, expected", PHRASE_ROWS)
def test_rule_cues(phrase, position, expected):
    assert _best(phrase, position) == expected


CUT_ROWS = [  # (typed text, the phrases segment() gives)
    # "by the end of…" as a deadline ends its clause; with a clause of its own it starts one
    (
        "As the new shift lead it was on me to get every picker trained on the scanners by the end of "
        "the month.",
        [
            "As the new shift lead it was on me to get every picker trained on the scanners by the end of "
            "the month."
        ],
    ),
    (
        "so we went through every open ticket with the support team by the end of the week we had "
        "cleared the whole backlog",
        [
            "so we went through every open ticket with the support team",
            "by the end of the week we had cleared the whole backlog",
        ],
    ),
    # a noun-phrase cue after a verb is its object: no cut before "the goal"
    (
        "I set myself the goal of passing the supervisor qualification within a year while I was still "
        "driving full time.",
        [
            "I set myself the goal of passing the supervisor qualification within a year while I was "
            "still driving full time."
        ],
    ),
    # run-on speech: a deed and its outcome joined by "and" with a new subject; "before we …" is
    # not cut after "before"; an intent ("I wanted") starts a clause, and a long run with no comma
    # is cut before a conjunction
    (
        "so we went through the old test records for every batch and we changed the timer on the "
        "night press and we added the cure time to the batch sheet and the returns stopped over the "
        "next six months",
        [
            "so we went through the old test records for every batch",
            "and we changed the timer on the night press",
            "and we added the cure time to the batch sheet",
            "and the returns stopped over the next six months",
        ],
    ),
    (
        "so I was a product designer at a furniture site and everyone in the room including me thought "
        "the checkout had too many steps before we committed to it I wanted to hear from people who "
        "had given up on it",
        [
            "so I was a product designer at a furniture site",
            "and everyone in the room including me thought the checkout had too many steps before we "
            "committed to it",
            "I wanted to hear from people who had given up on it",
        ],
    ),
    # "IT" mid-sentence is the department, not a sentence the writer forgot to end with "It"
    (
        "I also sorted out the stockroom printer with our IT contractor because the labels kept jamming.",
        ["I also sorted out the stockroom printer with our IT contractor because the labels kept jamming."],
    ),
    # ... but "my task was" starts a clause even with no punctuation before it
    (
        "so one customer kept sending back brake pads that cracked on the test rig my task was to find "
        "out why before they pulled the contract",
        [
            "so one customer kept sending back brake pads that cracked on the test rig",
            "my task was to find out why before they pulled the contract",
        ],
    ),
]


@pytest.mark.parametrize("text, phrases", CUT_ROWS)
def test_clause_cuts(text, phrases):
    assert [p.text for p in segment(Transcript.from_text(text))] == phrases


def test_tokens_are_shared_between_review_and_segment_but_not_the_list():
    t = Transcript.from_text("In 2019, I fixed it. Then it worked.")
    a, b = tokens_of(t), tokens_of(t)
    assert a == b and a is not b
    assert [x.norm for x in a] == ["in", "2019", "i", "fixed", "it", "then", "it", "worked"]
    a.pop()
    assert len(tokens_of(t)) == 8
    assert [x.norm for x in tokens_of(Transcript.from_text("Done."))] == ["done"]


GOOD = (
    "Last year I ran the front desk at a forty-room hotel. A guest arrived whose airline had lost her "
    "suitcase the night before a wedding. I had to get it to her by the morning. I called the airline's "
    "baggage desk and got them to put the bag on the first flight, and I booked a taxi to bring it from "
    "the airport at six. The bag reached her door by half past seven, and she later booked the whole "
    "hotel for her parents' anniversary, about nine thousand pounds of business."
)


def test_a_story_without_its_result_loses_at_least_the_heavy_penalty():
    good = review(Transcript.from_text(GOOD))
    cut = review(Transcript.from_text(GOOD[: GOOD.index(" The bag reached")]))
    assert good.components["result"].present and "missing_result" in cut.flags
    assert cut.score <= min(good.score - score.HEAVY_PENALTY, score.NO_RESULT_CAP)


LONG_LAST_ACTION = (  # its last sentence is cut for length, at the comma, into two phrases
    "Last spring I coached the under-twelves at a small football club. Two of the parents kept shouting "
    "instructions from the touchline during matches. I had to stop it without losing the families. I "
    "spoke to each of them after training, away from the other parents. I asked both of them if they "
    "would run the warm-ups with me for the next three home games while I took the rest of the squad, "
    "writing down what they noticed for the team talk instead of shouting it."
)


def test_a_clause_cut_for_length_keeps_its_part():
    """The long last action is cut at its comma; the fragment ("writing down…") opens nothing of
    its own, so it stays an Action, not a Result for being last: the story has no result, and the
    review says so."""
    r = review(Transcript.from_text(LONG_LAST_ACTION))
    last = r.segments[-1]
    assert last.text.startswith("writing down") and last.label == "action"
    assert "missing_result" in r.flags


def test_views_of_oneself_with_no_deed_are_not_a_story():
    r = review(
        Transcript.from_text(
            "I'm proud of a lot of things in my career. I've worked with some great teams and I've grown "
            "a lot as an engineer. People come to me for advice, and I think being reliable is something "
            "I value in myself."
        )
    )
    assert "not_a_story" in r.flags and r.score <= score.NOT_A_STORY_CAP


def test_the_learned_scores_of_many_phrases_at_once_are_those_of_each():
    from mockint.review import learned, star

    phrases = segment(Transcript.from_text(GOOD))
    feats = star.phrase_features(phrases, star.phrase_scores(phrases))
    for many, one in zip(learned.log_probs_many(feats), map(learned.log_probs, feats), strict=True):
        assert many.keys() == one.keys() and all(abs(many[c] - one[c]) < 1e-4 for c in one)
