"""Answers from audio files (`--answers-from`, the demo): FileRecorder sends each file through
the same take writer and meter as the microphone (mockint.audio.record), block by block."""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np

from mockint.audio.files import iter_16k_mono
from mockint.audio.record import CHUNK_FRAMES, TICK_S, _Take
from mockint.errors import MockintError, UsageError
from mockint.ports import (
    SAMPLE_RATE_HZ,
    STOP_END,
    STOP_INTERRUPT,
    STOP_LIMIT,
    STOP_SILENCE,
    Clock,
    Listener,
    Recording,
)
from mockint.transcript import LiveWords

AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".aiff", ".aif")
SPOKEN_BACKLOG_S = 1.0  # a shown file answer runs at most this far ahead of its decoder
DECODER_STALL_S = 5.0  # ...unless the decoder makes no progress this long


def audio_files(paths: Sequence[Path]) -> list[Path]:
    """The answer files in order: each file as given, each folder's audio files sorted by name."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(
                (p for p in path.iterdir() if p.suffix.lower() in AUDIO_SUFFIXES), key=lambda p: p.name
            )
            if not found:
                raise UsageError(
                    f"--answers-from {path} holds no WAV or FLAC files",
                    "give a folder of .wav/.flac answers, or a single file",
                )
            files += found
        elif path.is_file():
            files.append(path)
        else:
            raise UsageError(f"--answers-from {path} not found", "check the path")
    return files


class FileRecorder:
    """Answers from audio files (`--answers-from`), through the same writer and meter as the mic.

    Each record() consumes the next file. `realtime=True` paces the chunks at real time.
    With `out`, the answer is shown being "spoken" (timer, level, the words decoded so far), as
    the microphone's live view does; with `play` too (realtime only), it is heard on that
    output device (None: the default one) while it is fed.
    """

    def __init__(
        self,
        paths: Sequence[Path],
        *,
        realtime: bool = False,
        stop_on_silence_s: float | None = None,
        clock: Clock = time.monotonic,
        out: TextIO | None = None,
        play: bool = False,
        output_device: str | int | None = None,
    ) -> None:
        self._files = deque(audio_files(paths))
        self.realtime = realtime
        self.stop_on_silence_s = stop_on_silence_s
        self._clock = clock
        self.out = out
        self.play = play and realtime
        self.output_device = output_device

    def close(self) -> None:
        """Nothing held open: each file is closed when its take ends."""

    @property
    def remaining(self) -> int:
        return len(self._files)

    def record(
        self,
        path: Path,
        *,
        limit_s: float,
        target_s: float,
        listener: Listener | None = None,
    ) -> Recording:
        if not self._files:
            raise UsageError(
                "--answers-from has no answer left for this question",
                "give another file or folder with --answers-from",
            )
        source = self._files.popleft()
        blocks = iter_16k_mono(source)  # block by block: a 10-hour file never sits in memory
        first = next(blocks, None)  # an unreadable file fails here, before the take file is written to
        take = _Take(path, limit_s)
        stopped = STOP_END
        view = self._view(limit_s, target_s, listener.partial if listener is not None else None)
        # The decoder says how far behind it is: a shown answer is "spoken" at the pace it is
        # understood, so timer and words move instead of a frozen screen while the decoder
        # catches up at the end.
        backlog = listener.backlog_s if listener is not None else None
        if self.play:
            self._play(source, limit_s)
        start = self._clock()
        try:
            for i, chunk in enumerate(_chunks(first, blocks)):
                take.put(chunk)
                take.writer.sync()
                take.drain(listener)
                view.update(take.meter.duration_s, take.meter.level_dbfs)
                if self.out is not None and not self.realtime and not self._keep_pace(backlog, take, view):
                    backlog = None
                if take.writer.failed:
                    break  # close() below says why (e.g. a full disk)
                if take.writer.full.is_set():
                    stopped = STOP_LIMIT
                    break
                if take.silent_for(self.stop_on_silence_s):
                    stopped = STOP_SILENCE
                    break
                if self.realtime:
                    fed_s = (i + 1) * CHUNK_FRAMES / SAMPLE_RATE_HZ
                    time.sleep(max(0.0, start + fed_s - self._clock()))
        except KeyboardInterrupt:
            stopped = STOP_INTERRUPT
        finally:
            blocks.close()  # the file is closed now, not when garbage-collected
            take.writer.close()
            view.__exit__(None, None, None)
        take.drain(listener)
        if self.out is not None:
            view.finish(take.meter.duration_s, stopped)
        return take.recording(stopped)

    @staticmethod
    def _keep_pace(backlog: Callable[[], float] | None, take: _Take, view) -> bool:
        """Wait while the decoder is behind. False: it stopped catching up (it failed, and
        finish() will say why) — not to be waited for again in this take."""
        if backlog is None:
            return True
        behind, since = backlog(), time.monotonic()
        while behind > SPOKEN_BACKLOG_S:
            if time.monotonic() - since > DECODER_STALL_S:
                return False
            time.sleep(TICK_S)
            view.update(take.meter.duration_s, take.meter.level_dbfs)
            now = backlog()
            if now < behind:
                behind, since = now, time.monotonic()
        return True

    def _view(self, limit_s: float, target_s: float, partial_words: Callable[[], LiveWords] | None):
        from mockint.render.live import LiveView

        if self.out is None:
            return _NoView()
        view = LiveView(
            self.out, limit_s=limit_s, target_s=target_s, interactive=False, partial_words=partial_words
        )
        return view.__enter__()

    def _play(self, source: Path, limit_s: float) -> None:
        """Let the answer be heard while it is fed (up to the limit); a speaker that fails stays
        silent from then on."""
        from mockint.audio.playback import play

        def run() -> None:
            try:
                play(source, device=self.output_device, end_s=limit_s)
            except MockintError:
                self.play = False

        threading.Thread(target=run, name="mockint-answer-playback", daemon=True).start()


class _NoView:
    def update(self, elapsed_s: float, level_dbfs: float) -> None:
        pass

    def __exit__(self, *exc) -> None:
        pass


def _chunks(first: np.ndarray | None, rest: Iterator[np.ndarray]) -> Iterator[np.ndarray]:
    """The blocks re-cut into CHUNK_FRAMES pieces, as a microphone delivers them."""
    pending = np.zeros(0, dtype=np.int16)
    for block in itertools.chain([] if first is None else [first], rest):
        pending = np.concatenate([pending, block])
        whole = pending.shape[0] // CHUNK_FRAMES * CHUNK_FRAMES
        for i in range(0, whole, CHUNK_FRAMES):
            yield pending[i : i + CHUNK_FRAMES]
        pending = pending[whole:]
    if pending.size:
        yield pending
