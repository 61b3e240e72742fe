"""Streaming a take to disk so a crash loses at most a fraction of a second.

The audio callback only enqueues (`TakeWriter.put` never blocks); a writer thread converts the
chunks to 16 kHz mono int16, appends them to a WAV file and, at least every FLUSH_INTERVAL_S,
rewrites the header's sizes and hands the bytes to the OS. A `kill -9` therefore leaves a WAV
file that plays and holds everything up to the last flush. `repair_wav` fixes the header of a
file that was cut between a write and the next header update.
"""

from __future__ import annotations

import os
import queue
import struct
import threading
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from mockint.errors import DataError, MockintError
from mockint.ports import SAMPLE_RATE_HZ

FLUSH_INTERVAL_S = 0.25  # the issue asks for at least every 0.5 s; half that leaves margin
SAMPLE_WIDTH_BYTES = 2  # int16
WAV_HEADER_BYTES = 44  # canonical PCM header: RIFF, fmt (16 bytes), data
_RIFF_SIZE_AT = 4
_DATA_SIZE_AT = 40
_STOP = object()


def wav_header(data_bytes: int, rate: int = SAMPLE_RATE_HZ, channels: int = 1) -> bytes:
    """A canonical 44-byte PCM WAV header for `data_bytes` of int16 samples."""
    block = channels * SAMPLE_WIDTH_BYTES
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,
        channels,
        rate,
        rate * block,
        block,
        SAMPLE_WIDTH_BYTES * 8,
        b"data",
        data_bytes,
    )


class WavAppender:
    """A 16-bit mono WAV file opened for appending, whose header is correct after every flush."""

    def __init__(self, path: Path, rate: int = SAMPLE_RATE_HZ) -> None:
        self.path = Path(path)
        self.rate = rate
        self.frames = 0
        self._file = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self._file.write(wav_header(0, rate))
        self._file.flush()

    def write(self, samples: np.ndarray) -> None:
        data = np.ascontiguousarray(samples, dtype="<i2")
        self._file.write(data.tobytes())
        self.frames += data.shape[0]

    def flush(self) -> None:
        """Patch the header's sizes and hand everything written to the OS."""
        data_bytes = self.frames * SAMPLE_WIDTH_BYTES
        self._file.seek(_RIFF_SIZE_AT)
        self._file.write(struct.pack("<I", 36 + data_bytes))
        self._file.seek(_DATA_SIZE_AT)
        self._file.write(struct.pack("<I", data_bytes))
        self._file.seek(0, os.SEEK_END)
        self._file.flush()

    def close(self) -> None:
        if not self._file.closed:
            try:
                self.flush()
                os.fsync(self._file.fileno())
            finally:
                self._file.close()  # even when the disk is full: never leave the file open


