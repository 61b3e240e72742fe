"""The interviewer's voice: questions synthesized with pyttsx3, cached as WAV, played aloud.

pyttsx3 can hang after its first utterance on some platforms, so every synthesis runs in a
child process with a timeout: a hang costs one timeout, never the session.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np

from mockint.errors import SetupError, UsageError
from mockint.ports import SAMPLE_RATE_HZ, Speaker

SYNTH_TIMEOUT_S = 20.0  # a question takes well under a second to synthesize
SYNTH_ATTEMPTS = 3  # pyttsx3 occasionally finishes without writing audio: try again
DEFAULT_RATE_WPM = 170  # an unhurried interviewer (espeak's own default, 200, sounds rushed)
CACHE_SUBDIR = "voice"
CACHE_VERSION = 2  # bump when the synthesis changes, so old cached audio is not reused
TTS_FIX = "install espeak-ng (apt-get install espeak-ng), or practise with --no-voice"
_UNKNOWN_VOICE_EXIT = 3
VOICES_TIMEOUT_S = 20.0
VOICES_FIX = "list the voices with 'mockint voices'"

CUE_TEXT = {"times_up": "(time's up)", "wrap_up": "(time to wrap up)"}
# Cues are short tones: (frequency Hz, seconds) per beep, with a gap between beeps.
CUE_BEEPS = {"times_up": ((880.0, 0.15), (880.0, 0.15), (660.0, 0.3)), "wrap_up": ((660.0, 0.12),)}
CUE_GAP_S = 0.08
CUE_LEVEL = 0.3  # of full scale

# Run by a fresh interpreter per utterance: argv = text, voice, rate, output path.
# pyttsx3 2.99's espeak driver writes the WAV file on espeak's "message terminated" event
# *before* adding the samples delivered with that same event, so a short utterance can come
# out empty (or cut). The wrapper below adds those samples first; the parent also retries.
_CHILD = r"""
import ctypes, sys, time
import pyttsx3
text, voice, rate, path = sys.argv[1:5]
try:
    from pyttsx3.drivers import espeak as espeak_driver
except ImportError:  # not Linux: another pyttsx3 driver, without that bug
    espeak_driver = None
if espeak_driver is not None and hasattr(espeak_driver.EspeakDriver, "_onSynth"):
    on_synth = espeak_driver.EspeakDriver._onSynth
    def _on_synth(self, wav, numsamples, events):
        if numsamples > 0 and getattr(self, "_speaking", False):
            self._data_buffer += ctypes.string_at(wav, numsamples * ctypes.sizeof(ctypes.c_short))
        return on_synth(self, wav, 0, events)
    espeak_driver.EspeakDriver._onSynth = _on_synth
engine = pyttsx3.init()
if voice:
    wanted = voice.lower()
    match = [v.id for v in engine.getProperty("voices")
             if wanted in (v.id.lower(), (v.name or "").lower()) or v.id.lower().endswith("/" + wanted)]
    if not match:
        sys.exit(3)
    engine.setProperty("voice", match[0])
engine.setProperty("rate", int(rate))
engine.save_to_file(text, path)
engine.runAndWait()
# Its event loop can also end before espeak (which runs on its own thread) has finished: wait
# for the driver to say it is done, which is after the file is written.
driver = getattr(getattr(engine, "proxy", None), "_driver", None)
for _ in range(1500):
    if not getattr(driver, "_speaking", False):
        break
    time.sleep(0.01)
"""


# Lists pyttsx3's voices as JSON: [[id, name, [languages]], ...]
_LIST_CHILD = r"""
import json, pyttsx3
def lang(value):
    return value.decode("utf-8", "replace").lstrip("\x05") if isinstance(value, bytes) else str(value)
