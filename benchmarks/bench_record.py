"""A long microphone recording on a busy CPU: is any audio lost, and does the decoder keep up?

A private PulseAudio server (tests/helpers/sound.py) plays real speech into the `micfeed` sink for the
whole recording; mockint's MicrophoneRecorder records it from the default source while
  - the listener feeds every chunk to the default engine's stream (whisper, live partials on, as a
    practice session does), and
  - for the first --load-s seconds, --busy busy-loop processes (`while 1: pass`) keep both cores
    busy; then they are stopped.
Reported: input overflows (target 0); the take's length against the wall-clock time; how well the
take matches what was played (cross-correlation); the decoder's backlog (audio fed but not decoded)
under load and after the load stops, in seconds and in utterances (utterance ends in the audio
fed but not yet decoded; target: at most one once the load stops); end of answer -> transcript;
and whether every utterance was decoded (the streamed words against the take transcribed again
from the file afterwards, with the same model, without partials).

    .venv/bin/python benchmarks/bench_record.py [--minutes 10] [--busy 2] [--load-s 480]

Speech comes from ../shared/speech (read there, not copied into the repo). The machine is
shared with other engineers' jobs: load varies; the load average is printed.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers.sound import PulseServer, best_alignment, reinitialise_portaudio  # noqa: E402

from mockint.audio.files import read_16k_mono  # noqa: E402
from mockint.ports import SAMPLE_RATE_HZ  # noqa: E402

SHARED_SPEECH = ROOT.parent / "shared" / "speech"
CLIPS = [
    "joinly-ai-joinly/OSR_us_000_0034_8k.wav",
    "cmusphinx-pocketsphinx/chan3.wav",
    "openai-whisper/jfk.flac",
    "cmusphinx-pocketsphinx/input_4_16k.wav",
]
FALLBACK_CLIP = ROOT / "tests" / "data" / "rec_forever_16k.wav"
BUSY_CHILD = "while 1: pass"  # a CPU-bound neighbour


def speech_track(minutes: float, folder: Path) -> Path:
    """`minutes` of continuous speech at 16 kHz (the shared clips, repeated)."""
    clips = [read_16k_mono(SHARED_SPEECH / c) for c in CLIPS if (SHARED_SPEECH / c).exists()]
    if not clips:
        clips = [read_16k_mono(FALLBACK_CLIP)]
    one_round = np.concatenate(clips)
    need = int(minutes * 60 * SAMPLE_RATE_HZ)
    track = np.tile(one_round, need // one_round.size + 1)[:need]
    path = folder / "speech_track.wav"
    sf.write(path, track, SAMPLE_RATE_HZ)
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--busy", type=int, default=2, help="busy-loop processes alongside")
    parser.add_argument("--load-s", type=float, default=480.0, help="seconds of the answer under that load")
    args = parser.parse_args()

    from mockint.speech import load_transcriber

    transcriber = load_transcriber("whisper")
    work = Path(tempfile.mkdtemp(prefix="mockint-bench-record-"))
    track = speech_track(args.minutes, work)
    server = PulseServer(Path(tempfile.mkdtemp(prefix="mockint-pulse-")))
    server.start()
    os.environ.update(server.env_vars)
    reinitialise_portaudio()
    busy: list[subprocess.Popen] = []
    try:
        from mockint.audio.record import MicrophoneRecorder
        from mockint.ports import DeviceLost

        stream = transcriber.stream()
        samples: list[tuple[float, float, float]] = []  # (wall s, fed s, decoded s)
        clock = {"started": time.monotonic(), "load_off": None}

        class Sampled:
            """The stream, with its progress sampled at every chunk (and the load stopped on time)."""

            partial = stream.partial
            backlog_s = stream.backlog_s

            @staticmethod
            def feed(chunk: np.ndarray) -> None:
                stream.feed(chunk)
                now = time.monotonic() - clock["started"]
                worker = stream._worker
                samples.append((now, worker.fed / SAMPLE_RATE_HZ, worker.decoded / SAMPLE_RATE_HZ))
                if busy and clock["load_off"] is None and now >= args.load_s:
                    for proc in busy:
                        proc.kill()
                    clock["load_off"] = now

        limit_s = args.minutes * 60
        recorder = MicrophoneRecorder(interactive=False, keys=io.StringIO(), out=io.StringIO())
        with recorder:
            busy += [subprocess.Popen([sys.executable, "-c", BUSY_CHILD]) for _ in range(args.busy)]
            feeder = server.feed_mic(track)
            clock["started"] = time.monotonic()
            try:
                rec = recorder.record(
                    work / "take.wav", limit_s=limit_s, target_s=limit_s, listener=Sampled()
                )
            except DeviceLost as exc:  # reported, with the partial take, below
                print(f"DEVICE LOST: {exc.message}")
                rec = exc.recording
            wall_s = time.monotonic() - clock["started"]
            feeder.kill()
        load_at_end = os.getloadavg()
        t0 = time.monotonic()
        streamed = stream.finish()
        finish_s = time.monotonic() - t0
    finally:
        for proc in busy:
            proc.kill()
        server.stop()

    take = read_16k_mono(rec.path)
    source = read_16k_mono(track)
    lag, _ = best_alignment(take[: 30 * SAMPLE_RATE_HZ], source[: 20 * SAMPLE_RATE_HZ])
    # compare 10 s windows spread over the take with the same stretch of what was played
    scores = []
    for start_s in np.linspace(5, rec.duration_s - 15, 6):
        a = take[int(start_s * SAMPLE_RATE_HZ) : int((start_s + 10) * SAMPLE_RATE_HZ)].astype(float)
        b = source[int(start_s * SAMPLE_RATE_HZ) - lag :][: a.size].astype(float)
        scores.append(float(np.corrcoef(a, b)[0, 1]) if b.size == a.size else float("nan"))
    print(f"recorded {rec.duration_s:.1f} s in {wall_s:.1f} s wall clock; stopped by {rec.stopped_by}")
    print(f"input overflows: {rec.overflows}   (target 0); input stream reopened {recorder.restarts} times")
    print(
        f"file: {sf.info(rec.path).frames} frames at {sf.info(rec.path).samplerate} Hz, thinking {rec.thinking_s} s"
    )
    print("match with what was played (10 s windows, correlation): " + " ".join(f"{s:.3f}" for s in scores))

    ends = np.array([u.end for u in streamed.utterances])
    load_off = clock["load_off"] if clock["load_off"] is not None else float("inf")

    def behind(rows: list[tuple[float, float, float]]) -> tuple[float, int]:
        if not rows:
            return 0.0, 0
        seconds = max(fed - done for _, fed, done in rows)
        utterances = max(int(((ends > done) & (ends <= fed)).sum()) for _, fed, done in rows)
        return seconds, utterances

    under = behind([r for r in samples if r[0] < load_off])
    after = behind([r for r in samples if r[0] >= load_off])
    settle = behind([r for r in samples if r[0] >= load_off + 30])
    print(
        f"decoder backlog under load ({args.busy} busy loops, first {min(load_off, wall_s):.0f} s): "
        f"at most {under[0]:.1f} s of audio, {under[1]} utterances"
    )
    print(
        f"after the load stopped: at most {after[0]:.1f} s, {after[1]} utterances; "
        f"from 30 s after: at most {settle[0]:.1f} s, {settle[1]} utterances (target: at most 1)"
    )
    print(
        f"end of answer -> transcript: {finish_s:.2f} s; {len(streamed.utterances)} utterances, {len(streamed.words)} words"
    )
    offline = transcriber.transcribe(rec.path)
    same = [w.word for w in offline.words] == [w.word for w in streamed.words]
    print(
        f"every utterance decoded: the take transcribed again from the file gives "
        f"{len(offline.utterances)} utterances, {len(offline.words)} words: "
        + ("the same words" if same else "DIFFERENT words")
    )
    print(
        f"load average at the end of the answer (1/5/15 min): {load_at_end[0]:.2f} {load_at_end[1]:.2f} "
        f"{load_at_end[2]:.2f} on {os.cpu_count()} cores"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0 if rec.overflows == 0 and rec.stopped_by == "limit" and same else 1


if __name__ == "__main__":
    sys.exit(main())
