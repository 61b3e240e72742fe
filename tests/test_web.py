"""`mockint serve` over HTTP and WebSocket, without a browser: who gets in, and what is served."""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest
from helpers.web_server import mockint, serve


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    s = serve(tmp_path_factory.mktemp("serve"))
    yield s
    s.stop()


def _get(served, path: str, *, host: str | None = None, cookie: bool = True, method: str = "GET", **headers):
    conn = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    hdrs = {"Host": host or f"127.0.0.1:{served.port}", **headers}
    if cookie:
        hdrs["Cookie"] = served.cookie
    body = headers.pop("body", None)
    conn.request(method, path, body=body, headers=hdrs)
    response = conn.getresponse()
    data = response.read()
    conn.close()
    return response, data


def test_without_the_token_every_page_is_forbidden(served):
    for path in ("/", "/sessions", "/api/sessions", "/static/practice.js", "/progress", "/review", "/bank"):
        response, body = _get(served, path, cookie=False)
        assert response.status == 403, path
        assert b"mockint serve" in body


def test_a_wrong_token_is_forbidden(served):
    response, _ = _get(served, "/?token=not-the-key", cookie=False)
    assert response.status == 403
    response, _ = _get(served, "/", cookie=False, Cookie=f"mockint_{served.port}=not-the-key")
    assert response.status == 403


def test_the_token_becomes_a_strict_httponly_cookie_and_leaves_the_address(served):
    response, _ = _get(served, f"/sessions?token={served.token}", cookie=False)
    assert response.status == 303
    assert response.getheader("Location") == "/sessions"
    cookie = response.getheader("Set-Cookie")
    assert cookie.startswith(f"mockint_{served.port}={served.token};")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    response, body = _get(served, "/sessions")
    assert response.status == 200 and b"Sessions" in body


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "[::1]:{port}"])
def test_a_wrong_host_header_is_forbidden_even_with_the_key(served, host):
    response, _ = _get(served, "/", host=host.format(port=served.port))
    assert response.status == 403
    response, _ = _get(served, f"/?token={served.token}", host=host.format(port=served.port), cookie=False)
    assert response.status == 403


def test_localhost_is_the_same_server(served):
    response, _ = _get(served, "/", host=f"localhost:{served.port}")
    assert response.status == 200


def test_a_post_from_another_origin_or_none_is_forbidden(served):
    for origin in ({"Origin": "http://evil.example"}, {"Origin": "null"}, {}):
        response, _ = _get(served, "/stories", method="POST", body="title=x", **origin)
        assert response.status == 403, origin
        response, _ = _get(served, "/review", method="POST", body="text=x", **origin)
        assert response.status == 403, origin
    assert not (served.recordings / "stories.yaml").exists()
    response, _ = _get(served, "/review", method="POST", body="text=x", cookie=False, Origin=served.base)
    assert response.status == 403


def test_pages_forbid_the_network_and_send_no_cors(served):
    for path in ("/", "/sessions", "/progress", "/stories", "/check", "/review", "/bank"):
        response, _ = _get(served, path, Origin="http://evil.example")
        assert response.status == 200, path
        csp = response.getheader("Content-Security-Policy")
        assert "default-src 'none'" in csp and "connect-src 'self'" in csp, path
        assert response.getheader("Access-Control-Allow-Origin") is None
        assert response.getheader("X-Frame-Options") == "DENY"


def test_no_request_path_reaches_the_file_system(served):
    for path in (
        "/static/../app.py",
        "/static/%2e%2e/app.py",
        "/api/voice/..%2f..%2fetc%2fpasswd.wav",
        "/api/sessions/..%2f..%2fetc/audio/0/0",
        "/api/sessions/nope/audio/0/0",
        "/sessions/..%2f..",
    ):
        response, body = _get(served, path)
        assert response.status == 404, path
        assert b"root:" not in body


def _ws(served, origin: str | None, cookie: bool = True, host: str | None = None):
    from websockets.sync.client import connect

    headers = {"Cookie": served.cookie} if cookie else {}
    if host:
        headers["Host"] = host
    return connect(
        f"ws://127.0.0.1:{served.port}/ws/practice",
        origin=origin,
        additional_headers=headers,
        open_timeout=10,
    )


def test_a_websocket_from_another_origin_is_refused(served):
    from websockets.exceptions import InvalidStatus

    for origin, cookie in (("http://evil.example", True), (None, True), (served.base, False)):
        with pytest.raises(InvalidStatus) as caught:
            _ws(served, origin, cookie)
        assert caught.value.response.status_code == 403, (origin, cookie)


