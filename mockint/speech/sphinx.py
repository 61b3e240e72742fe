"""The pocketsphinx engine: offline speech to text with word timings, streamed while the
candidate speaks so the transcript is ready as soon as the answer ends.

Why pocketsphinx's Decoder directly, not SpeechRecognition's `recognize_sphinx`: that function
builds a new Decoder (reloading the ~30 MB language model, ~0.45 s or more here) on every call,
takes the whole utterance at once (no streaming), and returns text without word times. We load
the same bundled model once per Transcriber and feed it chunk by chunk. SpeechRecognition stays
the front for the engines it wraps (see mockint/speech/) and is the
baseline in benchmarks/bench_speech.py; we also use its copy of the US English language model
and dictionary, which it ships and which recognise continuous speech better here than
pocketsphinx's own copy (see the README's "## Transcription").

How a take is decoded (the same code path for a file and for live audio, so the two give the
same words whatever the chunk sizes):
- The shared utterance splitter (speech/utterances.py) cuts the take at pauses; silence between
  utterances is not decoded, and bounding an utterance bounds pocketsphinx's memory for hour-long
  files and keeps the work left at finish() small.
- Cepstral mean normalisation is seeded from the first seconds of speech (not the model's
  generic prior), then follows the speaker live: batch normalisation would need the whole take.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockint.errors import SetupError
from mockint.ports import SAMPLE_RATE_HZ
from mockint.speech.base import TakeTranscriber, clean_word
from mockint.speech.utterances import FRAME_S, UtteranceSplitter
from mockint.transcript import LiveWords, Transcript, Word

if TYPE_CHECKING:
    import numpy as np

CMN_WARMUP_S = 2.4  # speech whose batch mean seeds cepstral mean normalisation
SEED_SEARCH = "mockint-cmn-seed"  # a keyword search used only to compute that mean
DECODE_BATCH_FRAMES = 10  # frames handed to the decoder per call (0.3 s)
PARTIAL_EVERY_FRAMES = 17  # refresh the running words about every 0.5 s of audio
DECODER_FRAME_RATE = 100  # pocketsphinx frames per second (word times come in these)


# Words interview answers use that the bundled dictionary lacks, composed from words it has
# (lowercase tokens) and ARPABET phones (uppercase tokens): no grapheme-to-phoneme model needed.
VOCABULARY = {
    "kpi": "k p i",
    "kpis": "k p i Z",
    "okr": "o k r",
    "okrs": "o k r Z",
    "api": "a p i",
    "apis": "a p i Z",
    "mvp": "m v p",
    "sla": "s l a",
    "slas": "s l a Z",
    "qa": "q a",
    "devops": "dev ops",
    "onboarding": "on boarding",
    "offboarding": "off boarding",
    "roadmap": "road map",
    "roadmaps": "road maps",
    "refactor": "re factor",
    "refactored": "re factored",
    "refactoring": "re factoring",
    "scalability": "scale ability",
    "upskill": "up skill",
    "workstream": "work stream",
    "workstreams": "work streams",
    "mentee": "men tee",
    "deprioritized": "de prioritized",
}


def sphinx_model_paths(model: str | None = None) -> dict[str, str]:
    """Acoustic model folder, language model and dictionary for the sphinx engine.

    `model` may name a folder laid out like SpeechRecognition's language data
    (acoustic-model/, language-model.lm.bin, pronounciation-dictionary.dict).
    """
    if model is None:
        import pocketsphinx

        hmm = pocketsphinx.get_model_path("en-us/en-us")
        import importlib.util

        spec = importlib.util.find_spec("speech_recognition")  # located, not imported (slow)
        folder = Path(spec.origin).parent / "pocketsphinx-data" / "en-US" if spec and spec.origin else None
        if folder is not None and folder.is_dir():
            paths = {
                "hmm": hmm,
                "lm": str(folder / "language-model.lm.bin"),
                "dict": str(folder / "pronounciation-dictionary.dict"),
            }
        else:  # pocketsphinx's own copy of the same model family
            paths = {
                "hmm": hmm,
                "lm": pocketsphinx.get_model_path("en-us/en-us.lm.bin"),
                "dict": pocketsphinx.get_model_path("en-us/cmudict-en-us.dict"),
            }
    else:
        folder = Path(model).expanduser()
        if not folder.is_dir():
            raise SetupError(
                f"sphinx model folder {folder} not found",
                "give a folder with acoustic-model/, language-model.lm.bin and "
                "pronounciation-dictionary.dict, or leave out --model for the bundled one",
            )
        paths = {
            "hmm": str(folder / "acoustic-model"),
            "lm": str(folder / "language-model.lm.bin"),
            "dict": str(folder / "pronounciation-dictionary.dict"),
        }
    missing = [p for p in paths.values() if not os.path.exists(p)]
    if missing:
        raise SetupError(
            f"speech model files missing: {', '.join(missing)}",
            "reinstall the engine: pip install --force-reinstall pocketsphinx SpeechRecognition",
        )
    return paths


class SphinxTranscriber(TakeTranscriber):
    """pocketsphinx with the bundled US English model, loaded once."""

    name = "sphinx"

    def __init__(self, model: str | None = None) -> None:
        try:
            import pocketsphinx
        except ImportError:
            raise SetupError("pocketsphinx is not installed", "pip install pocketsphinx") from None
        paths = sphinx_model_paths(model)
        try:
            self._decoder = pocketsphinx.Decoder(loglevel="ERROR", cmn="live", **paths)
        except (RuntimeError, ValueError) as exc:
            raise SetupError(
                f"could not load the speech model ({exc})",
                "reinstall the engine: pip install --force-reinstall pocketsphinx",
            ) from None
        self._vad_class = pocketsphinx.Vad
        self._lock = threading.Lock()  # one take at a time per decoder
        self.added_words = add_vocabulary(self._decoder)
        self._main_search = self._decoder.current_search()
        self._decoder.add_keyphrase(SEED_SEARCH, "oh")
        self._decoder.activate_search(self._main_search)

    def _take(self) -> _TakeDecoder:
        return _TakeDecoder(self._decoder, self._vad_class(), self._main_search)


def add_vocabulary(decoder: Any) -> list[str]:
    """Add VOCABULARY's words the dictionary lacks; returns the words added."""
    todo = []
    for word, parts in VOCABULARY.items():
        if decoder.lookup_word(word) is not None:
            continue
        phones = [token if token.isupper() else decoder.lookup_word(token) for token in parts.split()]
        if all(phones):
            todo.append((word, " ".join(phones)))
    for i, (word, phones) in enumerate(todo):
        decoder.add_word(word, phones, i == len(todo) - 1)  # rebuild the search once, at the end
    return [word for word, _ in todo]


