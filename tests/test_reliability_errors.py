"""One line instead of a traceback or a crash (issue 15, cases 2, 3, 5, 6, 9): odd sample rates,
huge integers, deep nesting, unwritable places, a session being recorded, a full stdout."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import subprocess
import sys

import pytest
from helpers.hostile import crashed_session, one_line, speech_wav, wav_with_rate

from mockint import safeio
from mockint.audio.files import MAX_RATE_HZ, read_16k_mono
from mockint.errors import MockintError, UsageError
from mockint.store import Store


@pytest.mark.parametrize("rate", [256_000, 384_000, 1_000_000])
def test_report_refuses_a_take_declaring_a_huge_rate_instead_of_crashing(tmp_path, rate):
    rec = tmp_path / "rec"
    session_id, take = crashed_session(rec, audio=wav_with_rate(rate))
    proc = subprocess.run(  # a segfault would kill the test process itself: run the real program
        [sys.executable, "-m", "mockint", "report", session_id, "--recordings", str(rec), "-o", "p.html"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "p.html").stat().st_size > 0
    with pytest.raises(UsageError, match=f"{rate} Hz"):
        read_16k_mono(take)


def test_the_rate_limit_is_below_what_crashes_the_encoder():
    assert MAX_RATE_HZ <= 192_000


def test_report_failing_keeps_the_earlier_page(tmp_path, run_cli, monkeypatch):
    rec = tmp_path / "rec"
    session_id, _ = crashed_session(rec)
    page = tmp_path / "page.html"
    page.write_text("<p>a good page</p>")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    result = run_cli("report", session_id, "--recordings", str(rec), "-o", str(page))
    assert result.code == 1 and one_line(result.err)
    assert page.read_text() == "<p>a good page</p>"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".page")] == []


HUGE_INT = "9" * 5000
DEEP = "[" * 5000 + "]" * 5000


@pytest.mark.parametrize("value", [HUGE_INT, DEEP], ids=["5000 digits", "5000 deep"])
def test_huge_integers_and_deep_nesting_are_one_line(tmp_path, run_cli, value):
    stories = tmp_path / "stories.yaml"
    stories.write_text(f"stories:\n- id: a\n  title: b\n  tags: {value}\n")
    result = run_cli("stories", "list", environ={"MOCKINT_STORIES": str(stories)})
    assert result.code == 2 and one_line(result.err), result.err
    bank = tmp_path / "bank"
    bank.mkdir()
    (bank / "x.yaml").write_text(f"profile: {value}\n")
    result = run_cli("bank", "check", "--bank", str(bank))
    assert result.code == 2 and one_line(result.err), result.err
    rec = tmp_path / "rec"
    session_id, _ = crashed_session(rec)
    (rec / session_id / "session.json").write_text(f'{{"schema_version": {value}}}')
    result = run_cli("show", session_id, "--recordings", str(rec))
    assert result.code == 1 and one_line(result.err), result.err


def test_practice_with_a_file_as_recordings_fails_before_the_model_loads(tmp_path, run_cli, monkeypatch):
    import mockint.speech

    def no_model(*args, **kwargs):
        raise AssertionError("the model was loaded")

    monkeypatch.setattr(mockint.speech, "load_transcriber", no_model)
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for rec in (not_a_folder, not_a_folder / "sub"):
        result = run_cli("practice", "--demo", "--no-voice", "--recordings", str(rec))
        assert result.code == 2 and one_line(result.err), result.err
        assert "--recordings" in result.err


def test_stories_add_to_an_unwritable_place_is_one_line(tmp_path, run_cli):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = run_cli(
        "stories", "add", "--title", "x", environ={"MOCKINT_STORIES": str(not_a_folder / "s.yaml")}
    )
    assert result.code == 1 and one_line(result.err), result.err


def test_a_read_only_save_does_not_say_free_disk_space(tmp_path, monkeypatch):
    rec = tmp_path / "rec"
    session_id, _ = crashed_session(rec)
    store = Store(rec)
    doc = store.load(session_id)
    real_open = os.open

    def read_only(path, flags, *args):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, "Read-only file system")
        return real_open(path, flags, *args)

    monkeypatch.setattr(os, "open", read_only)
    with pytest.raises(MockintError) as caught:
        store.add_transcript(session_id, doc["questions"][0]["id"], 0, {"text": ""})
    assert "disk space" not in caught.value.message and "writable" in caught.value.message


@contextlib.contextmanager
def _read_only(folder):
    """`folder` unwritable: a mode for users, a read-only bind mount for root (which ignores modes)."""
    if os.geteuid() != 0:
        os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
        try:
            yield
        finally:
            os.chmod(folder, 0o700)
        return
    subprocess.run(["mount", "--bind", str(folder), str(folder)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], check=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_transcribe_session_in_a_read_only_folder_is_one_line(tmp_path, run_cli):
    rec = tmp_path / "rec"
    session_id, _ = crashed_session(rec)
    run_cli("sessions", "--recordings", str(rec))
    with _read_only(rec / session_id):
        result = run_cli("transcribe", "--session", session_id, "--recordings", str(rec))
    assert result.code == 1 and one_line(result.err) and "disk space" not in result.err


def test_transcribe_session_refuses_while_practice_records_it(tmp_path, run_cli):
    rec = tmp_path / "rec"
    writer = Store(rec).create("amazon", seed=1)  # holds the session lock, like a running practice
    try:
        result = run_cli("transcribe", "--session", writer.id, "--recordings", str(rec))
    finally:
        writer.interrupted()
    assert result.code == 2 and one_line(result.err)
    assert "being recorded" in result.err


@pytest.mark.parametrize("command", [["sessions"], ["bank", "list"], ["stats"]])
def test_stdout_to_dev_full_is_one_line(tmp_path, command):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "mockint", *command, "--recordings", str(tmp_path)],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
        )
    assert proc.returncode == 1 and one_line(proc.stderr), proc.stderr
    assert "No space left" in proc.stderr


def test_story_ids_are_ascii(tmp_path, run_cli):
    stories = tmp_path / "stories.yaml"
    result = run_cli("stories", "add", "--title", "Café outage", environ={"MOCKINT_STORIES": str(stories)})
    assert result.code == 0, result.err
    assert "added story 'cafe-outage'" in result.out


def test_stories_add_keeps_a_symlinked_stories_file_a_link(tmp_path, run_cli):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "stories.yaml").write_text("stories: []\n")
    link = tmp_path / "stories.yaml"
    link.symlink_to(notes / "stories.yaml")
    result = run_cli("stories", "add", "--title", "Outage", environ={"MOCKINT_STORIES": str(link)})
    assert result.code == 0, result.err
    assert link.is_symlink() and "outage" in (notes / "stories.yaml").read_text()


def test_folders_made_outside_a_session_are_private_under_umask_0(tmp_path, run_cli):
    old = os.umask(0)
    try:
        session_id, _ = crashed_session(tmp_path / "deep" / "rec")
        page = tmp_path / "pages" / "sub" / "p.html"
        assert (
            run_cli(
                "report", session_id, "--recordings", str(tmp_path / "deep" / "rec"), "-o", str(page)
            ).code
            == 0
        )
    finally:
        os.umask(old)
    for folder in (tmp_path / "deep", tmp_path / "deep" / "rec", tmp_path / "pages", page.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(page.stat().st_mode) == 0o600


def test_bad_text_walks_deep_documents_without_recursion():
    doc: list = []
    node = doc
    for _ in range(100_000):
        node.append([])
        node = node[0]
    node.append("\ud800")
    assert safeio.bad_text(doc).endswith("[0]")
    assert safeio.bad_text({"a": ["ok", {"b": "fine"}]}) is None
    assert json.dumps(safeio.bad_text({"k\ud800": 1}))


def test_answers_from_a_long_file_reads_block_by_block(tmp_path):
    import tracemalloc

    from mockint.audio.answer_files import FileRecorder
    from mockint.audio.takewriter import wav_header

    long_file = tmp_path / "two-hours.wav"
    data_bytes = 2 * 3600 * 16_000 * 2
    with open(long_file, "wb") as f:  # sparse silence: 230 MB that use no disk
        f.write(wav_header(data_bytes))
        f.truncate(44 + data_bytes)
    tracemalloc.start()
    try:
        recording = FileRecorder([long_file]).record(tmp_path / "take.wav", limit_s=5.0, target_s=3.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert recording.duration_s == 5.0
    assert peak < 20e6  # reading it whole would take ~460 MB of float32


def test_report_links_a_take_too_big_to_embed(tmp_path, monkeypatch):
    from mockint.render import page_audio

    monkeypatch.setattr(page_audio, "EMBED_MAX_BYTES", 1000)
    _, take = crashed_session(tmp_path / "rec")
    assert page_audio.embed_audio(take) == take.resolve().as_uri()


def test_a_truncated_cached_voice_file_is_made_again(tmp_path, monkeypatch):
    from mockint.audio import voice

    made = []

    def fake_child(text, voice_name, rate, path):
        made.append(text)
        path.write_bytes(speech_wav(8000))

    monkeypatch.setattr(voice, "_run_child", fake_child)
    old = os.umask(0)
    try:
        path = voice.synthesize("Why Amazon?", voice=None, rate=None, cache_dir=tmp_path / "cache")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert voice.synthesize("Why Amazon?", voice=None, rate=None, cache_dir=tmp_path / "cache") == path
    assert len(made) == 1  # whole: reused
    path.write_bytes(path.read_bytes()[:1000])  # cut short (a full disk, a crash while copying)
    voice.synthesize("Why Amazon?", voice=None, rate=None, cache_dir=tmp_path / "cache")
    assert len(made) == 2 and path.stat().st_size == len(speech_wav(8000))


def test_bank_check_caps_question_length(tmp_path, run_cli):
    from helpers.paths import ROOT

    from mockint.bank import MAX_QUESTION_CHARS

    bank = tmp_path / "bank"
    bank.mkdir()
    text = (ROOT / "question_bank" / "amazon.yaml").read_text()
    (bank / "amazon.yaml").write_text(text.replace("text: ", f"text: {'x' * 20_000} # ", 1))
    result = run_cli("bank", "check", "--bank", str(bank))
    assert result.code == 2 and one_line(result.err), result.err
    assert "questions[0].text: 20000 characters" in result.err and str(MAX_QUESTION_CHARS) in result.err


def test_sessions_names_a_take_whose_rate_no_reader_accepts(tmp_path, run_cli):
    rec = tmp_path / "rec"
    session_id, take = crashed_session(rec, audio=wav_with_rate(384_000))
    run_cli("sessions", "--recordings", str(rec))  # repairs it: now a finished take
    (row,) = json.loads(run_cli("sessions", "--json", "--recordings", str(rec)).out)
    assert row["damaged_audio"] == f"{take} declares a sample rate of 384000 Hz"
