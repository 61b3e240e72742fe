"""Property (issue 15): on a hostile recordings folder — links, FIFOs, devices, huge sparse files,
odd WAV headers, lone surrogates, deep nesting, huge integers — every read command finishes
under a timeout, writes nothing outside the recordings folder (a sentinel folder keeps its
bytes), prints no traceback and exits 0, 1 or 2 with `mockint: …` lines only."""

from __future__ import annotations

import io
import json
import os
import signal
import tempfile
from pathlib import Path

import pytest
from helpers.hostile import crashed_session, one_line, snapshot, speech_wav, wav_with_rate
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mockint.cli import main
from mockint.config import Environment

pytestmark = pytest.mark.slow
COMMAND_TIMEOUT_S = 20
READ_COMMANDS = (
    ("sessions",),
    ("sessions", "--json"),
    ("show", "last"),
    ("show", "last", "--json"),
    ("stats",),
    ("stats", "--json"),
    ("report", "last", "-o", "{out}/page.html"),
    ("report", "--progress", "-o", "{out}/progress.html"),
)


def _take_damage(take: Path, sentinel: Path, kind: str, rate: int) -> None:
    take.unlink()
    if kind == "link to a WAV outside":
        take.symlink_to(sentinel / "precious.wav")
    elif kind == "link to /dev/zero":
        take.symlink_to("/dev/zero")
    elif kind == "hard link outside":
        os.link(sentinel / "precious.wav", take)
    elif kind == "fifo":
        os.mkfifo(take)
    elif kind == "folder":
        take.mkdir()
    elif kind == "huge sparse":
        with open(take, "wb") as f:
            f.write(speech_wav(16)[:44])
            f.truncate(3 * 1024**3)  # 3 GB of "audio", no disk used
    elif kind == "odd rate":
        take.write_bytes(wav_with_rate(rate))
    elif kind == "empty":
        take.write_bytes(b"")
    elif kind == "not audio":
        take.write_bytes(b"RIFF\xff\xff\xff\xffWAVEjunk" * 4)


def _manifest_damage(manifest: Path, kind: str) -> None:
    doc = json.loads(manifest.read_text())
    if kind == "surrogate":
        text = manifest.read_text().replace('"company": "amazon"', '"company": "\\ud800"')
        manifest.write_text(text)
    elif kind == "deep nesting":
        manifest.write_text(manifest.read_text()[:-1] + ', "x": ' + "[" * 5000 + "]" * 5000 + "}")
    elif kind == "huge integer":
        manifest.write_text(manifest.read_text()[:-1] + ', "seed2": ' + "7" * 5000 + "}")
    elif kind == "fifo":
        manifest.unlink()
        os.mkfifo(manifest)
    elif kind == "link to /dev/zero":
        manifest.unlink()
        manifest.symlink_to("/dev/zero")
    elif kind == "huge sparse":
        with open(manifest, "r+b") as f:
            f.truncate(2 * 1024**3)  # 2 GB of NULs after the JSON: never read whole
    elif kind == "finished":  # not cut off: readers check the audio instead of repairing it
        doc["questions"][0]["takes"][0]["stopped_by"] = "end_of_audio"
        manifest.write_text(json.dumps(doc))


TAKES = st.sampled_from(
    [
        "intact",
        "link to a WAV outside",
        "link to /dev/zero",
        "hard link outside",
        "fifo",
        "folder",
        "huge sparse",
        "odd rate",
        "empty",
        "not audio",
    ]
)
MANIFESTS = st.sampled_from(
    [
        "intact",
        "finished",
        "surrogate",
        "deep nesting",
        "huge integer",
        "fifo",
        "link to /dev/zero",
        "huge sparse",
    ]
)
RATES = st.sampled_from([0, 1, 38, 8000, 192_000, 192_001, 256_000, 1_000_000, 2**31 - 1])
STORIES = st.sampled_from(["none", "fifo", "surrogate", "/dev/zero", "deep"])


def _stories(rec: Path, kind: str) -> None:
    path = rec / "stories.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "surrogate":
        path.write_text('stories:\n- id: a\n  title: "\\ud800"\n')
    elif kind == "/dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "deep":
        path.write_text("stories: " + "[" * 5000 + "]" * 5000 + "\n")


class _Hang(Exception):
    pass


def _run(args, rec: Path, cwd: Path):
    out, err = io.StringIO(), io.StringIO()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
    environ.update(MOCKINT_RECORDINGS=str(rec), MOCKINT_CACHE=str(cwd / "cache"))
    env = Environment(stdin=io.StringIO(""), stdout=out, stderr=err, environ=environ, cwd=cwd)

    def hang(signum, frame):
        raise _Hang(" ".join(args))

    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(COMMAND_TIMEOUT_S)
    try:
        code = main(list(args), env)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return int(code), err.getvalue()


@settings(
    max_examples=int(os.environ.get("MOCKINT_FUZZ_EXAMPLES", "12")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    takes=st.lists(st.tuples(TAKES, RATES), min_size=1, max_size=3),
    manifest=MANIFESTS,
    stories=STORIES,
    linked_folder=st.booleans(),
)
def test_read_commands_survive_a_hostile_recordings_folder(takes, manifest, stories, linked_folder):
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        sentinel, rec, out = tmp / "outside", tmp / "recordings", tmp / "pages"
        sentinel.mkdir()
        out.mkdir()
        (sentinel / "precious.wav").write_bytes(speech_wav()[:40] + b"\x10\x00\x00\x00" + speech_wav()[44:])
        for day, (kind, rate) in enumerate(takes, start=10):
            where = sentinel if linked_folder and day == 10 else rec
            session_id, take = crashed_session(where, day=day)
            if where is sentinel:  # a session folder that is a link to one elsewhere
                rec.mkdir(exist_ok=True)
                (rec / session_id).symlink_to(sentinel / session_id)
            if kind != "intact":
                _take_damage(take, sentinel, kind, rate)
        _manifest_damage(rec / session_id / "session.json", manifest)
        _stories(rec, stories)
        before = snapshot(sentinel)
        for command in READ_COMMANDS:
            args = [a.format(out=out) for a in command]
            code, err = _run(args, rec, tmp)
            assert code in (0, 1, 2), (args, code, err)
            assert one_line(err), (args, err)
            assert snapshot(sentinel) == before, args
