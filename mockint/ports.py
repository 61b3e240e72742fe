"""The small interfaces the session engine is handed: real adapters, file adapters and fakes
all implement these, so one engine runs on a microphone, on audio files and in tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # audio chunks are int16 mono numpy arrays at SAMPLE_RATE_HZ
    import numpy as np

    from mockint.bank import Question

from mockint.errors import MockintError
from mockint.transcript import LiveWords, Transcript

SAMPLE_RATE_HZ = 16_000  # every take is stored and decoded as 16 kHz mono 16-bit
# The sample rates any reader accepts (mockint.audio.files.check_rate). Below 4 kHz a "rate" is a
# damaged header; above 192 kHz no microphone records speech, and libvorbis (the report's
# encoder) segfaults on rates over ~192 kHz.
MIN_RATE_HZ = 4_000
MAX_RATE_HZ = 192_000

Clock = Callable[[], float]  # monotonic seconds, e.g. time.monotonic


class Speaker(Protocol):
    """The interviewer's voice."""

    def say(self, text: str) -> None:
        """Speak (or print) `text`; returns when it has been said."""

    def cue(self, kind: str) -> None:
        """A short non-verbal signal; kind is "times_up" or "wrap_up"."""

    def prepare(self, text: str) -> object:
        """Get ready to say `text` soon (synthesize it ahead, on a worker thread); may do nothing.
        Errors may be raised: the engine ignores them, and say() meets them again."""


# How an answer ended. The engine acts on these.
STOP_ENTER = "enter"  # the candidate pressed Enter
STOP_LIMIT = "limit"  # the answer limit ran out
STOP_SILENCE = "silence"  # --stop-on-silence after speech had started
STOP_END = "end_of_audio"  # an --answers-from file ran out
STOP_RETAKE = "retake"  # key r
STOP_SKIP = "skip"  # key s
STOP_QUIT = "quit"  # key q
STOP_INTERRUPT = "interrupt"  # Ctrl-C: the partial take is kept, then the session exits 130


@dataclass(frozen=True)
class Recording:
    path: Path  # the take's audio file (16 kHz mono 16-bit WAV), complete on disk
    duration_s: float
    thinking_s: float | None  # end of question to first speech; None if no speech was heard
    overflows: int  # input overflows reported by the audio device
    stopped_by: str  # one of the STOP_* values


class Listener(Protocol):
    """What a recorder feeds while it records a take: the take's streaming decoder."""

    def feed(self, chunk: np.ndarray) -> None:
        """Decode int16 mono samples at SAMPLE_RATE_HZ."""

    def partial(self) -> LiveWords:
        """The words recognized so far (a str; its `tentative` tail may still change)."""

    def backlog_s(self) -> float:
        """Audio fed but not decoded yet, in seconds: a recorder of files keeps pace with it."""


class TranscriptStream(Listener, Protocol):
    """A decoder fed while the answer is recorded."""

    def finish(self) -> Transcript:
        """Flush and return the whole take's transcript."""


class Transcriber(Protocol):
    name: str  # engine name written into transcripts

    def transcribe(self, path: Path) -> Transcript:
        """Transcribe an audio file after the fact."""

    def stream(self) -> TranscriptStream:
        """Start a streaming decode for one take."""


class Recorder(Protocol):
    """Where answers come from: a microphone, or audio files standing in for one."""

    # Answers left, when the recorder knows (audio files: the files not used yet); None for a
    # microphone, which never runs out. At 0 the engine stops asking.
    remaining: int | None

    def record(
        self,
        path: Path,
        *,
        limit_s: float,
        target_s: float,
        listener: Listener | None = None,
    ) -> Recording:
        """Record one take to `path`, feeding chunks to `listener` as they arrive; its partial()
        lets a live view show the words recognized so far.
        Ctrl-C does not propagate out of record(): the take is finalized on disk and returned
        with stopped_by=STOP_INTERRUPT, so the engine can save it, then exit 130.
        """

    def close(self) -> None:
        """Release the device at the end of the session (a microphone stays open across takes);
        may do nothing."""


# ---------------------------------------------------------------------- the session's own seams


class ReviewLike(Protocol):
    score: int | None  # None: nothing (intelligible) was heard
    flags: tuple[str, ...] | list[str]

    def to_dict(self) -> dict[str, Any]: ...


class Reviewer(Protocol):
    """(transcript, question, thinking seconds, the take's stop code) -> the review; the CLI binds
    profile and bank."""

    def __call__(
        self, transcript: Transcript, question: Question, thinking_s: float | None, *, stopped_by: str | None
    ) -> ReviewLike: ...


class View(Protocol):
    """What the candidate sees besides the recorder's live view."""

    def question(self, number: int, total: int, question: Question) -> None: ...

    def prep(self, seconds: float) -> str | None:
        """The preparation countdown; returns when preparation time is over, or early with
        STOP_SKIP / STOP_QUIT (None: answer now, e.g. Enter)."""

    def follow_up(self, prompt: str, reason: str) -> None: ...

    def take_done(self, take: dict[str, Any]) -> None:
        """A take's review (or why there is none), as soon as it is ready."""

    def notice(self, text: str) -> None: ...


class DeviceLost(MockintError):
    """The input device stopped mid-answer; `recording` is the partial take, kept on disk."""

    def __init__(self, what: str, fix: str, recording: Recording) -> None:
        super().__init__(what, fix)
        self.recording = recording
