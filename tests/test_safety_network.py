"""No network in any default command: a whole demo session and every looking-back command run
with internet sockets refused (local AF_UNIX sockets stay allowed: PulseAudio uses them).

A sitecustomize.py on PYTHONPATH makes every non-AF_UNIX connect, send, bind or name lookup raise
and note the attempt in a log, so an attempt that mockint swallowed still fails the test.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from helpers.practice_proc import CLIP

BLOCKER = r"""
import os, socket

_LOG = os.environ["MOCKINT_TEST_NET_LOG"]


def _refuse(what):
    with open(_LOG, "a") as log:
        log.write(what + "\n")
    raise OSError(101, "network access refused by the mockint offline test: " + what)


def _guard(name):
    original = getattr(socket.socket, name)

    def guarded(self, *args, **kwargs):
        if self.family != socket.AF_UNIX:
            _refuse(f"socket.{name}{args!r}")
        return original(self, *args, **kwargs)
    setattr(socket.socket, name, guarded)


for _name in ("connect", "connect_ex", "bind", "sendto", "sendmsg"):
    _guard(_name)
socket.getaddrinfo = lambda *args, **kwargs: _refuse(f"getaddrinfo{args!r}")
socket.gethostbyname = lambda *args: _refuse(f"gethostbyname{args!r}")
socket.create_connection = lambda address, *args, **kwargs: _refuse(f"create_connection({address!r})")
"""


@pytest.fixture
def offline(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER)
    log = tmp_path / "net.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MOCKINT_")}
    env.update(
        PYTHONPATH=os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")])),
        MOCKINT_TEST_NET_LOG=str(log),
        MOCKINT_RECORDINGS=str(tmp_path / "rec"),
        MOCKINT_CACHE=str(tmp_path / "cache"),
        MOCKINT_STORIES=str(tmp_path / "stories.yaml"),
    )

    def mockint(*args: str, code: int | None = 0) -> subprocess.CompletedProcess:
        """Run mockint offline; code None: any exit code (doctor may find a part missing)."""
        r = subprocess.run(
            [sys.executable, "-m", "mockint", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        assert code is None or r.returncode == code, (args, r.stderr)
        assert not log.exists(), f"{args}: network attempted: {log.read_text()}"
        return r

    mockint.env = env
    mockint.log = log
    return mockint


def test_the_blocker_refuses_internet_sockets_and_allows_local_ones(offline, tmp_path):
    code = (
        "import socket\n"
        "a, b = socket.socketpair(socket.AF_UNIX); a.sendall(b'ok'); assert b.recv(2) == b'ok'\n"
        "try:\n    socket.create_connection(('127.0.0.1', 9), timeout=1)\nexcept OSError as e:\n    print(e)\n"
        "s = socket.socket(socket.AF_INET6)\n"
        "try:\n    s.connect(('::1', 9))\nexcept OSError as e:\n    print(e)\n"
    )
    r = subprocess.run(
        [sys.executable, "-c", code], env=offline.env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("network access refused") == 2
    assert offline.log.read_text().count("\n") == 2


@pytest.mark.slow
def test_a_whole_demo_session_and_every_default_command_offline(offline, tmp_path):
    # the demo (Amazon, two questions, follow-ups), answered with a short clip to keep the test quick
    r = offline("practice", "--demo", "--no-voice", *["--answers-from", str(CLIP)] * 4)
    assert "Session saved" in r.stdout
    rows = json.loads(offline("sessions", "--json").stdout)
    assert [(row["complete"], row["answered"]) for row in rows] == [(True, 2)]
    offline("show", "last")
    offline("stats", "--json")
    offline("report", "last", "-o", str(tmp_path / "session.html"))
    offline("report", "--progress", "-o", str(tmp_path / "progress.html"))
    offline(
        "review", "--text", "I led the migration and cut costs by 30%.", "--question", "amazon-ownership-1"
    )
    offline("transcribe", str(CLIP), "--json")
    offline("bank", "list")
    offline("stories", "list")
    offline("doctor", code=None)
    for page in ("session.html", "progress.html"):  # the pages themselves load nothing from the network
        html = (tmp_path / page).read_text()
        assert not REMOTE.findall(html)


# A page that fetches something: a src/href/url()/@import pointing at another host (SVG namespace
# declarations such as xmlns="http://www.w3.org/2000/svg" are names, not fetches).
REMOTE = re.compile(
    r"""(?:\b(?:src|href|action)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)(?:https?:)?//""", re.I
)
