"""Headless Chromium for the HTML report tests (Playwright for Python, Debian's chromium).

`browser_page` gives a fresh page that records console errors, page errors and every request
that is not file: or data:, and saves a full-page screenshot to test-artifacts/ after the test
(for the CI log). Without chromium the tests skip with the fix; in CI (MOCKINT_REQUIRE_DEVICES=1)
they fail instead, so a missing browser never hides the feature.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from helpers.paths import ROOT

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("MOCKINT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1000, "height": 900}


def _unavailable(reason: str) -> None:
    if os.environ.get("MOCKINT_REQUIRE_DEVICES") == "1":
        pytest.fail(f"{reason} (browser tests may not skip with MOCKINT_REQUIRE_DEVICES=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def playwright_driver():
    """One Playwright driver for the whole run: its sync API may be started only once at a time,
    so every Chromium of the tests (the report pages', the web room's) is launched from it."""
    if not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        _unavailable(f"chromium not found at {CHROMIUM} — run scripts/setup.sh (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(
            "the Python package playwright is missing — run scripts/setup.sh (pip install -e '.[test]')"
        )
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser_context(playwright_driver, tmp_path_factory):
    """One Chromium for the test run, with a fresh user-data dir."""
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=CHROMIUM,
        headless=True,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
    )
    try:
        yield context
    finally:
        context.close()


@dataclass
class BrowserPage:
    page: object  # playwright.sync_api.Page
    errors: list[str] = field(default_factory=list)  # console errors and uncaught exceptions
    requests: list[str] = field(default_factory=list)  # URLs other than file: and data:

    def open(self, path: Path) -> None:
        self.page.goto(Path(path).resolve().as_uri())
        self.page.wait_for_load_state("load")


@pytest.fixture
def browser_page(browser_context, request):
    page = browser_context.new_page()
    seen = BrowserPage(page)
    page.on(
        "console", lambda m: seen.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None
    )
    page.on("pageerror", lambda e: seen.errors.append(f"page error: {e}"))
    page.on(
        "request", lambda r: None if r.url.startswith(("file:", "data:")) else seen.requests.append(r.url)
    )
    try:
        yield seen
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::", 1)[-1])
        if page.url.startswith("file:"):
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        page.close()