class TakeWriter:
    """The writer thread of one take.

    `convert` turns a raw device chunk into int16 mono samples at SAMPLE_RATE_HZ (resampling when
    the device records at another rate). `on_written` receives each chunk as written, on the
    writer thread, so a slow consumer (a decoder) never delays the disk. At `max_frames` the take
    is full: later audio is dropped and `full` is set.
    """

    def __init__(
        self,
        path: Path,
        *,
        max_frames: int | None = None,
        convert: Callable[[np.ndarray], np.ndarray] | None = None,
        on_written: Callable[[np.ndarray], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.max_frames = max_frames
        self.full = threading.Event()
        self._convert = convert
        self._on_written = on_written
        self._queue: queue.SimpleQueue = queue.SimpleQueue()
        self._error: BaseException | None = None
        self._wav = WavAppender(self.path)
        self._thread = threading.Thread(target=self._run, name="mockint-take-writer", daemon=True)
        self._thread.start()

    @property
    def frames(self) -> int:
        return self._wav.frames

    @property
    def duration_s(self) -> float:
        return self._wav.frames / SAMPLE_RATE_HZ

    @property
    def failed(self) -> bool:
        """The writer stopped on an error (e.g. a full disk); close() raises it."""
        return self._error is not None

    def put(self, chunk: np.ndarray) -> None:
        """Enqueue raw audio; safe to call from the audio callback (never blocks)."""
        self._queue.put(chunk)

    def sync(self) -> None:
        """Return once everything put so far has been written (and passed to `on_written`)."""
        marker = threading.Event()
        self._queue.put(marker)
        while not marker.wait(0.5):
            if not self._thread.is_alive():
                return  # the writer failed; close() reports why

    def close(self) -> None:
        """Write what is queued, finalize the file and stop the thread."""
        self._queue.put(_STOP)
        self._thread.join()
        if self._error is not None:
            try:  # the header must cover what reached the disk, so the partial take plays whole
                repair_wav(self.path)
            except (OSError, DataError) as exc:
                self._error = OSError(f"{self._error}; its header could not be fixed either ({exc})")
            raise MockintError(
                f"could not write {self.path}: {self._error}",
                "check the disk has space and the folder is writable",
            ) from self._error

    def _run(self) -> None:
        last_flush = time.monotonic()
        try:
            while True:
                try:
                    item = self._queue.get(timeout=FLUSH_INTERVAL_S)
                except queue.Empty:
                    item = None
                if item is _STOP:
                    break
                if isinstance(item, threading.Event):
                    item.set()
                elif item is not None:
                    self._write(item)
                now = time.monotonic()
                if now - last_flush >= FLUSH_INTERVAL_S:
                    self._wav.flush()
                    last_flush = now
        except BaseException as exc:  # reported by close(); the thread must not die silently
            self._error = exc
        try:
            self._wav.close()
        except OSError as exc:  # e.g. the disk filled up during the last write
            self._error = self._error or exc

    def _write(self, raw: np.ndarray) -> None:
        chunk = self._convert(raw) if self._convert else raw
        if self.max_frames is not None:
            room = self.max_frames - self._wav.frames
            if room <= 0:
                self.full.set()
                return
            if chunk.shape[0] >= room:
                chunk = chunk[:room]
                self.full.set()
        if chunk.shape[0] == 0:
            return
        self._wav.write(chunk)
        if self._on_written is not None:
            self._on_written(chunk)


def repair_wav(path: Path) -> bool:
    """Fix the size fields of a WAV file cut short (e.g. by kill -9); True if it was changed."""
    from mockint.safeio import FileProblem, open_regular

    path = Path(path)
    try:  # never through a link, never a FIFO or device: the file must be the take itself
        fd = open_regular(path, os.O_RDWR, follow=False)
    except FileProblem as exc:
        raise DataError(f"{path} {exc}", "the take cannot be repaired; delete it") from None
    with os.fdopen(fd, "r+b") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            raise DataError(
                f"{path} is not a WAV file", "delete it, or play it with a tool that guesses formats"
            )
        size = f.seek(0, os.SEEK_END)
        offset = 12
        block = SAMPLE_WIDTH_BYTES
        while offset + 8 <= size:  # walk the chunks to the data chunk
            f.seek(offset)
            chunk_id, chunk_size = struct.unpack("<4sI", f.read(8))
            if chunk_id == b"fmt ":
                f.seek(offset + 8 + 12)
                block = max(1, struct.unpack("<H", f.read(2))[0])
            if chunk_id == b"data":
                data_bytes = (size - offset - 8) // block * block
                if chunk_size == data_bytes and struct.unpack("<I", head[4:8])[0] == offset + data_bytes:
                    return False
                f.seek(offset + 4)
                f.write(struct.pack("<I", data_bytes))
                f.seek(_RIFF_SIZE_AT)
                f.write(struct.pack("<I", offset + data_bytes))
                f.truncate(offset + 8 + data_bytes)
                return True
            offset += 8 + chunk_size + (chunk_size & 1)
    raise DataError(f"{path} has no audio data chunk", "delete the file; the take cannot be recovered")
