"""`mockint` on a pseudo-terminal: its stdin and stdout on a pty, as a candidate at a keyboard
sees it, with keys pressed by the test (the device tests' way to reach the interactive paths)."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]")


class Terminal:
    """`mockint COMMAND` with its stdin and stdout on a pty; what it printed, ANSI stripped."""

    def __init__(
        self, pulse, tmp_path: Path, *args: str, command: str = "practice", recordings: Path | None = None
    ) -> None:
        recordings = recordings or tmp_path / "rec"
        env = {**pulse.env, "MOCKINT_RECORDINGS": str(recordings), "MOCKINT_CACHE": str(tmp_path / "c")}
        env["COLUMNS"] = "100"
        self.controller, terminal = pty.openpty()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "mockint", command, *args],
            cwd=tmp_path,
            env=env,
            stdin=terminal,
            stdout=terminal,
            stderr=subprocess.PIPE,
        )
        os.close(terminal)
        self.raw = bytearray()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.controller, 65536)
            except OSError:
                return
            if not data:
                return
            self.raw.extend(data)

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def wait_for(self, marker: str, timeout_s: float = 60, after: int = 0) -> float:
        start = time.monotonic()
        while marker not in self.text[after:]:
            if time.monotonic() - start > timeout_s:
                raise AssertionError(f"{marker!r} not shown: {self.text[-2000:]}")
            if self.proc.poll() is not None:
                raise AssertionError(f"exited {self.proc.returncode}: {self.proc.stderr.read()}")
            time.sleep(0.05)
        return time.monotonic() - start

    def press(self, key: str) -> None:
        os.write(self.controller, key.encode())

    def close(self) -> None:
        self.proc.wait(60)
        os.close(self.controller)
