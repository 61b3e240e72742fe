"""Train the behaviour probe (mockint/review/behaviour_probe.py) and write behaviour_probe.npz.

    .venv/bin/pip install -e '.[train]'   # training only; the review reads the weights with numpy
    .venv/bin/python benchmarks/train_behaviour_probe.py [--cv-only]

Data: the behaviour-labelled stories written for mockint (benchmarks/data/behaviour_train1-8.jsonl,
MIT), nothing else; never ../shared/star (no licence). Tf-idf of words and word pairs (terms seen
in two stories or more, sublinear counts), then a one-vs-rest logistic regression per behaviour
(C = 4, balanced classes). C was the first value tried, in benchmarks/bench_relevance_probe.py
--words, and kept; the probe there reads the same terms through scikit-learn.

The bar (how small the probe's chance of an asked behaviour must be before the review calls
the story off-topic) is set on the labelled review sets listed in CALIBRATION: every on-topic
answer the review would judge (a story, not a habit or a ramble; 40 words or more, no talking
point covered, the asked behaviour not named by two cues, not already flagged by the lexical
rule) must stay at or above it, so the bar is the lowest chance any of them gets. Those sets are
in-sample for off_topic from then on. Fresh sets 14 and 15 measured the first probe (its bar a
rank, set on sets 5-13), fresh set 16 the chance bar set on sets 5-15 (docs/review.md). The
weights are checked against scikit-learn's own decision values before they are written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_review_fresh as B  # noqa: E402

from mockint.bank import BEHAVIOURS, load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.review import behaviour_probe  # noqa: E402
from mockint.review import relevance as R  # noqa: E402
from mockint.review.segment import tokens_of  # noqa: E402
from mockint.transcript import Transcript  # noqa: E402

# Sets 1-8 (532 stories). Sets 9-12 (528 hard cases, each story set where another behaviour
# would fit) lifted cross-validated accuracy (own behaviour first 0.592 -> 0.704) but, with the
# bar set on sets 5-14, did worse on fresh set 15 than these weights (docs/review.md): kept as
# data for the next round, not trained on here.
TRAIN = [HERE / "data" / f"behaviour_train{k}.jsonl" for k in range(1, 9)]
C = 4.0
CALIBRATION = [
    "fresh5",
    "fresh6",
    "fresh8",
    "relevance7",
    "relevance9",
    "fresh10",
    "relevance10",
    "fresh11",
    "relevance11",
    "fresh12",
    "relevance12",
    "fresh13",
    "relevance13",
    "fresh14",
    "relevance14",
    "fresh15",
    "relevance15",
]


def norms_of(text: str) -> list[str]:
    return [t.norm for t in tokens_of(Transcript.from_text(text))]


def fit(docs: list[list[str]], y: np.ndarray):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier

    vec = TfidfVectorizer(analyzer=behaviour_probe.terms, min_df=2, sublinear_tf=True)
    x = vec.fit_transform(docs)
    clf = OneVsRestClassifier(LogisticRegression(C=C, class_weight="balanced", max_iter=2000)).fit(x, y)
    return vec, clf


def cross_validate(docs: list[list[str]], y: np.ndarray) -> tuple[float, float]:
    from sklearn.model_selection import KFold

    top1 = top3 = 0
    for tr, te in KFold(5, shuffle=True, random_state=0).split(docs):
        vec, clf = fit([docs[i] for i in tr], y[tr])
        order = np.argsort(-clf.decision_function(vec.transform([docs[i] for i in te])), 1)
        for row, o in zip(y[te], order, strict=True):
            top1 += row[o[0]] > 0
            top3 += row[o[:3]].any()
    return top1 / len(docs), top3 / len(docs)


def save(vec, clf, names: list[str], bar: float) -> None:
    vocab = sorted(vec.vocabulary_, key=vec.vocabulary_.__getitem__)
    coef = np.stack([e.coef_[0] for e in clf.estimators_])
    intercept = np.array([e.intercept_[0] for e in clf.estimators_])
    np.savez_compressed(
        behaviour_probe.MODEL_PATH,
        vocab=np.array(vocab),
        idf=vec.idf_.astype(np.float32),
        coef=coef.astype(np.float32),
        intercept=intercept.astype(np.float32),
        names=np.array(names),
        bar=np.float64(bar),  # compared with chances rounded to 3 places: float32 would shift it
    )
    behaviour_probe._model.cache_clear()


def calibrate(bank) -> tuple[float, int]:
    """The lowest chance an on-topic answer the review judges gets on the CALIBRATION sets."""
    worst, judged = 1.0, 0
    for name in ["in-sample", *CALIBRATION]:
        B._cache.clear()
        paths = B.IN_SAMPLE if name == "in-sample" else [B.FRESH[name]]
        items, _ = B.load(paths, bank, fresh=name != "in-sample")
        for it in items:
            if it.off_topic or it.question is None:
                continue
            r = B.run(it, bank)
            rel, fit_ = r.relevance, r.relevance.behaviour
            if (
                not R.judged(rel, r.delivery.words)
                or "not_a_story" in r.flags  # the probe judges stories only (relevance.off_topic)
                or rel.rival is not None  # already flagged by the lexical rule
                or fit_ is None
                or fit_.chance is None
            ):
                continue
            judged += 1
            worst = min(worst, fit_.chance)
    return worst, judged


def main() -> int:
    rows = [json.loads(line) for p in TRAIN for line in p.read_text().splitlines() if line.strip()]
    docs = [norms_of(r["text"]) for r in rows]
    names = [b for b in BEHAVIOURS if b != "any" and any(b in r["behaviours"] for r in rows)]
    y = np.array([[b in r["behaviours"] for b in names] for r in rows], dtype=int)
    top1, top3 = cross_validate(docs, y)
    print(
        f"{len(rows)} stories, {len(names)} behaviours; 5-fold CV: own behaviour first {top1:.3f}, top three {top3:.3f}"
    )
    if "--cv-only" in sys.argv:
        return 0
    vec, clf = fit(docs, y)
    save(vec, clf, names, bar=0.0)  # no bar yet: the review flags nothing by the probe
    want = clf.decision_function(vec.transform(docs))
    got = np.array([[behaviour_probe.scores(d)[n] for n in names] for d in docs])
    assert np.abs(want - got).max() < 1e-3, np.abs(want - got).max()
    bank = load_bank(bundled_bank_dir())
    bar, judged = calibrate(bank)
    save(vec, clf, names, bar)
    size = behaviour_probe.MODEL_PATH.stat().st_size
    print(
        f"bar {bar:.3f} (the lowest chance of {judged} judged on-topic answers in the calibration sets); "
        f"{len(vec.vocabulary_)} terms; wrote {behaviour_probe.MODEL_PATH.name}, {size / 1e3:.0f} KB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
