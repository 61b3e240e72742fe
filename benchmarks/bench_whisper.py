"""Whisper benchmark: the default engine (whisper tiny.en) next to sphinx, on the figures issue 13
sets targets for. A script, not a test; one heavy process at a time.

    .venv/bin/python benchmarks/bench_whisper.py                  # everything (~20 min here)
    .venv/bin/python benchmarks/bench_whisper.py --only clips --only fillers

1. clips: WER on the clips of ../shared/speech/MANIFEST.tsv with a reference (continuous speech
   and short commands apart), whisper and sphinx.
2. star: WER on spoken STAR answers (benchmarks/data/review_own4.jsonl, the first --star answers;
   Festival's slt voice via spoken_cache.synthesize, cached outside the repo).
   demo: WER of the demo's sample answers (mockint/samples/*.ogg) against their .txt.
3. fillers: recall and precision of um/uh/er/ah/hmm on benchmarks/data/fillers.jsonl, spoken by
   piper's joe voice (WAVs read from --fillers-wav, default the groundwork folder, or
   $MOCKINT_BENCH_CACHE/fillers_wav; made with the Piper venv of spoken_cache.py, sox to 16 kHz,
   when neither exists). Per
   sentence and filler type, hits = min(spoken, heard); recall = hits / spoken, precision =
   hits / heard (heard fillers in the like/so/you-know and filler-free sentences count too).
4. latency: 1, 3 and 5-minute answers (the STAR answers in turn, 0.6 s apart) fed to the stream
   at real time in 0.1 s chunks: end of answer -> transcript; how far the live words lag the
   speech (first shown in a tentative partial, and shown as final words: see stream_realtime);
   the largest backlog; CPU seconds per audio second; --partials on/off/both.
6. loaded: a --loaded-minutes answer (the shared continuous clips, repeated) fed at real time in
   0.1 s chunks while --busy busy loops (`while 1: pass` processes) hold the cores for the first
   --load-s seconds: the decoder's backlog under the load and at the answer's end, seconds from
   the load's stop until the decoder is at most one utterance behind for good, utterances closed
   against decoded, how late the feed ran (the stand-in for input overflows: bench_record.py
   measures those on a sound card), and the load average.
5. load, rss, silence: model load time (fresh processes), peak RSS of a fresh process streaming a
   5-minute answer, words on 60 s of digital silence, white and pink noise (-30 dBFS).

WER normaliser (the same for both engines and the references): lowercase; "%" -> "percent";
"$N" -> "N dollars"; numbers in digits spelled out as words ("120,000" -> "one hundred twenty
thousand", "2.5" -> "two point five"; a digit run with a leading zero or of 5+ digits digit by
digit); "oh" -> "zero"; hyphens split words; other punctuation dropped. So "1, 2, 3" and "one two
three" compare equal, whichever way a recognizer writes numbers.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from mockint.audio.files import read_16k_mono  # noqa: E402
from mockint.ports import SAMPLE_RATE_HZ  # noqa: E402
from mockint.speech.base import FILLERS, clean_word  # noqa: E402
from mockint.speech.utterances import FRAME_S  # noqa: E402

SHARED_SPEECH = ROOT.parent / "shared" / "speech"
GROUNDWORK_WAV = ROOT.parent / "scratch" / "whisper" / "fillers_wav"
FILLER_SET = ROOT / "benchmarks" / "data" / "fillers.jsonl"
STAR_SET = ROOT / "benchmarks" / "data" / "review_own4.jsonl"
CHUNK = 1_600  # 0.1 s, as the recorder sends it
GAP_S = 0.6

ONES = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()


def spell(n: int) -> list[str]:
    if n < 20:
        return [ONES[n]]
    if n < 100:
        return [TENS[n // 10]] + ([ONES[n % 10]] if n % 10 else [])
    if n < 1000:
        return [ONES[n // 100], "hundred"] + (spell(n % 100) if n % 100 else [])
    for size, name in ((10**9, "billion"), (10**6, "million"), (1000, "thousand")):
        if n >= size:
            return spell(n // size) + [name] + (spell(n % size) if n % size else [])
    return [str(n)]


def _number(token: str) -> list[str]:
    groups = token.split(",")
    if len(groups) > 1 and not all(len(g) == 3 for g in groups[1:]):  # "1,0001": digits read out
        return [ONES[int(d)] for d in token if d.isdigit()]
    digits = token.replace(",", "")
    if "." in digits:
        whole, frac = digits.split(".", 1)
        return (spell(int(whole)) if whole else []) + ["point"] + [ONES[int(d)] for d in frac if d.isdigit()]
    if (digits.startswith("0") and len(digits) > 1) or (len(digits) >= 5 and "," not in token):
        return [ONES[int(d)] for d in digits]
    return spell(int(digits))


def norm_words(text: str) -> list[str]:
    text = text.lower().replace("-", " ").replace("%", " percent ")
    text = re.sub(r"\$(\d[\d,]*(?:\.\d+)?)", r"\1 dollars", text)
    out: list[str] = []
    for token in re.findall(r"\d[\d,]*(?:\.\d+)?|[a-z']+", text):
        token = token.strip("',")
        if not token:
            continue
        if token[0].isdigit():
            out += _number(token.rstrip(","))
        else:
            out.append("zero" if token == "oh" else token)
    return out


def edits(ref: list[str], hyp: list[str]) -> int:
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


def wer(pairs: list[tuple[str, str]]) -> float:
    e = n = 0
    for ref, hyp in pairs:
        r = norm_words(ref)
        e += edits(r, norm_words(hyp))
        n += len(r)
    return e / max(n, 1)


# ---------------------------------------------------------------------------- 1. clips


def bench_clips(engines: dict) -> None:
    manifest = SHARED_SPEECH / "MANIFEST.tsv"
    rows = [r for r in csv.DictReader(manifest.open(), delimiter="\t") if r["reference"] not in ("", "none")]
    print("\n## 1. Clips of ../shared/speech (WER, normalised as in the docstring)\n")
    print("| clip | group | s | " + " | ".join(f"{e} WER | {e} RTF" for e in engines) + " |")
    print("|---|---|---|" + "---|---|" * len(engines))
    groups: dict[str, dict[str, list]] = {}
    for r in rows:
        path = SHARED_SPEECH / r["path"]
        ref = r["reference"]
        digit_words = set(ONES[:10]) | {"oh"}
        group = "short commands" if set(ref.lower().split()) <= digit_words else "continuous"
        cells = []
        for name, t in engines.items():
            started = time.perf_counter()
            out = t.transcribe(path)
            wall = time.perf_counter() - started
            groups.setdefault(group, {}).setdefault(name, []).append((ref, out.text))
            cells.append(f"{wer([(ref, out.text)]):.3f} | {wall / out.duration_s:.2f}")
            if name == "whisper":
                print(f"<!-- {r['path']}: {out.text} -->")
        print(f"| {r['path']} | {group} | {float(r['duration_s']):.1f} | " + " | ".join(cells) + " |")
    print("\n| group | " + " | ".join(f"{e} WER" for e in engines) + " |\n|---|" + "---|" * len(engines))
    for g, per in groups.items():
        print(f"| {g} | " + " | ".join(f"{wer(per[e]):.3f}" for e in engines) + " |")


# ---------------------------------------------------------------------------- 2. STAR answers


def star_answers(count: int) -> list[tuple[Path, str]]:
    from spoken_cache import synthesize

    out = []
    for line in STAR_SET.read_text().splitlines()[:count]:
        text = json.loads(line)["answer_text"]
        out.append((synthesize(text), text))
    return out


def bench_star(engines: dict, answers: list[tuple[Path, str]]) -> None:
    total = sum(sf.info(str(p)).duration for p, _ in answers)
    print(f"\n## 2. Spoken STAR answers ({len(answers)} of review_own4.jsonl, Festival slt, {total:.0f} s)\n")
    print("| engine | WER | RTF |\n|---|---|---|")
    for name, t in engines.items():
        pairs, wall = [], 0.0
        for path, text in answers:
            started = time.perf_counter()
            pairs.append((text, t.transcribe(path).text))
            wall += time.perf_counter() - started
        print(f"| {name} | {wer(pairs):.3f} | {wall / total:.2f} |")


def bench_demo(engines: dict) -> None:
    samples = sorted((ROOT / "mockint" / "samples").glob("*.ogg"))
    print(
        f"\n## 2b. The demo's sample answers (mockint/samples, {len(samples)} Festival clips) against their .txt\n"
    )
    print("| engine | WER |\n|---|---|")
    for name, t in engines.items():
        pairs = [(p.with_suffix(".txt").read_text(), t.transcribe(p).text) for p in samples]
        print(f"| {name} | {wer(pairs):.3f} |")


# ---------------------------------------------------------------------------- 3. fillers


def filler_wavs(folder: Path | None) -> Path:
    for candidate in (
        folder,
        GROUNDWORK_WAV,
        Path(os.environ.get("MOCKINT_BENCH_CACHE", Path.home() / ".cache/mockint/bench")) / "fillers_wav",
    ):
        if candidate and candidate.is_dir():
            return candidate
    out = Path(os.environ.get("MOCKINT_BENCH_CACHE", Path.home() / ".cache/mockint/bench")) / "fillers_wav"
    # Piper runs in its own venv (piper-tts is GPL-3: test data only; spoken_cache.py says how)
    from spoken_cache import piper_say

    rows = [json.loads(line) for line in FILLER_SET.read_text().splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        said = [Path(tmp) / f"{d['id']}.wav" for d in rows]
        piper_say([(d["text"], wav) for d, wav in zip(rows, said, strict=True)])
        part = out.with_name(out.name + ".part")
        part.mkdir(parents=True, exist_ok=True)
        pad = np.zeros(int(0.3 * SAMPLE_RATE_HZ), dtype=np.int16)
        for wav in said:  # 0.3 s of silence either side, as a microphone take has
            audio, rate = sf.read(str(wav), dtype="int16")
            sf.write(str(part / wav.name), np.concatenate([pad, audio, pad]), rate, subtype="PCM_16")
        part.replace(out)  # whole or not at all
    return out


def _fillers(words: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for w in words:
        c = clean_word(w)
        if c in FILLERS:
            counts[c] = counts.get(c, 0) + 1
    return counts


def bench_fillers(engines: dict, folder: Path) -> None:
    rows = [json.loads(line) for line in FILLER_SET.read_text().splitlines()]
    print(f"\n## 3. Fillers ({len(rows)} piper joe-us sentences from {folder})\n")
    print(
        "| engine | spoken | heard | hits | recall | precision | fillers in non-filler sentences | WER w/o fillers |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, t in engines.items():
        spoken = heard = hits = false = 0
        pairs = []
        per_type: dict[str, list[int]] = {}
        for d in rows:
            out = t.transcribe(folder / f"{d['id']}.wav")
            ref = _fillers(norm_words(d["text"]))
            got = _fillers([w.word for w in out.words])
            spoken += sum(ref.values())
            heard += sum(got.values())
            for f in set(ref) | set(got):
                h = min(ref.get(f, 0), got.get(f, 0))
                hits += h
                per_type.setdefault(f, [0, 0])
                per_type[f][0] += h
                per_type[f][1] += ref.get(f, 0)
            if not ref:
                false += sum(got.values())
            strip = [w for w in norm_words(d["text"]) if clean_word(w) not in FILLERS]
            hyp = [w for w in norm_words(out.text) if clean_word(w) not in FILLERS]
            pairs.append((" ".join(strip), " ".join(hyp)))
        print(
            f"| {name} | {spoken} | {heard} | {hits} | {hits / max(spoken, 1):.2f} | "
            f"{hits / max(heard, 1):.2f} | {false} | {wer(pairs):.3f} |"
        )
        print(
            "  per type (hits/spoken): " + ", ".join(f"{f} {h}/{n}" for f, (h, n) in sorted(per_type.items()))
        )


# ---------------------------------------------------------------------------- 4. latency


def make_answer(answers: list[tuple[Path, str]], minutes: float) -> tuple[np.ndarray, str]:
    pieces, texts, total, i = [], [], 0.0, 0
    gap = np.zeros(int(GAP_S * SAMPLE_RATE_HZ), dtype=np.int16)
    while total < minutes * 60:
        path, text = answers[i % len(answers)]
        samples = read_16k_mono(path)
        pieces += [samples, gap]
        texts.append(text)
        total += samples.size / SAMPLE_RATE_HZ + GAP_S
        i += 1
    return np.concatenate(pieces[:-1]), " ".join(texts)


def _cpu_s() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _aligned(a: list[str], b: list[str]) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """(index in a, index in b) of the words the two lists share, in order; and those together
    with the words of b written differently in a word of a's place (a replaced run paired word by
    word). One alignment for both."""
    import difflib

    same: list[tuple[int, int]] = []
    placed: list[tuple[int, int]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        pairs = list(zip(range(i1, i2), range(j1, j2), strict=False))  # the shorter run pairs
        if tag == "equal":
            same += pairs
        if tag in ("equal", "replace"):
            placed += pairs
    return same, placed


def stream_realtime(transcriber, samples: np.ndarray) -> dict:
    """Feed at real time in 0.1 s chunks, polling partial() after each one as the live view does.

    Two lags per word of the final transcript, from the end of the word in the audio:
    - closed: until it shows among the final words (its utterance closed and decoded);
    - live: until it first shows at all, in a tentative partial of its open utterance (the
      partials seen before its utterance's final words landed, aligned word by word with them)
      or else among the final words;
    - placed: as live, but a partial that wrote another word in its place counts as showing it
      ("infra's structure" for "infrastructure", or the right word where the final decode errs).
    Partial precision: the share of the tentative words shown that the final decode kept."""
    from mockint.speech.whisper import normalise

    stream = transcriber.stream()
    cpu0, started = _cpu_s(), time.perf_counter()
    closed_lags, live_lags, placed_lags, max_backlog = [], [], [], 0.0
    shown, take, last, last_final = 0, None, "", ""
    pending: list[tuple[float, list[str]]] = []  # partials since the last final words: (time, words)
    kept = tentative_words = 0
    for i in range(0, samples.size, CHUNK):
        stream.feed(samples[i : i + CHUNK])
        time.sleep(max(0.0, started + (i + CHUNK) / SAMPLE_RATE_HZ - time.perf_counter()))
        max_backlog = max(max_backlog, stream.backlog_s())
        now = time.perf_counter() - started
        live = stream.partial()
        tentative = getattr(live, "tentative", "")
        if tentative and tentative != last:
            pending.append((now, [w for w in map(normalise, tentative.split()) if w]))
        last = tentative
        take = take or stream._worker.take  # the final words so far, with their times
        # final words show when the live view's final text changes, once the whole decode call is
        # done: the take's list grows segment by segment during the call, while the view still
        # shows the partial (counting from the list dropped the partials of an utterance's later
        # sentences, and showed its first sentence early)
        final_text = getattr(live, "final", live)
        if take is not None and final_text != last_final and len(take.words) > shown:
            batch = take.words[shown:]
            first = [now] * len(batch)
            placed = [now] * len(batch)
            final = [w.word for w in batch]
            for seen, words in pending:
                matched, in_place = _aligned(final, words)
                for j, _ in matched:
                    first[j] = min(first[j], seen)
                for j, _ in in_place:
                    placed[j] = min(placed[j], seen)
                kept, tentative_words = kept + len(matched), tentative_words + len(words)
            closed_lags += [now - w.end for w in batch]
            live_lags += [f - w.end for f, w in zip(first, batch, strict=True)]
            placed_lags += [f - w.end for f, w in zip(placed, batch, strict=True)]
            shown, pending = len(take.words), []
        last_final = final_text
    t0 = time.perf_counter()
    transcript = stream.finish()
    return {
        "transcript": transcript,
        "finish_s": time.perf_counter() - t0,
        "closed_lags": closed_lags or [0.0],
        "live_lags": live_lags or [0.0],
        "placed_lags": placed_lags or [0.0],
        "max_backlog_s": max_backlog,
        "cpu_per_audio_s": (_cpu_s() - cpu0) / (samples.size / SAMPLE_RATE_HZ),
        "partial_precision": kept / tentative_words if tentative_words else float("nan"),
    }


def _p95(values: list[float]) -> float:
    return sorted(values)[min(len(values) - 1, int(0.95 * len(values)))]


def bench_latency(answers: list[tuple[Path, str]], minutes_list: list[float], partials: list[bool]) -> None:
    from mockint.speech.whisper import WhisperTranscriber

    print("\n## 4. End of answer -> transcript, answers fed at real time (0.1 s chunks)\n")
    print(
        "| answer | partials | words | WER | end -> transcript | live lag median / p95 / worst (words > 3 s) | "
        "a word in its place: worst (words > 3 s) | closed-utterance lag median / worst | max backlog | "
        "CPU s per audio s | partial words kept | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    finishes: dict[bool, list[float]] = {}
    for on in partials:
        transcriber = WhisperTranscriber(partials=on)
        for minutes in minutes_list:
            samples, reference = make_answer(answers, minutes)
            r = stream_realtime(transcriber, samples)
            finishes.setdefault(on, []).append(r["finish_s"])
            live, placed, closed = r["live_lags"], r["placed_lags"], r["closed_lags"]
            print(
                f"| {samples.size / SAMPLE_RATE_HZ / 60:.1f} min | {'on' if on else 'off'} | "
                f"{len(r['transcript'].words)} | {wer([(reference, r['transcript'].text)]):.3f} | "
                f"{r['finish_s']:.2f} s | {statistics.median(live):.2f} / {_p95(live):.2f} / {max(live):.2f} s "
                f"({sum(x > 3.0 for x in live)}/{len(live)}) | "
                f"{max(placed):.2f} s ({sum(x > 3.0 for x in placed)}/{len(placed)}) | "
                f"{statistics.median(closed):.2f} / {max(closed):.2f} s | {r['max_backlog_s']:.1f} s | "
                f"{r['cpu_per_audio_s']:.3f} | {r['partial_precision']:.2f} | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )
    for on, values in finishes.items():
        print(
            f"\nend -> transcript, partials {'on' if on else 'off'}: median {statistics.median(values):.2f} s, "
            f"worst {max(values):.2f} s"
        )


# ---------------------------------------------------------------------------- 5. load, rss, silence

LOAD_CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
from mockint.speech import load_transcriber
t = load_transcriber(sys.argv[2])
returned = time.perf_counter() - t0
getattr(t, "ready", lambda: None)()  # whisper loads its model in the background
print(returned, time.perf_counter() - t0)
"""

RSS_CHILD = r"""
import sys, time
import numpy as np
sys.path.insert(0, sys.argv[1])
from mockint.speech import load_transcriber

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024

t = load_transcriber(sys.argv[2])
loaded = rss("VmRSS")
samples = np.load(sys.argv[3])
stream = t.stream()
for i in range(0, samples.size, 1600):
    stream.feed(samples[i : i + 1600])
    while stream.backlog_s() > 1.0:
        time.sleep(0.005)
out = stream.finish()
print(loaded, rss("VmHWM"), len(out.words))
"""


def bench_process(answers: list[tuple[Path, str]], engines: list[str]) -> None:
    print("\n## 5. Load time and memory (fresh processes)\n")
    for engine in engines:
        runs = []
        for _ in range(5):
            load = os.getloadavg()[0]
            out = subprocess.run(
                [sys.executable, "-c", LOAD_CHILD, str(ROOT), engine],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            runs.append((float(out[0]), float(out[1]), load))
        print(
            f"- {engine}: import + load_transcriber() returns {', '.join(f'{r[0]:.2f}' for r in runs)} s "
            f"(median {statistics.median(r[0] for r in runs):.2f} s); model ready "
            f"{', '.join(f'{r[1]:.2f}' for r in runs)} s (median {statistics.median(r[1] for r in runs):.2f} s); "
            f"load average {', '.join(f'{r[2]:.1f}' for r in runs)}"
        )
    samples, _ = make_answer(answers, 5)
    with tempfile.TemporaryDirectory() as tmp:
        np.save(f"{tmp}/a.npy", samples)
        for engine in engines:
            out = subprocess.run(
                [sys.executable, "-c", RSS_CHILD, str(ROOT), engine, f"{tmp}/a.npy"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            print(
                f"- {engine}: RSS {out[0]} MB loaded; peak {out[1]} MB streaming a "
                f"{samples.size / SAMPLE_RATE_HZ / 60:.1f}-minute answer ({out[2]} words)"
            )


def bench_silence(engines: dict) -> None:
    rng = np.random.default_rng(1234)
    white = rng.standard_normal(60 * SAMPLE_RATE_HZ)
    spectrum = np.fft.rfft(rng.standard_normal(60 * SAMPLE_RATE_HZ))
    pink = np.fft.irfft(spectrum / np.sqrt(np.arange(1, spectrum.size + 1)), n=white.size)
    clips = {
        "digital silence": np.zeros(60 * SAMPLE_RATE_HZ),
        "white noise -30 dBFS": white * 10 ** (-30 / 20) / np.sqrt(np.mean(white**2)),
        "pink noise -30 dBFS": pink * 10 ** (-30 / 20) / np.sqrt(np.mean(pink**2)),
    }
    print("\n## 6. 60 s without speech (words; decode time)\n")
    print("| clip | " + " | ".join(engines) + " |\n|---|" + "---|" * len(engines))
    with tempfile.TemporaryDirectory() as tmp:
        for name, audio in clips.items():
            path = Path(tmp) / "clip.wav"
            sf.write(str(path), audio.astype(np.float32), SAMPLE_RATE_HZ, subtype="PCM_16")
            cells = []
            for t in engines.values():
                started = time.perf_counter()
                out = t.transcribe(path)
                cells.append(f"{len(out.words)} ({time.perf_counter() - started:.1f} s) {out.text[:40]!r}")
            print(f"| {name} | " + " | ".join(cells) + " |")


LOADED_CLIPS = [  # as bench_record.py plays them
    "joinly-ai-joinly/OSR_us_000_0034_8k.wav",
    "cmusphinx-pocketsphinx/chan3.wav",
    "openai-whisper/jfk.flac",
    "cmusphinx-pocketsphinx/input_4_16k.wav",
]
BUSY_CHILD = "while 1: pass"


def bench_loaded(transcriber, minutes: float, busy: int, load_s: float) -> None:
    clips = [read_16k_mono(SHARED_SPEECH / c) for c in LOADED_CLIPS if (SHARED_SPEECH / c).exists()]
    one_round = np.concatenate(clips)
    need = int(minutes * 60 * SAMPLE_RATE_HZ)
    samples = np.tile(one_round, need // one_round.size + 1)[:need]
    print(f"\n## 7. A {minutes:g}-minute answer, {busy} busy loops for the first {load_s:g} s\n")
    print(f"(load average before: {open('/proc/loadavg').read().split()[:3]})")
    stream = transcriber.stream()
    procs = [subprocess.Popen([sys.executable, "-c", BUSY_CHILD]) for _ in range(busy)]
    rows: list[tuple[float, float, float]] = []  # (wall s, fed s, backlog s)
    late_s, load_off, load_at_stop = 0.0, None, None
    started = time.perf_counter()
    try:
        for i in range(0, samples.size, CHUNK):
            stream.feed(samples[i : i + CHUNK])
            due_at = started + (i + CHUNK) / SAMPLE_RATE_HZ
            now = time.perf_counter()
            late_s = max(late_s, now - due_at)
            time.sleep(max(0.0, due_at - now))
            rows.append((time.perf_counter() - started, (i + CHUNK) / SAMPLE_RATE_HZ, stream.backlog_s()))
            if procs and load_off is None and rows[-1][0] >= load_s:
                for proc in procs:
                    proc.kill()
                load_off, load_at_stop = rows[-1][0], os.getloadavg()
    finally:
        for proc in procs:
            proc.kill()
    load_at_end = os.getloadavg()
    take = stream._worker.take
    at_end = (stream.backlog_s(), take.closed - take.decoded)
    t0 = time.perf_counter()
    transcript = stream.finish()
    finish_s = time.perf_counter() - t0
    ends = np.array(take.ends_s)

    def behind(fed: float, backlog: float) -> int:  # closed utterances not decoded yet
        # The waiting audio starts where the first waiting utterance starts, often the very frame
        # where the one before it ended: half a frame keeps float rounding from counting that one.
        return int(((ends > fed - backlog + FRAME_S / 2) & (ends <= fed)).sum())

    counts = [behind(fed, backlog) for _, fed, backlog in rows]
    off = load_off if load_off is not None else rows[-1][0]
    under = [(r, c) for r, c in zip(rows, counts, strict=True) if r[0] < off]
    after = [(r, c) for r, c in zip(rows, counts, strict=True) if r[0] >= off]
    caught = next(
        (r[0] - off for k, (r, _) in enumerate(after) if all(c <= 1 for _, c in after[k:])), float("nan")
    )
    print(f"- feed: at most {late_s:.2f} s late (a microphone's buffer would overflow past ~0.5 s)")
    print(
        f"- under the load: backlog at most {max((r[2] for r, _ in under), default=0):.1f} s of audio, "
        f"{max((c for _, c in under), default=0)} utterances"
    )
    print(
        f"- after the load stopped (at {off:.0f} s): at most {max((r[2] for r, _ in after), default=0):.1f} s, "
        f"{max((c for _, c in after), default=0)} utterances; at most 1 utterance behind for good "
        f"{caught:.1f} s after the stop"
    )
    print(
        f"- at the answer's end: backlog {at_end[0]:.1f} s, {at_end[1]} utterances; end of answer -> transcript {finish_s:.2f} s"
    )
    print(
        f"- utterances: {take.closed} closed, {take.decoded} decoded, in {take.decode_calls} decode calls; "
        f"{len(transcript.words)} words"
    )
    if load_at_stop is not None:
        print(
            f"- load average (1/5/15 min) when the busy loops stopped: {' '.join(f'{x:.2f}' for x in load_at_stop)}"
        )
    print(
        f"- load average at the answer's end: {' '.join(f'{x:.2f}' for x in load_at_end)} on {os.cpu_count()} cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parts = ("clips", "star", "demo", "fillers", "latency", "process", "silence", "loaded")
    parser.add_argument("--only", choices=parts, action="append")
    parser.add_argument("--star", type=int, default=6, help="spoken STAR answers to use")
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 3, 5])
    parser.add_argument("--fillers-wav", type=Path, help="folder of the filler set's WAVs")
    parser.add_argument(
        "--partials",
        choices=("on", "off", "both"),
        default="on",
        help="latency: with live partials, without, both",
    )
    parser.add_argument("--loaded-minutes", type=float, default=10.0)
    parser.add_argument("--busy", type=int, default=2, help="loaded: busy-loop processes alongside")
    parser.add_argument("--load-s", type=float, default=480.0, help="loaded: seconds under that load")
    args = parser.parse_args()
    todo = args.only or list(parts)

    from mockint.speech import load_transcriber

    started = time.perf_counter()
    engines = {"whisper": load_transcriber("whisper")}
    print(f"whisper loaded in {time.perf_counter() - started:.2f} s (this process)")
    engines["sphinx"] = load_transcriber("sphinx")
    answers = star_answers(args.star) if {"star", "latency", "process"} & set(todo) else []
    if "clips" in todo:
        bench_clips(engines)
    if "star" in todo:
        bench_star(engines, answers)
    if "demo" in todo:
        bench_demo(engines)
    if "fillers" in todo:
        bench_fillers(engines, filler_wavs(args.fillers_wav))
    if "silence" in todo:
        bench_silence(engines)
    if "process" in todo:
        bench_process(answers, list(engines))
    if "latency" in todo:
        bench_latency(
            answers, args.minutes, {"on": [True], "off": [False], "both": [True, False]}[args.partials]
        )
    if "loaded" in todo:
        bench_loaded(engines["whisper"], args.loaded_minutes, args.busy, args.load_s)
    print(f"\n(load average at the end: {open('/proc/loadavg').read().split()[0]})")


if __name__ == "__main__":
    main()
