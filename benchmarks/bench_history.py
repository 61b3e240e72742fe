"""History at scale: `sessions`, `stats` and `report --progress` over 1,000 saved sessions.

Builds one session like `practice` leaves it — 3 questions, each a ~2-minute answer (≈280 words
with times, 8 labelled segments) and a follow-up, a small WAV per take — then copies it to N
session folders (companies amazon/meta/jpmc in turn, one a day back from 2026-11-30). Then runs
the real commands as processes: first without the index (recordings/.index.json deleted: the
first run builds it), then with it, then after touching one manifest (that entry is rebuilt).

    .venv/bin/python benchmarks/bench_history.py [--sessions 1000] [--runs 3] [--baseline DIR]

--baseline DIR also times the mockint in DIR (e.g. `git worktree add /tmp/base main`) on the
same sessions and index, its runs alternating with this tree's so both see the same load; this
interpreter must have the baseline's dependencies. The load average is printed at both ends.

Targets (issue 16): sessions and stats ≤ 1 s, report --progress ≤ 3 s at 1,000 sessions.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockint.store import QuestionRef, Store  # noqa: E402

COMPANIES = ("amazon", "meta", "jpmc")
QUESTIONS = {
    "amazon": ("amazon-ownership-1", "amazon-dive-deep-1", "amazon-customer-obsession-1"),
    "meta": ("meta-move-fast-1", "meta-impact-1", "meta-conflict-1"),
    "jpmc": (
        "jpmc-teamwork-successful-team",
        "jpmc-client-exceeded-expectations",
        "jpmc-teamwork-support-colleague",
    ),
}
PARTS = ("situation", "task", "action", "result")
WORDS = (
    "so last year i led the migration of our payment service and we had to cut failed orders " * 20
).split()


def _take(kind: str, seconds: float, score: int, seed: int) -> dict:
    n = int(seconds * 2.3)
    words = [
        {
            "word": WORDS[i % len(WORDS)],
            "start": round(i / 2.3, 2),
            "end": round(i / 2.3 + 0.35, 2),
            "confidence": 0.9,
        }
        for i in range(n)
    ]
    text = " ".join(w["word"] for w in words)
    seg = n // 8
    segments = [
        {
            "text": " ".join(w["word"] for w in words[i * seg : (i + 1) * seg]),
            "label": PARTS[min(3, i // 2)],
            "start_s": words[i * seg]["start"],
            "end_s": words[min(n - 1, (i + 1) * seg)]["end"],
        }
        for i in range(8)
    ]
    flags = ["result_not_quantified"] if seed % 3 == 0 else (["long_setup"] if seed % 3 == 1 else [])
    return {
        "kind": kind,
        "prompt": "…",
        "duration_s": seconds,
        "thinking_s": 2.0,
        "stopped_by": "enter",
        "target_s": 120,
        "limit_s": 180,
        "transcript": {
            "text": text,
            "engine": "whisper",
            "model": "tiny.en",
            "duration_s": seconds,
            "words": words,
        },
        "review": {
            "score": score,
            "flags": flags,
            "tips": ["Put a number on the result.", "Say what you did yourself."],
            "components": {
                p: {"present": True, "share": 0.25, "seconds": seconds / 4, "evidence": ["…"]} for p in PARTS
            },
            "segments": segments,
            "delivery": {
                "duration_s": seconds,
                "words": n,
                "wpm": 138.0,
                "thinking_s": 2.0,
                "fillers": {"count": 3, "per_minute": 1.5, "by_word": {"um": 3}},
                "i_count": 14,
                "we_count": 3,
                "long_pauses": 1,
            },
        },
    }


def build(root: Path, sessions: int) -> None:
    template = {}
    for company in COMPANIES:  # one real session per company, written by the store
        store = Store(root / ".templates", now=lambda: datetime(2026, 1, 1, tzinfo=timezone.utc))
        writer = store.create(company, seed=1, profile={"id": company, "answer_target_s": 120})
        for q, qid in enumerate(QUESTIONS[company]):
            writer.ask(QuestionRef(qid, f"Tell me about {qid}.", (qid.split("-", 1)[1].rsplit("-", 1)[0],)))
            for kind, seconds in (("answer", 115.0), ("follow_up", 30.0)):
                path = writer.take_path(qid, kind)
                with wave.open(str(path), "wb") as w:
                    w.setnchannels(1), w.setsampwidth(2), w.setframerate(16_000)
                    w.writeframes(b"\0\0" * 1600)
                writer.add_take(qid, {**_take(kind, seconds, 60 + q * 5, q), "audio": path})
        writer.finish()
        template[company] = root / ".templates" / writer.id
    start = datetime(2026, 11, 30, 19, 30, tzinfo=timezone.utc)
    for i in range(sessions):
        company = COMPANIES[i % 3]
        at = start - timedelta(days=i // 3, minutes=i % 3)
        sid = f"{at.strftime('%Y-%m-%dT%H-%M-%S')}-{company}"
        folder = root / sid
        shutil.copytree(template[company], folder)
        manifest = folder / "session.json"
        doc = json.loads(manifest.read_text())
        doc.update(id=sid, started_at=at.isoformat(), updated_at=at.isoformat(), ended_at=at.isoformat())
        for n, q in enumerate(doc["questions"]):
            q["takes"][0]["review"]["score"] = 40 + (i * 7 + n * 11) % 55
        manifest.write_text(json.dumps(doc, indent=1))
    shutil.rmtree(root / ".templates")


def timed(args: list[str], env: dict[str, str], runs: int, tree: Path = ROOT) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mockint", *args],
            env={**env, "PYTHONPATH": str(tree)},
            cwd=tree,
            capture_output=True,
            text=True,
        )
        times.append(time.perf_counter() - t)
        if done.returncode != 0:
            raise SystemExit(f"mockint {' '.join(args)} failed: {done.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--baseline", type=Path, metavar="DIR", help="another mockint tree to time alike")
    args = parser.parse_args()
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory(prefix="mockint-history-") as tmp:
        root = Path(tmp) / "recordings"
        t = time.perf_counter()
        build(root, args.sessions)
        size = sum(f.stat().st_size for f in root.rglob("session.json")) / 1e6
        print(
            f"built {args.sessions} sessions ({size:.0f} MB of manifests) in {time.perf_counter() - t:.1f} s"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
        env.update(MOCKINT_RECORDINGS=str(root), MOCKINT_CACHE=str(Path(tmp) / "cache"))
        commands = {
            "sessions": ["sessions"],
            "stats": ["stats"],
            "report --progress": ["report", "--progress", "-o", str(Path(tmp) / "progress.html")],
        }
        index = root / ".index.json"
        base = args.baseline.resolve() if args.baseline else None
        print(
            f"{'command':<20} {'no index':>10} {'index':>10} {'1 changed':>10}   target"
            + (f"   baseline (index), {base}" if base else "")
        )
        for name, argv in commands.items():
            index.unlink(missing_ok=True)
            cold = timed(argv, env, 1)
            if base:  # alternate the two trees' warm runs
                pairs = [(timed(argv, env, 1), timed(argv, env, 1, base)) for _ in range(args.runs)]
                warm, was = (statistics.median(x) for x in zip(*pairs, strict=True))
            else:
                warm, was = timed(argv, env, args.runs), None
            newest = sorted(p for p in root.iterdir() if p.is_dir())[-1] / "session.json"
            os.utime(newest)  # a manifest newer than its index entry: that entry is rebuilt
            changed = timed(argv, env, 1)
            target = 3.0 if name.startswith("report") else 1.0
            verdict = "ok" if warm <= target else "OVER"
            print(
                f"{name:<20} {cold:>9.2f}s {warm:>9.2f}s {changed:>9.2f}s   ≤ {target:g} s {verdict}"
                + (f"   {was:.2f}s" if was is not None else "")
            )
        print(f"index: {index.stat().st_size / 1e6:.1f} MB" if index.exists() else "index: none")
    print("load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()))


if __name__ == "__main__":
    main()
