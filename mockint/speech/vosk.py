"""The vosk engine (Kaldi): an extra (`pip install 'mockint[vosk]'`) with a model folder that
mockint never downloads by itself. Its tests run the real library to the model boundary."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockint.errors import SetupError
from mockint.ports import SAMPLE_RATE_HZ
from mockint.speech.base import TakeTranscriber, engine_transcript, engine_words
from mockint.transcript import LiveWords, Transcript, Word

if TYPE_CHECKING:
    import numpy as np


class VoskTranscriber(TakeTranscriber):
    """Vosk (Kaldi) with a model folder. SpeechRecognition's recognize_vosk is not used: it
    reads the model from a fixed folder inside its own package, reloads it per call and
    returns no word times."""

    name = "vosk"

    def __init__(self, model: str | None) -> None:
        try:
            import vosk
        except ImportError:
            raise SetupError("the vosk engine is not installed", "pip install 'mockint[vosk]'") from None
        if not model:
            raise SetupError(
                "the vosk engine needs a model folder",
                "download and unpack a Vosk model (e.g. vosk-model-small-en-us), then pass --model FOLDER",
            )
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise SetupError(
                f"vosk model folder {folder} not found",
                "pass the unpacked model's folder with --model FOLDER",
            )
        if not any((folder / part).exists() for part in ("am", "conf", "final.mdl")):
            raise SetupError(
                f"{folder} is not a vosk model folder (no am/ or conf/ inside)",
                "pass the unpacked model's top folder with --model FOLDER",
            )
        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(folder))  # a path: vosk never downloads in this form
        except Exception as exc:  # vosk raises a bare Exception for a bad folder
            raise SetupError(
                f"{folder} is not a usable vosk model ({exc})",
                "pass the folder that holds the model's am/ and conf/ folders",
            ) from None
        self._vosk = vosk
        self._lock = threading.Lock()

    def _take(self) -> _VoskTake:
        recognizer = self._vosk.KaldiRecognizer(self._model, SAMPLE_RATE_HZ)
        recognizer.SetWords(True)
        return _VoskTake(recognizer)


class _VoskTake:
    def __init__(self, recognizer: Any) -> None:
        self._rec = recognizer
        self._words: list[Word] = []
        self._current = ""
        self._samples = 0

    def push(self, samples: np.ndarray) -> None:
        self._samples += samples.size
        if self._rec.AcceptWaveform(samples.tobytes()):
            self._add(self._rec.Result())
            self._current = ""
        else:
            self._current = json.loads(self._rec.PartialResult()).get("partial", "")

    def close(self) -> None:
        self._add(self._rec.FinalResult())
        self._current = ""

    def _add(self, result_json: str) -> None:
        result = json.loads(result_json)
        self._words.extend(
            engine_words((w["word"], w["start"], w["end"], w.get("conf")) for w in result.get("result", []))
        )

    def partial(self) -> LiveWords:
        return LiveWords(" ".join(w.word for w in self._words), self._current)

    def abort(self) -> None:
        """Nothing to undo: each take has its own recognizer."""

    def transcript(self, engine: str, elapsed_s: float) -> Transcript:
        return engine_transcript(engine, tuple(self._words), self._samples, elapsed_s)
