"""The faster-whisper engine: an extra (`pip install 'mockint[whisper]'`) with a model that is
already on this machine; mockint never downloads one by itself."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockint.errors import SetupError
from mockint.ports import SAMPLE_RATE_HZ
from mockint.speech.base import TakeTranscriber, engine_transcript, engine_words
from mockint.transcript import Transcript, Word

if TYPE_CHECKING:
    import numpy as np

WHISPER_DEFAULT_MODEL = "base.en"


class WhisperTranscriber(TakeTranscriber):
    """faster-whisper through SpeechRecognition's whisper front end, with the model loaded once.
    Whisper decodes 30-second windows of a whole recording, so its stream only collects audio:
    the transcript is computed at finish() (not within the 1 s target of the default engine)."""

    name = "faster-whisper"

    def __init__(self, model: str | None) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise SetupError(
                "the faster-whisper engine is not installed", "pip install 'mockint[whisper]'"
            ) from None
        name = model or WHISPER_DEFAULT_MODEL
        folder = Path(name).expanduser()
        looks_like_path = "/" in name or name.startswith(".")
        if looks_like_path and not folder.is_dir():
            raise SetupError(
                f"faster-whisper model folder {folder} not found",
                "pass a converted CTranslate2 model folder, or a model name such as base.en",
            )
        try:  # local_files_only: a model missing here is an error, never a silent download
            self._model = WhisperModel(
                str(folder) if looks_like_path else name,
                device="cpu",
                compute_type="int8",
                local_files_only=True,
            )
        except Exception as exc:  # faster-whisper/huggingface raise many kinds for a missing model
            raise SetupError(
                f"faster-whisper model '{name}' is not on this machine ({type(exc).__name__})",
                f'download it once, knowingly (~75-1500 MB): python -c "from faster_whisper import '
                f"download_model; download_model('{name}')\", or pass --model FOLDER",
            ) from None
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
            audio, show_dict=True, language="en", word_timestamps=True
        )
        self._words = engine_words(
            (w.word, w.start, w.end, w.probability)
            for segment in result["segments"]
            for w in (segment.words or [])
        )

    def partial(self) -> str:
        return ""

    def abort(self) -> None:
        """Nothing to undo: the model holds no per-take state."""

    def transcript(self, engine: str, elapsed_s: float) -> Transcript:
        return engine_transcript(engine, self._words, self._samples, elapsed_s)
