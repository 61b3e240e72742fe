"""Issue 14's cases, typed: the labels a candidate reads, ownership on Amazon, and the learned
phrase scorer that stands beside the rules (shipped weights, numpy only at run time)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.review import learned, review
from mockint.transcript import Transcript

BANK = load_bank(bundled_bank_dir())
AMAZON = BANK.profiles["amazon"]


def labels_of(r) -> list[tuple[str, str]]:
    return [(s.label, s.text) for s in r.segments]


def label_of(r, words: str) -> str:
    return next(s.label for s in r.segments if words in s.text)


TURN = (
    "I was a pharmacist in a busy high-street pharmacy. Older patients kept running out of tablets "
    "over bank holidays. My task was not formally mine, it was the practice manager's really, so I "
    "decided to own it. I rang each surgery to agree one collection day a month, and I set up a "
    "spreadsheet that flagged anyone whose supply would run out. Emergency supply requests dropped "
    "from thirty a month to four."
)


def test_a_sentence_that_turns_is_task_then_action():
    r = review(Transcript.from_text(TURN))
    assert label_of(r, "not formally mine") == "task"
    assert label_of(r, "decided to own it") == "action"
    assert r.components["task"].present and "missing_task" not in r.flags


RENEWAL = (
    "I led the support team at a broadband provider. A small business owner called in furious because "
    "his shop had been offline for three days. I wanted to get him back online and keep him as a "
    "customer. I found his ticket had been closed by mistake, reopened it as urgent and booked the "
    "first engineer slot, and I called him myself the next morning. A few weeks later they renewed "
    "their contract for three more years worth about $120,000."
)


def test_a_quantified_outcome_after_the_actions_is_the_result():
    r = review(Transcript.from_text(RENEWAL))
    assert label_of(r, "$120,000") == "result"
    assert "missing_result" not in r.flags and "result_not_quantified" not in r.flags


def test_a_ramble_is_not_a_story_and_credits_no_part():
    ramble = (
        "Yeah, so, pharmacy is, um, a really busy place, like really busy. The surgeries all do it "
        "differently, which is kind of frustrating, honestly. I guess everyone tries their best, and "
        "sometimes it works and sometimes it doesn't. Things kind of got better over time, I think."
    )
    r = review(Transcript.from_text(ramble))
    assert "not_a_story" in r.flags
    assert not any(r.components[p].present for p in r.components)
    assert r.score <= review(Transcript.from_text(TURN)).score - 25


def test_a_musing_told_all_in_the_present_is_not_a_story():
    # no hedges and no "I usually": only how things are, with nothing that happened
    musing = (
        "Taking over a kitchen is always a delicate thing. Chefs who have cooked together for years "
        "have their own rhythm, and a new head chef can upset that very quickly. Trust in a kitchen "
        "comes from being on the pass every night and treating people fairly. Every brigade is "
        "different, and some cooks come round in a week while others take a season. In the end the "
        "food goes out and the service runs."
    )
    r = review(Transcript.from_text(musing))
    assert "not_a_story" in r.flags
    assert not any(r.components[p].present for p in r.components)
    # a story told as something that happened is not
    assert "not_a_story" not in review(Transcript.from_text(TURN)).flags


OWNED = (
    "Last spring I was the site engineer on a school extension, and the steel was going to be three "
    "weeks late. I had to keep the other trades from standing idle. I re-sequenced the programme so "
    "the slab went first, I called two other suppliers and found one that could take half the order, "
    "and I walked each foreman through the new plan. We lost two working days instead of fifteen, "
    "and the extension opened on time for September."
)
TOLD_IN_WE = (  # "we" ×9 against "I" ×2: the story is the team's
    "Last spring we were the site team on a school extension, and the steel was going to be three "
    "weeks late. We had to keep the other trades from standing idle. We re-sequenced the programme so "
    "the slab went first, we called two other suppliers and I found one that could take half the "
    "order, and we walked each foreman through the new plan, and I booked the crane. We lost two "
    "working days instead of fifteen, and we opened the extension on time for September."
)


@pytest.mark.parametrize("company", ["amazon", "meta", "jpmc"])
def test_we_told_story_costs_ownership_heavily_at_every_company(company):
    # "What did you do?" is every interviewer's question: a story told in "we" loses as much as
    # one without its result, whether or not the company names Ownership as a principle
    q = BANK.questions["amazon-deliver-results-2"]
    profile = BANK.profiles[company]
    good = review(Transcript.from_text(OWNED), q, profile, BANK)
    we = review(Transcript.from_text(TOLD_IN_WE), q, profile, BANK)
    assert "low_ownership" in we.flags and "low_ownership" not in good.flags
    assert good.score - we.score >= 25 and we.score <= 50


def test_the_learned_scorer_ships_and_is_used():
    assert learned.available() and learned.MODEL_PATH.stat().st_size < 20 * 1024 * 1024
    assert learned.alpha() > 0
    # its log-probabilities are a distribution over the five labels
    from mockint.review import star
    from mockint.review.segment import segment

    phrases = segment(Transcript.from_text(RENEWAL))
    scored = star.phrase_scores(phrases)
    lps = [learned.log_probs(f) for f in star.phrase_features(phrases, scored)]
    for lp in lps:
        assert set(lp) == set(star.LABELS)
        assert abs(sum(2.718281828**v for v in lp.values()) - 1.0) < 1e-3


def test_review_needs_neither_scikit_learn_nor_an_engine():
    code = (
        "import sys\n"
        "from mockint.review import review\n"
        "from mockint.transcript import Transcript\n"
        f"review(Transcript.from_text({RENEWAL!r}))\n"
        "bad = [m for m in ('sklearn', 'scipy', 'ctranslate2', 'onnxruntime') if m in sys.modules]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    "name", ["review_fresh5.jsonl", "review_fresh6.jsonl", "relevance_fresh7.jsonl", "review_fresh8.jsonl"]
)
def test_the_fresh_sets_are_never_training_data(name):
    sys.path.insert(0, str(learned.MODEL_PATH.parents[2] / "benchmarks"))
    try:
        import train_phrase_model
    finally:
        sys.path.pop(0)
    assert name not in {p.name for p in train_phrase_model.SETS}
