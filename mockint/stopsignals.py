"""SIGTERM, SIGHUP and a broken pipe end a practice the way Ctrl-C does.

The handler raises `Stopped`, a KeyboardInterrupt, so every place that already keeps a take on
Ctrl-C (the recorders, the engine) keeps it on these too; `cause()` then says which one it was,
for the take's `stopped_by`, the session's `ended_by` and the exit code (128 + signal).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

CTRL_C = "interrupt"  # mockint.ports.STOP_INTERRUPT
BROKEN_PIPE = "broken_pipe"  # stdout closed (e.g. `mockint practice | head -2`)
BY_SIGNAL = {signal.SIGTERM: "terminated", signal.SIGHUP: "hangup"}
ENDINGS = (CTRL_C, BROKEN_PIPE, *BY_SIGNAL.values())  # how a practice can stop early
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE


class Stopped(KeyboardInterrupt):
    """A stop signal reached the main thread; `stopped_by` names it ("terminated", "hangup")."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.stopped_by = BY_SIGNAL[signal.Signals(signum)]


_received: list[int] = []


def cause(exc: BaseException | None = None) -> str:
    """How the running practice was stopped: 'terminated', 'hangup', 'broken_pipe' or 'interrupt'."""
    if isinstance(exc, Stopped):
        return exc.stopped_by
    if isinstance(exc, BrokenPipeError):
        return BROKEN_PIPE
    if _received:
        return BY_SIGNAL[signal.Signals(_received[-1])]
    return CTRL_C


def exit_code(stopped_by: str) -> int:
    """128 + the signal, as a shell reports a process it stopped (130 for Ctrl-C)."""
    for signum, name in BY_SIGNAL.items():
        if name == stopped_by:
            return 128 + signum
    return EXIT_BROKEN_PIPE if stopped_by == BROKEN_PIPE else 128 + signal.SIGINT


@contextlib.contextmanager
def as_interrupts() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise Stopped in the main thread (like Ctrl-C)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        _received.append(signum)
        if len(_received) == 1:  # a second signal must not cut the saving of the first short
            raise Stopped(signum)

    earlier = {signum: signal.signal(signum, handler) for signum in BY_SIGNAL}
    _received.clear()
    try:
        yield
    finally:
        for signum, previous in earlier.items():
            signal.signal(signum, previous)
