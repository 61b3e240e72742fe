"""What the candidate sees and presses while answering: the live view (rich) and the keys.

Keys are read from a terminal in cbreak mode (one key at a time, no echo; Ctrl-C still
interrupts): Enter ends the answer, r retakes it, s skips the question, q quits the session.
"""

from __future__ import annotations

import os
import select
import time
from collections.abc import Callable
from typing import TextIO

from mockint.ports import STOP_ENTER, STOP_QUIT, STOP_RETAKE, STOP_SKIP
from mockint.transcript import LiveWords

KEY_STOPS = {"\n": STOP_ENTER, "\r": STOP_ENTER, "r": STOP_RETAKE, "s": STOP_SKIP, "q": STOP_QUIT}
KEY_HELP = "Enter: done · r: retake · s: skip · q: quit"
METER_CELLS = 24
METER_FLOOR_DBFS = -60.0  # the meter's empty end
REFRESH_S = 0.1
SILENT_LEVEL = -200.0  # dBFS: an empty meter


class KeyReader:
    """Single key presses from a file descriptor; a terminal is put in cbreak mode meanwhile."""

    def __init__(self, stream: TextIO) -> None:
        self._fd = stream.fileno()
        self._saved = None

    def __enter__(self) -> KeyReader:
        if os.isatty(self._fd):
            import termios
            import tty

            self._saved = termios.tcgetattr(self._fd)
            tty.setcbreak(self._fd)
        return self

    def __exit__(self, *exc) -> None:
        if self._saved is not None:
            import termios

            termios.tcsetattr(self._fd, termios.TCSADRAIN, self._saved)
            self._saved = None

    def read(self, timeout_s: float) -> str:
        """What was typed within `timeout_s` ("" for nothing): keys, or escape sequences (arrows)."""
        ready, _, _ = select.select([self._fd], [], [], timeout_s)
        return os.read(self._fd, 64).decode("utf-8", errors="ignore") if ready else ""

    def stop_key(self, timeout_s: float) -> str | None:
        """Wait up to `timeout_s` for a key; the STOP_* code it means, if any."""
        ready, _, _ = select.select([self._fd], [], [], timeout_s)
        if not ready:
            return None
        data = os.read(self._fd, 64).decode("utf-8", errors="ignore")
        for char in data:
            if char.lower() in KEY_STOPS:
                return KEY_STOPS[char.lower()]
        return None


def format_clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


def level_bar(level_dbfs: float, cells: int = METER_CELLS) -> str:
    """A level meter: full at 0 dBFS, empty at METER_FLOOR_DBFS."""
    fill = (level_dbfs - METER_FLOOR_DBFS) / -METER_FLOOR_DBFS
    n = max(0, min(cells, round(fill * cells)))
    return "█" * n + "░" * (cells - n)


class LiveView:
    """Elapsed / limit, a level meter, the "wrap up" cue and the words heard so far."""

    def __init__(
        self,
        out: TextIO,
        *,
        limit_s: float,
        target_s: float,
        interactive: bool,
        partial_words: Callable[[], LiveWords] | None = None,
    ) -> None:
        from mockint.render.console import Console

        self.console = Console(file=out, highlight=False, soft_wrap=False)
        self.limit_s = limit_s
        self.target_s = target_s
        self.interactive = interactive
        self.partial_words = partial_words
        self._live = None
        self._last = 0.0
        self._elapsed = 0.0

    def __enter__(self) -> LiveView:
        from rich.live import Live

        if self.console.is_terminal:
            self._live = Live(console=self.console, auto_refresh=False, transient=False)
            self._live.start()
        else:  # a log or a pipe: one line now, one at the end, no redraws
            keys = f" — {KEY_HELP}" if self.interactive else ""
            self.console.print(f"recording (limit {format_clock(self.limit_s)}){keys}")
        return self

    def __exit__(self, *exc) -> None:
        if self._live is not None:
            self._live.update(self.render(self._elapsed, SILENT_LEVEL), refresh=True)
            self._live.stop()
            self._live = None

    def update(self, elapsed_s: float, level_dbfs: float, *, force: bool = False) -> None:
        if self._live is None:
            return
        now = time.monotonic()
        if not force and now - self._last < REFRESH_S:
            return
        self._last = now
        self._elapsed = elapsed_s
        self._live.update(self.render(elapsed_s, level_dbfs), refresh=True)

    def finish(self, elapsed_s: float, how: str) -> None:
        self.console.print(f"Answer recorded: {format_clock(elapsed_s)} ({how.replace('_', ' ')})")

    def render(self, elapsed_s: float, level_dbfs: float):
        from rich.text import Text

        text = Text()
        text.append("● REC ", style="bold red")
        text.append(f"{format_clock(elapsed_s)} / {format_clock(self.limit_s)}  ")
        text.append(level_bar(level_dbfs), style="green")
        if elapsed_s >= self.target_s:
            text.append("  wrap up", style="bold yellow")
        if self.partial_words is not None:
            words = self.partial_words()
            tentative = len(words.tentative)  # the open utterance's guess, replaced when it closes
            shown = words.strip()[-300:]
            if shown:
                cut = max(0, len(shown) - tentative)
                text.append("\n" + shown[:cut], style="dim")
                text.append(shown[cut:], style="dim italic")
        if self.interactive:
            text.append("\n" + KEY_HELP, style="dim")
        return text
