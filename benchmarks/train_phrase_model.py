"""Train the learned phrase scorer (mockint/review/learned.py) and write mockint/review/phrase_model.npz.

    .venv/bin/pip install scikit-learn   # training only; the review reads the weights with numpy
    .venv/bin/python benchmarks/train_phrase_model.py [--cv-only]

Data: the in-sample sets (benchmarks/data/review_own{,2,3,4}.jsonl) and the training sets
(review_train*.jsonl), all written for mockint (MIT). Never the fresh sets (review_fresh*.jsonl)
and never ../shared/star (no licence). Each phrase of mockint's own segmentation takes the label
most of its labelled words carry; answers labelled as no story (habits, rambles) give "other".
The regularisation C and the weight alpha of the learned log-probabilities beside the rules are
chosen by 5-fold cross-validation over answers (word label accuracy plus part presence after the
Viterbi pass),
each answer trained and tested with copies of it that lack one part.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_review import LETTER, gold_spans, typed_word_labels  # noqa: E402

from mockint.review import learned, star  # noqa: E402
from mockint.review.segment import segment  # noqa: E402
from mockint.transcript import Transcript  # noqa: E402

DATA = HERE / "data"
SETS = [DATA / f"review_own{s}.jsonl" for s in ("", "2", "3", "4")] + sorted(DATA.glob("review_train*.jsonl"))
CLASSES = ("situation", "task", "action", "result", "other")
NO_STORY = {"generic", "ramble", "unstructured"}
TOLERANCE = 0.01  # cross-validated word accuracy + part presence within this of the best: a tie


def _example(text: str, words: list[str] | None) -> dict | None:
    phrases = segment(Transcript.from_text(text))
    if not phrases:
        return None
    words = words or ["other"] * sum(len(p.tokens) for p in phrases)
    gold, k = [], 0
    for p in phrases:
        gold.append(Counter(words[k : k + len(p.tokens)]).most_common(1)[0][0])
        k += len(p.tokens)
    scored = star.phrase_scores(phrases)
    return {
        "phrases": phrases,
        "scored": scored,
        "feats": star.phrase_features(phrases, scored),
        "gold": gold,
    }


def _ablated(row: dict) -> list[tuple[str, list[str]]]:
    """The answer with each of its parts cut out in turn (as benchmarks/bench_review.py does):
    the scorer must learn that a phrase's place does not make it a Task."""
    text = row["answer_text"]
    spans = gold_spans(row)
    present = {p for _, _, p in spans if p != "other"}
    out = []
    for part in sorted(present) if len(present) >= 3 else []:
        kept = [(text[s:e], p) for s, e, p in spans if p != part]
        body = " ".join(t for t, _ in kept)
        new = []
        for t, p in kept:
            new.append({"part": next(k for k, v in LETTER.items() if v == p), "text": t})
        sub = {"answer_text": body, "star_labels": new}
        out.append((body, typed_word_labels(body, gold_spans(sub))))
    return out


def answers() -> list[list[dict]]:
    """Per labelled answer: its example, then its ablated copies (kept together in one fold)."""
    out = []
    for path in SETS:
        assert "fresh" not in path.name
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if row.get("star_labels"):
                texts = [(row["answer_text"], typed_word_labels(row["answer_text"], gold_spans(row)))]
                texts += _ablated(row)
            elif row.get("kind", "unstructured") in NO_STORY:
                texts = [(row["answer_text"], None)]
            else:
                continue
            group = [e for e in (_example(t, w) for t, w in texts) if e is not None]
            if group:
                out.append(group)
    return out


def matrix(feats: list[dict[int, float]]):
    from scipy.sparse import csr_matrix

    rows, cols, vals = [], [], []
    for i, f in enumerate(feats):
        for k, v in f.items():
            rows.append(i)
            cols.append(k)
            vals.append(v)
    return csr_matrix((vals, (rows, cols)), shape=(len(feats), learned.DIM), dtype=np.float64)


