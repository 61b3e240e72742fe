"""No input device, no PortAudio: one line naming the fix (needs PortAudio, not the sound card).

The processes here get a PulseAudio address where no server listens, so on a machine without a
sound card (CI, this project's containers) PortAudio sees no device at all.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

NO_INPUT = (
    "mockint: error: no input device found — run 'mockint devices', "
    "or install PortAudio: apt-get install libportaudio2"
)


def has_sound_card() -> bool:
    cards = Path("/proc/asound/cards")
    return cards.exists() and "no soundcards" not in cards.read_text()


@pytest.fixture
def no_devices(tmp_path) -> dict:
    if has_sound_card():
        pytest.skip("this machine has a real sound card, so 'no input device' cannot be arranged")
    import os

    return {
        **os.environ,
        "PULSE_SERVER": f"unix:{tmp_path / 'nobody-listens'}",
        "PULSE_RUNTIME_PATH": str(tmp_path),
    }


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


def test_devices_command_without_devices(no_devices):
    r = run_python("import sys; from mockint.cli import main; sys.exit(main(['devices']))", no_devices)
    assert r.returncode == 1
    assert r.stdout.splitlines()[:4] == [
        "Input devices (* default):",
        "    (none)",
        "Output devices (* default):",
        "    (none)",
    ]
    # it does not send you to the command you are running
    assert r.stderr.strip() == (
        "mockint: error: no input device found — plug in or unmute a microphone, "
        "or install PortAudio: apt-get install libportaudio2"
    )


@pytest.mark.device
def test_devices_lists_pulseaudios_sources(pulse):
    import os

    r = subprocess.run(
        [sys.executable, "-m", "mockint", "devices"],
        env=pulse.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    at = lines.index("PulseAudio sources (what 'pulse'/'default' record from; pactl):")
    sources = [line.split()[0] for line in lines[at + 1 :] if line.startswith("    ")]
    assert {"micfeed.monitor", "speaker.monitor"} <= set(sources), r.stdout
    assert "pactl set-default-source NAME" in r.stdout
    assert os.environ.get("PULSE_SERVER") is not None  # (the fixture's own server)


def test_recording_without_an_input_device(no_devices, tmp_path):
    code = f"""
import io, sys
from pathlib import Path
from mockint.audio.record import MicrophoneRecorder
from mockint.errors import MockintError
rec = MicrophoneRecorder(interactive=False, keys=io.StringIO(), out=io.StringIO())
try:
    rec.record(Path({str(tmp_path / "take.wav")!r}), limit_s=5, target_s=3)
except MockintError as exc:
    print("mockint: error: " + exc.message)
    sys.exit(exc.exit_code)
"""
    r = run_python(code, no_devices)
    assert (r.returncode, r.stdout.strip()) == (1, NO_INPUT), r.stderr
    assert not (tmp_path / "take.wav").exists()


def test_portaudio_missing(tmp_path):
    # What sounddevice meets on a machine without libportaudio2: find_library finds nothing.
    code = """
import ctypes.util, sys
ctypes.util.find_library = lambda name: None
from mockint.cli import main
sys.exit(main(['devices']))
"""
    r = run_python(code, dict(__import__("os").environ))
    assert r.returncode == 1
    assert r.stderr.strip() == "mockint: error: PortAudio is not installed — apt-get install libportaudio2"
