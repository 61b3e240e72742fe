"""Settings resolved once, inside main(): flag > environment variable > default."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

RECORDINGS_ENV = "MOCKINT_RECORDINGS"
BANK_ENV = "MOCKINT_BANK"
CACHE_ENV = "MOCKINT_CACHE"
ENGINE_ENV = "MOCKINT_ENGINE"
DEFAULT_ENGINE = "whisper"  # the speech engine when neither --engine nor MOCKINT_ENGINE says


@dataclass
class Environment:
    """What the CLI touches outside itself, handed in so tests run the CLI in-process."""

    stdin: TextIO = field(default_factory=lambda: sys.stdin)
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    cwd: Path = field(default_factory=Path.cwd)

    @property
    def interactive(self) -> bool:
        """True when keys can be read from a terminal."""
        isatty = getattr(self.stdin, "isatty", None)
        return bool(isatty and isatty())


def bundled_bank_dir() -> Path:
    """The question bank shipped with the package (installed) or beside it (source checkout)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "question_bank", here.parent / "question_bank"):
        if candidate.is_dir():
            return candidate
    return here / "question_bank"


def _cache_home(environ: Mapping[str, str]) -> Path:
    base = environ.get("XDG_CACHE_HOME") or str(Path(environ.get("HOME", "~")).expanduser() / ".cache")
    return Path(base) / "mockint"


@dataclass(frozen=True)
class Settings:
    recordings: Path  # where sessions are saved
    bank: Path  # question bank folder
    cache: Path  # synthesized question audio and other re-creatable files
    debug: bool = False
    engine: str = DEFAULT_ENGINE  # speech engine when a command's --engine is not given

    @classmethod
    def resolve(
        cls,
        env: Environment,
        *,
        recordings: str | None = None,
        bank: str | None = None,
        debug: bool = False,
    ) -> Settings:
        def pick(flag: str | None, var: str, default: Path) -> Path:
            value = flag or env.environ.get(var)
            path = Path(value).expanduser() if value else default
            return path if path.is_absolute() else env.cwd / path

        return cls(
            recordings=pick(recordings, RECORDINGS_ENV, env.cwd / "recordings"),
            bank=pick(bank, BANK_ENV, bundled_bank_dir()),
            cache=pick(None, CACHE_ENV, _cache_home(env.environ)),
            debug=debug,
            engine=env.environ.get(ENGINE_ENV) or DEFAULT_ENGINE,
        )
