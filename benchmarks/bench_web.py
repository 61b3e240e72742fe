"""`mockint serve` figures: page ready, end of answer → review shown, idle CPU, audio kept.

Targets (issue 17): page ready ≤ 1 s; end of answer → review shown ≤ 1.5 s; an idle server uses
~0 CPU; an answer in the page loses no audio. Real server (a subprocess), real Chromium with a
fake microphone (--use-file-for-fake-audio-capture) playing real speech.

Where "end of answer → review shown" goes is printed per answer: the page's key to the server's
`heard` (the last audio flushed and the take file finalized), then the engine (the decoder's
tail and any backlog, the review), the rendering on the server, the WebSocket, and the page
putting it in and painting it.

"Loses no audio" is checked two ways: the samples the page sent for a take against the frames
in the take file (the server side), and the take against the fed WAV (the capture side): the
take is followed through the WAV second by second; an offset that never moves means not one
sample was dropped or repeated between the fake microphone and the disk.

Usage: .venv/bin/python benchmarks/bench_web.py [--answers N] [--answer-s SEC] [--engine NAME]
         [--limit SEC] [--speech-s SEC]   (--speech-s: feed that many seconds of distinct speech,
         built from the shipped samples and ../shared/speech, instead of the 60 s sample)
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers.web_server import serve  # noqa: E402

SAMPLES = ROOT / "mockint" / "samples"
SAMPLE = SAMPLES / "01-dive-deep-answer.ogg"
SHARED_SPEECH = ROOT.parent / "shared" / "speech"
CHROMIUM = os.environ.get("MOCKINT_CHROMIUM", "/usr/bin/chromium")
PAGE_READY_TARGET_S = 1.0
REVIEW_TARGET_S = 1.5
IDLE_S = 10.0
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
RATE = 16_000
NOISE_DBFS = -60.0  # a faint seeded noise floor: every stretch of the fed WAV, gaps too, is unique


def cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime + stime


def until(page, expression: str, timeout_s: float = 120) -> bool:
    end = time.monotonic() + timeout_s
    while not page.evaluate(expression):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def must(page, expression: str, timeout_s: float = 120) -> None:
    if not until(page, expression, timeout_s):
        raise SystemExit(f"timed out waiting for {expression}")


def speech_wav(seconds: float, out: Path) -> np.ndarray:
    """`seconds` of real speech at 16 kHz: the shipped samples and the shared clips, in a seeded
    order with seeded gaps, over a faint seeded noise floor (so no two stretches are alike)."""
    from mockint.audio.files import read_16k_mono

    clips = [read_16k_mono(p) for p in sorted(SAMPLES.glob("*.ogg"))]
    if SHARED_SPEECH.is_dir():
        clips += [
            read_16k_mono(p) for p in sorted(SHARED_SPEECH.glob("*/*.*")) if p.suffix in (".wav", ".flac")
        ]
    rng = np.random.default_rng(17)
    parts, total = [], 0
    while total < seconds * RATE:
        clip = clips[rng.integers(len(clips))]
        gap = np.zeros(int(rng.uniform(0.4, 2.5) * RATE), dtype=np.int16)
        parts += [clip, gap]
        total += clip.size + gap.size
    audio = np.concatenate(parts)[: int(seconds * RATE)].astype(np.float64)
    audio += rng.standard_normal(audio.size) * 32768 * 10 ** (NOISE_DBFS / 20)
    data = np.clip(audio, -32768, 32767).astype(np.int16)
    sf.write(str(out), data, RATE, subtype="PCM_16")
    return data


def _ncc(segment: np.ndarray, hay: np.ndarray) -> np.ndarray:
    """Normalized cross-correlation of `segment` at every offset of `hay` (1.0: the same samples)."""
    n = segment.size
    size = 1 << (hay.size + n).bit_length()
    corr = np.fft.irfft(np.fft.rfft(hay, size) * np.conj(np.fft.rfft(segment, size)), size)[
        : hay.size - n + 1
    ]
    energy = np.concatenate([[0.0], np.cumsum(hay**2)])
    norms = np.sqrt(np.maximum(energy[n:] - energy[:-n], 0)) * np.linalg.norm(segment)
    return corr / np.maximum(norms, 1e-9)


def align(take: np.ndarray, source: np.ndarray) -> dict:
    """Follow the take through the (looped) fed WAV one second at a time: where each second of the
    take sits in the WAV. A jump of the offset is audio dropped (+) or repeated (-) between the
    fake microphone and the disk; the sum of the jumps is the audio lost."""
    take = take.astype(np.float64)
    loop = np.concatenate([source, source, source]).astype(np.float64)
    n = RATE  # one second
    first = take[: min(take.size, 3 * n)]
    scores = _ncc(first, loop[: source.size + first.size])
    offset = int(np.argmax(scores))  # take[0] is source[offset]
    start, jumps, worst = offset, [], 1.0
    for at in range(0, max(1, take.size - n + 1), n):
        seg = take[at : at + n]
        if not seg.any():
            continue
        for window in (RATE // 4, 5 * RATE):  # near the last offset; wider if it lost track
            lo = max(0, offset + at - window)
            got = _ncc(seg, np.take(loop, np.arange(lo, offset + at + window + n), mode="wrap"))
            best = int(np.argmax(got))
            if got[best] > 0.8:
                break
        worst = min(worst, float(got[best]))
        moved = lo + best - (offset + at)
        if moved:
            jumps.append((round(at / RATE, 1), moved))
            offset += moved
    return {
        "offset_s": start / RATE,
        "first_ncc": float(scores[start]),
        "jumps": jumps,  # (second of the take, samples skipped in the WAV there)
        "lost_samples": offset - start,
        "min_ncc": worst,
    }


def stamp(page, name: str) -> float:
    return float(page.evaluate(f"document.documentElement.dataset.{name} || 'NaN'")) / 1000


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--answers", type=int, default=3)
    ap.add_argument("--answer-s", type=float, default=20.0, help="seconds of each answer")
    ap.add_argument("--engine", default=os.environ.get("MOCKINT_ENGINE", "whisper"))
    ap.add_argument("--page-runs", type=int, default=10)
    ap.add_argument(
        "--limit", type=float, help="answer limit in seconds (for answers longer than the profile's)"
    )
    ap.add_argument(
        "--review-wait", type=float, help="seconds to wait for a review (default 120 + 2 × answer)"
    )
    ap.add_argument("--speech-s", type=float, help="feed this much distinct speech (for long answers)")
    opts = ap.parse_args()
    from playwright.sync_api import sync_playwright

    tmp = Path(tempfile.mkdtemp(prefix="bench-web-"))
    wav = tmp / "answer.wav"
    if opts.speech_s:
        source = speech_wav(opts.speech_s, wav)
    else:
        source, rate = sf.read(str(SAMPLE), dtype="int16")
        sf.write(str(wav), source, rate, subtype="PCM_16")
    served = serve(tmp, "--engine", opts.engine)
    wait_s = 120.0
    # a decoder slower than real time falls behind: wait, but not for ever
    review_wait_s = opts.review_wait or 120.0 + 2 * opts.answer_s
    load_before = os.getloadavg()
    try:
        time.sleep(5)  # the speech model preloads at start; idle means after that
        before = cpu_s(served.proc.pid)
        time.sleep(IDLE_S)
        idle = (cpu_s(served.proc.pid) - before) / IDLE_S
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                headless=True,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--use-fake-ui-for-media-stream",
                    "--use-fake-device-for-media-stream",
                    f"--use-file-for-fake-audio-capture={wav}",
                    "--autoplay-policy=no-user-gesture-required",
                ],
            )
            page = browser.new_context().new_page()
            ready_wall, ready_nav = [], []
            for i in range(opts.page_runs):
                started = time.perf_counter()
                page.goto(served.url if i == 0 else served.base + "/")
                until(page, "document.documentElement.dataset.ready === '1'")
                ready_wall.append(time.perf_counter() - started)
                ready_nav.append(stamp(page, "readyMs"))
            page.fill("#count", str(opts.answers))
            page.uncheck("#follow_ups")
            if opts.limit:
                page.fill("#limit", f"{opts.limit:g}")
            page.click("#start")
            answers = []
            for n in range(opts.answers):
                page.wait_for_selector("#record:not([disabled])", timeout=wait_s * 1000)
                time.sleep(opts.answer_s)
                page.keyboard.press("Space")
                must(
                    page,
                    "Number(document.documentElement.dataset.heardMs) > Number(document.documentElement.dataset.stoppedMs)",
                )
                key = stamp(page, "stoppedMs")
                answer = {
                    "held_s": key - stamp(page, "listenMs"),
                    "sent": int(page.evaluate("document.documentElement.dataset.takeSentSamples")),
                    "heard_s": stamp(page, "heardMs") - key,
                    "finalize_s": float(page.evaluate("document.documentElement.dataset.finalizeS")),
                    "backlog_s": page.evaluate("document.documentElement.dataset.backlogS"),
                }
                answers.append(answer)
                if not until(page, f"document.querySelectorAll('.live-review').length > {n}", review_wait_s):
                    break  # the take is on disk all the same; the server's stop below saves the session
                must(
                    page,
                    "Number(document.documentElement.dataset.reviewPaintMs) >= Number(document.documentElement.dataset.reviewMs)",
                )
                answer.update(
                    received_s=stamp(page, "reviewReceivedMs") - key,
                    in_page_s=stamp(page, "reviewMs") - key,
                    painted_s=stamp(page, "reviewPaintMs") - key,
                    server=json.loads(page.evaluate("document.documentElement.dataset.timing")),
                )
            session_id = page.evaluate("document.documentElement.dataset.session")
            if len(answers) == opts.answers and "painted_s" in answers[-1]:
                page.wait_for_selector("#session-link", timeout=wait_s * 1000)
            browser.close()
        served.stop()
        folder = served.recordings / session_id
        doc = json.loads((folder / "session.json").read_text())
        takes = [t for q in doc["questions"] for t in q["takes"]]
    finally:
        served.stop()
    load = os.getloadavg()
    print(
        f"engine {opts.engine}; {opts.answers} answer(s) of ~{opts.answer_s:g} s; machine: {os.cpu_count()} cores; "
        f"load average {load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f} before, "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} after"
    )
    print(
        f"page ready (goto → usable), median of {opts.page_runs}: {statistics.median(ready_wall):.3f} s wall, "
        f"{statistics.median(ready_nav):.3f} s from navigation start (target ≤ {PAGE_READY_TARGET_S} s); "
        f"first load (token → cookie redirect): {ready_wall[0]:.3f} s"
    )
    shown = [a for a in answers if "painted_s" in a]
    painted = [a["painted_s"] for a in shown]
    if len(shown) < len(answers):
        print(f"  review NOT shown within {review_wait_s:g} s of the end of answer {len(shown) + 1}")
    if painted:
        print(
            f"end of answer (key) → review painted: median {statistics.median(painted):.3f} s, max "
            f"{max(painted):.3f} s (target ≤ {REVIEW_TARGET_S} s); the engine's review_ready_s: "
            f"{[t.get('review_ready_s') for t in takes]}"
        )
    for a in answers:
        s = a.get("server") or {}
        print(
            f"  key → heard {a['heard_s']:.3f} (take file finalized in {a['finalize_s']:.3f}; decoder backlog "
            f"{a['backlog_s']} s of audio) → engine {s.get('engine_s')} (transcript's tail "
            f"{s.get('transcript_s')}, {s.get('words')} words) → rendered in {s.get('render_s')} → received "
            f"{a.get('received_s', float('nan')):.3f} → in the page {a.get('in_page_s', float('nan')):.3f} → "
            f"painted {a.get('painted_s', float('nan')):.3f} s"
        )
    print(f"idle server CPU over {IDLE_S:g} s: {idle * 100:.2f} % of one core")
    files = sorted(folder.glob("q*-answer-*.wav"))
    for a, take, path in zip(answers, takes, files, strict=False):
        on_disk, _ = sf.read(str(path), dtype="int16")
        print(
            f"  take {path.name}: {a['held_s']:.2f} s from listen to key in the page; sent {a['sent']} samples, "
            f"{on_disk.size} on disk (lost between page and disk: {a['sent'] - on_disk.size}); "
            f"manifest duration {take.get('duration_s')} s, stopped by {take.get('stopped_by')}"
        )
        fit = align(on_disk, source)
        big = [j for j in fit["jumps"] if abs(j[1]) > 2]  # ±1-2: the resampling's sub-sample jitter
        dropped = sum(m for _, m in big if m > 0)
        print(
            f"    {len(big)} jump(s) over 2 samples: {dropped} samples of the WAV skipped, "
            f"{-sum(m for _, m in big if m < 0)} repeated or inserted; largest {sorted(big, key=lambda j: -abs(j[1]))[:6]}"
        )
        print(
            f"    vs the fed WAV, second by second: starts at {fit['offset_s']:.3f} s of it (ncc "
            f"{fit['first_ncc']:.3f}); lost between the fake microphone and the page: {fit['lost_samples']} "
            f"samples ({fit['lost_samples'] / RATE:.3f} s) in {len(fit['jumps'])} jump(s) {fit['jumps'][:12]}; "
            f"min ncc of a second {fit['min_ncc']:.3f}"
        )


if __name__ == "__main__":
    main()
