"""Sound in and out through PortAudio (sounddevice): devices, playback, and recording a take.

Recording: the PortAudio callback only enqueues; a writer thread (mockint.audio.takewriter) streams
the take to a 16 kHz mono 16-bit WAV on disk and passes each written chunk on to the level
meter and, on the caller's thread, to a `Listener` (the streaming decoder). `FileRecorder`
(`--answers-from`, mockint.audio.answer_files) sends audio files through the same writer and meter.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

import numpy as np

from mockint.audio.devices import device_name, resolve_device, sounddevice_module, supported_rate
from mockint.audio.level import SpeechMeter
from mockint.audio.takewriter import TakeWriter
from mockint.errors import MockintError, SetupError
from mockint.ports import (
    SAMPLE_RATE_HZ,
    STOP_INTERRUPT,
    STOP_LIMIT,
    STOP_SILENCE,
    Clock,
    DeviceLost,
    Listener,
    Recording,
)

CHUNK_S = 0.1  # audio arrives (and is fed to the listener) in chunks this long
CHUNK_FRAMES = int(CHUNK_S * SAMPLE_RATE_HZ)
TICK_S = 0.05  # how often the recording loop looks at keys, limits and the view
DEVICE_STALL_S = 2.0  # an input silent this long, whose stream has stopped, is reopened
DEVICE_GONE_S = 10.0  # an input that delivers nothing this long is reopened even if "active"
STREAM_START_TIMEOUT_S = 5.0  # the first audio must arrive within this after opening the input


# -- one take: writer + meter -------------------------------------------------------------


class _Take:
    """The writer and level meter of one take, shared by the microphone and file recorders."""

    def __init__(self, path: Path, limit_s: float, convert: Callable[[np.ndarray], np.ndarray] | None = None):
        self.meter = SpeechMeter()
        self.overflows = 0
        self._written: deque[np.ndarray] = deque()
        self.writer = TakeWriter(
            path, max_frames=round(limit_s * SAMPLE_RATE_HZ), convert=convert, on_written=self._on_written
        )

    def _on_written(self, chunk: np.ndarray) -> None:  # writer thread
        self.meter.feed(chunk)
        self._written.append(chunk)

    def put(self, raw: np.ndarray) -> None:
        self.writer.put(raw)

    def drain(self, listener: Listener | None, budget_s: float | None = None) -> None:
        """Hand written chunks to `listener`, for at most `budget_s` (None: all of them)."""
        end = None if budget_s is None else time.monotonic() + budget_s
        while self._written:
            chunk = self._written.popleft()
            if listener is not None:
                listener.feed(chunk)
            if end is not None and time.monotonic() > end:
                return

    def silent_for(self, stop_on_silence_s: float | None) -> bool:
        silence = self.meter.silence_s()
        return stop_on_silence_s is not None and silence is not None and silence >= stop_on_silence_s

    def recording(self, stopped_by: str) -> Recording:
        return Recording(
            path=self.writer.path,
            duration_s=self.writer.duration_s,
            thinking_s=self.meter.first_speech_s,
            overflows=self.overflows,
            stopped_by=stopped_by,
        )


# -- answers from the microphone ----------------------------------------------------------


class MicrophoneRecorder:
    """Answers from an input device. One input stream stays open across takes (open()/close(),
    or a `with` block; record() opens it when needed), because a freshly opened stream can take
    over a second to deliver its first audio, and an answer's first words must not be lost.

    If the input stream stops mid-take (a transient PortAudio error) it is reopened and the take
    goes on, the gap counted as an overflow; if it cannot be reopened, DeviceLost is raised with
    the partial take, which is kept on disk.
    Interactive (keys from a terminal): Enter, r, s, q end the take (see mockint.render.live).
    Ctrl-C ends it too: the take is finalized on disk and returned with STOP_INTERRUPT.
    `cue(kind)` (e.g. Speaker.cue) is called with "wrap_up" at the target time (on a thread, so
    recording goes on) and with "times_up" when the limit ends the take.
    """

    remaining = None  # a microphone never runs out of answers

    def __init__(
        self,
        *,
        device: str | int | None = None,
        interactive: bool,
        keys: TextIO,
        out: TextIO,
        stop_on_silence_s: float | None = None,
        clock: Clock = time.monotonic,
        cue: Callable[[str], None] | None = None,
    ) -> None:
        self.device = device
        self.interactive = interactive
        self.keys = keys
        self.out = out
        self.stop_on_silence_s = stop_on_silence_s
        self._clock = clock
        self._cue = cue
        self._stream = None
        self.restarts = 0  # input streams reopened after stopping mid-take
        self._rate = SAMPLE_RATE_HZ
        self._take: _Take | None = None  # where the callback sends audio; None between takes
        self._last_audio = 0.0
        self._audio_seen = threading.Event()
        self._stream_ended = threading.Event()

    def __enter__(self) -> MicrophoneRecorder:
        self.open()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def open(self) -> None:
        """Open and start the input stream; returns once audio flows."""
        if self._stream is not None:
            return
        sd = sounddevice_module()
        index = resolve_device(self.device, "input")
        self._rate = supported_rate(sd, index, SAMPLE_RATE_HZ, kind="input")
        self._audio_seen.clear()
        self._stream_ended.clear()
        try:
            stream = sd.InputStream(
                device=index,
                samplerate=self._rate,
                channels=1,
                dtype="int16",
                blocksize=int(self._rate * CHUNK_S),
                latency="high",
                callback=self._callback,
                finished_callback=self._stream_ended.set,
            )
            stream.start()
        except sd.PortAudioError as exc:
            raise SetupError(
                f"could not open {device_name(index, 'input')} for recording ({exc})",
                "run 'mockint devices' and pick one with --input-device",
            ) from None
        self._stream = stream
        if not self._audio_seen.wait(STREAM_START_TIMEOUT_S):
            self.close()
            raise SetupError(
                f"{device_name(index, 'input')} delivers no audio",
                "check the microphone is connected and not muted, then run 'mockint devices'",
            )

    def close(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with contextlib.suppress(Exception):  # a vanished device may refuse even to close
                stream.abort()
            with contextlib.suppress(Exception):
                stream.close()

    def _callback(self, indata, frames, time_info, status) -> None:  # PortAudio's thread: enqueue only
        self._last_audio = self._clock()
        self._audio_seen.set()
        take = self._take
        if take is not None:
            if status.input_overflow:
                take.overflows += 1
            take.put(indata[:, 0].copy())

    def _stalled(self) -> bool:
        quiet = self._clock() - self._last_audio
        stream = self._stream
        return quiet > DEVICE_GONE_S or (quiet > DEVICE_STALL_S and (stream is None or not stream.active))

    def _restart(self, take: _Take) -> bool:
        """Reopen the input after its stream stopped (a transient error, e.g. on a starved CPU);
        False when the device is gone. The audio between the two streams counts as an overflow."""
        rate = self._rate
        self._take = None
        self.close()
        try:
            self.open()
        except MockintError:
            return False
        if self._rate != rate:  # another device now: this take's resampler no longer fits
            return False
        self.restarts += 1
        take.overflows += 1
        self._last_audio = self._clock()
        self._take = take
        return True

    def _converter(self) -> Callable[[np.ndarray], np.ndarray] | None:
        if self._rate == SAMPLE_RATE_HZ:
            return None
        import soxr

        stream = soxr.ResampleStream(self._rate, SAMPLE_RATE_HZ, 1, dtype="int16", quality="HQ")
        return stream.resample_chunk

    def record(
        self,
        path: Path,
        *,
        limit_s: float,
        target_s: float,
        listener: Listener | None = None,
    ) -> Recording:
        from mockint.render.live import KeyReader, LiveView

        self.open()
        take = _Take(path, limit_s, convert=self._converter())
        stopped: str | None = None
        lost = False
        wrap_cued = False
        self._last_audio = self._clock()
        self._take = take  # the take starts now: the view and keys are set up while it records
        try:
            view = LiveView(
                self.out,
                limit_s=limit_s,
                target_s=target_s,
                interactive=self.interactive,
                partial_words=listener.partial if listener is not None else None,
            )
            keys = KeyReader(self.keys) if self.interactive else None
            with view, keys or contextlib.nullcontext():
                while stopped is None:
                    if keys is not None:
                        stopped = keys.stop_key(TICK_S)
                    else:
                        time.sleep(TICK_S)
                    take.drain(listener, budget_s=TICK_S)
                    if stopped is not None or take.writer.failed:
                        break  # a failed writer (e.g. a full disk): close() below says why
                    if take.writer.full.is_set():
                        stopped = STOP_LIMIT
                    elif take.silent_for(self.stop_on_silence_s):
                        stopped = STOP_SILENCE
                    elif (self._stream_ended.is_set() or self._stalled()) and not self._restart(take):
                        lost = True
                        break
                    elapsed = take.meter.duration_s
                    if not wrap_cued and elapsed >= target_s:
                        wrap_cued = True
                        if self._cue is not None:
                            threading.Thread(target=self._cue, args=("wrap_up",), daemon=True).start()
                    view.update(elapsed, take.meter.level_dbfs)
        except KeyboardInterrupt:
            stopped = STOP_INTERRUPT
        finally:
            self._take = None
            take.writer.close()
        take.drain(listener)
        if lost:
            self.close()  # the next take reopens (and re-resolves) the device
            recording = take.recording(STOP_INTERRUPT)
            raise DeviceLost(
                f"the input device stopped delivering audio after {recording.duration_s:.1f} s "
                f"(disconnected?); the partial answer is saved in {recording.path}",
                "reconnect the microphone, then run 'mockint devices'",
                recording,
            )
        view.finish(take.meter.duration_s, stopped)
        if stopped == STOP_LIMIT and self._cue is not None:
            self._cue("times_up")
        return take.recording(stopped)
