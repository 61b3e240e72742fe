"""`pip install .` ships what the program needs: run from another folder, it finds its bank."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pytest
from helpers.paths import ROOT


@pytest.mark.slow
def test_installed_package_finds_its_bank_from_another_folder(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("mockint-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert {"mockint/question_bank/amazon.yaml", "mockint/question_bank/jpmc.yaml"} <= set(names)
    # the learned parts of the review ship their weights (without them the rules work alone)
    assert {"mockint/review/phrase_model.npz", "mockint/review/behaviour_probe.npz"} <= set(names)

    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
    # The installed copy comes first on the path, so the checkout's question_bank is not used.
    env["PYTHONPATH"] = str(site)
    r = subprocess.run(
        [sys.executable, "-m", "mockint", "bank", "check"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert str(site / "mockint" / "question_bank") in r.stdout
    r = subprocess.run(
        [sys.executable, "-m", "mockint", "bank", "list", "--company", "amazon"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0 and "Amazon" in r.stdout
