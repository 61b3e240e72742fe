"""The review's honesty table (issue 14): in-sample sets beside the held-out fresh set.

    .venv/bin/python benchmarks/bench_review_fresh.py

Sets: "in-sample" is benchmarks/data/review_own{,2,3,4}.jsonl and review_train*.jsonl (looked
at while writing the rules, and the learned phrase scorer's training data); "fresh5", "fresh6"
and "fresh8" are benchmarks/data/review_fresh{5,6,8}.jsonl (each written before
the round of tuning it measures, never tuned on — only their aggregate figures are read, once
the tuning is frozen). "relevance7" (benchmarks/data/relevance_fresh7.jsonl) holds 22 stories,
each under its own bank question and under another's (half of those near misses sharing its
words), for relevance and off_topic only; written before the relevance work it measures.
"relevance9" (relevance_fresh9.jsonl): 28 more such stories (14 near misses; Amazon, Meta,
JPMC and general questions; spoken-style and terse), written before the next relevance round. Typed.

Figures:
  presence         answer × part cells: a part is found exactly when it is there
  missing_f1       F1 of "this part is missing" over the same cells (next row: with a generic
                   "I usually..." answer counted as having no part, as the review and sets 5-8 do)
  word_accuracy    word labels against the labelled spans (answers with labels)
  false_off_topic  off_topic raised on an answer asked with its own question
  off_topic_recall off_topic raised on a story asked with someone else's question
  flags            not_a_story / low_ownership / cut_at_limit agree with the labels (fresh only)
  order            in (good, weakened copy) pairs, the good one scores higher
  order_margin     ... and by ≥ 25 points for ramble, off-topic, we-only, no-result, cut-at-limit
Weakened copies: the fresh set's own (pair_of), plus copies built here from every labelled
answer with all four parts: result dropped, cut at the limit inside the action (reviewed as
stopped by the limit), action told in "we", and the story under another answer's question.
"""

from __future__ import annotations

import inspect
import json
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_review import align_labels, gold_spans, typed_word_labels  # noqa: E402

from mockint.bank import Bank, Question, load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.review import PARTS, review  # noqa: E402
from mockint.review.segment import tokens_of  # noqa: E402
from mockint.transcript import Transcript  # noqa: E402

