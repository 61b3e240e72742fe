"""Transcription of arbitrary bytes: a transcript or a clean error, never a crash or a hang.

Random bytes, real WAV files cut at every length, and WAV headers declaring anything (huge
sizes, zero or absurd rates, channels and sample widths, unknown formats). In-process with one
loaded model (fast, hundreds of cases, each under an alarm), and a table of the nastiest files
through the real `mockint transcribe` in a subprocess with a timeout (a hang in native code).
"""

from __future__ import annotations

import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockint.errors import MockintError
from mockint.speech import load_transcriber

CLIP = Path(__file__).resolve().parent / "data" / "rec_forever_16k.wav"
CASE_TIMEOUT_S = 20  # one case (decoding at most a few seconds of audio) takes well under a second
REAL = CLIP.read_bytes()[: 44 + 16_000 * 2]  # the clip's first second


@pytest.fixture(scope="module")
def transcriber():
    return load_transcriber("sphinx")


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang(f"no answer within {CASE_TIMEOUT_S} s")


def _transcribe(transcriber, path: Path) -> None:
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(CASE_TIMEOUT_S)
    try:
        result = transcriber.transcribe(path)
    except MockintError as exc:
        assert exc.message and "\n" not in exc.message and str(path) in exc.message, exc.message
        return
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    assert isinstance(result.text, str)
    assert all(0 <= w.start <= w.end for w in result.words)


def wav_header(
    *,
    fmt: int = 1,
    channels: int = 1,
    rate: int = 16_000,
    bits: int = 16,
    data_bytes: int | None = None,
    riff_bytes: int | None = None,
    body: bytes = b"",
) -> bytes:
    block = max(1, channels * bits // 8)
    data_bytes = len(body) if data_bytes is None else data_bytes
    riff_bytes = 36 + data_bytes if riff_bytes is None else riff_bytes
    return (
        struct.pack(
            "<4sI4s4sIHHIIHH4sI",
            b"RIFF",
            riff_bytes & 0xFFFFFFFF,
            b"WAVE",
            b"fmt ",
            16,
            fmt,
            channels,
            rate,
            (rate * block) & 0xFFFFFFFF,
            block & 0xFFFF,
            bits,
            b"data",
            data_bytes & 0xFFFFFFFF,
        )
        + body
    )


u16 = st.one_of(st.sampled_from([0, 1, 2, 3, 6, 7, 8, 255, 0xFFFE, 0xFFFF]), st.integers(0, 0xFFFF))
u32 = st.one_of(
    st.sampled_from([0, 1, 8_000, 16_000, 44_100, 0x7FFFFFFF, 0xFFFFFFFF]), st.integers(0, 0xFFFFFFFF)
)
headers = st.builds(
    wav_header,
    fmt=u16,
    channels=u16,
    rate=u32,
    bits=u16,
    data_bytes=st.one_of(st.none(), u32),
    riff_bytes=st.one_of(st.none(), u32),
    body=st.one_of(st.binary(max_size=4_000), st.just(REAL[44:])),
)

fuzz = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@fuzz
@given(content=st.binary(max_size=3_000))
def test_arbitrary_bytes(transcriber, tmp_path, content):
    path = tmp_path / "answer.wav"
    path.write_bytes(content)
    _transcribe(transcriber, path)


@fuzz
@given(content=headers)
def test_wav_headers_declaring_anything(transcriber, tmp_path, content):
    path = tmp_path / "answer.wav"
    path.write_bytes(content)
    _transcribe(transcriber, path)


@fuzz
@given(
    cut=st.integers(0, len(REAL)),
    flip=st.lists(st.tuples(st.integers(0, 63), st.integers(0, 255)), max_size=4),
)
def test_a_real_wav_cut_short_or_with_header_bytes_changed(transcriber, tmp_path, cut, flip):
    content = bytearray(REAL[:cut])
    for at, value in flip:
        if at < len(content):
            content[at] = value
    path = tmp_path / "answer.wav"
    path.write_bytes(bytes(content))
    _transcribe(transcriber, path)


NASTY = {
    "empty": b"",
    "riff-only": b"RIFF",
    "header-only": wav_header(),
    "huge-declared-data": wav_header(data_bytes=0xFFFFFFFF, body=REAL[44:4_044]),
    "rate-1": wav_header(rate=1, body=REAL[44:4_044]),
    "alaw-3ch-38hz": wav_header(fmt=6, channels=3, rate=38, bits=8, body=REAL[44:]),  # once 280 s of "audio"
    "rate-4e9": wav_header(rate=0xFFFFFFF0, body=REAL[44:4_044]),
    "1024-channels": wav_header(channels=1024, body=REAL[44:]),
    "float-format-16-bit": wav_header(fmt=3, body=REAL[44:]),
    "text-named-wav": b"I led the migration and cut costs by 30%.\n" * 100,
}


@pytest.mark.slow
@pytest.mark.parametrize("name", NASTY, ids=list(NASTY))
def test_the_command_on_nasty_files_answers_within_a_bound(tmp_path, name):
    path = tmp_path / f"{name}.wav"
    path.write_bytes(NASTY[name])
    started = time.monotonic()
    r = subprocess.run(
        [sys.executable, "-m", "mockint", "transcribe", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - started < 60
    assert "Traceback" not in r.stderr
    if r.returncode:
        lines = r.stderr.strip().splitlines()
        assert r.returncode in (1, 2) and len(lines) == 1 and lines[0].startswith("mockint: error: "), (
            r.stderr
        )
    else:
        assert '"text"' in r.stdout
