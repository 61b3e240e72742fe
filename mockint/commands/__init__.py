"""One module per command group; see mockint.cli.COMMAND_MODULES."""

from __future__ import annotations

import argparse


def add_engine_options(parser: argparse.ArgumentParser, what: str = "") -> None:
    """--engine and --model, the same for every command that listens; unset, the engine is
    Settings.engine (env MOCKINT_ENGINE, else whisper)."""
    parser.add_argument(
        "--engine",
        metavar="NAME",
        help=f"speech engine{what}: whisper (default, bundled tiny.en), sphinx (lighter) or vosk "
        "(an extra); env MOCKINT_ENGINE sets the default",
    )
    parser.add_argument(
        "--model", metavar="PATH", help="model folder for --engine: a CTranslate2 Whisper, vosk or sphinx one"
    )
