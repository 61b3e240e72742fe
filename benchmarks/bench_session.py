"""Time from the end of an answer to its review on screen: streaming vs after the fact.

Answers of 1 and 3 minutes are built from the shipped sample answers (Festival slt voice) and
run through the real session engine: FileRecorder → take file on disk → the engine (--engine,
whisper by default) → review →
terminal view, one question, no follow-up.

- streaming: the audio is fed at real time (FileRecorder(realtime=True), as a microphone
  would deliver it) while the decoder runs; the figure is the time from the recorder's return
  (the answer ended) to the review printed.
- after the fact: the take is transcribed from its file once the answer has ended, then
  reviewed; the same figure. (Feeding pace does not matter here, so it is fed at full speed.)

    .venv/bin/python benchmarks/bench_session.py [--lengths 60,180] [--runs 1] [--engine sphinx]

The machine is shared (2 cores, other engineers' jobs): figures are noisy; run it twice.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np
import soundfile as sf

from mockint import session
from mockint.audio.answer_files import FileRecorder
from mockint.audio.files import read_16k_mono
from mockint.audio.voice import PrintedSpeaker
from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.ports import SAMPLE_RATE_HZ
from mockint.render.terminal import TerminalView, console_for
from mockint.review import review
from mockint.speech import load_transcriber
from mockint.store import Store

QUESTION = "amazon-dive-deep-1"
TARGET_S = 1.0  # the issue: the review on screen within a second of the answer ending


def answer_audio(seconds: float, folder: Path) -> Path:
    """A WAV of `seconds` of speech: the sample answers one after another, cut at the length."""
    samples_dir = Path(str(resources.files("mockint.samples")))
    clips = [read_16k_mono(p) for p in sorted(samples_dir.glob("*.ogg"))]
    need = int(seconds * SAMPLE_RATE_HZ)
    out, i = [], 0
    while sum(len(c) for c in out) < need:
        out.append(clips[i % len(clips)])
        i += 1
    audio = np.concatenate(out)[:need]
    path = folder / f"answer-{int(seconds)}s.wav"
    sf.write(str(path), audio, SAMPLE_RATE_HZ, subtype="PCM_16")
    return path


def one_run(audio: Path, *, streaming: bool, transcriber, bank, root: Path) -> dict:
    profile = bank.profile("amazon")
    question = bank.question(QUESTION)
    plan = session.Plan(
        profile=profile, questions=(question,), follow_ups=0, answer_limit_s=600, streaming=streaming
    )
    ports = session.Ports(
        speaker=PrintedSpeaker(io.StringIO()),
        recorder=FileRecorder([audio], realtime=streaming),
        transcriber=transcriber,
        review=lambda t, q, thinking, stopped_by=None: review(
            t, question=q, profile=profile, bank=bank, thinking_s=thinking, stopped_by=stopped_by
        ),
        store=Store(root),
        view=TerminalView(console_for(io.StringIO())),
        clock=time.monotonic,
    )
    result = session.run(plan, ports)
    take = result.document["questions"][0]["takes"][0]
    return {
        "ready_s": take["review_ready_s"],
        "duration_s": take["duration_s"],
        "words": len(take["transcript"]["words"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lengths", default="60,180", help="answer lengths in seconds, comma-separated")
    parser.add_argument("--runs", type=int, default=1, help="runs per length and mode (median reported)")
    parser.add_argument("--engine", default="whisper", help="speech engine (whisper, the default; or sphinx)")
    args = parser.parse_args(argv)
    lengths = [float(x) for x in args.lengths.split(",")]
    bank = load_bank(bundled_bank_dir())
    t0 = time.monotonic()
    transcriber = load_transcriber(args.engine)
    print(f"{args.engine} model loaded once in {time.monotonic() - t0:.2f} s", flush=True)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for seconds in lengths:
            audio = answer_audio(seconds, tmp)
            for streaming in (True, False):
                runs = [
                    one_run(audio, streaming=streaming, transcriber=transcriber, bank=bank, root=tmp / "rec")
                    for _ in range(args.runs)
                ]
                ready = statistics.median(r["ready_s"] for r in runs)
                mode = "streaming (real-time feed)" if streaming else "after the fact"
                rows.append((seconds, mode, ready, runs[0]["words"]))
                print(
                    f"{seconds:5.0f} s answer · {mode:27s} · end of answer → review on screen "
                    f"{ready:6.2f} s · {runs[0]['words']} words",
                    flush=True,
                )
    print("\n| answer | mode | end of answer → review on screen | words |")
    print("|---|---|---|---|")
    for seconds, mode, ready, words in rows:
        mark = "" if ready <= TARGET_S or "after" in mode else f" (target ≤ {TARGET_S:.0f} s: missed)"
        print(f"| {seconds:.0f} s | {mode} | {ready:.2f} s{mark} | {words} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
