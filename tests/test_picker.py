"""The question picker: filters, no repeats, distinct principles, determinism, history."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.errors import UsageError
from mockint.picker import PickRequest, QuestionHistory, pick

BANK = load_bank(bundled_bank_dir())


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), count=st.integers(1, 16))  # 16 principles
def test_amazon_picks_are_distinct_questions_on_distinct_principles(seed, count):
    picked = pick(BANK, PickRequest("amazon", count=count, seed=seed))
    assert len(picked) == count
    assert len({q.id for q in picked}) == count
    tested = [q.principles[0] for q in picked]  # the principle each question tests
    assert len(tested) == len(set(tested))


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 10_000), company=st.sampled_from(["amazon", "meta", "jpmc", "general"]))
def test_same_seed_same_questions(seed, company):
    a = pick(BANK, PickRequest(company, seed=seed))
    b = pick(BANK, PickRequest(company, seed=seed))
    assert [q.id for q in a] == [q.id for q in b]
    assert len(a) == BANK.profile(company).questions_per_session
    assert all(company in q.profiles for q in a)


def test_seeds_vary_the_picks():
    seen = {tuple(q.id for q in pick(BANK, PickRequest("amazon", seed=s))) for s in range(20)}
    assert len(seen) > 10


def test_filters_by_principle_and_tag():
    picked = pick(BANK, PickRequest("amazon", count=2, principle="ownership", seed=1))
    assert picked and all("ownership" in q.principles for q in picked)
    picked = pick(BANK, PickRequest("general", count=3, tag="failure", seed=1))
    assert len(picked) == 3 and all("failure" in q.tags for q in picked)


def test_explicit_questions_come_first_in_order():
    ids = ("general-4", "general-2")
    picked = pick(BANK, PickRequest("general", question_ids=ids))
    assert tuple(q.id for q in picked) == ids


def test_history_prefers_new_then_weak_then_old():
    by_principle = {}
    for q in BANK.questions_for("jpmc"):
        by_principle.setdefault(q.principles[0], []).append(q.id)
    groups = sorted(by_principle.values(), key=len, reverse=True)
    questions = [groups[0][0], groups[1][0], groups[2][0]]  # three distinct principles
    history = {
        qid: QuestionHistory(attempts=1, last_score=90, last_practised="2026-11-01T10:00:00")
        for qid in (q.id for q in BANK.questions_for("jpmc"))
    }
    history[questions[0]] = QuestionHistory()  # never practised
    history[questions[1]] = QuestionHistory(attempts=2, last_score=30, last_practised="2026-11-20T10:00:00")
    history[questions[2]] = QuestionHistory(attempts=1, last_score=90, last_practised="2026-10-01T10:00:00")
    picked = pick(BANK, PickRequest("jpmc", count=3, seed=5), history)
    assert picked[0].id == questions[0]  # never practised
    assert picked[1].id == questions[1]  # weakest review
    assert picked[2].id == questions[2]  # least recent among the rest


def test_unknown_filters_are_usage_errors():
    with pytest.raises(UsageError, match="unknown principle 'owner'"):
        pick(BANK, PickRequest("amazon", principle="owner"))
    with pytest.raises(UsageError, match="no question in the bank matches company 'amazon' --tag 'zzz'"):
        pick(BANK, PickRequest("amazon", tag="zzz"))
    with pytest.raises(UsageError, match="unknown question"):
        pick(BANK, PickRequest("amazon", question_ids=("nope",)))
