"""The practice room in real Chromium against a real `mockint serve`: a fake microphone plays a
shipped sample answer (--use-file-for-fake-audio-capture), the page sends it to the server, the
same engine as the terminal reviews it, and the session on disk reads with `mockint show`."""

from __future__ import annotations

import json
import re
import signal
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from helpers.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, VIEWPORT
from helpers.sound import voiced_seconds
from helpers.web_server import mockint, serve

from mockint.bank import load_bank
from mockint.config import bundled_bank_dir

pytestmark = [pytest.mark.browser, pytest.mark.device, pytest.mark.slow]

SAMPLES = Path(str(resources.files("mockint.samples")))
ANSWER = "01-dive-deep-answer"  # 60 s, a STAR answer about failed payments
WORDS_TIMEOUT_MS = 90_000  # live words appear once the decoder has heard a few seconds
REVIEW_TIMEOUT_MS = 60_000


def _wav(name: str, folder: Path) -> Path:
    data, rate = sf.read(str(SAMPLES / f"{name}.ogg"), dtype="int16")
    out = folder / f"{name}.wav"
    sf.write(str(out), data, rate, subtype="PCM_16")
    return out


@pytest.fixture(scope="module")
def chromium(playwright_driver, tmp_path_factory, pulse):
    """Chromium whose microphone is a sample answer, played in a loop, and whose sound output is
    the private PulseAudio's virtual speaker: the page plays the questions on a sound card as on a
    candidate's machine, and the run is the same alone or after the device tests (`pulse` is
    one server for the session)."""
    wav = _wav(ANSWER, tmp_path_factory.mktemp("answer"))
    context = playwright_driver.chromium.launch_persistent_context(
        str(tmp_path_factory.mktemp("chromium-profile")),
        executable_path=CHROMIUM,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-audio-capture={wav}",
            "--autoplay-policy=no-user-gesture-required",
        ],
        viewport=VIEWPORT,
        env=pulse.env,
        ignore_default_args=["--mute-audio"],  # Playwright mutes headless Chromium by default
    )
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def served(tmp_path):
    s = serve(tmp_path, "--engine", "sphinx")
    yield s
    s.stop()


