"""A virtual sound card for device tests: a private PulseAudio server (DESIGN.md's recipe).

Two null sinks: `speaker` (the default sink: what mockint plays lands there; its monitor lets a
test hear it) and `micfeed` (its monitor is the default source: what a test plays into it is
"the microphone"). PortAudio reaches the server through ALSA's pulse plugin.

The `pulse` fixture is session-scoped. Without pulseaudio installed it skips, except when
MOCKINT_REQUIRE_DEVICES=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from helpers.paths import DATA, ROOT  # noqa: F401

SERVER_START_TIMEOUT_S = 10.0
PACKAGES = "pulseaudio pulseaudio-utils libasound2-plugins libportaudio2"


class PulseServer:
    """One private PulseAudio server, its virtual devices, and helpers to feed and hear them."""

    def __init__(self, runtime_dir: Path) -> None:
        self.runtime_dir = Path(runtime_dir)
        # PULSE_SERVER too, so a desktop session's own server setting cannot take over.
        self.env_vars = {
            "PULSE_RUNTIME_PATH": str(self.runtime_dir),
            "PULSE_SERVER": f"unix:{self.runtime_dir / 'native'}",
        }

    @property
    def env(self) -> dict[str, str]:
        """The environment for child processes that should use this server."""
        return {**os.environ, **self.env_vars}

    def _run(self, *cmd: str) -> None:
        subprocess.run(cmd, env=self.env, check=True, capture_output=True, timeout=SERVER_START_TIMEOUT_S)

    def start(self) -> None:
        self._run(
            "pulseaudio",
            "--daemonize=yes",
            "-n",
            "--exit-idle-time=-1",
            "--disallow-exit",
            "--use-pid-file=yes",
            "-L",
            "module-native-protocol-unix",
            "-L",
            "module-null-sink sink_name=speaker",
            "-L",
            "module-null-sink sink_name=micfeed",
            "-L",
            "module-always-sink",
        )
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while subprocess.run(["pactl", "info"], env=self.env, capture_output=True).returncode != 0:
            if time.monotonic() > deadline:
                raise RuntimeError(f"PulseAudio did not come up in {self.runtime_dir}")
            time.sleep(0.1)
        self._run("pactl", "set-default-sink", "speaker")
        self._run("pactl", "set-default-source", "micfeed.monitor")

    def stop(self) -> None:
        """Stop the server and remove its runtime folder (safe to call twice)."""
        if self.runtime_dir.exists():
            subprocess.run(
                ["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=SERVER_START_TIMEOUT_S
            )
        shutil.rmtree(self.runtime_dir, ignore_errors=True)

    def feed_mic(self, path: Path) -> subprocess.Popen:
        """Play a file into `micfeed`: the candidate speaking."""
        return subprocess.Popen(["paplay", "--device=micfeed", str(path)], env=self.env)

    def hear_speaker(self) -> SpeakerListener:
        """Start hearing what is played on `speaker`; returns once audio flows."""
        return SpeakerListener(self)


class SpeakerListener:
    """parec on speaker.monitor, 16 kHz mono int16, read on a thread until stop()."""

    RATE_HZ = 16_000
    START_TIMEOUT_S = 10.0
    WARM_UP_S = 0.3  # parec takes a moment to deliver its first audio: wait for this much

    def __init__(self, server: PulseServer) -> None:
        self._proc = subprocess.Popen(
            [
                "parec",
                "--device=speaker.monitor",
                "--format=s16le",
                f"--rate={self.RATE_HZ}",
                "--channels=1",
                "--latency-msec=20",
            ],
            env=server.env,
            stdout=subprocess.PIPE,
        )
        self._data = bytearray()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + self.START_TIMEOUT_S
        while len(self._data) < self.WARM_UP_S * self.RATE_HZ * 2:
            if time.monotonic() > deadline:
                self._proc.kill()
                raise RuntimeError("parec delivered no audio from speaker.monitor")
            time.sleep(0.02)
        self.start_frame = len(self._data) // 2  # where the test's sound can begin

    def _read(self) -> None:
        while chunk := self._proc.stdout.read1(4096):
            self._data.extend(chunk)

    def stop(self):
        """Everything heard after start-up, as int16 samples."""
        import numpy as np

        self._proc.terminate()
        self._proc.wait(10)
        self._thread.join(10)
        samples = np.frombuffer(bytes(self._data[: len(self._data) // 2 * 2]), dtype=np.int16)
        return samples[self.start_frame :]


def reinitialise_portaudio() -> None:
    """sounddevice lists devices when PortAudio initialises (at import): refresh that list."""
    sd = sys.modules.get("sounddevice")
    if sd is not None:
        sd._terminate()
        sd._initialize()


def voiced_seconds(samples, frame_s: float = 0.02, floor: float = 300.0) -> float:
    """Seconds of 20 ms frames of 16 kHz int16 audio louder than `floor` (RMS)."""
    import numpy as np

    n = int(frame_s * 16_000)
    frames = samples[: len(samples) // n * n].astype(np.float64).reshape(-1, n)
    return float((np.sqrt((frames**2).mean(axis=1)) > floor).sum() * frame_s)


def require_devices() -> bool:
    return os.environ.get("MOCKINT_REQUIRE_DEVICES") == "1"


def missing_sound_tools() -> list[str]:
    return [tool for tool in ("pulseaudio", "pactl", "paplay", "parec") if shutil.which(tool) is None]


@pytest.fixture(scope="session")
def pulse():
    """A running private PulseAudio server; this process's PortAudio is pointed at it."""
    missing = missing_sound_tools()
    if missing:
        reason = (
            f"virtual sound card unavailable: {', '.join(missing)} not installed (apt-get install {PACKAGES})"
        )
        if require_devices():
            pytest.fail(reason + " — MOCKINT_REQUIRE_DEVICES=1 forbids skipping device tests")
        pytest.skip(reason)
    runtime = Path(tempfile.mkdtemp(prefix="mockint-pulse-"))  # short: unix socket paths are limited
    server = PulseServer(runtime)
    server.start()
    saved = {key: os.environ.get(key) for key in server.env_vars}
    os.environ.update(server.env_vars)
    reinitialise_portaudio()
    try:
        yield server
    finally:
        server.stop()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        reinitialise_portaudio()


