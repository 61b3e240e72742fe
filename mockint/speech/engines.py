"""Optional speech engines with the same interface as the default one: `vosk` (a local model
folder) and `faster-whisper` (a model name already on this machine, or a model folder).

Both are extras (`pip install 'mockint[vosk]'`, `'mockint[whisper]'`) and need a model that
mockint never downloads by itself. Neither is exercised with a real model in the tests (none
can be fetched where they run): the tests stop at the library boundary.
"""

from __future__ import annotations

import json
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockint.errors import SetupError
from mockint.ports import SAMPLE_RATE_HZ
from mockint.speech.base import TakeTranscriber, clean_word
from mockint.transcript import Transcript, Word

if TYPE_CHECKING:
    import numpy as np

WHISPER_DEFAULT_MODEL = "base.en"
_PUNCTUATION = re.compile(r"[^\w']+")  # whisper writes "Americans," and "ask,"


def load(engine: str, model: str | None) -> Any:
    if engine == "vosk":
        return VoskTranscriber(model)
    return WhisperTranscriber(model)


def _words(items: Any) -> tuple[Word, ...]:
    """(word, start, end, confidence) tuples to transcript words, cleaned like sphinx's."""
    out = []
    for raw, start, end, confidence in items:
        for token in _PUNCTUATION.sub(" ", str(raw)).split():
            word = clean_word(token)
            if word:
                out.append(Word(word, float(start), float(end),
                                None if confidence is None else min(1.0, max(0.0, float(confidence)))))
    return tuple(out)


def _transcript(engine: str, words: tuple[Word, ...], samples: int, elapsed_s: float) -> Transcript:
    return Transcript(text=" ".join(w.word for w in words), engine=engine,
                      duration_s=samples / SAMPLE_RATE_HZ, elapsed_s=elapsed_s, words=words)


# ---------------------------------------------------------------------------- vosk


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
            raise SetupError("the vosk engine needs a model folder",
                             "download and unpack a Vosk model (e.g. vosk-model-small-en-us), "
                             "then pass --model FOLDER")
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise SetupError(f"vosk model folder {folder} not found",
                             "pass the unpacked model's folder with --model FOLDER")
        if not any((folder / part).exists() for part in ("am", "conf", "final.mdl")):
            raise SetupError(f"{folder} is not a vosk model folder (no am/ or conf/ inside)",
                             "pass the unpacked model's top folder with --model FOLDER")
        vosk.SetLogLevel(-1)
        try:
            self._model = vosk.Model(str(folder))  # a path: vosk never downloads in this form
        except Exception as exc:  # vosk raises a bare Exception for a bad folder
            raise SetupError(f"{folder} is not a usable vosk model ({exc})",
                             "pass the folder that holds the model's am/ and conf/ folders") from None
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
        self._words.extend(_words((w["word"], w["start"], w["end"], w.get("conf")) for w in result.get("result", [])))

    def partial(self) -> str:
        return " ".join([w.word for w in self._words] + ([self._current] if self._current else []))

    def abort(self) -> None:
        """Nothing to undo: each take has its own recognizer."""

    def transcript(self, engine: str, elapsed_s: float) -> Transcript:
        return _transcript(engine, tuple(self._words), self._samples, elapsed_s)


# ---------------------------------------------------------------------------- faster-whisper


class WhisperTranscriber(TakeTranscriber):
    """faster-whisper through SpeechRecognition's whisper front end, with the model loaded once.
    Whisper decodes 30-second windows of a whole recording, so its stream only collects audio:
    the transcript is computed at finish() (not within the 1 s target of the default engine)."""

    name = "faster-whisper"

    def __init__(self, model: str | None) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise SetupError("the faster-whisper engine is not installed", "pip install 'mockint[whisper]'") from None
        name = model or WHISPER_DEFAULT_MODEL
        folder = Path(name).expanduser()
        looks_like_path = "/" in name or name.startswith(".")
        if looks_like_path and not folder.is_dir():
            raise SetupError(f"faster-whisper model folder {folder} not found",
                             "pass a converted CTranslate2 model folder, or a model name such as base.en")
        try:  # local_files_only: a model missing here is an error, never a silent download
            self._model = WhisperModel(str(folder) if looks_like_path else name, device="cpu",
                                       compute_type="int8", local_files_only=True)
        except Exception as exc:  # faster-whisper/huggingface raise many kinds for a missing model
            raise SetupError(
                f"faster-whisper model '{name}' is not on this machine ({type(exc).__name__})",
                f"download it once, knowingly (~75-1500 MB): python -c \"from faster_whisper import "
                f"download_model; download_model('{name}')\", or pass --model FOLDER") from None
        self._lock = threading.Lock()

    def _take(self) -> _WhisperTake:
        return _WhisperTake(self._model)


class _WhisperTake:
    def __init__(self, model: Any) -> None:
        self._model = model
        self._chunks: list[Any] = []
        self._words: tuple[Word, ...] = ()
        self._samples = 0

    def push(self, samples: np.ndarray) -> None:
        self._samples += samples.size
        self._chunks.append(samples.copy())

    def close(self) -> None:
        import numpy as np
        import speech_recognition as sr
        from speech_recognition.recognizers.whisper_local.base import WhisperCompatibleRecognizer
        from speech_recognition.recognizers.whisper_local.faster_whisper import TranscribableAdapter

        pcm = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
        self._chunks = []
        if not pcm.size:
            return
        audio = sr.AudioData(pcm.tobytes(), SAMPLE_RATE_HZ, 2)
        result = WhisperCompatibleRecognizer(TranscribableAdapter(self._model)).recognize(
            audio, show_dict=True, language="en", word_timestamps=True)
        self._words = _words((w.word, w.start, w.end, w.probability)
                             for segment in result["segments"] for w in (segment.words or []))

    def partial(self) -> str:
        return ""

    def abort(self) -> None:
        """Nothing to undo: the model holds no per-take state."""

    def transcript(self, engine: str, elapsed_s: float) -> Transcript:
        return _transcript(engine, self._words, self._samples, elapsed_s)
