"""The held-out relevance sets (relevance_fresh7/9.jsonl) are what their benchmark says they are.

Their shape, not their scores: each mismatched row is an on-topic story under another bank question.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir

DATA = Path(__file__).parents[1] / "benchmarks" / "data"
SETS = ("relevance_fresh7.jsonl", "relevance_fresh9.jsonl")
BANK = load_bank(bundled_bank_dir())


def _rows(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("name", SETS)
def test_every_mismatched_story_is_an_on_topic_story_under_another_bank_question(name):
    rows = _rows(name)
    by_id = {r["id"]: r for r in rows}
    on = [r for r in rows if not r["expect"]["off_topic"]]
    off = [r for r in rows if r["expect"]["off_topic"]]
    assert len(rows) >= 40 and len(on) == len(off)
    for r in rows:
        assert BANK.questions[r["question_id"]].text == r["question"], r["id"]
        assert r["kind"] == ("off_topic" if r["expect"]["off_topic"] else "on_topic"), r["id"]
        assert len(r["answer_text"].split()) >= 40, r["id"]  # long enough to be judged
    for r in off:
        own = by_id[r["pair_of"]]
        assert own["answer_text"] == r["answer_text"] and not own["expect"]["off_topic"]
        assert own["question_id"] != r["question_id"]


@pytest.mark.parametrize("name", SETS)
def test_the_on_topic_stories_are_all_different(name):
    on = [r["answer_text"] for r in _rows(name) if not r["expect"]["off_topic"]]
    assert len(set(on)) == len(on)


def test_the_later_set_is_new_and_mixes_near_misses_and_companies():
    later = _rows("relevance_fresh9.jsonl")
    earlier = {r["answer_text"] for r in _rows("relevance_fresh7.jsonl")}
    assert not earlier & {r["answer_text"] for r in later}
    off = [r for r in later if r["expect"]["off_topic"]]
    assert len(off) >= 24 and sum(r["note"].startswith("near miss") for r in off) * 2 == len(off)
    assert {"amazon", "meta", "jpmc"} <= {r["company"] for r in later}
