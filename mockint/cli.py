"""Command line: parse, resolve settings, dispatch, map errors to exit codes. No domain logic."""

from __future__ import annotations

import argparse
import contextlib
import errno
import importlib
import os
import sys
from collections.abc import Sequence

from mockint import __version__
from mockint.config import Environment, Settings
from mockint.errors import ExitCode, MockintError

# One module per command group under mockint/commands; each has register(subparsers, common)
# and sets `handler` (args, settings, env) -> int on its parsers. Imported names only: every
# command module keeps heavy imports inside its handlers so `mockint --help` stays fast.
COMMAND_MODULES = (
    "practice",
    "transcribe",
    "review",
    "sessions",
    "report",
    "bank",
    "stories",
    "devices",
    "doctor",
    "voices",
    "check",
    "serve",
)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so usage errors go through one boundary."""

    def error(self, message: str):  # type: ignore[override]
        raise _UsageExit(self.prog, message)


class _UsageExit(Exception):
    def __init__(self, prog: str, message: str) -> None:
        super().__init__(message)
        self.prog = prog
        self.message = message


def common_options(default: object = None) -> argparse.ArgumentParser:
    """Options every command takes, before or after the command name."""
    common = _Parser(add_help=False)
    common.add_argument(
        "--recordings",
        metavar="DIR",
        default=default,
        help="where sessions are saved (env MOCKINT_RECORDINGS, default ./recordings)",
    )
    common.add_argument(
        "--bank",
        metavar="DIR",
        default=default,
        help="question bank folder (env MOCKINT_BANK, default: the bundled bank)",
    )
    common.add_argument(
        "--debug", action="store_true", default=default or False, help="show tracebacks for errors"
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="mockint",
        description="Offline voice mock interviews for behavioral rounds (Amazon, Meta, JPMorgan Chase).",
        parents=[common_options()],
    )
    # Suppressed defaults, so `mockint --bank X list` is not undone by the subcommand's default.
    common = common_options(argparse.SUPPRESS)
    parser.add_argument("--version", action="version", version=f"mockint {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(f"mockint.commands.{name}").register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None, env: Environment | None = None) -> int:
    if env is None:  # the real program: keep PortAudio's own messages off stderr (tests pass env)
        from mockint.audio import stderrfilter

        stderrfilter.install()
    env = env or Environment()
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    try:
        parser = build_parser()
        try:
            with contextlib.redirect_stdout(env.stdout):  # --help and --version
                args = parser.parse_args(argv)
        except SystemExit as exc:
            return int(exc.code or 0)
        if not getattr(args, "handler", None):
            parser.print_help(env.stdout)
            return ExitCode.USAGE if not args.command else ExitCode.OK
        settings = Settings.resolve(env, recordings=args.recordings, bank=args.bank, debug=args.debug)
        code = int(args.handler(args, settings, env) or ExitCode.OK)
        env.stdout.flush()  # here, not at exit: a full or closed stdout is reported in one line
        return code
    except _UsageExit as exc:
        print(f"mockint: error: {exc.message} — see '{exc.prog} --help'", file=env.stderr)
        return ExitCode.USAGE
    except MockintError as exc:
        if debug:
            raise
        print(f"mockint: error: {exc.message}", file=env.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        if debug:
            raise
        signum = getattr(exc, "signum", None)  # mockint.stopsignals.Stopped: SIGTERM, SIGHUP
        print(f"mockint: {'interrupted' if signum is None else exc}", file=env.stderr)
        return ExitCode.INTERRUPTED if signum is None else 128 + signum
    except BrokenPipeError:
        _detach_stdout(env)
        return ExitCode.OK  # output piped into e.g. `head`
    except OSError as exc:
        # A stream's write error has no file name (a file mockint opens has one)
        if exc.errno not in (errno.ENOSPC, errno.EIO) or exc.filename is not None:
            raise
        _detach_stdout(env)
        print(
            f"mockint: error: cannot write the output ({exc.strerror}) — write it somewhere else",
            file=env.stderr,
        )
        return ExitCode.FAILURE


def _detach_stdout(env: Environment) -> None:
    """Point the real stdout at /dev/null, so the interpreter's own flush at exit stays quiet."""
    if env.stdout is not sys.stdout:
        return
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
