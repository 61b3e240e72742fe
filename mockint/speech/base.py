"""The seam every speech engine sits behind: a Transcriber decodes a file block by block in the
caller's thread (bounded memory) and a live take in a background thread while it is recorded, so
the transcript is ready as soon as the answer ends. An engine subclasses TakeTranscriber and makes
take decoders (push / close / partial / abort / transcript); the rest is shared.
"""

from __future__ import annotations

import atexit
import queue
import re
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockint.errors import MockintError
from mockint.ports import SAMPLE_RATE_HZ
from mockint.transcript import LiveWords, Transcript, Word

if TYPE_CHECKING:
    import numpy as np

FILE_BLOCK_S = 2.0  # block size when transcribing a file

# Spellings recognizers use for the fillers candidates say; the review counts the
# canonical ones. Variants like "the(2)" are alternative pronunciations of the same word.
FILLER_SPELLINGS = {
    "um": "um",
    "umm": "um",
    "uh": "uh",
    "er": "er",
    "ah": "ah",
    "hmm": "hmm",
    "hm": "hmm",
    "mm": "hmm",
}
FILLERS = ("um", "uh", "er", "ah", "hmm")
# Lengthened spellings ("Ummm", "Uhh", "Hmmm", "Ahh", "Erm"), matched whole
_LONG_FILLERS = (
    (re.compile(r"u+h*m+"), "um"),
    (re.compile(r"u+h+"), "uh"),
    (re.compile(r"h+m+"), "hmm"),
    (re.compile(r"m{2,}"), "hmm"),
    (re.compile(r"a+h+"), "ah"),
    (re.compile(r"e+r+m*"), "er"),
)

_PUNCTUATION = re.compile(r"[^\w']+")  # whisper writes "Americans," and "ask,"


def clean_word(raw: str) -> str | None:
    """A recognizer's token as the transcript spells it, or None for silence and noise."""
    word = raw.strip().lower()
    if "(" in word:  # "the(2)": an alternative pronunciation
        word = word[: word.index("(")]
    if not word or word[0] in "<[+" or word.endswith("]"):  # <sil>, <s>, [noise], +breath+
        return None
    if len(word) == 2 and word[1] == "." and word[0].isalpha():  # the letter "i." is the word "i"
        word = word[0]
    if word in FILLER_SPELLINGS:
        return FILLER_SPELLINGS[word]
    for pattern, filler in _LONG_FILLERS:
        if pattern.fullmatch(word):
            return filler
    return word


def engine_words(items: Any) -> tuple[Word, ...]:
    """(word, start, end, confidence) tuples to transcript words, cleaned like sphinx's."""
    out = []
    for raw, start, end, confidence in items:
        for token in _PUNCTUATION.sub(" ", str(raw)).split():
            word = clean_word(token)
            if word:
                out.append(
                    Word(
                        word,
                        float(start),
                        float(end),
                        None if confidence is None else min(1.0, max(0.0, float(confidence))),
                    )
                )
    return tuple(out)


def engine_transcript(engine: str, words: tuple[Word, ...], samples: int, elapsed_s: float) -> Transcript:
    return Transcript(
        text=" ".join(w.word for w in words),
        engine=engine,
        duration_s=samples / SAMPLE_RATE_HZ,
        elapsed_s=elapsed_s,
        words=words,
    )


class TakeTranscriber:
    """What the engines share: one model, one take decoding at a time, the same decoding for a
    file (here, block by block, so memory stays bounded) and for a live stream (in a thread).
    Subclasses set `name` and `_lock` and make take decoders (push/close/partial/transcript)."""

    name = ""
    _lock: threading.Lock

    def _take(self) -> Any:
        raise NotImplementedError

    def transcribe(self, path: Path) -> Transcript:
        """Decode a file after the fact; elapsed_s is the whole decoding time."""
        from mockint.audio.files import iter_16k_mono

        started = time.monotonic()
        with self._lock:
            take = self._take()
            try:
                for block in iter_16k_mono(Path(path), FILE_BLOCK_S):
                    take.push(block)
                take.close()
            except BaseException:  # an unreadable block, Ctrl-C: leave the model usable
                take.abort()
                raise
        return take.transcript(self.name, elapsed_s=time.monotonic() - started)

    def stream(self) -> BackgroundStream:
        return BackgroundStream(self.name, self._lock, self._take)


