"""Native libraries' chatter kept off the terminal, so an error stays one line.

PortAudio's ALSA host API prints lines such as "Expression 'AlsaOpen( … )' failed in
'src/hostapi/alsa/pa_linux_alsa.c', line: 1768" straight to the C stderr whenever a device
misbehaves (the sound server dying mid-answer prints a dozen), and Debian's build offers no way
to turn them off. mockint reports such failures itself, in one line naming the fix. So the
real program routes file descriptor 2 through a pipe whose reader drops those lines and passes
everything else on unchanged; at exit the pipe is drained and descriptor 2 restored.
"""

from __future__ import annotations

import atexit
import os
import re
import sys
import threading

NOISE = re.compile(rb"^Expression '.*' failed in 'src/")
NOISE_START = b"Expression '"
DRAIN_TIMEOUT_S = 2.0
_installed = False


def install() -> None:
    """Filter this process's stderr (the real program only: tests pass their own streams)."""
    global _installed
    if _installed:
        return
    _installed = True
    try:
        sys.stderr.flush()
        real = os.dup(2)
    except (OSError, AttributeError, ValueError):
        return  # no stderr at all (closed, or None under pythonw): nothing to keep clean
    read_end, write_end = os.pipe()
    os.dup2(write_end, 2)
    os.close(write_end)
    thread = threading.Thread(target=_forward, args=(read_end, real), name="mockint-stderr", daemon=True)
    thread.start()
    atexit.register(_restore, real, thread)


def _forward(read_end: int, real: int) -> None:
    pending = b""
    with os.fdopen(read_end, "rb", buffering=0) as pipe:
        while chunk := pipe.read(65536):
            pending += chunk
            *lines, pending = pending.split(b"\n")
            out = b"".join(line + b"\n" for line in lines if not NOISE.match(line))
            if pending and not NOISE_START.startswith(pending[: len(NOISE_START)]):
                out, pending = out + pending, b""  # a prompt or progress without a newline: show it now
            if out:
                os.write(real, out)
    if pending and not NOISE.match(pending):
        os.write(real, pending)


def _restore(real: int, thread: threading.Thread) -> None:
    sys.stderr.flush()
    os.dup2(real, 2)  # closes the pipe's write end: the reader sees the end and drains
    thread.join(DRAIN_TIMEOUT_S)
