"""Would a small static embedding make relevance better? The lexical rules beside a frozen candidate.

    .venv/bin/python benchmarks/bench_relevance_semantic.py [--fresh]

The candidate (issue 14): wordllama 0.4.0.post1's bundled l2_supercat 256-d token embeddings
(MIT package, 16 MB float16; read here from the installed package's files, no import of it, no
network), mean-pooled over the answer's content words, centred on the in-sample answers' mean.
Each principle of the bank is the mean of its questions' text and talking points, centred.
off_topic is raised as today (lexical), or also when at least SEMANTIC_RANK of the other
principles fit the story better than its own question's principle (with the same guards: 40
words, no talking point covered). SEMANTIC_RANK was chosen on the in-sample sets alone (the
largest recall with no false off_topic there). The fresh sets are measured once, as aggregates.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import struct
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import bench_review_fresh as B  # noqa: E402

from mockint.bank import load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.review import relevance as R  # noqa: E402

SEMANTIC_RANK = 0.92
DIM = 256
# sha256 of the files measured (wordllama 0.4.0.post1): another version's vectors are another model
FILES = {
    "weights/l2_supercat_256.safetensors": "64b47a2dc493cb8e85944076601189739852d7b64e0e1eedcb1937a251cd9fd5",
    "tokenizers/l2_supercat_tokenizer_config.json": (
        "93248f2a9ec36c7b35f700a033d5f36228aae48db61aee31007fa49062cdeb68"
    ),
}


class Embedder:
    def __init__(self) -> None:
        from tokenizers import Tokenizer

        spec = importlib.util.find_spec("wordllama")
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit("wordllama is not installed — pip install -e '.[semantic]'")
        root = Path(spec.submodule_search_locations[0])
        for name, digest in FILES.items():
            if hashlib.sha256((root / name).read_bytes()).hexdigest() != digest:
                raise SystemExit(f"{root / name}: not the file measured — pip install wordllama==0.4.0.post1")
        with open(root / "weights" / "l2_supercat_256.safetensors", "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))["embedding.weight"]
            raw = f.read()
        self.matrix = np.frombuffer(raw, dtype=np.float16).reshape(header["shape"]).astype(np.float32)
        self.tok = Tokenizer.from_file(str(root / "tokenizers" / "l2_supercat_tokenizer_config.json"))
        self.words: dict[str, np.ndarray] = {}

    def word(self, w: str) -> np.ndarray:
        if w not in self.words:
            v = self.matrix[self.tok.encode(" " + w, add_special_tokens=False).ids].mean(0)
            self.words[w] = v / (np.linalg.norm(v) + 1e-9)
        return self.words[w]

    def text(self, text: str) -> np.ndarray:
        ws = [w for w in re.findall(r"[a-z']+", text.lower()) if w not in R._STOP and len(w) > 2]
        return np.mean([self.word(w) for w in ws], 0) if ws else np.zeros(DIM, np.float32)


def _unit(m: np.ndarray) -> np.ndarray:
    return m / np.linalg.norm(m, axis=-1, keepdims=True)


class Candidate:
    threshold = SEMANTIC_RANK  # off_topic at this principle rank or above

    def __init__(self, bank, centre_texts: list[str]) -> None:
        self.e = Embedder()
        self.centre = np.mean([self.e.text(t) for t in centre_texts], 0)
        groups: dict[str, list[str]] = {}
        for q in bank.questions.values():
            groups.setdefault(R._group(q), []).append(q.text + " " + " ".join(q.talking_points))
        self.names = list(groups)
        p = np.stack([self.e.text(" ".join(ts)) for ts in groups.values()])
        self.principles = _unit(p - p.mean(0))
        self.fired = 0

    def rank(self, norms: list[str], question) -> float:
        a = self.e.text(" ".join(norms)) - self.centre
        s = self.principles @ (a / np.linalg.norm(a))
        mine = s[self.names.index(R._group(question))]
        return float((s > mine).sum() / (len(s) - 1))

    def patch(self, original):
        def judge(norms, question, principles, rivals=()):
            rivals = list(rivals)
            rel = original(norms, question, principles, rivals)
            if rel.rival is None and rel.ranked and len(norms) >= R.MIN_WORDS_TO_JUDGE:
                if self.rank(list(norms), question) >= self.threshold:
                    self.fired += 1
                    return replace(rel, rival="(semantic)")
            return rel

        return judge


def table(bank, sets: dict[str, list[Path]]) -> dict[str, dict[str, str]]:
    out = {}
    for name, paths in sets.items():
        B._cache.clear()
        items, pairs = B.load(paths, bank, fresh=name != "in-sample")
        out[name] = B.figures(items, pairs, bank)
    return out


def main() -> int:
    fresh = "--fresh" in sys.argv
    bank = load_bank(bundled_bank_dir())
    sets = {"in-sample": B.IN_SAMPLE} | ({k: [v] for k, v in B.FRESH.items()} if fresh else {})
    before = table(bank, sets)
    ins_items, _ = B.load(B.IN_SAMPLE, bank, fresh=False)
    t0 = time.perf_counter()
    cand = Candidate(bank, [it.text for it in ins_items if it.kind == "good"])
    load_s = time.perf_counter() - t0
    original = R.judge
    R.judge = cand.patch(original)
    try:
        after = table(bank, sets)
        norms = ins_items[0].text.lower().split()
        t0 = time.perf_counter()
        for _ in range(20):
            cand.e.words.clear()
            cand.rank(norms, bank.questions["amazon-dive-deep-1"])
        per_answer = (time.perf_counter() - t0) / 20
    finally:
        R.judge = original
    keys = ("false_off_topic", "off_topic_recall", "order", "order_margin_25")
    print(f"candidate: lexical OR principle-embedding rank >= {SEMANTIC_RANK} (fired {cand.fired}×)")
    print(f"  {'set':<12}{'metric':<18}{'lexical (main)':>20}{'+ embedding':>20}")
    for name in sets:
        for k in keys:
            print(f"  {name:<12}{k:<18}{before[name][k]:>20}{after[name][k]:>20}")
    print(
        f"  load (weights + tokenizer + bank): {load_s:.2f} s; embedding one answer: {per_answer * 1000:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