# A recording process for the tests that must signal, kill or type at it. argv: take path,
# limit in seconds. Keys are read when stdin is a terminal. Prints "ready" once audio flows,
# then the Recording as JSON (or {"error": ...}); exits 130 after Ctrl-C, like the CLI.
RECORD_CHILD = r"""
import json, sys
from pathlib import Path
from mockint.audio.record import MicrophoneRecorder
from mockint.ports import DeviceLost
from mockint.errors import MockintError
from mockint.ports import STOP_INTERRUPT
path, limit = Path(sys.argv[1]), float(sys.argv[2])
recorder = MicrophoneRecorder(interactive=sys.stdin.isatty(), keys=sys.stdin, out=sys.stderr)
try:
    recorder.open()
    print("ready", flush=True)
    rec = recorder.record(path, limit_s=limit, target_s=limit)
except DeviceLost as exc:
    print(json.dumps({"error": exc.message, "duration_s": exc.recording.duration_s}), flush=True)
    sys.exit(exc.exit_code)
except MockintError as exc:
    print(json.dumps({"error": exc.message}), flush=True)
    sys.exit(exc.exit_code)
print(json.dumps({"stopped_by": rec.stopped_by, "duration_s": rec.duration_s,
                  "thinking_s": rec.thinking_s, "overflows": rec.overflows}), flush=True)
sys.exit(130 if rec.stopped_by == STOP_INTERRUPT else 0)
"""


def start_recorder(pulse: PulseServer, path: Path, limit_s: float, **popen) -> subprocess.Popen:
    """RECORD_CHILD on `pulse`; returns once it is recording (its first line, "ready", read)."""
    popen.setdefault("stdin", subprocess.DEVNULL)
    child = subprocess.Popen(
        [sys.executable, "-c", RECORD_CHILD, str(path), str(limit_s)],
        env=pulse.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **popen,
    )
    line = child.stdout.readline()
    if line.strip() != "ready":
        child.kill()
        raise AssertionError(f"recorder did not start: {line}{child.stdout.read()}{child.stderr.read()}")
    return child


def best_alignment(recorded, source) -> tuple[int, float]:
    """Where `source` best lines up inside `recorded` (sample offset, may be negative) and the
    normalized correlation of the overlap there (1.0: the same waveform)."""
    import numpy as np

    a = recorded.astype(np.float64)
    b = source.astype(np.float64)
    n = 1 << int(np.ceil(np.log2(a.size + b.size)))
    xc = np.fft.irfft(np.fft.rfft(a, n) * np.conj(np.fft.rfft(b, n)), n)
    lags = np.concatenate([np.arange(0, a.size), np.arange(-b.size + 1, 0)])
    values = np.concatenate([xc[: a.size], xc[n - b.size + 1 :]])
    lag = int(lags[np.argmax(values)])
    a_part = a[max(0, lag) : max(0, lag) + b.size - max(0, -lag)]
    b_part = b[max(0, -lag) : max(0, -lag) + a_part.size]
    return lag, float(np.corrcoef(a_part, b_part)[0, 1])