IN_SAMPLE = [HERE / "data" / f"review_own{s}.jsonl" for s in ("", "2", "3", "4")] + sorted(
    (HERE / "data").glob("review_train*.jsonl")
)
FRESH = {  # held out: written before the rules (or the learned scorer) they measure were tuned
    "fresh5": HERE / "data" / "review_fresh5.jsonl",
    "fresh6": HERE / "data" / "review_fresh6.jsonl",
    "fresh8": HERE / "data" / "review_fresh8.jsonl",
    # relevance only: stories under their own bank question and under another's (no part labels)
    "relevance7": HERE / "data" / "relevance_fresh7.jsonl",
    "relevance9": HERE / "data" / "relevance_fresh9.jsonl",
    # set 10 (2026-12-07): 44 answers (16 good, a weakened copy of each, 8 off-topic copies, 4
    # on-topic in unusual words) and 30 stories under their own question and another's; written by
    # a helper who never read the review's rules, before the relevance round it measures
    "fresh10": HERE / "data" / "review_fresh10.jsonl",
    "relevance10": HERE / "data" / "relevance_fresh10.jsonl",
    # set 11 (2026-12-07): 48 answers (18 good, a weakened copy of each, 8 off-topic copies, 4
    # on-topic in unusual words) and 30 stories twice; written the same way, before the round
    # after set 10's
    "fresh11": HERE / "data" / "review_fresh11.jsonl",
    "relevance11": HERE / "data" / "relevance_fresh11.jsonl",
    # set 12 (2026-12-07): the same recipe as set 11, new jobs; measured at 7ac85d5 before the round
    # that read set 11's errors (set 11 is in-sample for labels from that round on)
    "fresh12": HERE / "data" / "review_fresh12.jsonl",
    "relevance12": HERE / "data" / "relevance_fresh12.jsonl",
    # set 13 (2026-12-07): the same recipe again, new jobs; measured at 735da31, after the round
    # that set 12 measured and before the next
    "fresh13": HERE / "data" / "review_fresh13.jsonl",
    "relevance13": HERE / "data" / "relevance_fresh13.jsonl",
    # set 14 (2026-12-07): the same recipe again, new jobs; written before the behaviour probe
    # (mockint/review/behaviour_probe.py), whose bar sets 5-13 chose: its held-out measure
    "fresh14": HERE / "data" / "review_fresh14.jsonl",
    "relevance14": HERE / "data" / "relevance_fresh14.jsonl",
    # set 15 (2026-12-07): the same recipe, new jobs; written before the probe's second round
    # (more training stories, its bar set on sets 5-14): that round's held-out measure
    "fresh15": HERE / "data" / "review_fresh15.jsonl",
    "relevance15": HERE / "data" / "relevance_fresh15.jsonl",
    # set 16 (2026-12-07): the same recipe, new jobs; written before the probe's chance bar (set
    # on sets 5-15) and the we-penalty at every company: that round's held-out measure
    "fresh16": HERE / "data" / "review_fresh16.jsonl",
    "relevance16": HERE / "data" / "relevance_fresh16.jsonl",
    # set 17 (2026-12-07): the same recipe, new jobs; written after set 16 was measured and
    # before the probe's third round (sets 1-8 and 13-16, its bar set on sets 5-16)
    "fresh17": HERE / "data" / "review_fresh17.jsonl",
    "relevance17": HERE / "data" / "relevance_fresh17.jsonl",
}
# In-sample answers asked with the bank question closest to their own (written for mockint here):
# on-topic checks against real bank questions, and, rotated, mismatched ones.
BANK_TWIN = {
    "Tell me about a time you disagreed with your manager.": "amazon-have-backbone-disagree-and-commit-1",
    "Describe a time you had to deliver under a tight deadline.": "amazon-deliver-results-2",
    "Tell me about a time you helped a struggling teammate.": "amazon-hire-and-develop-the-best-2",
    "Give an example of a mistake you made.": "amazon-earn-trust-1",
    "Describe a time you dealt with an upset customer.": "amazon-customer-obsession-4",
    "Tell me about a time you took initiative.": "amazon-ownership-1",
    "Tell me about a time you failed.": "amazon-deliver-results-3",
    "Give an example of when you went above and beyond for a customer.": "amazon-customer-obsession-1",
    "Tell me about a time you managed competing priorities.": "amazon-deliver-results-4",
    "Tell me about a time you took a risk.": "amazon-bias-for-action-2",
    "Tell me about a time you simplified something complicated.": "amazon-invent-and-simplify-1",
    "Tell me about a time you received negative feedback.": "amazon-earn-trust-2",
    "Tell me about a time you had to work with little information.": "amazon-bias-for-action-1",
    "Describe a time you improved team morale.": "amazon-strive-to-be-earths-best-employer-1",
    "Tell me about a time you earned the trust of a new team.": "amazon-earn-trust-3",
    "Tell me about a time you had to learn something new.": "amazon-learn-and-be-curious-1",
}
MARGIN = 25
MARGIN_KINDS = {"ramble", "off_topic", "we_only", "no_result", "cut_at_limit"}
_TAKES_STOP = "stopped_by" in inspect.signature(review).parameters


@dataclass
class Item:
    name: str
    kind: str
    text: str
    question: Question | None
    company: str | None
    missing: set[str] | None  # None: not labelled for presence
    words: list[str] | None  # gold word labels
    off_topic: bool
    cut: bool = False
    expect: dict | None = None


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _question(row: dict, bank: Bank) -> Question | None:
    qid = row.get("question_id")
    if qid and qid in bank.questions:
        return bank.questions[qid]
    return Question("custom", row["question"], ()) if row.get("question") else None


def _labels(row: dict) -> tuple[set[str], list[str] | None]:
    if not row.get("star_labels"):
        return set(PARTS), None
    spans = gold_spans(row)
    present = {p for _, _, p in spans}
    return set(PARTS) - present, typed_word_labels(row["answer_text"], spans)


