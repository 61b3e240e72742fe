"""`mockint doctor`: check every part mockint needs and say how to fix what is missing."""

from __future__ import annotations

import ctypes.util
import importlib
import importlib.util
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mockint.config import Settings

APT_FIX = "apt-get install {pkg}"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str  # what was found
    fix: str = ""  # what to do when not ok
    required: bool = True  # False: a missing part only turns off an optional feature


def check_python_packages() -> Check:
    missing = []
    for module, dist in (
        ("numpy", "numpy"),
        ("soundfile", "soundfile"),
        ("soxr", "soxr"),
        ("yaml", "PyYAML"),
        ("rich", "rich"),
        ("pyttsx3", "pyttsx3"),
        ("speech_recognition", "SpeechRecognition"),
        ("pocketsphinx", "pocketsphinx"),
    ):
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(dist)
    for module, dist in (("faster_whisper", "faster-whisper"), ("ctranslate2", "ctranslate2")):
        if importlib.util.find_spec(module) is None:  # located, not imported (heavy)
            missing.append(dist)
    if missing:
        return Check(
            "python packages",
            False,
            "missing: " + ", ".join(missing),
            "reinstall mockint: pip install --force-reinstall mockint",
        )
    return Check("python packages", True, "all importable")


def check_portaudio(find_library: Callable[[str], str | None] = ctypes.util.find_library) -> Check:
    lib = find_library("portaudio")
    if not lib:
        return Check("PortAudio", False, "libportaudio not found", APT_FIX.format(pkg="libportaudio2"))
    return Check("PortAudio", True, lib)


def check_espeak(find_library: Callable[[str], str | None] = ctypes.util.find_library) -> Check:
    lib = find_library("espeak-ng") or find_library("espeak")
    if not lib:
        return Check(
            "interviewer voice (espeak-ng)",
            False,
            "libespeak-ng not found",
            APT_FIX.format(pkg="espeak-ng") + ", or practise with --no-voice",
        )
    return Check("interviewer voice (espeak-ng)", True, lib)


def check_whisper_model(settings: Settings) -> Check:
    """The default engine's model: installed, and its files match the sums recorded in the code."""
    from mockint.errors import MockintError
    from mockint.speech.whisper import MODEL_NAME, MODEL_PACKAGE, bundled_model_dir, verify_model

    name = f"speech model (whisper {MODEL_NAME})"
    try:
        folder = bundled_model_dir()
        verify_model(folder, cache=settings.cache, force=True)
    except MockintError as exc:
        return Check(name, False, exc.what, exc.fix or "")
    return Check(name, True, f"{folder} ({MODEL_PACKAGE}, checksums match)")


def check_recognizer_model() -> Check:
    """The sphinx engine's model (--engine sphinx)."""
    try:
        import pocketsphinx
    except ImportError:
        return Check(
            "speech model (pocketsphinx)", False, "pocketsphinx not installed", "pip install pocketsphinx"
        )
    model = Path(pocketsphinx.get_model_path()) / "en-us"
    needed = [model / "en-us", model / "cmudict-en-us.dict", model / "en-us.lm.bin"]
    absent = [p.name for p in needed if not p.exists()]
    if absent:
        return Check(
            "speech model (pocketsphinx)",
            False,
            f"missing in {model}: {', '.join(absent)}",
            "reinstall it: pip install --force-reinstall pocketsphinx",
        )
    return Check("speech model (pocketsphinx)", True, str(model))


def check_devices() -> list[Check]:
    """Input and output devices as PortAudio sees them (loads PortAudio)."""
    try:
        import sounddevice as sd
    except OSError:
        return [
            Check(
                "audio devices", False, "PortAudio could not be loaded", APT_FIX.format(pkg="libportaudio2")
            )
        ]
    try:
        devices = sd.query_devices()
    except Exception as exc:  # PortAudio reports host errors with its own exception types
        return [Check("audio devices", False, f"PortAudio failed: {exc}", "check your sound server")]
    inputs = [d["name"] for d in devices if d["max_input_channels"] > 0]
    outputs = [d["name"] for d in devices if d["max_output_channels"] > 0]
    return [
        Check(
            "microphone",
            bool(inputs),
            ", ".join(inputs[:4]) or "no input device",
            "connect a microphone or start your sound server; practise from files with --answers-from",
        ),
        Check(
            "speaker",
            bool(outputs),
            ", ".join(outputs[:4]) or "no output device",
            "connect a speaker, or practise with --no-voice",
            required=False,
        ),
    ]


def check_recordings(settings: Settings) -> Check:
    folder = settings.recordings
    probe = folder if folder.exists() else next((p for p in folder.parents if p.exists()), Path("/"))
    if not probe.is_dir():
        return Check(
            "recordings folder",
            False,
            f"{probe} is a file, not a folder",
            "pass --recordings DIR or set MOCKINT_RECORDINGS to a folder",
        )
    if not os.access(probe, os.W_OK):
        return Check(
            "recordings folder",
            False,
            f"{folder} is not writable",
            "pass --recordings DIR or set MOCKINT_RECORDINGS to a folder you own",
        )
    if not folder.exists():
        return Check("recordings folder", True, f"{folder} does not exist yet (it will be created)")
    return Check("recordings folder", True, str(folder))


def check_bank(settings: Settings) -> Check:
    from mockint.bank import load_bank
    from mockint.errors import MockintError

    try:
        bank = load_bank(settings.bank)
    except MockintError as exc:
        return Check("question bank", False, exc.what, exc.fix or "")
    return Check(
        "question bank",
        True,
        f"{settings.bank}: {len(bank.profiles)} profiles, {len(bank.questions)} questions",
    )


def run_checks(settings: Settings) -> list[Check]:
    checks = [
        check_python_packages(),
        check_portaudio(),
        check_espeak(),
        check_whisper_model(settings),
        check_recognizer_model(),
    ]
    if checks[1].ok:
        checks += check_devices()
    checks += [check_recordings(settings), check_bank(settings)]
    return checks
