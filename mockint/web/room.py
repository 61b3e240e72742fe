"""One browser session: the session engine on its own thread, with the page as Speaker,
Recorder and View.

The engine thread blocks (say() until the page has played the question, record() until the
answer ends) exactly as it does on a terminal; the page talks to it through `Room`, whose
`send` hands JSON messages to the WebSocket's event loop and whose `receive_*` methods are
called from that loop. Closing the tab (or stopping the server) ends an open take like Ctrl-C:
it is finalized on disk, saved in the manifest untranscribed, and the session ends incomplete.

Messages to the page: plan, session, question, say, cue, prep, listen, live, heard, review,
follow_up, notice, done, error. A `live` message may carry `tentative` words (the open
utterance, not final yet) besides `words`; the page shows them apart and needs neither. From the
page: start, said, stop (key: enter|retake|skip|quit), and binary frames of int16
little-endian mono PCM at SAMPLE_RATE_HZ.

Where the time between the end of an answer and its review goes is measured on the way and
sent with the `heard` and `review` messages (benchmarks/bench_web.py prints it).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from mockint.audio.level import SpeechMeter
from mockint.audio.takewriter import TakeWriter
from mockint.errors import MockintError
from mockint.ports import (
    SAMPLE_RATE_HZ,
    STOP_ENTER,
    STOP_INTERRUPT,
    STOP_LIMIT,
    STOP_QUIT,
    STOP_RETAKE,
    STOP_SKIP,
    Listener,
    Recording,
)
from mockint.transcript import LiveWords

TICK_S = 0.05  # how often a take looks at stop keys, the limit and the written audio
LIVE_EVERY_S = 0.2  # timer, level and live words sent to the page this often
SAY_SLACK_S = 5.0  # the page gets the question's length plus this to report it was played
PREP_TICK_S = 0.2
MAX_FRAME_BYTES = 2 * SAMPLE_RATE_HZ  # one binary frame holds at most 1 s of audio
STOP_KEYS = {"enter": STOP_ENTER, "retake": STOP_RETAKE, "skip": STOP_SKIP, "quit": STOP_QUIT}

Send = Callable[[dict[str, Any]], None]


class VoiceFiles:
    """The synthesized question files the pages may fetch, by key (the cache file's stem).

    The request names a key; only files registered here are ever served."""

    def __init__(self) -> None:
        self._files: dict[str, Path] = {}
        self._lock = threading.Lock()

    def add(self, path: Path) -> str:
        with self._lock:
            self._files[path.stem] = path
        return path.stem

    def get(self, key: str) -> Path | None:
        with self._lock:
            return self._files.get(key)


@dataclass(frozen=True)
class VoiceOptions:
    enabled: bool
    voice: str | None
    rate: int | None
    cache_dir: Path


class WebSpeaker:
    """The interviewer's voice, played by the page: the same cached pyttsx3 WAV as the terminal."""

    def __init__(self, room: Room, options: VoiceOptions, files: VoiceFiles) -> None:
        self.room = room
        self.options = options
        self.files = files
        self._said = threading.Event()

    def prepare(self, text: str) -> Path:
        from mockint.audio.voice import synthesize

        o = self.options
        return synthesize(text, voice=o.voice, rate=o.rate, cache_dir=o.cache_dir)

    def say(self, text: str) -> None:
        url, seconds = None, 0.0
        if self.options.enabled and self.room.open:
            try:
                path = self.prepare(text)
            except MockintError as exc:  # no espeak-ng: the question is shown, not spoken
                self.room.send({"type": "notice", "text": f"The question is not spoken: {exc.message}"})
            else:
                url = f"/api/voice/{self.files.add(path)}.wav"
                seconds = _wav_seconds(path)
        self._said.clear()
        self.room.send({"type": "say", "text": text, "audio": url})
        if url is not None:
            self.room.wait(self._said, seconds + SAY_SLACK_S)

    def said(self) -> None:
        self._said.set()

    def cue(self, kind: str) -> None:
        self.room.send({"type": "cue", "kind": kind})


class WebRecorder:
    """Takes from the page's microphone: PCM frames → TakeWriter (streamed to disk) → meter and
    streaming decoder, with the live view sent back to the page."""

    remaining = None  # like a microphone: the candidate answers as long as the page is open

    def __init__(self, room: Room, cue: Callable[[str], None]) -> None:
        self.room = room
        self._cue = cue
        self._writer: TakeWriter | None = None  # where received audio goes; None between takes
        self._stop: str | None = None
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self.stopped_at: float | None = None  # monotonic time the last take was whole on disk
        self.backlog_s: float | None = None  # audio the decoder had not reached when it ended

    def receive_audio(self, data: bytes) -> None:
        """A frame from the page (the event loop's thread): enqueue only."""
        if len(data) % 2 or len(data) > MAX_FRAME_BYTES:
            return  # not 16-bit PCM from our page: dropped, never written
        with self._lock:
            writer = self._writer
        if writer is not None:
            writer.put(np.frombuffer(data, dtype="<i2").astype(np.int16))

    def stop(self, code: str) -> None:
        """End the current take with a STOP_* code (a key in the page, or the tab gone)."""
        self._stop = self._stop or code
        self._wake.set()

    def record(
        self,
        path: Path,
        *,
        limit_s: float,
        target_s: float,
        listener: Listener | None = None,
    ) -> Recording:
        meter = SpeechMeter()
        written: deque[np.ndarray] = deque()

        def on_written(chunk: np.ndarray) -> None:  # writer thread
            meter.feed(chunk)
            written.append(chunk)

        def drain() -> None:
            while written:
                chunk = written.popleft()
                if listener is not None:
                    listener.feed(chunk)

        writer = TakeWriter(path, max_frames=round(limit_s * SAMPLE_RATE_HZ), on_written=on_written)
        self._stop = None if self.room.open else STOP_INTERRUPT
        self._wake.clear()
        with self._lock:
            self._writer = writer
        self.room.send({"type": "listen", "limit_s": limit_s, "target_s": target_s})
        stopped: str | None = None
        wrap_cued = False
        last_live = 0.0
        try:
            while stopped is None:
                self._wake.wait(TICK_S)
                drain()
                if self._stop is not None:
                    stopped = self._stop
                elif writer.failed:
                    break  # close() below says why
                elif writer.full.is_set():
                    stopped = STOP_LIMIT
                elapsed = meter.duration_s
                if not wrap_cued and elapsed >= target_s:
                    wrap_cued = True
                    self._cue("wrap_up")
                now = time.monotonic()
                if now - last_live >= LIVE_EVERY_S:
                    last_live = now
                    heard = listener.partial() if listener is not None else LiveWords("")
                    self.room.send(
                        {
                            "type": "live",
                            "elapsed_s": round(elapsed, 2),
                            "level_dbfs": round(meter.level_dbfs, 1),
                            "words": heard.final,  # the closed utterances' words
                            "tentative": heard.tentative,  # the open one's, not final yet
                        }
                    )
        finally:
            with self._lock:
                self._writer = None
            closing = time.monotonic()
            writer.close()
        drain()
        self.stopped_at = time.monotonic()
        finalize_s = self.stopped_at - closing  # writing the tail and fsync: part of "answer → review"
        # The streaming decoder's backlog when the answer ended: audio it still has to decode
        # before the transcript exists.
        self.backlog_s = round(listener.backlog_s(), 2) if listener is not None else None
        if stopped == STOP_LIMIT:
            self._cue("times_up")
        self.room.send(
            {
                "type": "heard",
                "stopped_by": stopped,
                "duration_s": round(writer.duration_s, 2),
                "finalize_s": round(finalize_s, 3),
                "backlog_s": self.backlog_s,
            }
        )
        return Recording(
            path=writer.path,
            duration_s=writer.duration_s,
            thinking_s=meter.first_speech_s,
            overflows=0,
            stopped_by=stopped or STOP_INTERRUPT,
        )


class Room:
    """The link between one page (one WebSocket) and its engine thread."""

    def __init__(self, send: Send) -> None:
        self._send = send
        self._closed = threading.Event()
        self.thread: threading.Thread | None = None
        self.speaker: WebSpeaker | None = None
        self.recorder: WebRecorder | None = None
        self.session_id: str | None = None

    @property
    def open(self) -> bool:
        return not self._closed.is_set()

    def send(self, message: dict[str, Any]) -> None:
        if self.open:
            self._send(message)

    def wait(self, event: threading.Event, timeout_s: float) -> None:
        """Wait for `event`, returning early when the page goes away."""
        end = time.monotonic() + timeout_s
        while not event.is_set() and self.open and time.monotonic() < end:
            event.wait(0.1)

    def sleep(self, seconds: float) -> None:
        self._closed.wait(seconds)

    def start(self, target: Callable[[], None]) -> None:
        self.thread = threading.Thread(target=target, name="mockint-web-session", daemon=True)
        self.thread.start()

    @property
    def running(self) -> bool:
        return self.thread is not None and self.thread.is_alive()

    def receive(self, message: dict[str, Any]) -> None:
        """A JSON message from the page (event loop thread)."""
        kind = message.get("type")
        if kind == "said" and self.speaker is not None:
            self.speaker.said()
        elif kind == "stop" and self.recorder is not None:
            code = STOP_KEYS.get(str(message.get("key")))
            if code is not None:
                self.recorder.stop(code)

    def receive_audio(self, data: bytes) -> None:
        if self.recorder is not None:
            self.recorder.receive_audio(data)

    def close(self) -> None:
        """The page is gone (tab closed, reloaded) or the server stops: end the take like Ctrl-C."""
        self._closed.set()
        if self.recorder is not None:
            self.recorder.stop(STOP_INTERRUPT)
        if self.speaker is not None:
            self.speaker.said()

    def join(self, timeout_s: float) -> bool:
        if self.thread is not None:
            self.thread.join(timeout_s)
        return not self.running


class WebView:
    """What the terminal view prints, sent to the page instead."""

    def __init__(
        self,
        room: Room,
        render_take: Callable[[dict[str, Any]], dict[str, Any]],
        recorder: WebRecorder | None = None,
    ) -> None:
        self.room = room
        self._render_take = render_take
        self.recorder = recorder  # where the end of the last take was stamped

    def question(self, number: int, total: int, question) -> None:
        self.room.send(
            {
                "type": "question",
                "number": number,
                "total": total,
                "id": question.id,
                "text": question.text,
            }
        )

    def prep(self, seconds: float) -> None:
        self.room.send({"type": "prep", "seconds": seconds})
        end = time.monotonic() + seconds
        while self.room.open and time.monotonic() < end:
            self.room.sleep(min(PREP_TICK_S, max(0.0, end - time.monotonic())))

    def follow_up(self, prompt: str, reason: str) -> None:
        self.room.send({"type": "follow_up", "prompt": prompt, "reason": reason})

    def take_done(self, take: dict[str, Any]) -> None:
        began = time.monotonic()
        shown = self._render_take(take)
        self.room.send({"type": "review", **shown, "timing": self._timing(take, began)})

    def _timing(self, take: dict[str, Any], began: float) -> dict[str, Any]:
        """Seconds from the take whole on disk to its review being sent, and what they held."""
        stopped = self.recorder.stopped_at if self.recorder is not None else None
        transcript = take.get("transcript") or {}
        return {
            "backlog_s": self.recorder.backlog_s if self.recorder is not None else None,
            "transcript_s": transcript.get("elapsed_s"),  # the decoder's tail (and backlog)
            "engine_s": None if stopped is None else round(began - stopped, 3),  # transcript + review
            "render_s": round(time.monotonic() - began, 3),
            "words": len(transcript.get("words") or ()),
        }

    def notice(self, text: str) -> None:
        self.room.send({"type": "notice", "text": text})


def _wav_seconds(path: Path) -> float:
    import soundfile as sf

    try:
        return float(sf.info(str(path)).duration)
    except (RuntimeError, ValueError):
        return 30.0
