"""The Starlette application: pages, the practice WebSocket and the session API.

No request path reaches the file system: static files come from the package's `static`
folder (Starlette's StaticFiles refuses paths that leave it), recordings are found through the
session manifest by (session id, question index, take index), voice files by a key the server
registered itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    JSONResponse,
    PlainTextResponse,
    RedirectResponse,
    Response,
)
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from mockint.errors import DataError, MockintError, UsageError
from mockint.parts import STAR_PARTS
from mockint.web import pages
from mockint.web.guard import Guard
from mockint.web.practice import Practice, Start
from mockint.web.resume import cut_takes, remaining
from mockint.web.room import Room

STATIC = Path(__file__).resolve().parent / "static"
SHUTDOWN_TIMEOUT_S = 10.0
MAX_FORM_BYTES = 64 * 1024
log = logging.getLogger("mockint.web")


def _page(html: str, csp: str = pages.PAGE_CSP, status: int = 200) -> HTMLResponse:
    return HTMLResponse(html, status_code=status, headers={"content-security-policy": csp})


def _not_found(what: str) -> PlainTextResponse:
    return PlainTextResponse(f"404 Not Found: {what}\n", status_code=404)


def create_app(practice: Practice, *, token: str, port: Callable[[], int]) -> Guard:
    """The whole server: the Starlette app behind the Guard."""

    def index(request: Request) -> HTMLResponse:
        from mockint.stories import session_stories

        bank = practice.bank()
        company, resuming = "amazon", None
        asked = request.query_params.get("company")
        if asked in bank.profiles:  # from the bank page's "Practise this principle"
            company = asked
        principle = request.query_params.get("principle")
        sid = request.query_params.get("continue")
        if sid:
            try:
                doc = practice.store().load(sid)
            except (UsageError, DataError) as exc:
                return _not_found(exc.message)
            company = str(doc.get("company") or company)
            resuming = (sid, len(remaining(doc)), len(cut_takes(doc)))
        stories, _warning = session_stories(practice.recordings, practice.environ, practice.cwd, bank)
        return _page(
            pages.practice_page(
                list(bank.profiles.values()),
                list(bank.principles.values()),
                practice.engine,
                company=company,
                resuming=resuming,
                stories=stories,
                drill=request.query_params.get("drill"),
                principle=principle if principle in bank.principles else None,
            )
        )

    def sessions(request: Request) -> HTMLResponse:
        return _page(pages.sessions_page(practice.store().list()))

    def session_page(request: Request):
        from mockint.render.page_audio import link_audio
        from mockint.render.session_page import build_session_report, session_profile

        store = practice.store()
        sid = request.path_params["sid"]
        try:
            doc = store.load(sid)
        except (UsageError, DataError) as exc:
            return _not_found(exc.message)
        bank = _bank_or_none(practice)
        folder = store.folder(sid)
        html = build_session_report(
            doc,
            lambda rel: store.take_audio(sid, rel),
            profile=session_profile(doc, bank),
            link_from=folder,
            principles={p.id: p.name for p in bank.principles.values()} if bank else None,
        )
        # The report links audio relative to the session folder; here it goes through the API.
        for qi, q in enumerate(doc.get("questions") or []):
            for ti, t in enumerate(q.get("takes") or []):
                rel = t.get("audio") if isinstance(t, dict) else None
                if not isinstance(rel, str) or not rel:
                    continue
                try:
                    linked = link_audio(store.take_audio(sid, rel), folder)
                except MockintError:
                    continue
                html = html.replace(
                    f'src="{pages.esc(linked)}"', f'src="/api/sessions/{sid}/audio/{qi}/{ti}"', 1
                )
        return _page(pages.with_nav(html, "/sessions"), pages.REPORT_CSP)

    def take_audio(request: Request):
        store = practice.store()
        sid, qi, ti = (request.path_params[k] for k in ("sid", "q", "t"))
        try:
            doc = store.load(sid)
            rel = doc["questions"][qi]["takes"][ti]["audio"]
            path = store.take_audio(sid, rel)
        except (MockintError, LookupError, TypeError) as exc:
            return _not_found(getattr(exc, "message", "no such take"))
        return FileResponse(path, media_type="audio/wav")

    def api_sessions(request: Request) -> JSONResponse:
        return JSONResponse(practice.store().list())

    def api_session(request: Request) -> JSONResponse:
        try:
            return JSONResponse(practice.store().load(request.path_params["sid"]))
        except (UsageError, DataError) as exc:
            return JSONResponse({"error": exc.message}, status_code=404)

    def progress(request: Request) -> HTMLResponse:
        from mockint.render.coverage import progress_sections
        from mockint.render.progress_page import build_progress_report

        bank = _bank_or_none(practice)
        docs = list(practice.store().documents())
        extra = progress_sections(practice.recordings, practice.environ, practice.cwd, bank)
        html = build_progress_report(docs, bank, extra_sections=extra)
        return _page(pages.with_nav(html, "/progress"), pages.REPORT_CSP)

    def stories(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
        from mockint.render.coverage import coverage_html
        from mockint.stories import coverage, load_stories

        bank = practice.bank()
        path = _stories_file(practice)
        try:
            found = load_stories(path, bank)
        except MockintError as exc:
            found, error = [], error or exc.message
        company = "amazon" if "amazon" in bank.profiles else None
        grid = coverage_html(coverage(found, bank, company))
        removed = request.query_params.get("removed")
        done = f"Story {removed} removed." if removed and request.method == "GET" else None
        return _page(pages.stories_page(found, grid, path, error, done), status=status)

    async def add_story(request: Request):
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return PlainTextResponse("413 story too long\n", status_code=413)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        try:
            await asyncio.to_thread(_save_story, practice, form)
        except MockintError as exc:
            return await asyncio.to_thread(stories, request, exc.message, 400)
        return RedirectResponse("/stories", status_code=303)

    def edit_story(request: Request, error: str | None = None, status: int = 200):
        from mockint.stories import find, load_stories

        try:
            story = find(load_stories(_stories_file(practice), practice.bank()), request.path_params["story"])
        except MockintError as exc:
            return _not_found(exc.message)
        return _page(pages.story_edit_page(story, error), status=status)

    async def save_story(request: Request):
        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return PlainTextResponse("413 story too long\n", status_code=413)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        try:
            await asyncio.to_thread(_save_story, practice, form, request.path_params["story"])
        except MockintError as exc:
            return await asyncio.to_thread(edit_story, request, exc.message, 400)
        return RedirectResponse("/stories", status_code=303)

    def confirm_remove(request: Request):
        from mockint.stories import find, load_stories

        try:
            story = find(load_stories(_stories_file(practice), practice.bank()), request.path_params["story"])
        except MockintError as exc:
            return _not_found(exc.message)
        return _page(pages.story_remove_page(story))

    async def remove_story(request: Request):
        story_id = request.path_params["story"]
        try:
            await asyncio.to_thread(_remove_story, practice, story_id)
        except MockintError as exc:
            return await asyncio.to_thread(stories, request, exc.message, 400)
        return RedirectResponse(f"/stories?{urlencode({'removed': story_id})}", status_code=303)

    def review_form(request: Request) -> HTMLResponse:
        from mockint.web.draft import Draft, review_page

        q = request.query_params
        draft = Draft.parse({"company": q.get("company", ""), "question": q.get("question", "")})
        return _page(review_page(practice.bank(), draft))

    async def review_post(request: Request) -> HTMLResponse:
        from mockint.web.draft import Draft

        body = await request.body()
        if len(body) > MAX_FORM_BYTES:
            return PlainTextResponse("413 answer too long\n", status_code=413)
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        html, status = await asyncio.to_thread(_review_draft, practice, Draft.parse(form))
        return _page(html, status=status)

    def bank_list(request: Request) -> HTMLResponse:
        from mockint.web.draft import bank_page

        return _page(bank_page(practice.bank()))

    def report_css(request: Request) -> Response:
        from mockint.render.html import CSS

        return Response(CSS, media_type="text/css")

    def check(request: Request) -> HTMLResponse:
        return _page(pages.check_page())

    def voice(request: Request):
        path = practice.voice_files.get(request.path_params["key"])
        if path is None or not path.is_file():
            return _not_found("no such voice file")
        return FileResponse(path, media_type="audio/wav", headers={"cache-control": "private, max-age=3600"})

    async def practice_ws(ws: WebSocket) -> None:
        await ws.accept()
        loop = asyncio.get_running_loop()
        outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

        def send(message: dict[str, Any]) -> None:  # any thread
            with contextlib.suppress(RuntimeError):  # the loop is already closed: nobody to tell
                loop.call_soon_threadsafe(outbox.put_nowait, message)

        room = Room(send)

        async def sender() -> None:
            while True:
                message = await outbox.get()
                await ws.send_text(json.dumps(message))

        task = asyncio.create_task(sender())
        try:
            while True:
                message = await ws.receive()
                if message["type"] == "websocket.disconnect":
                    break
                if message.get("bytes") is not None:
                    room.receive_audio(message["bytes"])
                    continue
                try:
                    data = json.loads(message.get("text") or "{}")
                except ValueError:
                    continue
                if not isinstance(data, dict):
                    continue
                if data.get("type") == "start":
                    if room.thread is not None:
                        continue  # one session per page; reload the page for another
                    try:
                        start = Start.parse(data)
                        await asyncio.to_thread(practice.start, room, start)
                    except MockintError as exc:
                        send({"type": "error", "text": exc.message, "session": None})
                else:
                    room.receive(data)
        except WebSocketDisconnect:
            pass
        finally:
            room.close()  # the tab went away mid-answer: the take is kept, like Ctrl-C
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        await asyncio.to_thread(practice.shutdown, SHUTDOWN_TIMEOUT_S)

    routes = [
        Route("/", index),
        Route("/practice", index),
        Route("/sessions", sessions),
        Route("/sessions/{sid}", session_page),
        Route("/progress", progress),
        Route("/stories", stories, methods=["GET"]),
        Route("/stories", add_story, methods=["POST"]),
        Route("/stories/{story}/edit", edit_story, methods=["GET"]),
        Route("/stories/{story}/remove", confirm_remove, methods=["GET"]),
        Route("/stories/{story}/remove", remove_story, methods=["POST"]),
        Route("/stories/{story}", save_story, methods=["POST"]),
        Route("/review", review_form, methods=["GET"]),
        Route("/review", review_post, methods=["POST"]),
        Route("/bank", bank_list),
        Route("/check", check),
        Route("/assets/report.css", report_css),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Route("/api/sessions", api_sessions),
        Route("/api/sessions/{sid}", api_session),
        Route("/api/sessions/{sid}/audio/{q:int}/{t:int}", take_audio),
        Route("/api/voice/{key}.wav", voice),
        WebSocketRoute("/ws/practice", practice_ws),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    return Guard(app, token=token, port=port)


def _bank_or_none(practice: Practice):
    try:
        return practice.bank()
    except UsageError:
        return None


def _review_draft(practice: Practice, draft) -> tuple[str, int]:
    """The review page with the draft reviewed (200), or with the one-line problem (400)."""
    from mockint.stories import session_stories
    from mockint.web.draft import review_draft, review_page

    bank = practice.bank()
    stories, warning = session_stories(practice.recordings, practice.environ, practice.cwd, bank)
    note = f'<p class="notice">{pages.esc(warning)}</p>' if warning else ""
    try:
        result = review_draft(draft, bank, stories)
    except MockintError as exc:
        return review_page(bank, draft, error=exc.message, stories_note=note), 400
    return review_page(bank, draft, result=result, stories_note=note), 200


def _stories_file(practice: Practice) -> Path:
    from mockint.stories import stories_path

    path = stories_path(practice.recordings, practice.environ)
    return path if path.is_absolute() else practice.cwd / path


def _save_story(practice: Practice, form: dict[str, str], story_id: str | None = None) -> None:
    """Add a story from the form, or replace story `story_id` (its id stays)."""
    from mockint import stories as sb

    bank = practice.bank()
    path = _stories_file(practice)
    found = sb.load_stories(path, bank)
    title = (form.get("title") or "").strip()
    if not title:
        raise UsageError("a story needs a title", "fill in the title")

    def split(key: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.strip() for t in (form.get(key) or "").split(",") if t.strip()))

    story = sb.Story(
        id=story_id or sb.slugify(title),
        title=title,
        **{part: (form.get(part) or "").strip() for part in STAR_PARTS},
        tags=tuple(t.lower() for t in split("tags")),
        principles=split("principles"),
    )
    unknown = [p for p in story.principles if p not in bank.principles]
    if unknown:
        raise UsageError(f"unknown principle '{unknown[0]}'", "use ids from 'mockint bank list'")
    if story_id is None:
        updated = sb.add(found, story)
    else:
        sb.find(found, story_id)
        updated = [story if s.id == story_id else s for s in found]
    sb.check_principles(updated, bank, path)
    sb.save_stories(path, updated)


def _remove_story(practice: Practice, story_id: str) -> None:
    from mockint import stories as sb

    path = _stories_file(practice)
    sb.save_stories(path, sb.remove(sb.load_stories(path, practice.bank()), story_id))
