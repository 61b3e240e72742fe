"""`mockint serve` as a real process on a free port, for the web tests and the benchmark."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

START_TIMEOUT_S = 30.0
URL_LINE = re.compile(r"open (http://127\.0\.0\.1:(\d+)/\?token=([A-Za-z0-9_-]+))")


@dataclass
class Served:
    proc: subprocess.Popen
    url: str  # the printed address, with its token
    port: int
    token: str
    recordings: Path
    cache: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def cookie(self) -> str:
        return f"mockint_{self.port}={self.token}"

    def stop(self, sig: int = signal.SIGTERM, timeout_s: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(5)


def env_for(recordings: Path, cache: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
    return {
        **base,
        "MOCKINT_RECORDINGS": str(recordings),
        "MOCKINT_CACHE": str(cache),
        "PYTHONUNBUFFERED": "1",
    }


def mockint(args: list[str], recordings: Path, cache: Path, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mockint", *args],
        env=env_for(recordings, cache),
        capture_output=True,
        text=True,
        timeout=120,
        **kwargs,
    )


def serve(tmp: Path, *extra: str, port: int = 0) -> Served:
    """Start `mockint serve --no-open` and wait for its address."""
    recordings, cache = tmp / "recordings", tmp / "cache"
    log = open(tmp / "serve.log", "w")  # noqa: SIM115 - the child keeps writing to it
    out = tmp / "serve.out"
    with open(out, "w") as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-m", "mockint", "serve", "--no-open", "--port", str(port), *extra],
            env=env_for(recordings, cache),
            stdout=stdout,
            stderr=log,
            stdin=subprocess.DEVNULL,
            cwd=tmp,
        )
    end = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < end:
        found = URL_LINE.search(out.read_text())
        if found:
            return Served(proc, found.group(1), int(found.group(2)), found.group(3), recordings, cache)
        if proc.poll() is not None:
            raise AssertionError(f"mockint serve exited {proc.returncode}: {(tmp / 'serve.log').read_text()}")
        time.sleep(0.05)
    proc.kill()
    raise AssertionError("mockint serve printed no address")
