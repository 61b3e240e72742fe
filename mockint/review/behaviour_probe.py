"""Which behaviour a story shows, learned: the evidence that a story does not answer its question.

The cue tables (behaviour.py) tell when a story names what the question asks for; they cannot
tell when it does not, because a story tells a disagreement in words no table holds. This is a
one-vs-rest logistic regression over the story's words and word pairs (tf-idf), one output per
behaviour of mockint.bank.BEHAVIOURS, trained offline by `benchmarks/train_behaviour_probe.py`
on the behaviour-labelled stories written for mockint (benchmarks/data/behaviour_train*.jsonl,
MIT; never ../shared/star). The weights ship as `behaviour_probe.npz` (numpy only at run time).

`read` gives the probe's `chance` that the story shows one of the asked behaviours (the best of
their one-vs-rest probabilities, 0..1), where that behaviour ranks among all of them (0.0 when
the story reads most like it, 1.0 when every other behaviour fits better) and the behaviour the
story reads most like. Below `bar()` (a chance, set in training as the lowest any on-topic
answer the review judges got on the labelled sets, see docs/review.md) the story reads as being
about something else. The chance decides rather than the rank: on the labelled sets it let the
same zero false alarms catch more mismatched stories (54 against 34 of 159 judged).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

MODEL_PATH = Path(__file__).with_name("behaviour_probe.npz")


def terms(norms: Sequence[str]) -> list[str]:
    """The probe's terms of a story (its lowercase words): each word and each pair of words."""
    ws = list(norms)
    return ws + [f"{a} {b}" for a, b in zip(ws, ws[1:], strict=False)]


@dataclass(frozen=True)
class Model:
    vocab: dict[str, int]
    idf: np.ndarray  # (terms,)
    coef: np.ndarray  # (behaviours, terms)
    intercept: np.ndarray  # (behaviours,)
    names: tuple[str, ...]  # the behaviours, in coef's order
    bar: float


@lru_cache(maxsize=1)
def _model() -> Model | None:
    if not MODEL_PATH.exists():
        return None
    with np.load(MODEL_PATH) as z:
        vocab = {str(t): k for k, t in enumerate(z["vocab"])}
        return Model(
            vocab,
            z["idf"].astype(np.float32),
            z["coef"].astype(np.float32),
            z["intercept"].astype(np.float32),
            tuple(str(n) for n in z["names"]),
            float(z["bar"]),
        )


def available() -> bool:
    return _model() is not None


def bar() -> float:
    """The chance below which a story reads as about another behaviour (0.0: never, without weights)."""
    m = _model()
    return m.bar if m else 0.0


def scores(norms: Sequence[str]) -> dict[str, float] | None:
    """The probe's decision value per behaviour (higher: the story reads more like it)."""
    m = _model()
    if m is None:
        return None
    counts = Counter(k for t in terms(norms) if (k := m.vocab.get(t)) is not None)
    x = np.zeros(len(m.idf), np.float32)
    for k, c in counts.items():
        x[k] = (1.0 + math.log(c)) * m.idf[k]  # sublinear tf × idf, as trained
    norm = float(np.linalg.norm(x))
    if norm > 0:
        x /= norm
    z = m.coef @ x + m.intercept
    return dict(zip(m.names, map(float, z), strict=True))


@dataclass(frozen=True)
class Reading:
    chance: float  # the probe's probability that the story shows the best asked behaviour
    rank: float  # where that behaviour ranks among all (0.0 first … 1.0 last)
    reads_as: str  # the behaviour the story reads most like


def read(norms: Sequence[str], asked: Sequence[str]) -> Reading | None:
    """The probe's reading of a story against the asked behaviours, rounded as stored in JSON
    (3 places: the bar is compared with what the review keeps); None without weights or when
    nothing asked is known to the probe."""
    s = scores(norms)
    if s is None:
        return None
    known = [s[a] for a in asked if a in s]
    if not known:
        return None
    best = max(known)
    top = max(s, key=s.__getitem__)
    chance = 0.5 * (1.0 + math.tanh(best / 2))  # the logistic of the decision value, without overflow
    return Reading(round(chance, 3), round(sum(v > best for v in s.values()) / (len(s) - 1), 3), top)
