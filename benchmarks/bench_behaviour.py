"""The behaviour cues (mockint/review/behaviour.py) on the stories they were written on: in-sample.

    .venv/bin/python benchmarks/bench_behaviour.py [--misses]

Stories: benchmarks/data/behaviour_train*.jsonl (written for mockint, MIT; each labelled with the
behaviours it shows) and the in-sample review answers under their bank twin (bench_review_fresh's
BANK_TWIN). Figures:
  shown     a story's labelled behaviour has at least one cue found (a miss here would be a
            false off_topic under a question asking for it)
  on-topic  in-sample review answers under their bank twin: none judged a mismatch
  mismatch  each story under every bank question asking only for behaviours it is not labelled
            with: judged a mismatch (off_topic recall's upper bound; a story can show a behaviour
            it is not labelled with, so this undercounts)
The fresh sets are measured by bench_review_fresh.py, never here.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_review_fresh import BANK_TWIN, IN_SAMPLE, _rows  # noqa: E402

from mockint.bank import load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.review import behaviour  # noqa: E402

# the sets the cues were written on; sets 7-12 (2026-12-07) came after, for the behaviour probe
TRAIN = [HERE / "data" / f"behaviour_train{k}.jsonl" for k in range(1, 7)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--misses", action="store_true", help="list the in-sample stories missed")
    args = ap.parse_args()
    bank = load_bank(bundled_bank_dir())
    stories = [r for p in TRAIN for r in _rows(p)]
    words = {r["id"]: r["text"].split() for r in stories}

    shown, seen = Counter(), Counter()
    for r in stories:
        for b in r["behaviours"]:
            seen[b] += 1
            if behaviour.shows(words[r["id"]], b):
                shown[b] += 1
            elif args.misses:
                print(f"  not shown: {r['id']} {b}: {r['text'][:100]}")

    on = flagged = 0
    for path in IN_SAMPLE:
        for r in _rows(path):
            twin = BANK_TWIN.get(r.get("question", ""))
            if not twin or not r.get("star_labels"):
                continue
            fit = behaviour.judge(r["answer_text"].split(), bank.questions[twin].behaviours)
            if fit is None:
                continue
            on += 1
            if fit.mismatch:
                flagged += 1
                if args.misses:
                    print(f"  on-topic judged a mismatch: {twin}: {r['answer_text'][:100]}")

    caught, pairs = Counter(), Counter()
    for r in stories:
        for q in bank.questions.values():
            if not q.behaviours or "any" in q.behaviours or set(q.behaviours) & set(r["behaviours"]):
                continue
            fit = behaviour.judge(words[r["id"]], q.behaviours)
            key = "+".join(q.behaviours)
            pairs[key] += 1
            caught[key] += bool(fit and fit.mismatch)

    total_shown, total_seen = sum(shown.values()), sum(seen.values())
    print(f"{len(stories)} stories, {len(bank.questions)} bank questions (in-sample)")
    print(f"  shown     {total_shown / total_seen:.3f} ({total_shown}/{total_seen})")
    print(f"  on-topic  {flagged}/{on} review answers judged a mismatch")
    n, c = sum(pairs.values()), sum(caught.values())
    print(f"  mismatch  {c / n:.3f} ({c}/{n})")
    print("  by behaviour: shown, and mismatch recall under questions asking only for it")
    for b in sorted(seen):
        p = pairs.get(b, 0)
        rec = f"{caught[b] / p:.2f} ({caught[b]}/{p})" if p else "—"
        print(f"    {b:<12} {shown[b]:>3}/{seen[b]:<3}  {rec}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
