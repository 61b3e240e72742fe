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
    f: dict[int, float] = {}

    def add(name: str, value: float = 1.0) -> None:
        k = _h(name)
        f[k] = f.get(k, 0.0) + value

    ws = list(words)
    for w in ws:
        add("w:" + w)
    for a, b in zip(ws, ws[1:], strict=False):
        add(f"b:{a}_{b}")
    for k in range(min(3, len(ws))):
        add(f"f{k}:{ws[k]}")
    if len(ws) >= 2:
        add(f"f01:{ws[0]}_{ws[1]}")
    if ws:
        add("last:" + ws[-1])
    for p in PRONOUNS:
        c = ws.count(p)
        if c:
            add("pron:" + p, min(c, 3) / 3)
    if any(w[:1].isdigit() or w[:1] in "$£€" for w in ws):
        add("has_number")
    add(f"len:{min(len(ws) // 5, 6)}")
    add(f"pos:{min(int(position * 6), 5)}")
    add("pos", position)
    add("pos2", position * position)
    if index == 0:
        add("first_phrase")
    if index == n - 1:
        add("last_phrase")
    for c in cues:
        add("cue:" + c)
    for label, v in rule_scores.items():
        add("rule:" + label, v / 4.0)
    add("bias")
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