def test_a_websocket_from_the_page_is_accepted_and_says_what_is_wrong(served):
    with _ws(served, served.base) as ws:
        ws.send(json.dumps({"type": "start", "company": "no-such-company"}))
        message = json.loads(ws.recv(timeout=30))
    assert message["type"] == "error"
    assert "no-such-company" in message["text"]


def test_a_port_in_use_is_a_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = mockint(["serve", "--no-open", "--port", str(port)], tmp_path / "rec", tmp_path / "cache")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"mockint: error: port {port} is in use — choose another with --port N, or --port 0 for any free port"
    ]


def test_it_listens_on_loopback_only(served):
    listening = []
    for line in open("/proc/net/tcp").read().splitlines()[1:]:
        local, state = line.split()[1], line.split()[3]
        address, port = local.split(":")
        if int(port, 16) == served.port and state == "0A":  # LISTEN
            listening.append(address)
    assert listening == ["0100007F"]  # 127.0.0.1, and nothing else (no 0.0.0.0)


def test_a_principle_drill_over_the_websocket_and_a_dropped_socket_keeps_the_take(served):
    from mockint.bank import load_bank
    from mockint.config import bundled_bank_dir

    seen: dict[str, dict] = {}
    with _ws(served, served.base) as ws:
        ws.send(
            json.dumps(
                {"type": "start", "company": "amazon", "principle": "dive-deep", "count": 1, "voice": False}
            )
        )
        while "listen" not in seen:
            message = json.loads(ws.recv(timeout=60))
            seen[message["type"]] = message
            if message["type"] == "say":
                ws.send(json.dumps({"type": "said"}))
        ws.send(bytes(2 * 16_000))  # one second of silence, then the socket goes away
    question = load_bank(bundled_bank_dir()).question(seen["question"]["id"])
    assert "dive-deep" in question.principles
    assert seen["listen"]["limit_s"] > 0
    session_id = seen["session"]["id"]
    shown = None
    for _ in range(100):
        shown = mockint(["show", session_id, "--json"], served.recordings, served.cache)
        doc = json.loads(shown.stdout)
        if doc.get("ended_by") == "interrupt":
            break
        time.sleep(0.1)
    (take,) = doc["questions"][0]["takes"]
    assert take["stopped_by"] == "interrupt"
    assert take["duration_s"] == pytest.approx(1.0, abs=0.01)

    # The session is offered to be continued, as itself.
    response, body = _get(served, "/sessions")
    assert f'href="/?continue={session_id}"'.encode() in body
    response, body = _get(served, f"/?continue={session_id}")
    assert response.status == 200
    assert f'data-resume="{session_id}"'.encode() in body
    assert b"1 question(s) left. The 1 answer(s) cut off are kept and reviewed first." in body


def test_a_plain_start_asks_the_plan_for_next_time_first(served):
    """No company filter in the page: the first question tests the plan's first principle, as a
    plain `mockint practice` does (the plan of an empty history: principles never practised)."""
    from mockint.bank import load_bank
    from mockint.config import bundled_bank_dir
    from mockint.plan import next_plan

    bank = load_bank(bundled_bank_dir())
    with _ws(served, served.base) as ws:
        ws.send(json.dumps({"type": "start", "company": "amazon", "count": 1, "voice": False}))
        while (message := json.loads(ws.recv(timeout=60)))["type"] != "question":
            if message["type"] == "say":
                ws.send(json.dumps({"type": "said"}))
    first = bank.question(message["id"]).principles[0]
    assert first == next_plan([], bank, "amazon").principles[0]


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ({"count": 0}, "count 0 is out of range"),
        ({"count": "lots"}, "count must be a number"),
        ({"answer_limit_s": 1}, "answer_limit_s 1 is out of range"),
        ({"questions": {"a": 1}}, "questions must be a list"),
        ({"questions": ["q"] * 11}, "questions must be a list"),
    ],
)
def test_what_the_page_asks_for_is_validated(raw, problem):
    from mockint.errors import UsageError
    from mockint.web.practice import Start

    with pytest.raises(UsageError, match=problem):
        Start.parse(raw)


