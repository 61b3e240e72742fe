"""rich's Console, except that a closed stdout raises BrokenPipeError instead of SystemExit(1).

rich answers a broken pipe with `SystemExit(1)`, which would cut a practice short as an unknown
error; as BrokenPipeError the engine keeps the take and says how the session ended, and the CLI
boundary exits quietly.
"""

from __future__ import annotations

import errno

from rich.console import Console as _RichConsole


class Console(_RichConsole):
    def on_broken_pipe(self) -> None:
        self.quiet = True  # nothing more is written to the closed stream
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")