class BackgroundStream:
    """A take decoded in a background thread while it is recorded, so feed() never waits for
    the decoder. `make_take()` returns the engine's take decoder (push/close/partial/transcript);
    `lock` keeps one take at a time on a shared model. A take decoder may have `idle()`: the
    worker calls it whenever nothing is queued (the time for tentative partial decodes); a
    `queued_s` attribute, which the worker sets to a function giving the audio queued for it (a
    decoder can then do less per utterance when behind); and `held_s()`, the audio it was given
    but has not decoded yet."""

    def __init__(self, name: str, lock: threading.Lock, make_take: Callable[[], Any]) -> None:
        self._name = name
        self._worker = _Worker(lock, make_take)
        self._finished = False
        # The thread holds the worker, not this stream: a stream dropped without finish()
        # (a skipped take) is collected and its __del__ releases the decoder.
        threading.Thread(target=self._worker.run, name="mockint-speech", daemon=True).start()

    def feed(self, chunk: np.ndarray) -> None:
        if self._finished:
            raise MockintError("audio fed to a finished transcript stream", "start a new stream")
        samples = as_int16(chunk)
        self._worker.fed += samples.size
        self._worker.queue.put(samples)

    def backlog_s(self) -> float:
        """Audio fed but not decoded yet, in seconds (the decoder falling behind shows here)."""
        return self._worker.queued_s() + self._worker.held_s()

    def partial(self) -> LiveWords:
        take = self._worker.take
        return LiveWords("") if take is None else take.partial()

    def finish(self) -> Transcript:
        started = time.monotonic()
        if not self._finished:
            self._finished = True
            self._worker.queue.put(None)
        self._worker.done.wait()
        take, error = self._worker.take, self._worker.error
        if error is not None or take is None:
            raise MockintError(
                f"speech recognition failed ({error})", "run with --debug and report it"
            ) from error
        return take.transcript(self._name, elapsed_s=time.monotonic() - started)

    def __del__(self) -> None:
        if not getattr(self, "_finished", True):
            self._worker.queue.put(None)


_STOP = object()  # at interpreter exit: leave the take undecoded (queued before any audio left)
_WORKERS: weakref.WeakSet = weakref.WeakSet()
EXIT_WAIT_S = 5.0


@atexit.register
def _stop_workers() -> None:
    """A process leaving mid-take (an error, a lost device) must not tear the model down while a
    daemon worker is inside a native decode: CTranslate2 then aborts the process ("terminate
    called without an active exception"). Tell each worker to stop and wait for it, bounded."""
    workers = [w for w in list(_WORKERS) if not w.done.is_set()]
    for w in workers:
        w.stopping = True
        w.queue.put(_STOP)
    deadline = time.monotonic() + EXIT_WAIT_S
    for w in workers:
        w.done.wait(max(0.0, deadline - time.monotonic()))


class _Worker:
    def __init__(self, lock: threading.Lock, make_take: Callable[[], Any]) -> None:
        self.lock, self.make_take = lock, make_take
        self.queue: queue.SimpleQueue = queue.SimpleQueue()
        self.take: Any = None
        self.error: BaseException | None = None
        self.done = threading.Event()
        self.stopping = False  # set at interpreter exit (_stop_workers)
        self.fed = 0  # samples; written by the feeding thread only
        self.decoded = 0  # samples handed to the take; written by the worker only
        _WORKERS.add(self)

    def queued_s(self) -> float:
        """Audio fed but not yet handed to the take, in seconds."""
        return (self.fed - self.decoded) / SAMPLE_RATE_HZ

    def held_s(self) -> float:
        """Audio handed to the take that it has not decoded yet, in seconds."""
        held = getattr(self.take, "held_s", None)
        return held() if held is not None else 0.0

    def run(self) -> None:
        ended = False
        try:
            with self.lock:
                self.take = take = self.make_take()
                if hasattr(take, "queued_s"):
                    take.queued_s = self.queued_s
                idle = getattr(take, "idle", None)
                try:
                    while True:
                        try:
                            chunk = self.queue.get_nowait()
                        except queue.Empty:  # caught up with the speaker: spare time
                            if idle is not None and not self.stopping:
                                idle()
                            chunk = self.queue.get()
                        if chunk is None or chunk is _STOP or self.stopping:
                            break
                        take.push(chunk)
                        self.decoded += chunk.size
                    if self.stopping:
                        take.abort()
                        return
                    ended = True
                    take.close()
                except BaseException:
                    take.abort()
                    raise
        except Exception as exc:  # handed to finish(), which raises it in the caller
            self.error = exc
        finally:
            self.done.set()
        while not ended and not self.stopping and self.queue.get() is not None:  # drain what feed() sends
            pass


def as_int16(chunk: Any) -> np.ndarray:
    """A chunk as a 1-D int16 array (float chunks in -1..1 are scaled)."""
    import numpy as np

    from mockint.audio.files import to_int16

    arr = np.asarray(chunk)
    if arr.ndim > 1:
        arr = (
            arr.mean(axis=1)
            if arr.dtype.kind == "f"
            else arr.astype(np.float32).mean(axis=1).astype(np.int16)
        )
    if arr.dtype.kind == "f":
        return to_int16(arr)
    return arr.astype(np.int16, copy=True)