voices = pyttsx3.init().getProperty("voices")
print(json.dumps([[v.id, v.name or "", [lang(x) for x in (v.languages or [])]] for v in voices]))
"""


@dataclass(frozen=True)
class Voice:
    id: str  # pyttsx3's id, e.g. "gmw/en-us"
    name: str  # e.g. "English (America)"; espeak-ng --voices writes it English_(America)
    languages: tuple[str, ...]  # e.g. ("en-us",): espeak-ng --voices' Language column

    def names(self) -> set[str]:
        """Every spelling that picks this voice, lower case."""
        base = self.id.lower().rsplit("/", 1)[-1]
        return {self.id.lower(), base, self.name.lower(), self.name.lower().replace(" ", "_")} | {
            lang.lower() for lang in self.languages
        }


def list_voices() -> list[Voice]:
    """The voices the speech synthesizer offers (in a child process, like synthesis)."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", _LIST_CHILD],
            capture_output=True,
            text=True,
            timeout=VOICES_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise SetupError(
            f"listing the voices did not finish within {VOICES_TIMEOUT_S:.0f} s", TTS_FIX
        ) from None
    try:
        rows = json.loads(done.stdout) if done.returncode == 0 else None
    except json.JSONDecodeError:
        rows = None
    if rows is None:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SetupError(f"the speech synthesizer is not available ({last})", TTS_FIX)
    return [Voice(vid, name, tuple(langs)) for vid, name, langs in rows]


def resolve_voice(wanted: str, voices: list[Voice]) -> Voice:
    """`--voice`: an id (gmw/en-us), a language (en-gb) or a name (English_(America)), any case.

    An exact language wins over a voice that merely lists it, so en-gb is British English."""
    key = wanted.strip().lower()
    for voice in voices:
        if key in (voice.id.lower(), *(lang.lower() for lang in voice.languages[:1])):
            return voice
    for voice in voices:
        if key in voice.names():
            return voice
    spellings = sorted(
        {n for v in voices for n in (*(lang.lower() for lang in v.languages), v.name.replace(" ", "_"))}
    )
    close = difflib.get_close_matches(wanted, spellings, n=3, cutoff=0.6)
    hint = f"did you mean {', '.join(close)}? " if close else ""
    raise UsageError(f"unknown voice '{wanted}'", f"{hint}{VOICES_FIX}")


def cache_path(text: str, *, voice: str | None, rate: int | None, cache_dir: Path) -> Path:
    """Where the synthesized audio of (text, voice, rate) is kept."""
    key = json.dumps([CACHE_VERSION, text, voice or "", rate or DEFAULT_RATE_WPM])
    return Path(cache_dir) / CACHE_SUBDIR / (hashlib.sha256(key.encode()).hexdigest()[:32] + ".wav")


def synthesize(text: str, *, voice: str | None, rate: int | None, cache_dir: Path) -> Path:
    """The question as a WAV file, synthesized once per (text, voice, rate) and cached."""
    from mockint.safeio import make_private_dirs

    target = cache_path(text, voice=voice, rate=rate, cache_dir=cache_dir)
    if target.is_file() and _whole(target):
        return target
    make_private_dirs(target.parent)  # 0700 whatever the umask: it holds the user's questions
    fd, tmp_name = tempfile.mkstemp(suffix=".wav", dir=target.parent, prefix=".synth-")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        for _ in range(SYNTH_ATTEMPTS):
            tmp.write_bytes(b"")
            _run_child(text, voice, rate or DEFAULT_RATE_WPM, tmp)
            if _holds_audio(tmp):
                break
        else:
            raise SetupError(f"speech synthesis produced no audio ({SYNTH_ATTEMPTS} attempts)", TTS_FIX)
        os.replace(tmp, target)  # atomic: a cached file is always whole
    finally:
        tmp.unlink(missing_ok=True)
    return target


def _whole(path: Path) -> bool:
    """A cached file holds every frame its header declares (a truncated one is made again)."""
    import wave

    try:
        with wave.open(str(path)) as w:
            declared = w.getnframes()
            got = len(w.readframes(declared)) // max(1, w.getsampwidth() * w.getnchannels())
    except (wave.Error, EOFError, OSError):
        return _holds_audio(path)  # not a PCM WAV the wave module reads: trust libsndfile
    return 0 < declared == got


def _holds_audio(path: Path) -> bool:
    import soundfile as sf

    try:
        return path.exists() and sf.info(str(path)).frames > 0
    except (sf.LibsndfileError, RuntimeError):
        return False