def _we(text: str) -> str:
    for a, b in (
        ("I'm", "we're"),
        ("I've", "we've"),
        ("I'd", "we'd"),
        ("I", "we"),
        ("my", "our"),
        ("me", "us"),
    ):
        text = re.sub(rf"\b{a}\b", b, text, flags=re.IGNORECASE)
    return text


def _weakened(name: str, row: dict, good: Item, other_q: Question | None) -> list[tuple[Item, Item]]:
    """Programmatic weakened copies of a labelled four-part answer, each paired with the good one."""
    spans = gold_spans(row)
    if {p for _, _, p in spans} != set(PARTS):
        return []
    text = row["answer_text"]
    part_text = [(p, text[s:e]) for s, e, p in spans]
    out = []

    def item(kind: str, body: str, **kw) -> Item:
        base = {"question": good.question, "company": good.company, "off_topic": False, "missing": None}
        return Item(f"{name}~{kind}", kind, body, words=None, **{**base, **kw})

    no_result = " ".join(t for p, t in part_text if p != "result")
    out.append(item("no_result", no_result, missing={"result"}))
    actions = [t for p, t in part_text if p == "action"]
    we = " ".join(_we(t) if p == "action" else t for p, t in part_text)
    out.append(item("we_only", we))
    # Cut at the limit halfway through the action words.
    upto, cut_text = [], ""
    for p, t in part_text:
        if p == "action":
            words = " ".join(actions).split()
            cut_text = " ".join(upto + words[: max(len(words) // 2, 3)])
            break
        upto += t.split()
    out.append(item("cut_at_limit", cut_text, missing={"result"}, cut=True))
    if other_q is not None:
        out.append(item("off_topic", text, question=other_q, off_topic=True))
    return [(good, w) for w in out]


def load(paths: list[Path], bank: Bank, fresh: bool) -> tuple[list[Item], list[tuple[Item, Item]]]:
    items: list[Item] = []
    pairs: list[tuple[Item, Item]] = []
    rows = [(f"{p.stem}:{i}", r) for p in paths for i, r in enumerate(_rows(p))]
    by_id = {}
    questions = [_question(r, bank) for _, r in rows]
    for k, (name, row) in enumerate(rows):
        missing, words = _labels(row)
        expect = row.get("expect")
        if expect is not None:
            missing = set(expect["missing"]) if "missing" in expect else None
        kind = row.get("kind") or ("good" if row.get("star_labels") else "unstructured")
        it = Item(
            row.get("id", name),
            kind,
            row["answer_text"],
            questions[k],
            row.get("company"),
            missing,
            words,
            bool(expect and expect.get("off_topic")),
            cut=bool(expect and expect.get("cut_at_limit")),
            expect=expect,
        )
        items.append(it)
        by_id[it.name] = it
    twins = [
        (k, bank.questions[BANK_TWIN[r["question"]]])
        for k, (_, r) in enumerate(rows)
        if r.get("question") in BANK_TWIN and r.get("star_labels")
    ]
    for j, (k, twin) in enumerate(twins):
        it = items[k]
        other = twins[(j + len(twins) // 2) % len(twins)][1]
        items.append(Item(f"{it.name}@bank", "on_topic_bank", it.text, twin, "amazon", None, None, False))
        items.append(Item(f"{it.name}@other", "off_topic_bank", it.text, other, "amazon", None, None, True))
    for k, (_, row) in enumerate(rows):
        it = items[k]
        if row.get("pair_of"):
            pairs.append((by_id[row["pair_of"]], it))
        if it.kind == "good" and row.get("star_labels"):
            # another answer's question, far from this one in the file (a different topic); a bank
            # question (the in-sample rows' bank twin), since off_topic is judged against the bank
            other_row = rows[(k + len(rows) // 2) % len(rows)][1]
            other = questions[(k + len(rows) // 2) % len(rows)]
            if other is not None and other.id not in bank.questions:
                twin = BANK_TWIN.get(other_row.get("question", ""))
                other = bank.questions[twin] if twin else None
            if other is not None and it.question is not None and other.text == it.question.text:
                other = None
            pairs += _weakened(it.name, row, it, other)
    return items, pairs


_cache: dict[tuple[int, bool], object] = {}
SPOKEN = ""  # --spoken VOICE: answers said by slt or piper, heard by the default engine (no pairs)


def answer_of(it: Item) -> Transcript:
    if SPOKEN:
        from spoken_cache import spoken

        return spoken(it.text, SPOKEN)[0]
    return Transcript.from_text(it.text)


def run(it: Item, bank: Bank):
    key = (id(it), SPOKEN)
    if key not in _cache:
        profile = bank.profiles.get(it.company) if it.company else None
        kw = {"stopped_by": "limit"} if it.cut and _TAKES_STOP else {}
        _cache[key] = review(answer_of(it), it.question, profile, bank, **kw)
    return _cache[key]


def figures(items: list[Item], pairs: list[tuple[Item, Item]], bank: Bank) -> dict[str, str]:
    ok = n = tp = fp = fn = 0
    tp2 = fp2 = fn2 = 0  # the same F1, a habit's answer counted as having no part (below)
    w_ok = w_n = 0
    fo = fo_n = orec = orec_n = 0
    fl_ok = fl_n = 0
    heard = 0
    if SPOKEN:
        pairs = []  # weakened copies would each need synthesizing: answers only
    for it in items:
        r = run(it, bank)
        if it.missing is not None:
            for p in PARTS:
                gm, pm = p in it.missing, not r.components[p].present
                ok += gm == pm
                n += 1
                tp += gm and pm
                fp += pm and not gm
                fn += gm and not pm
                # Sets 10-17's recipe counts the habits of a generic "I usually..." answer as its
                # Action; sets 5-8's writers, and the review, credit no part of a non-story.
                gm2 = gm or it.kind == "generic"
                tp2 += gm2 and pm
                fp2 += pm and not gm2
                fn2 += gm2 and not pm
        if it.words is not None:
            labels = [s.label for s in r.segments for _ in range(s.words)]
            gold = it.words
            if SPOKEN:  # carry the labels of the written words onto the recognized ones
                ref = [t.norm for t in tokens_of(Transcript.from_text(it.text))]
                gold = align_labels(ref, it.words, [t.norm for t in tokens_of(answer_of(it))])
            m = min(len(labels), len(gold))
            w_ok += sum(a == b for a, b in zip(labels[:m], gold[:m], strict=True))
            w_n += len(gold)
        heard += r.score is not None
        if it.question is not None:
            if it.off_topic:
                orec_n += 1
                orec += "off_topic" in r.flags
            else:
                fo_n += 1
                fo += "off_topic" in r.flags
        if it.expect is not None:
            for flag, key in (
                ("not_a_story", "not_a_story"),
                ("low_ownership", "low_ownership"),
                ("cut_at_limit", "cut_at_limit"),
            ):
                fl_n += 1
                fl_ok += (flag in r.flags) == bool(it.expect.get(key))
    o_ok = o_n = m_ok = m_n = 0
    for good, weak in pairs:
        gs, ws = run(good, bank).score, run(weak, bank).score
        g, w = gs if gs is not None else -1, ws if ws is not None else -1
        o_n += 1
        o_ok += g > w
        if weak.kind in MARGIN_KINDS:
            m_n += 1
            m_ok += g - w >= MARGIN
    # the programmatic weakened copies are reviewed for off-topic recall too
    for _, weak in pairs:
        if weak.off_topic and all(weak is not it for it in items):
            orec_n += 1
            orec += "off_topic" in run(weak, bank).flags

    def frac(a: int, b: int) -> str:
        return f"{a / b:.3f} ({a}/{b})" if b else "—"

    return {
        "presence": frac(ok, n),
        "missing_f1": f"{2 * tp / max(2 * tp + fp + fn, 1):.3f}" if n else "—",
        "… a habit: no part": f"{2 * tp2 / max(2 * tp2 + fp2 + fn2, 1):.3f}" if n else "—",
        "word_accuracy": frac(w_ok, w_n),
        "false_off_topic": f"{fo}/{fo_n}",
        "off_topic_recall": frac(orec, orec_n),
        "flags": frac(fl_ok, fl_n),
        "order": frac(o_ok, o_n),
        "order_margin_25": frac(m_ok, m_n),
        "scored (heard)": frac(heard, len(items)),
    }


def review_time(items: list[Item]) -> float:
    words: list[str] = []
    texts = [it.text for it in items if it.kind == "good"] or [it.text for it in items]
    while len(words) < 20_000:
        for t in texts:
            words += t.split()
    text = " ".join(words[:20_000])
    t0 = time.process_time()  # CPU time: the machine is shared, waiting for a core is not our cost
    review(Transcript.from_text(text))
    return time.process_time() - t0


TARGETS = {
    "presence": "≥0.92",
    "missing_f1": "≥0.85",
    "… a habit: no part": "",
    "word_accuracy": "≥0.88",
    "false_off_topic": "0",
}
TARGETS |= {"off_topic_recall": "≥0.60", "flags": "", "order": "≥0.95", "order_margin_25": "≥0.95"}
TARGETS |= {"scored (heard)": "1.0"}


def dump(items: list[Item], pairs: list[tuple[Item, Item]], bank: Bank) -> None:
    """Per-answer detail, for the in-sample sets only (never the fresh ones)."""
    for it in items:
        r = run(it, bank)
        print(
            f"{it.name:<16}{it.kind:<13}{r.score!s:>5} {','.join(r.flags)}  rel={r.relevance.to_dict()['score']} {r.relevance.basis}"
        )
    for good, weak in pairs:
        g, w = run(good, bank), run(weak, bank)
        print(f"PAIR {weak.name:<28}{g.score!s:>5}{w.score!s:>5}  {','.join(w.flags)}")


def by_kind(name: str, items: list[Item], pairs: list[tuple[Item, Item]], bank: Bank) -> None:
    """Errors counted by kind of answer: aggregate counts only, no per-answer output."""
    rows: dict[str, list[int]] = {}
    for it in items:
        r = run(it, bank)
        row = rows.setdefault(it.kind, [0] * 7)
        row[0] += 1
        if it.missing is not None:
            row[1] += sum(1 for p in PARTS if (p in it.missing) == r.components[p].present)
        if it.question is not None:
            row[2] += ("off_topic" in r.flags) != it.off_topic
        if it.expect is not None:
            row[3] += ("not_a_story" in r.flags) != bool(it.expect.get("not_a_story"))
            row[4] += ("low_ownership" in r.flags) != bool(it.expect.get("low_ownership"))
    for good, weak in pairs:
        row = rows.setdefault("pair:" + weak.kind, [0] * 7)
        row[0] += 1
        g, w = (run(x, bank).score for x in (good, weak))
        g, w = (-1 if g is None else g), (-1 if w is None else w)
        row[5] += g <= w
        row[6] += weak.kind in MARGIN_KINDS and g - w < MARGIN
    print(f"errors by kind, {name}: n, part cells, off_topic, not_a_story, low_ownership, order, margin")
    for kind, row in sorted(rows.items()):
        print(f"  {kind:<20}" + "".join(f"{v:>5}" for v in row))


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fresh", action="store_true", help="also the held-out fresh sets (for the record)")
    ap.add_argument("--fresh5", dest="sets", action="append_const", const="fresh5", default=[])
    ap.add_argument("--fresh6", dest="sets", action="append_const", const="fresh6")
    ap.add_argument("--fresh8", dest="sets", action="append_const", const="fresh8")
    ap.add_argument("--relevance7", dest="sets", action="append_const", const="relevance7")
    ap.add_argument("--relevance9", dest="sets", action="append_const", const="relevance9")
    ap.add_argument("--fresh10", dest="sets", action="append_const", const="fresh10")
    ap.add_argument("--relevance10", dest="sets", action="append_const", const="relevance10")
    ap.add_argument("--fresh11", dest="sets", action="append_const", const="fresh11")
    ap.add_argument("--relevance11", dest="sets", action="append_const", const="relevance11")
    ap.add_argument("--fresh12", dest="sets", action="append_const", const="fresh12")
    ap.add_argument("--relevance12", dest="sets", action="append_const", const="relevance12")
    ap.add_argument("--fresh13", dest="sets", action="append_const", const="fresh13")
    ap.add_argument("--relevance13", dest="sets", action="append_const", const="relevance13")
    ap.add_argument("--fresh14", dest="sets", action="append_const", const="fresh14")
    ap.add_argument("--relevance14", dest="sets", action="append_const", const="relevance14")
    ap.add_argument("--fresh15", dest="sets", action="append_const", const="fresh15")
    ap.add_argument("--relevance15", dest="sets", action="append_const", const="relevance15")
    ap.add_argument("--fresh16", dest="sets", action="append_const", const="fresh16")
    ap.add_argument("--relevance16", dest="sets", action="append_const", const="relevance16")
    ap.add_argument("--fresh17", dest="sets", action="append_const", const="fresh17")
    ap.add_argument("--relevance17", dest="sets", action="append_const", const="relevance17")
    ap.add_argument("--by-kind", action="store_true", help="errors counted by kind of answer (aggregates)")
    ap.add_argument("--dump", action="store_true", help="per-answer detail of the in-sample sets")
    ap.add_argument(
        "--spoken",
        nargs="?",
        const="slt",
        default="",
        choices=("slt", "piper"),
        help="answers said by Festival slt (default) or Piper, heard by the default engine (no pairs)",
    )
    ap.add_argument(
        "--in-sample",
        choices=("all", "own", "none"),
        default="all",
        help="own: only review_own*.jsonl (36 answers) as the in-sample column, to keep a spoken run short; "
        "none: no in-sample column (the fresh sets asked for only)",
    )
    args = ap.parse_args()
    global SPOKEN
    SPOKEN = args.spoken
    bank = load_bank(bundled_bank_dir())
    in_sample = {
        "all": IN_SAMPLE,
        "own": [p for p in IN_SAMPLE if p.name.startswith("review_own")],
        "none": [],
    }[args.in_sample]
    ins_items, ins_pairs = load(in_sample, bank, fresh=False)
    held = {
        name: load([path], bank, fresh=True)
        for name, path in FRESH.items()
        if args.fresh or name in args.sets
    }
    if SPOKEN:  # say every answer first (Piper: one subprocess for the lot)
        from spoken_cache import prepare

        prepare([it.text for it in ins_items] + [it.text for its, _ in held.values() for it in its], SPOKEN)
    if args.dump:
        dump(ins_items, ins_pairs, bank)
    ins = figures(ins_items, ins_pairs, bank)
    fresh = {name: (items, prs, figures(items, prs, bank)) for name, (items, prs) in held.items()}
    if args.by_kind:
        by_kind("in-sample", ins_items, ins_pairs, bank)
        for name, (items, prs, _) in fresh.items():
            by_kind(name, items, prs, bank)
    sets = f"in-sample {len(ins_items)} answers + {len(ins_pairs)} pairs" + "".join(
        f", {name} {len(its)} + {len(prs)}" for name, (its, prs, _) in fresh.items()
    )
    if SPOKEN:
        from spoken_cache import _engine

        print(f"spoken ({SPOKEN} voice → {_engine()}); {sets}")
    else:
        print(f"typed; {sets}")
    print(f"  {'metric':<18}{'in-sample':>19}" + "".join(f"{n:>20}" for n in fresh) + f"{'target':>8}")
    for key in ins:
        cols = "".join(f"{fig[key]:>20}" for _, _, fig in fresh.values())
        print(f"  {key:<18}{ins[key]:>19}{cols}{TARGETS[key]:>8}")
    every = ins_items or [it for its, _, _ in fresh.values() for it in its]
    print(f"  {'20k words (CPU)':<18}{review_time(every):>18.2f}s{'<1 s':>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
