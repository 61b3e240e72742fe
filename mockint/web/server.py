"""Running the web app: bind 127.0.0.1 (only), print the address with its key, serve with
uvicorn until Ctrl-C or SIGTERM, then finalize every open take before exiting."""

from __future__ import annotations

import errno
import signal
import socket
import threading
from collections.abc import Callable
from typing import TextIO

from mockint.errors import MockintError
from mockint.web.guard import new_token
from mockint.web.practice import Practice

HOST = "127.0.0.1"  # loopback only: the server is never reachable from another machine
GRACEFUL_SHUTDOWN_S = 5.0  # open pages get this long to close before their sockets are cut
SHUTDOWN_TIMEOUT_S = 10.0


def bind(port: int) -> socket.socket:
    """A listening socket on 127.0.0.1:port (0: a free port), or a one-line error."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # TIME_WAIT only; a live listener still fails
    try:
        sock.bind((HOST, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise MockintError(
                f"port {port} is in use", "choose another with --port N, or --port 0 for any free port"
            ) from None
        if exc.errno == errno.EACCES:
            raise MockintError(
                f"port {port} needs privileges", "use a port above 1023, e.g. --port 8470"
            ) from None
        raise MockintError(f"cannot listen on {HOST}:{port} ({exc.strerror})", "try another --port") from None
    sock.set_inheritable(True)
    return sock


def serve(
    practice: Practice,
    *,
    port: int,
    out: TextIO,
    open_browser: Callable[[str], object] | None,
    preload: bool = True,
) -> None:
    """Serve until stopped; returns after every browser session has saved what it recorded."""
    import uvicorn

    from mockint.web.app import create_app

    sock = bind(port)
    bound = sock.getsockname()[1]
    token = new_token()
    app = create_app(practice, token=token, port=lambda: bound)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S,
        ws_max_size=1 << 20,
        server_header=False,
    )
    server = uvicorn.Server(config)
    url = f"http://{HOST}:{bound}/?token={token}"
    print(f"mockint serve: open {url}", file=out, flush=True)
    print("(this address is your key: keep it private; Ctrl-C stops the server)", file=out, flush=True)
    if preload:  # the speech model loads while the page opens, not when the first answer starts
        threading.Thread(target=_preload, args=(practice,), name="mockint-preload", daemon=True).start()
    if open_browser is not None:
        threading.Thread(target=open_browser, args=(url,), name="mockint-open", daemon=True).start()
    # uvicorn handles SIGTERM and Ctrl-C (a graceful stop), then re-raises the signal to the
    # handler that was there before: for SIGTERM that is "exit -15", so a no-op stands in.
    main = threading.current_thread() is threading.main_thread()  # signals belong to the main thread
    previous = signal.signal(signal.SIGTERM, lambda *_: None) if main else None
    try:
        server.run(sockets=[sock])
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
        practice.shutdown(SHUTDOWN_TIMEOUT_S)  # again, in case a second Ctrl-C skipped the lifespan's
        sock.close()


def _preload(practice: Practice) -> None:
    try:
        practice.preload()
    except MockintError:
        pass  # the first session reports it, with the fix
