"""Time from "ask" to the question's first audio frame, uncached and cached (targets 50/500 ms).

Runs the real Speaker.say() path (synthesis in a child process when not cached, then playback
through PortAudio → ALSA → a private PulseAudio server, tests/helpers/sound.py) for questions from the
bundled bank. Three figures per question:
  - first frame: say() called → the first frame handed to the output device (play()'s first
    progress report);
  - first sound: say() called → the first audible sample on the speaker's monitor, minus the
    silence the voice itself starts with (so it is latency, not the voice's lead-in);
  - first word heard: the same without subtracting the voice's lead-in (what a listener notices).
The monitor is heard through parec (20 ms latency), which only adds to the sound figures.

    .venv/bin/python benchmarks/bench_voice.py [--questions 10]

The machine is shared (2 cores, other engineers' jobs): figures are noisy; medians and the
worst case are printed.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from helpers.sound import PulseServer, SpeakerListener, reinitialise_portaudio  # noqa: E402

from mockint.audio import playback as audio  # noqa: E402
from mockint.audio.files import read_16k_mono  # noqa: E402
from mockint.audio.voice import make_speaker, synthesize  # noqa: E402
from mockint.bank import load_bank  # noqa: E402
from mockint.config import bundled_bank_dir  # noqa: E402

LOUD = 32768 * 10 ** (-40 / 20)  # -40 dBFS: audible speech


def first_loud_s(samples: np.ndarray, rate: int = 16_000) -> float | None:
    frame = rate // 200  # 5 ms
    frames = samples[: samples.size // frame * frame].reshape(-1, frame).astype(np.float64)
    loud = np.flatnonzero(np.sqrt(np.mean(frames**2, axis=1)) > LOUD)
    return None if loud.size == 0 else loud[0] * frame / rate


def measure(
    speaker, listener: SpeakerListener, text: str, cache: Path
) -> tuple[float, float | None, float | None]:
    real_play = audio.play
    first_frame: list[float] = []

    def timed_play(source, **kw):  # the same play(), noting when its first frame went out
        return real_play(
            source, on_progress=lambda s: first_frame or first_frame.append(time.perf_counter()), **kw
        )

    audio.play = timed_play
    try:
        mark = len(listener._data) // 2
        asked = time.perf_counter()
        speaker.say(text)
    finally:
        audio.play = real_play
    time.sleep(0.2)
    heard = np.frombuffer(bytes(listener._data[mark * 2 :]), dtype=np.int16)
    lead_in = first_loud_s(read_16k_mono(synthesize(text, voice=None, rate=None, cache_dir=cache)))
    onset = first_loud_s(heard)
    sound = None if onset is None or lead_in is None else onset - lead_in
    return first_frame[0] - asked, sound, onset


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--questions", type=int, default=10)
    args = parser.parse_args()
    questions = [q.text for q in load_bank(bundled_bank_dir()).questions.values()][: args.questions]

    server = PulseServer(Path(tempfile.mkdtemp(prefix="mockint-pulse-")))
    server.start()
    os.environ.update(server.env_vars)
    reinitialise_portaudio()
    cache = Path(tempfile.mkdtemp(prefix="mockint-bench-voice-"))
    speaker = make_speaker(enabled=True, cache_dir=cache, out=io.StringIO())
    listener = server.hear_speaker()
    results: dict[str, list[tuple[float, float | None, float | None]]] = {"uncached": [], "cached": []}
    try:
        speaker.say("Warming up.")  # the process's first PortAudio stream is not what we measure
        for kind in ("uncached", "cached"):
            for text in questions:
                results[kind].append(measure(speaker, listener, text, cache))
    finally:
        listener.stop()
        server.stop()
        shutil.rmtree(cache, ignore_errors=True)

    print(
        f"{len(questions)} questions from the bundled bank; load average {os.getloadavg()[0]:.2f} "
        f"on {os.cpu_count()} cores"
    )
    for kind, target_ms in (("cached", 50), ("uncached", 500)):
        frames = [f * 1000 for f, _, _ in results[kind]]
        sounds = [s * 1000 for _, s, _ in results[kind] if s is not None]
        words = [w * 1000 for _, _, w in results[kind] if w is not None]
        print(
            f"{kind:>8}: first frame median {statistics.median(frames):4.0f} ms, worst {max(frames):4.0f} ms"
            f" | first sound median {statistics.median(sounds):4.0f} ms, worst {max(sounds):4.0f} ms"
            f" | first word heard median {statistics.median(words):4.0f} ms   (target {target_ms} ms)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
