"""Speech benchmark: accuracy and speed of mockint's sphinx engine next to plain
SpeechRecognition `recognize_sphinx`, streaming finish latency, memory, fillers.

    .venv/bin/python benchmarks/bench_speech.py                 # everything (~15 min here)
    .venv/bin/python benchmarks/bench_speech.py --only clips    # clips, answers, latency, rss, fillers
    .venv/bin/python benchmarks/bench_speech.py --realtime      # feed answers at real time (slow)

1. Every clip with a reference in ../shared/speech/MANIFEST.tsv: WER and real-time factor for
   both engines, per clip and per group (short commands: number words only; continuous speech).
2. Generated answers (benchmarks/speech_answers.py, Festival HTS voice) of 1, 3 and 5 minutes:
   WER, after-the-fact time, and the streaming finish latency — the time from the end of the
   answer to its transcript — with chunks of 0.1 s fed at real time (--realtime) or as fast as
   the decoder keeps up (backlog at most one chunk, which is what real time gives a decoder
   faster than real time; the feed's pace is printed).
3. Peak RSS of a fresh process streaming a 10-minute answer.
4. Fillers: sentences with one filler each (um, uh, er, ah, hmm) spoken by Festival; a filler
   counts as caught when the transcript has that word (whole words, canonical spelling).
   False fillers: fillers in the transcripts of the filler-free answers.
Times are wall-clock on a shared 2-core machine: noisy. CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import csv
import re
import resource
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

from speech_answers import FILLER_SENTENCES, FILLERS, PARAGRAPHS, make_fillers, make_paragraphs  # noqa: E402

from mockint.audio.files import read_16k_mono  # noqa: E402
from mockint.ports import SAMPLE_RATE_HZ  # noqa: E402

SHARED_SPEECH = ROOT.parent / "shared" / "speech"
NUMBER_WORDS = set("zero oh one two three four five six seven eight nine ten".split())
CHUNK = 1_600  # 0.1 s, as the recorder sends it
GAP_S = 0.6  # silence between paragraphs in a generated answer


def words(text: str) -> list[str]:
    return re.sub(r"[^a-z' ]+", " ", text.lower().replace("-", " ")).split()


def wer_counts(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edit distance in words, reference words)."""
    ref, hyp = words(reference), words(hypothesis)
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row = row, [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (r != h))
    return row[-1], len(ref)


def plain_recognize_sphinx(samples: np.ndarray) -> tuple[str, float, float]:
    """SpeechRecognition's recognize_sphinx as users call it: (text, wall s, CPU s)."""
    import speech_recognition as sr

    audio = sr.AudioData(samples.tobytes(), SAMPLE_RATE_HZ, 2)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        text = sr.Recognizer().recognize_sphinx(audio)
    except sr.UnknownValueError:
        text = ""
    return text, time.perf_counter() - wall, time.process_time() - cpu


def timed_transcribe(transcriber, path: Path):
    wall, cpu = time.perf_counter(), time.process_time()
    t = transcriber.transcribe(path)
    return t, time.perf_counter() - wall, time.process_time() - cpu


# ---------------------------------------------------------------------------- 1. clips


