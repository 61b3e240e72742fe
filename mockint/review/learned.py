"""A learned phrase scorer beside the hand-written one: logistic regression over hashed word
n-grams, the rules' own scores and cues, and the phrase's place in the answer.

Trained offline by `benchmarks/train_phrase_model.py` on labelled answers written for mockint
(benchmarks/data/review_own*.jsonl and review_train*.jsonl; never the fresh sets, never
../shared/star); the weights ship as `phrase_model.npz` (numpy only at run time, < 1 MB).
`log_probs` gives, per phrase, log P(label) for the labels of `star.LABELS`; star.py adds them
to its rule scores before the Viterbi pass. Without the weights file the rules work alone.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("phrase_model.npz")
DIM = 1 << 15  # hashed feature space
PRONOUNS = ("i", "we", "my", "our", "me", "us", "they", "you")


@lru_cache(maxsize=1 << 16)
def _h(name: str) -> int:
    return zlib.crc32(name.encode()) % DIM


def features(
    words: Sequence[str],
    position: float,
    rule_scores: dict[str, float],
    cues: Sequence[str],
    index: int,
    n: int,
) -> dict[int, float]:
    """Hashed features of one phrase (lowercase words) at `position` (0..1) in an answer of n
    phrases, the `index`-th; `rule_scores`/`cues` come from star.score_phrase."""
    ws = list(words)
    names = ["w:" + w for w in ws]  # features of weight 1, hashed below
    names += [f"b:{a}_{b}" for a, b in zip(ws, ws[1:], strict=False)]
    names += [f"f{k}:{ws[k]}" for k in range(min(3, len(ws)))]
    if len(ws) >= 2:
        names.append(f"f01:{ws[0]}_{ws[1]}")
    if ws:
        names.append("last:" + ws[-1])
    if any(w[:1].isdigit() or w[:1] in "$£€" for w in ws):
        names.append("has_number")
    names += [f"len:{min(len(ws) // 5, 6)}", f"pos:{min(int(position * 6), 5)}", "bias"]
    if index == 0:
        names.append("first_phrase")
    if index == n - 1:
        names.append("last_phrase")
    names += ["cue:" + c for c in cues]
    weighted = [("pos", position), ("pos2", position * position)]
    weighted += [("pron:" + p, min(c, 3) / 3) for p in PRONOUNS if (c := ws.count(p))]
    weighted += [("rule:" + label, v / 4.0) for label, v in rule_scores.items()]
    f: dict[int, float] = {}
    get = f.get
    for name in names:
        k = _h(name)
        f[k] = get(k, 0.0) + 1.0
    for name, value in weighted:
        k = _h(name)
        f[k] = get(k, 0.0) + value
    return f


@lru_cache(maxsize=1)
def _model() -> tuple[np.ndarray, np.ndarray, tuple[str, ...], float] | None:
    if not MODEL_PATH.exists():
        return None
    with np.load(MODEL_PATH) as z:
        return (
            z["weights"].astype(np.float32),
            z["bias"].astype(np.float32),
            tuple(str(c) for c in z["classes"]),
            float(z["alpha"]),
        )


def available() -> bool:
    return _model() is not None


def alpha() -> float:
    """How much the learned log-probabilities weigh beside the rule scores (chosen in training)."""
    m = _model()
    return m[3] if m else 0.0


def log_probs(feats: dict[int, float]) -> dict[str, float]:
    """log P(label | phrase) under the shipped model ({} without it)."""
    m = _model()
    if m is None:
        return {}
    weights, bias, classes, _ = m
    idx = np.fromiter(feats.keys(), dtype=np.int64, count=len(feats))
    val = np.fromiter(feats.values(), dtype=np.float32, count=len(feats))
    z = weights[:, idx] @ val + bias
    z = z - z.max()
    lp = z - np.log(np.exp(z).sum())
    return {c: float(v) for c, v in zip(classes, lp, strict=True)}


def log_probs_many(feats: Sequence[dict[int, float]]) -> list[dict[str, float]]:
    """`log_probs` of many phrases in one pass (a long answer has thousands)."""
    m = _model()
    if m is None or not feats:
        return [{} for _ in feats]
    weights, bias, classes, _ = m
    sizes = np.fromiter((len(f) for f in feats), dtype=np.int64, count=len(feats))
    total = int(sizes.sum())
    idx = np.fromiter((k for f in feats for k in f), dtype=np.int64, count=total)
    val = np.fromiter((v for f in feats for v in f.values()), dtype=np.float32, count=total)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    z = np.add.reduceat(weights[:, idx] * val, starts, axis=1).T + bias  # every phrase has "bias"
    z = z - z.max(axis=1, keepdims=True)
    lp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return [dict(zip(classes, map(float, row), strict=True)) for row in lp]