class _TakeDecoder:
    """Decodes one take fed in any chunk sizes; one take at a time (the transcriber's lock)."""

    def __init__(self, decoder: Any, vad: Any, main_search: str) -> None:
        self._main_search = main_search
        self._d = decoder
        self._split = UtteranceSplitter(vad, self._start, self._frame, self._end_utterance)
        self._decoding = False  # the decoder has an utterance open
        self._utt_start = 0  # frame index where the current utterance began
        self._warm = False  # cepstral mean seeded
        self._warmup: list[bytes] = []  # the first speech, held until the mean is seeded
        self._batch: list[bytes] = []
        self._since_partial = 0
        self.words: list[Word] = []
        self.current = ""  # running hypothesis of the open utterance
        decoder.reinit_feat()  # each take starts from the same state: streaming == file

    @property
    def samples(self) -> int:
        return self._split.samples

    def push(self, samples: np.ndarray) -> None:
        self._split.push(samples)

    def close(self) -> None:
        """End of the take: decode what is left."""
        self._split.close()

    def partial(self) -> LiveWords:
        return LiveWords(" ".join(w.word for w in list(self.words)), self.current.strip())

    def abort(self) -> None:
        """After an error mid-take: close any open utterance so the next take can start."""
        if self._decoding:
            self._decoding = False
            self._d.end_utt()
        if self._d.current_search() != self._main_search:
            self._d.activate_search(self._main_search)

    def transcript(self, engine: str, elapsed_s: float) -> Transcript:
        words = tuple(self.words)
        return Transcript(
            text=" ".join(w.word for w in words),
            engine=engine,
            duration_s=self.samples / SAMPLE_RATE_HZ,
            elapsed_s=elapsed_s,
            words=words,
        )

    def _start(self, first_frame: int) -> None:
        self._utt_start = first_frame

    def _frame(self, frame: bytes, speech: bool) -> None:
        self._audio(frame)

    def _audio(self, frame: bytes) -> None:
        if not self._warm:
            self._warmup.append(frame)
            if len(self._warmup) * FRAME_S >= CMN_WARMUP_S:
                self._seed_mean()
            return
        self._batch.append(frame)
        if len(self._batch) >= DECODE_BATCH_FRAMES:
            self._flush()

    def _seed_mean(self) -> None:
        """Seed the cepstral mean with the batch mean of the first speech, then decode that speech.

        The mean comes from a features-only pass under a trivial keyword search, so ending that
        pass costs nothing (ending it under the language model would decode it: ~0.5x real time).
        Continuing one utterance after a batch pass instead fails in pocketsphinx once the
        utterance outgrows the batch ("circular feature buffer cannot be rewound")."""
        d, audio = self._d, b"".join(self._warmup)
        d.activate_search(SEED_SEARCH)
        d.start_utt()
        d.process_raw(audio, True, True)
        mean = d.get_cmn(True)
        d.end_utt()
        d.activate_search(self._main_search)
        d.reinit_feat()
        d.set_cmn(mean)
        self._warm, self._warmup = True, []
        self._batch.insert(0, audio)
        self._flush()

    def _flush(self) -> None:
        if not self._batch:
            return
        d = self._d
        if not self._decoding:
            d.start_utt()
            self._decoding = True
        d.process_raw(b"".join(self._batch), False, False)
        self._since_partial += len(self._batch)
        self._batch = []
        if self._since_partial >= PARTIAL_EVERY_FRAMES:
            self._since_partial = 0
            hyp = d.hyp()
            self.current = " ".join(w for w in map(clean_word, hyp.hypstr.split()) if w) if hyp else ""

    def _end_utterance(self) -> None:
        if not self._warm:
            self._seed_mean()
        self._flush()
        self.current = ""
        if not self._decoding:
            return
        d = self._d
        d.end_utt()
        self._decoding = False
        offset_s = self._utt_start * FRAME_S
        for seg in d.seg():
            word = clean_word(seg.word)
            if word is None:
                continue
            confidence = min(1.0, max(0.0, seg.prob))  # posterior, already a probability
            self.words.append(
                Word(
                    word,
                    offset_s + seg.start_frame / DECODER_FRAME_RATE,
                    offset_s + (seg.end_frame + 1) / DECODER_FRAME_RATE,
                    confidence,
                )
            )