class Watched:
    """A page that records console errors and every request leaving the server."""

    def __init__(self, context, served) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.voice: list[str] = []  # the question audio the page fetched and played
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on(
            "response", lambda r: self.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        prefix = (served.base, f"ws://127.0.0.1:{served.port}", "data:", "blob:")
        self.page.on("request", lambda r: None if r.url.startswith(prefix) else self.foreign.append(r.url))
        self.page.on("request", lambda r: self.voice.append(r.url) if "/api/voice/" in r.url else None)

    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def _until(page, expression: str, timeout_ms: float = 30_000) -> None:
    """Poll a JS expression with page.evaluate (the page's CSP forbids wait_for_function's eval)."""
    end = time.monotonic() + timeout_ms / 1000
    while not page.evaluate(expression):
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for: {expression}")
        time.sleep(0.1)


def _open(context, served) -> Watched:
    w = Watched(context, served)
    w.page.goto(served.url)
    _until(w.page, "document.documentElement.dataset.ready === '1'")
    assert w.page.url == served.base + "/"  # the key left the address bar
    return w


def _start_by_keyboard(w: Watched, count: int = 1, limit: str = "") -> None:
    p = w.page
    p.focus("#drill")
    p.keyboard.press("Tab")  # Questions
    p.keyboard.type(str(count))
    if limit:
        p.keyboard.press("Tab")
        p.keyboard.type(limit)
    p.focus("#start")
    p.keyboard.press("Enter")


def _answer(w: Watched, min_words: int, key: str = "Space", shot: str | None = None) -> str:
    """Wait for the recording, then for `min_words` live words, then end it with `key`."""
    p = w.page
    p.wait_for_selector("#record:not([disabled])", timeout=REVIEW_TIMEOUT_MS)
    _until(
        p,
        f"document.getElementById('words').textContent.trim().split(/\\s+/).length >= {min_words}",
        timeout_ms=WORDS_TIMEOUT_MS,
    )
    words = p.text_content("#words")
    if shot:
        w.shot(shot)
    p.keyboard.press(key)
    return words


def window_matches(
    take: np.ndarray, source: np.ndarray, windows: int = 9, seconds: float = 1.0
) -> list[float]:
    """How well each of `windows` one-second stretches spread over the middle 80% of `take`
    matches the looped `source` anywhere (normalized cross-correlation, 1.0 = the same samples):
    the page's capture and downsampling must hand the server the answer itself, not noise or a
    wrong rate. A wrong rate or noise fails every window; a drop or jump in the samples spoils only
    the window it falls in. (One window from the middle matched 0.73 in a CI run; the cause is
    not found: not CPU load, as four busy loops on the 2 cores still gave 0.99 everywhere, and
    that take, the module's first, was too short to reach the fake microphone's loop point.)"""
    n = int(seconds * 16_000)
    hay = np.concatenate([source, source]).astype(np.float64)
    size = 1 << (len(hay) + n).bit_length()
    spectrum = np.fft.rfft(hay, size)
    energy = np.cumsum(np.concatenate([[0.0], hay**2]))
    scores = []
    for start in np.linspace(0.1 * len(take), 0.9 * len(take) - n, windows).astype(int):
        seg = take[start : start + n].astype(np.float64)
        corr = np.fft.irfft(spectrum * np.conj(np.fft.rfft(seg, size)), size)[: len(hay) - n]
        norms = np.sqrt(energy[n : n + len(corr)] - energy[: len(corr)]) * np.linalg.norm(seg)
        scores.append(round(float(np.max(corr / np.maximum(norms, 1e-9))), 3))
    return scores


def _wait_done(w: Watched, served) -> None:
    """Wait for the session's end; if it does not come, say what the page and the server showed."""
    try:
        w.page.wait_for_selector("#session-link", timeout=REVIEW_TIMEOUT_MS)
    except Exception as exc:  # playwright's TimeoutError: explain it
        log = (served.recordings.parent / "serve.log").read_text()[-3000:]
        raise AssertionError(
            f"the session did not end: status {w.page.text_content('#status')!r}, "
            f"notices {w.page.text_content('#notices')!r}, page errors {w.errors}, server log:\n{log}"
        ) from exc


def _manifest(served, session_id: str) -> dict:
    return json.loads((served.recordings / session_id / "session.json").read_text())


def test_a_whole_question_answered_in_the_page_by_keyboard(chromium, served, pulse):
    listener = pulse.hear_speaker()  # the page plays the question on the (virtual) sound card
    w = _open(chromium, served)
    w.shot("1-practice")
    _start_by_keyboard(w, count=1)
    p = w.page
    _until(p, "document.getElementById('question').textContent.length > 10")
    question = p.text_content("#question")
    live = _answer(w, min_words=40, shot="2-recording")
    spoken = listener.stop()
    assert voiced_seconds(spoken) > 2.0  # the interviewer's question was heard
    assert re.search(r"[a-z]{3,}", live)
    p.wait_for_selector(".live-review .take", timeout=REVIEW_TIMEOUT_MS)
    w.shot("3-review")
    assert "score" in p.text_content(".live-review").lower()
    first = p.inner_html(".live-review")
    assert "<audio" in first and 'src="/api/sessions/' in first  # replay through the session API
    # The follow-up (Amazon asks one) is shown, then answered the same way.
    _until(p, "document.getElementById('notices').textContent.includes('Follow-up')")
    _answer(w, min_words=12, key="Enter")
    _wait_done(w, served)
    w.shot("4-done")
    assert p.locator(".live-review").count() == 2
    session_id = p.get_attribute("#session-link", "href").rsplit("/", 1)[-1]

    shown = mockint(["show", session_id, "--json"], served.recordings, served.cache)
    assert shown.returncode == 0, shown.stderr
    doc = json.loads(shown.stdout)
    assert doc["complete"] is True
    (q,) = doc["questions"]
    assert q["text"] == question
    answer, follow = q["takes"]
    assert answer["kind"] == "answer" and follow["kind"] == "follow_up"
    assert answer["stopped_by"] == "enter" and answer["duration_s"] > 3
    assert answer["transcript"]["words"] and answer["review"]["score"] is not None
    info = sf.info(str(served.recordings / session_id / answer["audio"]))
    assert (info.samplerate, info.channels, info.subtype) == (16_000, 1, "PCM_16")
    assert abs(info.duration - answer["duration_s"]) < 0.05
    recorded, _ = sf.read(str(served.recordings / session_id / answer["audio"]), dtype="float32")
    source, _ = sf.read(str(SAMPLES / f"{ANSWER}.ogg"), dtype="float32")
    matches = window_matches(recorded, source)
    assert sum(m > 0.9 for m in matches) >= 6, matches  # two windows in three are the answer itself

    # The session page (the report, audio through the API) plays the take.
    p.click("#session-link")
    p.wait_for_selector("audio")
    _until(p, "[...document.querySelectorAll('audio')].every(a => a.readyState >= 1)")
    assert p.evaluate("document.querySelector('audio').duration") == pytest.approx(
        answer["duration_s"], abs=0.1
    )
    w.shot("5-session")
    assert len(w.voice) >= 2  # the question and the follow-up were spoken by the page
    assert not w.errors, w.errors
    assert not w.foreign, w.foreign


def test_closing_the_tab_mid_answer_keeps_the_take_and_two_tabs_are_two_sessions(chromium, served):
    tabs = [_open(chromium, served) for _ in range(2)]
    for w in tabs:
        _start_by_keyboard(w, count=1)
    for w in tabs:
        w.page.wait_for_selector("#record:not([disabled])", timeout=REVIEW_TIMEOUT_MS)
    for w in tabs:  # both decode at once: each session has its own speech model
        _until(w.page, "document.getElementById('words').textContent.trim().length > 0", WORDS_TIMEOUT_MS)
    for w in tabs:
        w.page.close()
    ids: list[str] = []
    end = time.monotonic() + 20
    while time.monotonic() < end:
        ids = sorted(p.name for p in served.recordings.iterdir() if (p / "session.json").is_file())
        docs = [_manifest(served, i) for i in ids]
        if len(ids) == 2 and all(d["ended_by"] == "interrupt" for d in docs):
            break
        time.sleep(0.2)
    assert len(ids) == 2
    for session_id in ids:
        doc = _manifest(served, session_id)
        assert doc["ended_by"] == "interrupt" and doc["complete"] is False
        (take,) = doc["questions"][0]["takes"]
        assert take["stopped_by"] == "interrupt"
        info = sf.info(str(served.recordings / session_id / take["audio"]))
        assert info.duration > 1.5  # the audio up to the close is on disk, in a whole WAV
        shown = mockint(["show", session_id, "--json"], served.recordings, served.cache)
        assert shown.returncode == 0, shown.stderr

    # Continued from the sessions page: the same session, the cut take reviewed, the question again.
    w = Watched(chromium, served)
    p = w.page
    p.goto(served.base + "/sessions")
    p.focus(f"a[href='/?continue={ids[0]}']")
    p.keyboard.press("Enter")
    p.wait_for_url(f"**/?continue={ids[0]}")
    _until(p, "document.documentElement.dataset.ready === '1'")
    assert "the same session" in p.text_content("#continuing")
    for box in ("#follow_ups", "#voice"):  # no follow-up, the question shown only: a shorter test
        p.focus(box)
        p.keyboard.press("Space")
    p.focus("#start")
    p.keyboard.press("Enter")
    p.wait_for_selector(".live-review.earlier .take", timeout=REVIEW_TIMEOUT_MS)  # the cut take
    _answer(w, min_words=12)  # long enough to be judged: a few words may be "not heard"
    _wait_done(w, served)
    w.shot("9-resumed")
    assert p.get_attribute("#session-link", "href") == f"/sessions/{ids[0]}"
    assert sorted(p.name for p in served.recordings.iterdir() if p.is_dir()) == ids  # no new session
    doc = json.loads(mockint(["show", ids[0], "--json"], served.recordings, served.cache).stdout)
    assert doc["complete"] is True and doc["ended_by"] == "done" and len(doc["resumed"]) == 1
    (q,) = doc["questions"]
    cut, again = q["takes"]
    assert cut["stopped_by"] == "interrupt" and cut["review"] and cut["transcript"]["words"]
    assert again["stopped_by"] == "enter" and again["review"]["score"] is not None
    assert not w.errors, w.errors


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_stopping_the_server_mid_answer_finalizes_the_open_take(chromium, served, sig):
    w = _open(chromium, served)
    _start_by_keyboard(w, count=1)
    w.page.wait_for_selector("#record:not([disabled])", timeout=REVIEW_TIMEOUT_MS)
    time.sleep(3)
    assert served.stop(sig) == 0
    (session_id,) = [p.name for p in served.recordings.iterdir() if p.is_dir()]
    doc = _manifest(served, session_id)
    assert doc["ended_by"] == "interrupt"
    (take,) = doc["questions"][0]["takes"]
    assert take["stopped_by"] == "interrupt" and take["duration_s"] > 1.5
    assert sf.info(str(served.recordings / session_id / take["audio"])).duration == pytest.approx(
        take["duration_s"], abs=0.05
    )
    _until(w.page, "document.getElementById('status').textContent.includes('saved')")
    w.page.close()


def test_retake_skip_and_quit_from_the_keyboard(chromium, served):
    w = _open(chromium, served)
    p = w.page
    p.focus("#drill")
    p.keyboard.press("Tab")
    p.keyboard.type("2")
    p.focus("#follow_ups")
    p.keyboard.press("Space")  # no follow-ups
    assert not p.is_checked("#follow_ups")
    p.focus("#start")
    p.keyboard.press("Enter")
    for key in ("r", "s", "q"):
        p.wait_for_selector("#record:not([disabled])", timeout=REVIEW_TIMEOUT_MS)
        time.sleep(2)
        p.keyboard.press(key)
        p.wait_for_selector("#record[disabled]")
    _wait_done(w, served)
    w.shot("6-keys")
    assert "Retake" in p.text_content("#notices")
    session_id = p.get_attribute("#session-link", "href").rsplit("/", 1)[-1]
    doc = json.loads(mockint(["show", session_id, "--json"], served.recordings, served.cache).stdout)
    first, second = doc["questions"]
    assert [t["stopped_by"] for t in first["takes"]] == ["retake", "skip"]
    assert first["skipped"] is True
    assert [t["stopped_by"] for t in second["takes"]] == ["quit"]
    assert doc["ended_by"] == "quit"
    assert not w.errors, w.errors


def test_story_bank_add_draft_review_bank_and_mic_check_in_the_page(chromium, served):
    w = _open(chromium, served)
    p = w.page
    p.goto(served.base + "/stories")
    p.focus("input[name=title]")
    p.keyboard.type("Checkout outage <b>fixed</b>")
    p.fill("textarea[name=result]", "failed payments from 5% to 0.5%")
    p.fill("input[name=principles]", "ownership, dive-deep")
    p.focus("input[name=title]")
    p.keyboard.press("Enter")
    p.wait_for_selector("table.list")
    assert "Checkout outage <b>fixed</b>" in p.text_content("table.list")  # shown as text, not markup
    w.shot("7-stories")
    listed = json.loads(mockint(["stories", "list", "--json"], served.recordings, served.cache).stdout)
    assert [s["principles"] for s in listed] == [["ownership", "dive-deep"]]
    p.focus("a[href$='/edit']")
    p.keyboard.press("Enter")
    p.wait_for_selector("h1:has-text('Edit story')")
    assert p.input_value("input[name=principles]") == "ownership, dive-deep"
    p.fill("textarea[name=result]", "failed payments from 5% to 0.4%")
    p.click("button[type=submit]")
    p.wait_for_selector("table.list")
    listed = json.loads(mockint(["stories", "list", "--json"], served.recordings, served.cache).stdout)
    assert [(s["id"], s["result"]) for s in listed] == [
        ("checkout-outage-b-fixed-b", "failed payments from 5% to 0.4%")
    ]

    # Drill the story: the practice page opens with it chosen; its questions are asked.
    p.focus("a[aria-label='Drill Checkout outage <b>fixed</b>']")
    p.keyboard.press("Enter")
    p.wait_for_url("**/?drill=checkout-outage-b-fixed-b")
    _until(p, "document.documentElement.dataset.ready === '1'")
    assert "Checkout outage <b>fixed</b>" in p.text_content("#drilling")
    assert p.input_value("#drill") == "checkout-outage-b-fixed-b"
    p.focus("#count")
    p.keyboard.type("1")
    p.uncheck("#voice")
    p.focus("#start")
    p.keyboard.press("Enter")
    _until(p, "document.getElementById('question').dataset.id !== undefined")
    question = load_bank(bundled_bank_dir()).question(
        p.evaluate("document.getElementById('question').dataset.id")
    )
    assert {"ownership", "dive-deep"} & set(question.principles)
    (drilled,) = [d for d in served.recordings.iterdir() if d.is_dir()]
    assert _manifest(served, drilled.name)["options"]["drill"] == "checkout-outage-b-fixed-b"

    # Remove it, after a confirm, by keyboard.
    p.goto(served.base + "/stories")
    p.focus("a[aria-label='Remove Checkout outage <b>fixed</b>']")
    p.keyboard.press("Enter")
    p.wait_for_selector("h1:has-text('Remove story')")
    w.shot("10-remove-story")
    p.focus("#remove")
    p.keyboard.press("Enter")
    p.wait_for_selector("text=No stories yet")
    assert "Story checkout-outage-b-fixed-b removed." in p.text_content("[role=status]")
    listed = json.loads(mockint(["stories", "list", "--json"], served.recordings, served.cache).stdout)
    assert listed == []
    p.fill("input[name=title]", "Another")
    p.fill("input[name=principles]", "no-such-principle")
    p.click("button[type=submit]")
    assert "unknown principle 'no-such-principle'" in p.text_content("[role=alert]")

    for path, title in (("/sessions", "Sessions"), ("/progress", "Progress")):
        p.goto(served.base + path)
        assert title in p.text_content("h1")

    _review_a_draft_and_open_the_bank(w)

    p.goto(served.base + "/check")
    p.focus("#check-start")
    p.keyboard.press("Enter")
    _until(p, "document.getElementById('check-level').value > -60", 10_000)
    w.shot("8-check")
    assert not [e for e in w.errors if "400" not in e], w.errors  # the refused story is a 400


def _review_a_draft_and_open_the_bank(w: Watched) -> None:
    """A typed draft reviewed from the keyboard (the same engine as `mockint review --text`), then
    the question bank and its "practise this principle" link. Part of the test above, whose
    server is warm: a test of its own would pay a server start and a model preload (~8 s here)."""
    p = w.page
    p.focus("nav a[href='/review']")
    p.keyboard.press("Enter")
    p.wait_for_selector("h1:has-text('Review a draft')")
    p.focus("#company")
    p.keyboard.type("Meta")  # a closed select picks by typing
    p.keyboard.press("Tab")  # Bank question: none, so the own question is used
    p.keyboard.press("Tab")
    p.keyboard.type("Tell me about a <b>hard</b> bug.")
    p.keyboard.press("Tab")
    p.keyboard.insert_text(  # as typed or pasted (one input event, not 170 key presses)
        "At my last job our deploys took three hours. I had to speed them up. I profiled the "
        "pipeline and cached the dependencies. As a result deploys now take 20 minutes, 89% faster."
    )
    p.keyboard.press("Tab")
    assert p.evaluate("document.activeElement.id") == "review"
    p.keyboard.press("Enter")
    p.wait_for_selector("#result")
    assert p.evaluate("document.activeElement.id") == "result-title"  # a screen reader lands on it
    score = p.get_attribute("#result", "data-score")
    assert p.text_content("#result .score") == score and int(score) > 0
    assert "Tell me about a <b>hard</b> bug." in p.text_content("#result .question")
    assert p.input_value("#company") == "meta" and "89% faster" in p.input_value("#text")  # kept
    w.shot("11-review-draft")

    p.focus("nav a[href='/bank']")
    p.keyboard.press("Enter")
    p.wait_for_selector("h1:has-text('Question bank')")
    p.screenshot(path=str(ARTIFACTS / "web-12-bank.png"))  # the top: the whole bank is a long page
    link = "a[href^='/?company=meta&principle=']"
    chosen = p.get_attribute(link, "href").rsplit("=", 1)[1]
    p.focus(link)
    p.keyboard.press("Enter")
    p.wait_for_url(f"**/?company=meta&principle={chosen}")
    _until(p, "document.documentElement.dataset.ready === '1'")
    assert p.input_value("#company") == "meta" and p.input_value("#principle") == chosen
    assert not w.foreign, w.foreign
