"""Who may talk to the server: only this user's browser, on this machine.

- The server binds 127.0.0.1 only (server.py); here every request must also name it: the Host
  header must be `127.0.0.1:PORT` or `localhost:PORT`, so a page on another site whose DNS name
  is re-pointed at 127.0.0.1 (DNS rebinding) gets 403.
- A secret token, new at every launch, is in the URL the user opens; the first request that
  carries it gets it back as a SameSite=Strict HttpOnly cookie and is redirected to the same
  path without it (so it leaves the address bar and history). Without the cookie: 403.
- Every request that changes something (any method but GET/HEAD) and the WebSocket handshake
  must carry an Origin of this server, so another site cannot drive it from the user's browser.
- No CORS headers at all; every response says: no framing, no sniffing, no referrer to other sites, no cache.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl, urlencode

COOKIE_PREFIX = "mockint_"  # + the port: cookies are not kept apart by port, names are
TOKEN_PARAM = "token"
SAFE_METHODS = {"GET", "HEAD"}

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
SendFn = Callable[[MutableMapping[str, Any]], Awaitable[None]]

SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make form POSTs send Origin: null
    (b"cache-control", b"no-store"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Guard:
    """ASGI middleware enforcing the rules above for HTTP and WebSocket alike."""

    def __init__(self, app, *, token: str, port: Callable[[], int]) -> None:
        self.app = app
        self.token = token
        self._port = port  # known once the socket is bound (port 0 picks a free one)

    def hosts(self) -> set[str]:
        port = self._port()
        return {f"127.0.0.1:{port}", f"localhost:{port}"}

    def cookie_name(self) -> str:
        return f"{COOKIE_PREFIX}{self._port()}"

    def origins(self) -> set[str]:
        return {f"http://{h}" for h in self.hosts()}

    async def __call__(self, scope: Scope, receive: Receive, send: SendFn) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        problem = self._problem(scope, headers)
        if problem is None and scope["type"] == "http":
            query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
            if self._matches(query.get(TOKEN_PARAM)):
                await self._hand_cookie(scope, query, send)
                return
        if problem is None and not self._matches(_cookie(headers, self.cookie_name())):
            problem = "open the address that 'mockint serve' printed (it carries the key)"
        if problem is not None:
            await _refuse(scope, receive, send, problem)
            return
        await self.app(scope, receive, _with_headers(send))

    def _problem(self, scope: Scope, headers: dict[str, str]) -> str | None:
        if headers.get("host") not in self.hosts():
            return "wrong Host: use http://127.0.0.1:PORT/ as printed by 'mockint serve'"
        needs_origin = scope["type"] == "websocket" or scope.get("method", "GET") not in SAFE_METHODS
        if needs_origin and headers.get("origin") not in self.origins():
            return "request from another origin refused"
        return None

    def _matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.token.encode())

    async def _hand_cookie(self, scope: Scope, query: dict[str, str], send: SendFn) -> None:
        rest = urlencode({k: v for k, v in query.items() if k != TOKEN_PARAM})
        location = scope.get("path", "/") + (f"?{rest}" if rest else "")
        cookie = f"{self.cookie_name()}={self.token}; Path=/; HttpOnly; SameSite=Strict"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode("latin-1")),
                    (b"set-cookie", cookie.encode("latin-1")),
                    (b"content-length", b"0"),
                    *SECURITY_HEADERS,
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _cookie(headers: dict[str, str], name: str) -> str | None:
    raw = headers.get("cookie")
    if not raw:
        return None
    jar = SimpleCookie()
    try:
        jar.load(raw)
    except Exception:  # a malformed Cookie header is simply no cookie  # noqa: BLE001
        return None
    morsel = jar.get(name)
    return morsel.value if morsel else None


async def _refuse(scope: Scope, receive: Receive, send: SendFn, why: str) -> None:
    if scope["type"] == "websocket":
        await receive()  # websocket.connect
        await send({"type": "websocket.close", "code": 1008, "reason": why[:120]})  # → HTTP 403
        return
    body = f"403 Forbidden: {why}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _with_headers(send: SendFn) -> SendFn:
    async def wrapped(message: MutableMapping[str, Any]) -> None:
        if message["type"] == "http.response.start":
            present = {k.lower() for k, _ in message.get("headers", [])}
            message["headers"] = list(message.get("headers", [])) + [
                (k, v) for k, v in SECURITY_HEADERS if k not in present
            ]
        await send(message)

    return wrapped
