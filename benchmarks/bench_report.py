"""How long `mockint report` takes for a 6-question session, and how big the page is.

Builds a saved session like `practice` leaves it: 6 questions, each a ~2-minute answer and a
~30 s follow-up, 16 kHz mono 16-bit WAVs. The speech is espeak-ng reading STAR answers (from
../shared/star/answers.jsonl when present, parts of several answers joined to reach ~2 minutes;
a fixed text otherwise). Segment times are real; word times inside a segment are spread by
word length (good enough here: they only affect the page's size by a few bytes).

Then: the session page with embedded audio (Ogg Vorbis data: URIs) and with linked audio,
the progress page over 30 sessions, and the embedded page opened in headless Chromium.

    .venv/bin/python benchmarks/bench_report.py [--runs 3] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mockint.bank import load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.render.progress_page import build_progress_report  # noqa: E402
from mockint.render.session_page import build_session_report, session_profile  # noqa: E402

ANSWERS = ROOT.parent / "shared" / "star" / "answers.jsonl"
RATE_HZ = 16_000
QUESTIONS = 6
ANSWER_WORDS = 280  # ~2 min at espeak-ng's 150 words/min
FOLLOW_UP_WORDS = 70
PART = {"S": "situation", "T": "task", "A": "action", "R": "result"}
FALLBACK = [
    ("situation", "Our nightly billing job failed twice a week and customers saw late invoices."),
    ("task", "I owned the fix before the end of the quarter."),
    ("action", "I traced the failures to retries, added a queue, wrote alerts and trained the on-call team."),
    ("result", "Failures fell by ninety percent and late invoices stopped within a month."),
]


def labelled_answers() -> list[list[tuple[str, str]]]:
    if not ANSWERS.is_file():
        return [FALLBACK]
    rows = [json.loads(line) for line in ANSWERS.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [
        [(PART[p["part"]], p["text"]) for p in r["star_labels"]] for r in rows if r.get("star_labels")
    ] or [FALLBACK]


def script(pool: list[list[tuple[str, str]]], start: int, words: int) -> list[tuple[str, str]]:
    """STAR-ordered parts gathered from consecutive answers until there are `words` words."""
    parts: dict[str, list[str]] = {p: [] for p in PART.values()}
    i, count = start, 0
    while count < words:
        for label, text in pool[i % len(pool)]:
            parts[label].append(text)
            count += len(text.split())
        i += 1
    return [(label, " ".join(texts)) for label, texts in parts.items() if texts]


def speak(segments: list[tuple[str, str]], wav: Path) -> tuple[list[dict], list[dict], float]:
    pieces, words, segs, t = [np.zeros(RATE_HZ // 2, dtype="float32")], [], [], 0.5
    with tempfile.TemporaryDirectory() as tmp:
        for label, text in segments:
            out = Path(tmp) / "s.wav"
            subprocess.run(["espeak-ng", "-s", "150", "-w", str(out), text], check=True)
            data, rate = sf.read(str(out), dtype="float32")
            data = soxr.resample(data, rate, RATE_HZ)
            seconds = len(data) / RATE_HZ
            tokens = text.split()
            weights = np.cumsum([0] + [len(w) + 1 for w in tokens]) / (sum(len(w) + 1 for w in tokens))
            for k, w in enumerate(tokens):
                words.append(
                    {
                        "word": w.lower().strip(",.;:!?"),
                        "start": round(t + weights[k] * seconds, 3),
                        "end": round(t + weights[k + 1] * seconds - 0.02, 3),
                        "confidence": 0.9,
                    }
                )
            segs.append(
                {"text": text, "label": label, "start_s": round(t, 3), "end_s": round(t + seconds, 3)}
            )
            pieces += [data, np.zeros(RATE_HZ // 4, dtype="float32")]
            t += seconds + 0.25
    samples = np.concatenate(pieces)
    sf.write(str(wav), samples, RATE_HZ, subtype="PCM_16")
    return words, segs, len(samples) / RATE_HZ


def take(folder: Path, name: str, kind: str, prompt: str, segments: list[tuple[str, str]]) -> dict:
    words, segs, duration = speak(segments, folder / name)
    minutes = duration / 60
    components = {
        p: {
            "present": any(s["label"] == p for s in segs),
            "share": None,
            "seconds": round(sum(s["end_s"] - s["start_s"] for s in segs if s["label"] == p), 1),
            "evidence": [s["text"] for s in segs if s["label"] == p],
        }
        for p in PART.values()
    }
    return {
        "kind": kind,
        "prompt": prompt,
        "audio": name,
        "duration_s": round(duration, 2),
        "thinking_s": 2.0,
        "transcript": {
            "text": " ".join(w["word"] for w in words),
            "engine": "sphinx",
            "duration_s": round(duration, 2),
            "elapsed_s": 0.5,
            "words": words,
        },
        "review": {
            "components": components,
            "segments": segs,
            "delivery": {
                "duration_s": round(duration, 1),
                "words": len(words),
                "wpm": round(len(words) / minutes, 1),
                "thinking_s": 2.0,
                "fillers": {"count": 0, "per_minute": 0.0, "by_word": {}},
                "i_count": 5,
                "we_count": 3,
                "long_pauses": 0,
            },
            "flags": [],
            "tips": ["Your Situation ran long: aim for under 20 s."],
            "score": 70,
        },
    }


def make_session(recordings: Path) -> dict:
    bank = load_bank(bundled_bank_dir())
    questions = [q for q in bank.questions_for("amazon")][::10][:QUESTIONS]
    pool = labelled_answers()
    doc = {
        "schema_version": 1,
        "id": "2026-11-26T10-00-00-amazon",
        "company": "amazon",
        "started_at": "2026-11-26T10:00:00+00:00",
        "complete": True,
        "questions": [],
    }
    folder = recordings / doc["id"]
    folder.mkdir(parents=True)
    for i, q in enumerate(questions, 1):
        answer = take(folder, f"q{i:02d}-answer-1.wav", "answer", q.text, script(pool, i * 4, ANSWER_WORDS))
        result = [p for p in script(pool, i * 4 + 2, FOLLOW_UP_WORDS) if p[0] in ("action", "result")]
        follow = take(folder, f"q{i:02d}-follow-up-1.wav", "follow_up", "What was the result?", result)
        doc["questions"].append(
            {"id": q.id, "text": q.text, "principles": list(q.principles), "takes": [answer, follow]}
        )
    (folder / "session.json").write_text(json.dumps(doc), encoding="utf-8")
    return doc


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def open_in_chromium(page: Path) -> float:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(
            profile,
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu"],
        )
        p = ctx.new_page()
        start = time.perf_counter()
        p.goto(page.as_uri())
        p.wait_for_function(
            "[...document.querySelectorAll('audio')].every(a => a.readyState >= 1)", timeout=60_000
        )
        elapsed = time.perf_counter() - start
        ctx.close()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    if not shutil.which("espeak-ng"):
        print("espeak-ng is needed: apt-get install espeak-ng", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        recordings = Path(tmp) / "recordings"
        doc = make_session(recordings)
        bank = load_bank(bundled_bank_dir())
        profile = session_profile(doc, bank)
        folder = recordings / doc["id"]
        wavs = sorted(folder.glob("*.wav"))
        audio_s = sum(sf.info(str(w)).duration for w in wavs)
        wav_bytes = sum(w.stat().st_size for w in wavs)
        n_words = sum(len(t["transcript"]["words"]) for q in doc["questions"] for t in q["takes"])
        print(
            f"session: {QUESTIONS} questions, {len(wavs)} takes, {audio_s / 60:.1f} min of audio, "
            f"{n_words} words, WAVs {wav_bytes / 1e6:.1f} MB"
            f" ({'answers.jsonl' if ANSWERS.is_file() else 'fallback text'})"
        )

        def locate(rel: str) -> Path:
            return folder / rel

        t_embed, embedded = timed(lambda: build_session_report(doc, locate, profile=profile), args.runs)
        out_dir = Path(tmp) / "out"
        out_dir.mkdir()
        t_link, linked = timed(
            lambda: build_session_report(doc, locate, profile=profile, link_from=out_dir), args.runs
        )
        page = out_dir / "embedded.html"
        page.write_text(embedded, encoding="utf-8")
        print(
            f"embedded audio: {len(embedded.encode()) / 1e6:.2f} MB, build {t_embed:.2f} s "
            f"(median of {args.runs})"
        )
        print(
            f"linked audio:   {len(linked.encode()) / 1e6:.3f} MB, build {t_link:.3f} s "
            f"(median of {args.runs})"
        )

        docs = []
        for k in range(30):
            d = json.loads(json.dumps(doc))
            d.update(id=f"s{k}", started_at=f"2026-{9 + k // 28:02d}-{1 + k % 28:02d}T10:00:00+00:00")
            docs.append(d)
        t_progress, progress = timed(lambda: build_progress_report(docs, bank), args.runs)
        print(
            f"progress page, 30 sessions / 180 answers: {len(progress.encode()) / 1e6:.2f} MB, "
            f"build {t_progress:.2f} s (median of {args.runs}, first call includes importing matplotlib)"
        )
        if not args.no_browser:
            print(
                f"embedded page in headless Chromium: loaded with every player ready in "
                f"{open_in_chromium(page):.2f} s"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
