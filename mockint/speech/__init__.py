"""Speech recognition engines behind one seam (speech/base.py): one module per engine, and this
registry. Adding an engine is one module and one line here. Engines load lazily, so importing
this package costs nothing."""

from __future__ import annotations

import importlib

from mockint.config import DEFAULT_ENGINE
from mockint.errors import UsageError
from mockint.ports import Transcriber

# engine name -> "module:class"; the class takes the --model value (None: the engine's default)
ENGINES = {
    "whisper": "mockint.speech.whisper:WhisperTranscriber",
    "sphinx": "mockint.speech.sphinx:SphinxTranscriber",
    "vosk": "mockint.speech.vosk:VoskTranscriber",
}
ALIASES = {"faster-whisper": "whisper"}  # the engine's name before it became the default


def engine_name(engine: str) -> str:
    """The registry's name for `engine` (aliases resolved); a one-line error for an unknown one."""
    engine = ALIASES.get(engine, engine)
    if engine not in ENGINES:
        raise UsageError(f"unknown speech engine '{engine}'", f"use one of: {', '.join(ENGINES)}")
    return engine


def load_transcriber(engine: str = DEFAULT_ENGINE, model: str | None = None) -> Transcriber:
    """A Transcriber with its model loaded once; reuse it for every answer of a session."""
    module, cls = ENGINES[engine_name(engine)].split(":")
    return getattr(importlib.import_module(module), cls)(model)
