"""Errors users see, and the exit codes they map to."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0
    FAILURE = 1  # something went wrong at run time
    USAGE = 2  # bad usage or bad input
    INTERRUPTED = 130  # Ctrl-C, after saving what was recorded


class MockintError(Exception):
    """An error with a one-line message for the user: what went wrong and how to fix it."""

    exit_code: ExitCode = ExitCode.FAILURE

    def __init__(self, what: str, fix: str | None = None) -> None:
        self.what = what
        self.fix = fix
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return f"{self.what} — {self.fix}" if self.fix else self.what


class UsageError(MockintError):
    """Bad usage or bad input (a flag, a file, a bank entry): exit 2."""

    exit_code = ExitCode.USAGE


class BankError(UsageError):
    """A question bank file that does not validate; the message names file and entry path."""


class SetupError(MockintError):
    """A missing system part (PortAudio, espeak-ng, a model, a device): exit 1, with the fix."""


class DataError(MockintError):
    """Saved data (a session, a take) that cannot be read."""
