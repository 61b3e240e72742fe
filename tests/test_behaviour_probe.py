"""The learned behaviour probe (mockint/review/behaviour_probe.py) with its shipped weights:
a story that reads as about other behaviours than the question asks for is off-topic, with a tip
that names both; its own question keeps it; a ramble is left to not_a_story; without the weights
the rules judge alone."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.review import behaviour_probe, relevance, review
from mockint.review.behaviour import Fit
from mockint.transcript import Transcript

BANK = load_bank(bundled_bank_dir())

# Written for these tests: a front-desk story about a guest's needs, nothing about a deadline.
GUEST = (
    "I was working the front desk at a small hotel when a guest came down at midnight, really upset, "
    "because her room was directly above the kitchen extractor and she had an early flight. We were "
    "fully booked, so I could not just move her. I listened to her first and apologised, then I rang "
    "round the two hotels nearby and found one with a quiet room, booked it at our cost and called her a "
    "taxi. I also arranged for the night porter to carry her bags and put a breakfast box in the taxi for "
    "her. The next week she wrote to the manager to say it was the best handling of a problem she had "
    "seen, and she booked with us again for her next trip."
)
MENTORING = (
    "Last spring I was the senior technician in a small dental lab, and we took on an apprentice, Priya, "
    "who had never handled porcelain before. My job was to get her ready to work on crowns by herself "
    "within three months. I gave her one task a week, starting with models and moving up to simple "
    "crowns, and I sat beside her for the first hour every Monday to show her how I built up the layers. "
    "I let her make mistakes on practice pieces rather than stepping in, and every Friday we looked at "
    "her work together under the microscope and picked one thing to improve. When she got stuck on "
    "shading, I paired her with our best ceramist for two afternoons. By the end of the third month she "
    "was finishing crowns on her own, and the dentists stopped sending her work back."
)
RAMBLE = (
    "Yeah, so, hotels are, um, a really busy place to work, like really busy. Guests all want different "
    "things, which is kind of frustrating, honestly, and some of them are never happy whatever you do. I "
    "guess the front desk tries its best, and sometimes it works and sometimes it doesn't. Customers are "
    "customers, you know, and the managers always say the guest comes first. Things kind of got better "
    "over time, I think, once people settled in."
)


def _review(text: str, question_id: str):
    q = BANK.questions[question_id]
    return review(Transcript.from_text(text), q, BANK.profiles.get(question_id.split("-")[0]), BANK)


def test_the_weights_ship_with_the_package_and_are_small():
    assert behaviour_probe.available()
    assert behaviour_probe.MODEL_PATH.stat().st_size < 20e6  # issue 14's budget for a learned part
    assert 0.0 < behaviour_probe.bar() < 1.0


def test_a_mentoring_story_reads_as_developing_people_and_a_guest_story_as_a_customer_s_needs():
    assert _review(MENTORING, "amazon-hire-and-develop-the-best-1").relevance.behaviour.reads_as == "develop"
    assert _review(GUEST, "amazon-customer-obsession-1").relevance.behaviour.reads_as == "customer"


def test_a_story_about_a_customer_under_a_deadline_question_is_off_topic_and_the_tip_names_both():
    r = _review(GUEST, "amazon-deliver-results-2")  # "…an important project under a tight deadline"
    fit = r.relevance.behaviour
    assert r.relevance.rival is None  # the lexical rule alone does not raise it
    assert fit.unlike and "off_topic" in r.flags
    assert r.score <= 40
    tip = next(t for t in r.tips if t.startswith("The story reads as"))
    assert "a customer's needs, not a deadline" in tip


def test_the_same_story_under_its_own_question_is_not_off_topic():
    r = _review(GUEST, "amazon-customer-obsession-1")
    fit = r.relevance.behaviour
    assert fit.rank == 0.0 and fit.chance > behaviour_probe.bar() and not fit.unlike
    assert "off_topic" not in r.flags


def test_a_ramble_is_left_to_not_a_story_whatever_the_probe_reads():
    r = _review(RAMBLE, "amazon-ownership-1")
    assert r.relevance.behaviour.unlike and r.relevance.rival is None
    assert "not_a_story" in r.flags and "off_topic" not in r.flags


def test_the_reading_is_kept_in_the_review_json_and_read_back():
    d = _review(GUEST, "amazon-deliver-results-2").to_dict()["relevance"]["behaviour"]
    assert d["reads_as"] == "customer" and d["chance"] < behaviour_probe.bar() and d["rank"] > 0.5
    back = Fit.from_dict(d)
    assert back.reads_as == "customer" and back.unlike
    # a review stored before the probe has none of the fields, and reads back without a reading;
    # one stored by the first probe (a rank, no chance) reads back without a verdict
    old = Fit.from_dict({"asked": ["deadline"], "cues": {"deadline": []}})
    assert old.rank is None and not old.unlike
    first = Fit.from_dict({"asked": ["deadline"], "cues": {}, "rank": 0.9, "reads_as": "customer"})
    assert first.rank == 0.9 and first.chance is None and not first.unlike


@pytest.fixture
def no_weights(tmp_path, monkeypatch):
    monkeypatch.setattr(behaviour_probe, "MODEL_PATH", tmp_path / "absent.npz")
    behaviour_probe._model.cache_clear()
    yield
    behaviour_probe._model.cache_clear()


def test_without_the_weights_the_rules_judge_alone(no_weights):
    assert not behaviour_probe.available()
    r = _review(GUEST, "amazon-deliver-results-2")
    assert r.relevance.behaviour.rank is None and r.relevance.behaviour.chance is None
    assert "off_topic" not in r.flags  # the lexical rule does not raise it for this story


def _story(set_name: str, row_id: str) -> dict:
    data = Path(__file__).parents[1] / "benchmarks" / "data" / set_name
    return next(r for line in data.read_text().splitlines() if (r := json.loads(line))["id"] == row_id)


def test_when_the_probe_reads_the_asked_behaviour_a_wordier_bank_question_does_not_make_it_off_topic():
    # A good answer written for mockint (fresh set 14, MIT) to "a customer was unhappy with your
    # work": other bank questions share more of its words, but it reads as about a customer
    row = _story("review_fresh14.jsonl", "f14-01")
    r = _review(row["answer_text"], row["question_id"])
    fit = r.relevance.behaviour
    assert fit.reads_as == "customer" and fit.rank <= relevance.PROBE_AGREES_RANK
    assert "the behaviour probe reads it as about a customer's needs" in r.relevance.basis
    assert r.relevance.rival is None and "off_topic" not in r.flags and r.score > 40


def test_without_the_weights_the_lexical_rule_alone_calls_that_answer_off_topic(no_weights):
    row = _story("review_fresh14.jsonl", "f14-01")
    r = _review(row["answer_text"], row["question_id"])
    assert r.relevance.rival is not None and "off_topic" in r.flags and r.score <= 40