def bench_clips(transcriber) -> None:
    manifest = SHARED_SPEECH / "MANIFEST.tsv"
    if not manifest.exists():
        print(f"(no {manifest}: clip table skipped)")
        return
    rows = [r for r in csv.DictReader(manifest.open(), delimiter="\t") if r["reference"] not in ("", "none")]
    groups: dict[str, dict[str, list[int]]] = {}
    print("\n## Clips (WER; RTF = wall time / audio length, CPU RTF in brackets)\n")
    print("| clip | group | s | mockint WER | recognize_sphinx WER | mockint RTF | recognize_sphinx RTF |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        path = SHARED_SPEECH / r["path"]
        samples = read_16k_mono(path)
        duration = samples.size / SAMPLE_RATE_HZ
        group = "short commands" if set(words(r["reference"])) <= NUMBER_WORDS else "continuous"
        ours, wall, cpu = timed_transcribe(transcriber, path)
        base_text, base_wall, base_cpu = plain_recognize_sphinx(samples)
        e_ours, n = wer_counts(r["reference"], ours.text)
        e_base, _ = wer_counts(r["reference"], base_text)
        g = groups.setdefault(group, {"ours": [0, 0], "base": [0, 0]})
        g["ours"][0] += e_ours
        g["ours"][1] += n
        g["base"][0] += e_base
        g["base"][1] += n
        print(
            f"| {r['path']} | {group} | {duration:.1f} | {e_ours / n:.3f} | {e_base / n:.3f} | "
            f"{wall / duration:.2f} ({cpu / duration:.2f}) | {base_wall / duration:.2f} ({base_cpu / duration:.2f}) |"
        )
    print("\n| group | words | mockint WER | recognize_sphinx WER |\n|---|---|---|---|")
    for name, g in groups.items():
        print(
            f"| {name} | {g['ours'][1]} | {g['ours'][0] / g['ours'][1]:.3f} | {g['base'][0] / g['base'][1]:.3f} |"
        )


# ---------------------------------------------------------------------------- 2. answers


def make_answer(paragraphs: list[tuple[Path, str]], minutes: float, folder: Path) -> tuple[Path, str]:
    """Paragraphs in turn (repeating) with short gaps, cut at a paragraph end past `minutes`."""
    target = minutes * 60
    pieces, texts, total, i = [], [], 0.0, 0
    gap = np.zeros(int(GAP_S * SAMPLE_RATE_HZ), dtype=np.int16)
    while total < target:
        path, text = paragraphs[i % len(paragraphs)]
        samples = read_16k_mono(path)
        pieces += [samples, gap]
        texts.append(text)
        total += samples.size / SAMPLE_RATE_HZ + GAP_S
        i += 1
    out = folder / f"answer_{minutes:g}min.wav"  # ends with the last word: Enter pressed at once
    sf.write(str(out), np.concatenate(pieces[:-1]), SAMPLE_RATE_HZ, subtype="PCM_16")
    return out, " ".join(texts)


def stream_answer(transcriber, samples: np.ndarray, realtime: bool) -> dict:
    stream = transcriber.stream()
    started = time.perf_counter()
    max_backlog = 0.0
    for i in range(0, samples.size, CHUNK):
        stream.feed(samples[i : i + CHUNK])
        if realtime:
            time.sleep(max(0.0, started + (i + CHUNK) / SAMPLE_RATE_HZ - time.perf_counter()))
        else:
            while stream.backlog_s() > CHUNK / SAMPLE_RATE_HZ:
                time.sleep(0.005)
        max_backlog = max(max_backlog, stream.backlog_s())
    fed_s = time.perf_counter() - started
    t0 = time.perf_counter()
    transcript = stream.finish()
    return {
        "transcript": transcript,
        "finish_s": time.perf_counter() - t0,
        "feed_wall_s": fed_s,
        "max_backlog_s": max_backlog,
    }


def bench_answers(transcriber, folder: Path, realtime: bool, minutes_list: list[float]) -> None:
    paragraphs = make_paragraphs(folder)
    print(
        f"\n## Generated answers (Festival HTS voice; chunks of 0.1 s fed "
        f"{'at real time' if realtime else 'as fast as the decoder keeps up'})\n"
    )
    print(
        "| answer | words | mockint WER | streaming finish latency | feed pace (x real time) | "
        "after-the-fact wall (CPU) | recognize_sphinx WER | recognize_sphinx wall |"
    )
    print("|---|---|---|---|---|---|---|---|")
    fillers_seen = 0
    words_total = 0
    for minutes in minutes_list:
        path, reference = make_answer(paragraphs, minutes, folder)
        samples = read_16k_mono(path)
        duration = samples.size / SAMPLE_RATE_HZ
        streamed = stream_answer(transcriber, samples, realtime)
        after, wall, cpu = timed_transcribe(transcriber, path)
        e, n = wer_counts(reference, streamed["transcript"].text)
        same = streamed["transcript"].text == after.text
        fillers_seen += sum(w.word in FILLERS for w in after.words)
        words_total += len(after.words)
        if minutes <= 1:  # the baseline decodes the whole answer as one utterance: slow, 1 min only
            base_text, base_wall, _ = plain_recognize_sphinx(samples)
            be, _ = wer_counts(reference, base_text)
            base = f"{be / n:.3f} | {base_wall:.1f} s"
        else:
            base = "— | —"
        print(
            f"| {duration / 60:.1f} min ({duration:.0f} s) | {n} | {e / n:.3f}{'' if same else ' (after: differs)'} | "
            f"{streamed['finish_s']:.2f} s | {duration / streamed['feed_wall_s']:.1f} | "
            f"{wall:.1f} s ({cpu:.1f} s) | {base} |"
        )
    print(f"\nFalse fillers in the filler-free answers: {fillers_seen} in {words_total} recognized words.")


# ---------------------------------------------------------------------------- 3. memory


RSS_CHILD = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from mockint.audio.files import iter_16k_mono
from mockint.speech import load_transcriber

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024

t = load_transcriber("sphinx")
loaded = rss("VmRSS")
stream = t.stream()
for block in iter_16k_mono(sys.argv[2], 0.1):  # read as it is "recorded": 0.1 s at a time
    stream.feed(block)
    while stream.backlog_s() > 0.5:
        time.sleep(0.005)
out = stream.finish()
print(loaded, rss("VmRSS"), rss("VmHWM"), len(out.words), out.elapsed_s)
"""


def bench_rss(folder: Path) -> None:
    paragraphs = make_paragraphs(folder)
    path, _ = make_answer(paragraphs, 10, folder)
    out = subprocess.run(
        [sys.executable, "-c", RSS_CHILD, str(ROOT), str(path)], capture_output=True, text=True, check=True
    ).stdout.split()
    loaded, end, peak = (int(x) for x in out[:3])
    print(
        f"\n## Memory\n\n10-minute answer ({sf.info(str(path)).duration:.0f} s) streamed in a fresh process: "
        f"peak RSS {peak} MB; RSS {loaded} MB with the model loaded, {end} MB after the answer; "
        f"{out[3]} words; finish latency {float(out[4]):.2f} s."
    )


# ---------------------------------------------------------------------------- 4. fillers


def bench_fillers(transcriber, folder: Path) -> None:
    clips = make_fillers(folder)
    caught: dict[str, list[int]] = {f: [0, 0] for f in FILLERS}
    misses = []
    for path, text in clips:
        spoken = [w for w in words(text) if w in FILLERS]
        heard = [w.word for w in transcriber.transcribe(path).words]
        for filler in spoken:
            caught[filler][1] += 1
            if filler in heard:
                caught[filler][0] += 1
            else:
                misses.append(f"{text!r} → {' '.join(heard)!r}")
    total = sum(c[1] for c in caught.values())
    hit = sum(c[0] for c in caught.values())
    print(f"\n## Fillers (Festival HTS voice, {len(FILLER_SENTENCES)} sentences)\n")
    print("| filler | caught / spoken |\n|---|---|")
    for filler, (h, n) in caught.items():
        print(f"| {filler} | {h} / {n} |")
    print(f"| all | {hit} / {total} ({hit / total:.0%}) |")
    for m in misses:
        print(f"- missed: {m}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=("clips", "answers", "rss", "fillers"), action="append")
    parser.add_argument("--realtime", action="store_true", help="feed the answers at real time")
    parser.add_argument("--minutes", type=float, nargs="+", default=[1, 3, 5])
    parser.add_argument("--audio", type=Path, help="where generated audio is cached (default: a temp folder)")
    args = parser.parse_args()
    parts = args.only or ["clips", "answers", "rss", "fillers"]
    folder = args.audio or Path(tempfile.mkdtemp(prefix="mockint-bench-speech-"))

    from mockint.speech import load_transcriber

    started = time.perf_counter()
    transcriber = load_transcriber("sphinx")
    print(
        f"mockint sphinx engine loaded once in {time.perf_counter() - started:.2f} s; "
        f"{len(PARAGRAPHS)} paragraphs; audio in {folder}"
    )
    if "clips" in parts:
        bench_clips(transcriber)
    if "answers" in parts:
        bench_answers(transcriber, folder, args.realtime, args.minutes)
    if "rss" in parts:
        bench_rss(folder)
    if "fillers" in parts:
        bench_fillers(transcriber, folder)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(
        f"\n(benchmark process: {usage.ru_utime:.0f} s CPU; load average {open('/proc/loadavg').read().split()[0]})"
    )


if __name__ == "__main__":
    main()