def test_resuming_asks_what_is_left_in_the_planned_order():
    from mockint.web.resume import cut_takes, done_count, remaining

    cut = {"kind": "answer", "audio": "q02-answer-1.wav", "review": None, "stopped_by": "interrupt"}
    doc = {
        "options": {"planned": ["a", "b", "c", "d", "e"]},
        "questions": [
            {"id": "a", "takes": [{"kind": "answer", "audio": "q01-answer-1.wav", "review": {"score": 70}}]},
            {
                "id": "c",
                "skipped": True,
                "takes": [{"kind": "answer", "audio": "x.wav", "stopped_by": "skip"}],
            },
            {"id": "b", "takes": [cut]},
        ],
    }
    # b was cut off by a closed tab: asked again; c was skipped; d and e were never reached.
    assert remaining(doc) == ["b", "d", "e"]
    assert done_count(doc) == 2
    assert cut_takes(doc) == [(2, 0, cut)]
    # Once the cut take is reviewed it is kept, but b still waits for an answer the candidate ended.
    cut["review"] = {"score": 40}
    assert remaining(doc) == ["b", "d", "e"] and cut_takes(doc) == []
    # A session without a saved plan (made in the terminal) resumes the questions it asked.
    del doc["options"]
    assert remaining(doc) == ["b"]


def _review(served, **form):
    from urllib.parse import urlencode

    return _get(
        served,
        "/review",
        method="POST",
        body=urlencode(form),
        Origin=served.base,
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )


DRAFT_WITHOUT_RESULT = (  # tests/test_review.py's NO_RESULT row, with markup in it
    "At my last job our deploys took three hours. I had to speed them up. "
    "I profiled the pipeline, cached the dependencies and split the test suite into <script>alert(1)</script>."
)


@pytest.fixture(scope="module")
def bank():
    from mockint.bank import load_bank
    from mockint.config import bundled_bank_dir

    return load_bank(bundled_bank_dir())


def test_a_typed_draft_is_reviewed_by_the_engine_and_nothing_is_written(served, bank):
    from mockint.review import review
    from mockint.transcript import Transcript

    question = bank.question("amazon-dive-deep-1")
    before = sorted(served.recordings.rglob("*")) if served.recordings.exists() else []
    response, body = _review(served, company="amazon", question=question.id, text=DRAFT_WITHOUT_RESULT)
    page = body.decode()
    assert response.status == 200
    expected = review(Transcript.from_text(DRAFT_WITHOUT_RESULT), question, bank.profile("amazon"), bank)
    assert "missing_result" in expected.flags and expected.score <= 45  # the documented cap
    assert f'data-score="{expected.score}"' in page
    assert f'data-flags="{" ".join(expected.flags)}"' in page
    assert question.text.replace("'", "&#x27;") in page
    # The draft stays in the form, escaped; nothing of it is markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    after = sorted(served.recordings.rglob("*")) if served.recordings.exists() else []
    assert after == before


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ({"company": "no-such-co", "text": "I did it."}, "unknown company &#x27;no-such-co&#x27;"),
        (
            {"company": "amazon", "question": "no-such-q", "text": "I did it."},
            "unknown question &#x27;no-such-q&#x27;",
        ),
        ({"company": "amazon", "text": "   "}, "the answer is empty"),
        ({"question": "amazon-dive-deep-1", "question_text": "Why?", "text": "I did."}, "choose one of them"),
    ],
)
def test_a_bad_review_form_is_a_one_line_error_in_the_page(served, form, problem):
    response, body = _review(served, **form)
    page = body.decode()
    assert response.status == 400
    alert = page.split('role="alert"', 1)[1].split("</p>", 1)[0]
    assert problem in alert and "\n" not in alert
    assert "Traceback" not in page and '<form method="post" action="/review"' in page


def test_the_bank_page_lists_each_company_by_principle_with_a_practice_link(served, bank):
    from html import unescape

    response, body = _get(served, "/bank")
    page = unescape(body.decode())
    assert response.status == 200
    for profile in bank.profiles.values():
        assert f'id="c-{profile.id}">{profile.name}' in page
        for p in bank.principles_for(profile.id):
            asked = [q for q in bank.questions_for(profile.id) if p.id in q.principles]
            section = page.split(f'id="p-{profile.id}-{p.id}">', 1)[1].split("</section>", 1)[0]
            assert section.startswith(p.name) and p.summary in section
            assert f'href="/?company={profile.id}&principle={p.id}"' in section
            assert f"{len(asked)} question(s)" in section
            for q in asked:
                assert f"{q.text}<br>" in section and f"</span></td><td>{len(q.follow_ups)}</td>" in section
    # The link opens the practice page with that company and principle chosen.
    _, body = _get(served, "/?company=meta&principle=" + bank.principles_for("meta")[0].id)
    chosen = bank.principles_for("meta")[0]
    assert f'<option value="{chosen.id}" selected>'.encode() in body
    assert b'<option value="meta" selected>' in body
