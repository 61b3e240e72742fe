"""benchmarks/data/relevance_fresh7.jsonl is what its benchmark says it is (its shape, not its scores)."""

from __future__ import annotations

import json
from pathlib import Path

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir

ROWS = [
    json.loads(line)
    for line in (Path(__file__).parents[1] / "benchmarks" / "data" / "relevance_fresh7.jsonl")
    .read_text()
    .splitlines()
    if line.strip()
]
BANK = load_bank(bundled_bank_dir())


def test_every_mismatched_story_is_an_on_topic_story_under_another_bank_question():
    by_id = {r["id"]: r for r in ROWS}
    on = [r for r in ROWS if not r["expect"]["off_topic"]]
    off = [r for r in ROWS if r["expect"]["off_topic"]]
    assert len(ROWS) >= 40 and len(on) == len(off)
    for r in ROWS:
        assert BANK.questions[r["question_id"]].text == r["question"], r["id"]
        assert r["kind"] == ("off_topic" if r["expect"]["off_topic"] else "on_topic"), r["id"]
        assert len(r["answer_text"].split()) >= 40, r["id"]  # long enough to be judged
    for r in off:
        own = by_id[r["pair_of"]]
        assert own["answer_text"] == r["answer_text"] and not own["expect"]["off_topic"]
        assert own["question_id"] != r["question_id"]


def test_the_on_topic_stories_are_all_different():
    on = [r["answer_text"] for r in ROWS if not r["expect"]["off_topic"]]
    assert len(set(on)) == len(on)
