"""Shared fixtures: run the CLI in-process with captured streams."""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from helpers.browser import browser_context, browser_page, playwright_driver  # noqa: F401  (headless Chromium, tests/helpers/browser.py)
from helpers.paths import FIXTURES, ROOT  # noqa: F401  (fixtures below use them)
from helpers.sound import pulse  # noqa: F401  (private PulseAudio server, tests/helpers/sound.py)
from hypothesis import HealthCheck, settings

from mockint.cli import main
from mockint.config import Environment

# Hypothesis budgets: each property keeps its own max_examples; the profiles say how runs differ.
# "dev" (the default) explores new cases on every run; "ci" (CI=true) is derandomized, so a CI run
# is repeatable, and prints the blob that replays a failure.
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "ci", deadline=None, derandomize=True, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))


def pytest_collection_modifyitems(items):
    """With pytest-xdist (scripts/test.sh runs two workers): the tests on the virtual
    sound card or in Chromium run in one worker, one after another in file order, while the other
    workers take the rest — they wait on real-time audio, so beside them the CPU is mostly free."""
    for item in items:
        if item.get_closest_marker("device") or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("devices"))


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def run_cli(tmp_path):
    """Run `mockint ARGS` in-process; recordings default to a temporary folder."""

    def run(*args: str, stdin: str = "", environ: dict | None = None, cwd: Path | None = None) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        base = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
        base.setdefault("MOCKINT_RECORDINGS", str(tmp_path / "recordings"))
        base["MOCKINT_CACHE"] = str(tmp_path / "cache")
        base.update(environ or {})
        env = Environment(stdin=io.StringIO(stdin), stdout=out, stderr=err, environ=base, cwd=cwd or tmp_path)
        code = main(list(args), env)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return run
