"""A long microphone recording on a busy CPU: does any audio get lost (input overflows)?

A private PulseAudio server (tests/helpers/sound.py) plays real speech into the `micfeed` sink for the
whole recording; mockint's MicrophoneRecorder records it from the default source while
  - on_chunk feeds every chunk to a streaming pocketsphinx decoder (as a session does), and
  - BUSY_PROCESSES other processes decode speech with pocketsphinx in a loop (both cores busy).
Reported: input overflows (target 0), the take's length against the wall-clock time, how well
the take matches what was played (cross-correlation), and how far the decoder fell behind.

    .venv/bin/python benchmarks/bench_record.py [--minutes 10] [--busy 2]

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

BUSY_CHILD = r"""
import sys, time
import numpy as np, soundfile as sf
from pocketsphinx import Decoder
audio, _ = sf.read(sys.argv[1], dtype="int16")
decoder = Decoder()
while True:  # decode the same speech over and over: a CPU-bound neighbour
    decoder.start_utt()
    for i in range(0, audio.size, 1600):
        decoder.process_raw(audio[i:i + 1600].tobytes(), False, False)
    decoder.end_utt()
"""


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
    parser.add_argument("--busy", type=int, default=2, help="CPU-bound decoder processes alongside")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="mockint-bench-record-"))
    track = speech_track(args.minutes, work)
    server = PulseServer(Path(tempfile.mkdtemp(prefix="mockint-pulse-")))
    server.start()
    os.environ.update(server.env_vars)
    reinitialise_portaudio()
    busy = [subprocess.Popen([sys.executable, "-c", BUSY_CHILD, str(track)]) for _ in range(args.busy)]
    try:
        from pocketsphinx import Decoder

        from mockint.audio.record import MicrophoneRecorder
        from mockint.ports import DeviceLost

        decoder = Decoder()
        decoder.start_utt()
        fed = {"frames": 0, "behind_s": 0.0}
        started = time.monotonic()

        def on_chunk(chunk: np.ndarray) -> None:
            decoder.process_raw(chunk.tobytes(), False, False)
            fed["frames"] += chunk.size
            fed["behind_s"] = max(
                fed["behind_s"], (time.monotonic() - started) - fed["frames"] / SAMPLE_RATE_HZ
            )

        limit_s = args.minutes * 60
        recorder = MicrophoneRecorder(interactive=False, keys=io.StringIO(), out=io.StringIO())
        with recorder:
            feeder = server.feed_mic(track)
            started = time.monotonic()
            try:
                rec = recorder.record(work / "take.wav", limit_s=limit_s, target_s=limit_s, on_chunk=on_chunk)
            except DeviceLost as exc:  # reported, with the partial take, below
                print(f"DEVICE LOST: {exc.message}")
                rec = exc.recording
            wall_s = time.monotonic() - started
            feeder.kill()
        decoder.end_utt()
        load = os.getloadavg()
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
    hyp = decoder.hyp()
    print(f"recorded {rec.duration_s:.1f} s in {wall_s:.1f} s wall clock; stopped by {rec.stopped_by}")
    print(f"input overflows: {rec.overflows}   (target 0); input stream reopened {recorder.restarts} times")
    print(
        f"file: {sf.info(rec.path).frames} frames at {sf.info(rec.path).samplerate} Hz, thinking {rec.thinking_s} s"
    )
    print("match with what was played (10 s windows, correlation): " + " ".join(f"{s:.3f}" for s in scores))
    print(
        f"streaming decoder: {fed['frames'] / SAMPLE_RATE_HZ:.1f} s fed, at most {fed['behind_s']:.2f} s behind "
        f"real time; {len((hyp.hypstr if hyp else '').split())} words"
    )
    print(
        f"load average at the end (1/5/15 min): {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} cores"
    )
    shutil.rmtree(work, ignore_errors=True)
    return 0 if rec.overflows == 0 and rec.stopped_by == "limit" else 1


if __name__ == "__main__":
    sys.exit(main())