def _run_child(text: str, voice: str | None, rate: int, path: Path) -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, text, voice or "", str(rate), str(path)],
            capture_output=True,
            text=True,
            timeout=SYNTH_TIMEOUT_S,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise SetupError(f"speech synthesis did not finish within {SYNTH_TIMEOUT_S:.0f} s", TTS_FIX) from None
    if done.returncode == _UNKNOWN_VOICE_EXIT:
        raise UsageError(f"unknown voice '{voice}'", VOICES_FIX)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SetupError(f"speech synthesis failed ({last})", TTS_FIX)


def cue_samples(kind: str) -> np.ndarray:
    """The cue's tone as int16 samples at SAMPLE_RATE_HZ."""
    if kind not in CUE_BEEPS:
        raise ValueError(f"unknown cue {kind!r}; expected one of {sorted(CUE_BEEPS)}")
    parts = []
    gap = np.zeros(int(CUE_GAP_S * SAMPLE_RATE_HZ), dtype=np.float32)
    for freq, seconds in CUE_BEEPS[kind]:
        t = np.arange(int(seconds * SAMPLE_RATE_HZ), dtype=np.float32) / SAMPLE_RATE_HZ
        envelope = np.minimum(1.0, np.minimum(t, seconds - t) / 0.01)  # 10 ms fades: no clicks
        parts += [np.sin(2 * np.pi * freq * t) * envelope * CUE_LEVEL, gap]
    return (np.concatenate(parts) * 32767).astype(np.int16)


class PrintedSpeaker:
    """`--no-voice`: the interviewer's words are printed only; the wrap-up and time's-up cues
    still beep (unless `beeps=False`, i.e. --no-beeps): they matter most while eyes are away."""

    def __init__(self, out: TextIO, *, beeps: bool = False, output_device: str | int | None = None) -> None:
        self.out = out
        self.beeps = beeps
        self.output_device = output_device

    def prepare(self, text: str) -> None:
        """Nothing to make ahead: the question is only printed."""

    def say(self, text: str) -> None:
        print(f"\nInterviewer: {text}", file=self.out, flush=True)

    def cue(self, kind: str) -> None:
        print(CUE_TEXT[kind], file=self.out, flush=True)
        if not self.beeps:
            return
        from mockint.audio.playback import play

        try:
            play(cue_samples(kind), device=self.output_device)
        except SetupError as exc:  # no speaker after all: the printed cue stands in, said once
            self.beeps = False
            print(f"(no beeps: {exc.message})", file=self.out, flush=True)


class VoiceSpeaker(PrintedSpeaker):
    """Prints the question, then speaks it through the output device; cues are short tones."""

    def __init__(
        self,
        out: TextIO,
        *,
        voice: str | None,
        rate: int | None,
        output_device: str | int | None,
        cache_dir: Path,
        beeps: bool = True,
    ) -> None:
        super().__init__(out, beeps=beeps, output_device=output_device)
        self.voice = voice
        self.rate = rate
        self.output_device = output_device
        self.cache_dir = Path(cache_dir)

    def prepare(self, text: str) -> Path:
        """Synthesize ahead of time (e.g. the next question while an answer is recorded)."""
        return synthesize(text, voice=self.voice, rate=self.rate, cache_dir=self.cache_dir)

    def say(self, text: str) -> None:
        from mockint.audio.playback import play

        super().say(text)
        play(self.prepare(text), device=self.output_device)


def make_speaker(
    *,
    enabled: bool,
    voice: str | None = None,
    rate: int | None = None,
    output_device: str | int | None = None,
    cache_dir: Path,
    out: TextIO,
    beeps: bool = True,
) -> Speaker:
    """The interviewer: spoken and printed when `enabled`, printed only otherwise; cues beep
    with `beeps` either way."""
    if not enabled:
        return PrintedSpeaker(out, beeps=beeps, output_device=output_device)
    return VoiceSpeaker(
        out, voice=voice, rate=rate, output_device=output_device, cache_dir=cache_dir, beeps=beeps
    )
