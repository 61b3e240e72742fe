"""Hostile session folders for the reliability tests: a take cut off by a crash whose audio is a
link, a FIFO or an odd WAV; and a sentinel folder outside the recordings whose bytes must never
change."""

from __future__ import annotations

import hashlib
import os
import struct
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from helpers.session_fakes import WallClock
from mockint.audio.takewriter import wav_header
from mockint.store import QuestionRef, Store, recovery

QUESTION = QuestionRef("amazon-ownership-1", "Tell me about a time you took ownership.", ("ownership",))


def speech_wav(samples: int = 16_000, rate: int = 16_000) -> bytes:
    """A canonical 16-bit mono WAV of a quiet tone."""
    tone = (np.sin(np.arange(samples) / 8.0) * 3000).astype("<i2").tobytes()
    return wav_header(len(tone), rate) + tone


def wav_with_rate(rate: int, samples: int = 4000) -> bytes:
    """A valid header declaring `rate` Hz (256 kHz and above once crashed the report)."""
    return speech_wav(samples, rate)


def crashed_session(root: Path, *, day: int = 26, audio: bytes | None = None) -> tuple[str, Path]:
    """A session whose one take is still marked `recording` and whose recorder is gone (kill -9);
    returns its id and the take's path. `audio` None leaves a canonical WAV cut short."""
    store = Store(root, now=WallClock(datetime(2026, 11, day, 19, 30, 5, tzinfo=timezone.utc)))
    writer = store.create("amazon", seed=1)
    writer.ask(QUESTION)
    path = writer.take_path(QUESTION.id, "answer")
    writer.add_take(
        QUESTION.id,
        {
            "kind": "answer",
            "prompt": QUESTION.text,
            "audio": path,
            "stopped_by": recovery.RECORDING,
            "transcript": None,
            "review": None,
        },
    )
    body = speech_wav() if audio is None else audio
    if audio is None:  # the header was last patched before the final bytes reached the disk
        body = body[:40] + struct.pack("<I", 1000) + body[44:]
    path.write_bytes(body)
    writer._unlock()  # the recorder died: the kernel dropped its lock
    return writer.id, path


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every file below `folder` (links not followed): mode, size and a hash of its bytes."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in [*dirnames, *filenames]:
            path = Path(dirpath) / name
            info = path.lstat()
            digest = ""
            if path.is_file() and not path.is_symlink():
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            found[str(path.relative_to(folder))] = (info.st_mode, info.st_size, digest)
    return found


def one_line(err: str) -> bool:
    """stderr is a single `mockint: …` line (warnings allowed), and no traceback."""
    lines = [line for line in err.splitlines() if line.strip()]
    return "Traceback" not in err and all(line.startswith("mockint: ") for line in lines)
