"""`mockint replay` on a terminal: space pauses and resumes, ←/→ jump 5 s, q stops; the word
being spoken is highlighted in the transcript as it plays."""

from __future__ import annotations

import bisect
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from mockint.render.live import KeyReader, format_clock

SEEK_S = 5.0  # ←/→
WINDOW_WORDS = 12  # words shown either side of the current one
PAUSE = " "
QUIT = ("q", "\x1b")  # a lone Escape stops too
LEFT, RIGHT = ("\x1b[D", "\x1bOD"), ("\x1b[C", "\x1bOC")
KEYS_HELP = "space: pause · ←/→: 5 s · q: stop"


class ReplayPlayer:
    """Plays one clip with keys. `play(path, start_s, end_s, on_progress, should_stop)` is
    audio.playback.play (handed in, so the loop runs without a sound card in tests)."""

    def __init__(
        self, out: TextIO, keys: TextIO, play: Callable[..., None], *, output_device: str | int | None = None
    ) -> None:
        from mockint.render.console import Console

        self.console = Console(file=out, highlight=False)
        self.keys = keys
        self._play = play
        self.output_device = output_device

    def play(self, path: Path, words: tuple[tuple[float, str], ...], start_s: float, end_s: float) -> bool:
        """Play `path` from start_s to end_s; False when the listener pressed q (stop replaying)."""
        from rich.live import Live

        starts = [w[0] for w in words]
        position = start_s
        state = {"paused": False, "key": ""}
        with KeyReader(self.keys) as reader, Live(console=self.console, auto_refresh=False) as live:

            def show(at: float) -> None:
                nonlocal position
                position = at
                live.update(self._render(words, starts, at, start_s, end_s, state["paused"]), refresh=True)

            def should_stop() -> bool:
                state["key"] = reader.read(0)
                return bool(state["key"])

            while position < end_s - 0.05:
                state["key"] = ""
                if not state["paused"]:
                    self._play(
                        path,
                        device=self.output_device,
                        start_s=position,
                        end_s=end_s,
                        on_progress=show,
                        should_stop=should_stop,
                    )
                    if not state["key"]:
                        break  # played to the end
                else:
                    show(position)
                    state["key"] = reader.read(0.2)
                key = state["key"]
                if any(q == key for q in QUIT):
                    return False
                if key == PAUSE:
                    state["paused"] = not state["paused"]
                elif key in LEFT:
                    position = max(start_s, position - SEEK_S)
                elif key in RIGHT:
                    position = min(end_s, position + SEEK_S)
                show(position)
            show(end_s)
        return True

    def _render(self, words, starts, at: float, start_s: float, end_s: float, paused: bool):
        from rich.text import Text

        current = bisect.bisect_right(starts, at) - 1
        text = Text()
        text.append("⏸ " if paused else "▶ ", style="bold")
        text.append(f"{format_clock(at - start_s)} / {format_clock(end_s - start_s)}")
        text.append(f"  {'paused · ' if paused else ''}{KEYS_HELP}\n", style="dim")
        lo, hi = max(0, current - WINDOW_WORDS), min(len(words), current + WINDOW_WORDS + 1)
        for i in range(lo, hi):
            text.append(words[i][1], style="reverse bold" if i == current else ("" if i < current else "dim"))
            text.append(" ")
        return text
