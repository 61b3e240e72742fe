"""The players' audio of a session page: each take embedded as compressed Ogg Vorbis (a page
that can be moved or sent), or linked by a path relative to the page."""

from __future__ import annotations

import base64
import io
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

from mockint.errors import MockintError
from mockint.store.view import SessionView

# Embedded audio: Ogg Vorbis at libsndfile compression level 0.9 is about 30 kbit/s for
# 16 kHz speech, a tenth of the WAV, and encodes at ~80x real time on one core.
EMBED_FORMAT = ("OGG", "VORBIS", "audio/ogg")
EMBED_COMPRESSION = 0.9
ENCODE_THREADS = 2  # libsndfile releases the GIL while encoding
ENCODE_BLOCK_S = 1.0  # seconds of audio handed to the encoder per call
EMBED_MAX_BYTES = 64 * 1024 * 1024  # ~35 min of a 16 kHz take; longer takes are linked, not embedded

AudioLocator = Callable[[str], Path]  # a take's relative audio path -> file on disk


def embed_audio(path: Path) -> str:
    """The file as a data: URI of compressed audio (Ogg Vorbis at 16 kHz), or, above
    EMBED_MAX_BYTES, a file: URL to it (a 10-hour take would make a page of hundreds of MB).

    Read through mockint.audio.files (its one sample-rate check refuses a header of e.g. 256 kHz,
    which crashes libvorbis) block by block and resampled to 16 kHz, so memory stays bounded."""
    import soundfile as sf

    from mockint.audio.files import iter_16k_mono
    from mockint.ports import SAMPLE_RATE_HZ

    if os.stat(path).st_size > EMBED_MAX_BYTES:
        return Path(path).resolve().as_uri()
    fmt, subtype, mime = EMBED_FORMAT
    buffer = io.BytesIO()
    # In blocks: libvorbis allocas the whole pending buffer on the stack, so one big write of a
    # 2-minute take overflows a thread's stack (libsndfile issue #1095, a segfault).
    with sf.SoundFile(
        buffer,
        "w",
        samplerate=SAMPLE_RATE_HZ,
        channels=1,
        format=fmt,
        subtype=subtype,
        compression_level=EMBED_COMPRESSION,
    ) as out:
        for block in iter_16k_mono(Path(path), ENCODE_BLOCK_S):
            out.write(block)
    return f"data:{mime};base64,{base64.b64encode(buffer.getbuffer()).decode('ascii')}"


def link_audio(path: Path, page_dir: Path) -> str:
    """A URL to the file relative to the page's folder (the page must stay beside it)."""
    relative = os.path.relpath(Path(path).resolve(), Path(page_dir).resolve())
    return quote(Path(relative).as_posix())


def audio_sources(session: SessionView, audio: AudioLocator, link_from: Path | None) -> dict[str, str | None]:
    """Each take's audio (relative path) -> the src for its player, or None when missing."""
    wanted = {t.audio for q in session.questions for t in q.takes if t.audio}

    def one(relative: str) -> str | None:
        try:
            path = audio(relative)
        except MockintError:  # missing, or a path the store refuses: the page says so per take
            return None
        if not path.is_file():
            return None
        if link_from is not None:
            return link_audio(path, link_from)
        try:
            return embed_audio(path)
        except (RuntimeError, ValueError, MockintError):  # LibsndfileError is a RuntimeError: not audio
            return None

    ordered = sorted(wanted)
    with ThreadPoolExecutor(max_workers=ENCODE_THREADS) as pool:
        return dict(zip(ordered, pool.map(one, ordered), strict=True))
