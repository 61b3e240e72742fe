"""Sessions cut off by a crash (kill -9, a power cut), repaired the next time mockint reads them.

While a session runs, its SessionWriter holds an advisory lock (flock) on the session folder; the
kernel drops the lock when the process ends, however it ends. A reader that finds takes still
marked as being recorded and can take the lock therefore knows their recorder is gone: it fixes
each take's WAV header (the writer streams audio to disk and updates the header every quarter
second; mockint.audio.takewriter.repair_wav makes the header cover every byte that reached the disk),
notes the take's length, marks it as cut off and saves the manifest. The session stays listed as
incomplete with every earlier answer as it was. A session being recorded right now (by another
mockint process) is left alone.
"""

from __future__ import annotations

import fcntl
import os
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mockint.errors import MockintError
from mockint.safeio import regular_file

RECORDING = "recording"  # a take's stopped_by while it is recorded (mockint.session.RECORDING)
CRASHED = "crash"  # stopped_by of a take, and ended_by of a session, cut off by a crash
STALE_TEMPORARY = ".*.tmp"  # a manifest write cut off half-way (the manifest itself is intact)

Document = dict[str, Any]


def hold(folder: Path) -> int | None:
    """Lock a session folder for its writer; the lock's file descriptor, or None if another holds it."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def release(fd: int | None) -> None:
    if fd is not None:
        os.close(fd)  # closing the descriptor drops the lock


def needs_recovery(doc: Document) -> bool:
    return any(take.get("stopped_by") == RECORDING for q in doc["questions"] for take in q["takes"])


def recover(folder: Path, read: Callable[[], Document], save: Callable[[Document], None]) -> Document | None:
    """Repair a session whose recorder died; the repaired document, or None if it is still recording.

    `read` loads the manifest again once the lock is held (another reader may have just repaired
    it); `save` replaces it atomically.
    """
    if os.path.islink(folder):  # a session folder elsewhere: shown as it is, never written
        return None
    fd = hold(folder)
    if fd is None:
        return None
    try:
        doc = read()
        changed = False
        for question in doc["questions"]:
            kept = []
            for take in question["takes"]:
                if take.get("stopped_by") != RECORDING:
                    kept.append(take)
                    continue
                changed = True
                repaired = _repair_take(folder, take)
                if repaired is not None:
                    kept.append(repaired)
            question["takes"] = kept
        if changed:
            doc["ended_by"] = doc.get("ended_by") or CRASHED
            try:
                save(doc)
            except MockintError:
                return doc  # a full disk or read-only folder: shown repaired now, saved next time
        for stale in folder.glob(STALE_TEMPORARY):
            if regular_file(stale):
                stale.unlink(missing_ok=True)
        return doc
    finally:
        release(fd)


def _repair_take(folder: Path, take: Document) -> Document | None:
    """The take as it survived the crash; None when its recording never started (no audio)."""
    from mockint.audio.takewriter import repair_wav

    name = take.get("audio")
    path = folder / name if isinstance(name, str) and name else None
    if path is None or not os.path.lexists(path):
        return None
    take = {**take, "stopped_by": CRASHED, "transcript": take.get("transcript"), "review": take.get("review")}
    # lstat, not stat: a link (to a WAV elsewhere), a FIFO or a device is never opened or repaired.
    if not regular_file(path):
        take["error"] = "cut off by a crash; its audio is not a plain file in the session folder, left alone"
        return take
    if path.stat().st_size == 0:
        path.unlink()
        return None
    try:
        repair_wav(path)
        with wave.open(str(path)) as w:
            take["duration_s"] = round(w.getnframes() / w.getframerate(), 3)
    except (MockintError, OSError, EOFError, wave.Error, ZeroDivisionError) as exc:
        take["error"] = f"cut off by a crash; the audio could not be repaired ({exc})"
    else:
        take["error"] = "cut off: mockint stopped while recording; the audio up to then is kept"
    return take