def fit(train: list[dict], c: float):
    from sklearn.linear_model import LogisticRegression

    feats = [f for a in train for f in a["feats"]]
    gold = [g for a in train for g in a["gold"]]
    clf = LogisticRegression(C=c, max_iter=3000)
    clf.fit(matrix(feats), gold)
    return clf


def log_probs(clf, feats: list[dict[int, float]]) -> list[dict[str, float]]:
    lp = clf.predict_log_proba(matrix(feats))
    return [{c: float(row[j]) for j, c in enumerate(clf.classes_)} for row in lp]


def accuracy(test: list[dict], clf, alpha: float) -> tuple[int, int, int, int, int]:
    """Word labels right, words; part cells right, cells; and the errors on "part missing"
    (F1's false positives + false negatives) — the cells being answer × S/T/A/R."""
    ok = n = cells_ok = cells = wrong_missing = 0
    for a in test:
        lp = log_probs(clf, a["feats"]) if clf is not None else []
        labels = star.viterbi(star.emissions(a["phrases"], a["scored"], lp, alpha))
        for p, lab, g in zip(a["phrases"], labels, a["gold"], strict=True):
            ok += len(p.tokens) * (lab == g)
            n += len(p.tokens)
        for part in CLASSES[:4]:
            right = (part in labels) == (part in a["gold"])
            cells_ok += right
            cells += 1
            wrong_missing += not right
    return ok, n, cells_ok, cells, wrong_missing


def cv(folds: list[list[dict]], models: list | None, alpha: float) -> tuple[float, float]:
    """Cross-validated word accuracy and part presence."""
    tot = [0, 0, 0, 0, 0]
    for k, fold in enumerate(folds):
        got = accuracy(fold, models[k] if models else None, alpha)
        tot = [a + b for a, b in zip(tot, got, strict=True)]
    return tot[0] / tot[1], tot[2] / tot[3]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv-only", action="store_true", help="print the cross-validation, write nothing")
    args = ap.parse_args()
    groups = answers()
    data = [a for g in groups for a in g]
    print(
        f"{len(groups)} answers ({len(data)} with the ablated copies), "
        f"{sum(len(a['gold']) for a in data)} phrases from {len(SETS)} files"
    )
    folds = [[a for g in groups[k::5] for a in g] for k in range(5)]
    words, cells = cv(folds, None, 0.0)
    print(f"  rules alone: word accuracy {words:.3f}, part presence {cells:.3f}")
    results = [(words + cells, 0.0, 1.0)]
    for c in (1.0, 3.0):
        models = [fit([a for j, f in enumerate(folds) if j != k for a in f], c) for k in range(5)]
        for alpha in (0.5, 1.0, 2.0, 4.0):
            words, cells = cv(folds, models, alpha)
            print(f"  C={c:<4} alpha={alpha:<4} word accuracy {words:.3f}, part presence {cells:.3f}")
            results.append((words + cells, alpha, c))
    # The simplest setting within TOLERANCE of the best: the least weight on the learned scores
    # (the rules carry what 100 answers cannot teach, such as a headline result), then the
    # strongest regularisation.
    top = max(r[0] for r in results)
    acc, alpha, c = min((r for r in results if r[0] >= top - TOLERANCE), key=lambda r: (r[1], r[2]))
    print(f"chosen: C={c} alpha={alpha} (cross-validated word accuracy + presence {acc:.3f})")
    if args.cv_only or alpha == 0.0:
        return 0
    clf = fit(data, c)
    order = [list(clf.classes_).index(cl) for cl in CLASSES]
    np.savez_compressed(
        learned.MODEL_PATH,
        weights=clf.coef_[order].astype(np.float16),
        bias=clf.intercept_[order].astype(np.float32),
        classes=np.array(CLASSES),
        alpha=np.float32(alpha),
    )
    print(f"wrote {learned.MODEL_PATH} ({learned.MODEL_PATH.stat().st_size / 1024:.0f} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
