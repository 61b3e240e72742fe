"""The session reader on arbitrary input: every command that reads sessions gives a clean result
or a clean one-line error, never a traceback, and one damaged session never hides the others.

Three sources of bad input: arbitrary bytes in session.json, arbitrary JSON documents, and a
real saved session with one node replaced by arbitrary JSON (the likely damage: a hand edit, a
half-synced file, an old or newer mockint). Run with --hypothesis-show-statistics for counts.
"""

from __future__ import annotations

import copy
import io
import json
import shutil
from datetime import datetime, timezone

import pytest
from helpers.session_fakes import (
    FakeRecorder,
    FakeSpeaker,
    FakeTranscriber,
    FakeView,
    Say,
    StepClock,
    WallClock,
)
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mockint import session
from mockint.bank import load_bank
from mockint.config import bundled_bank_dir
from mockint.errors import DataError, MockintError
from mockint.render.lists import render_sessions
from mockint.render.progress_page import build_progress_report
from mockint.render.session_page import build_session_report, session_profile
from mockint.render.terminal import console_for, render_show
from mockint.replay import plan_replay
from mockint.review import review
from mockint.stats import compute, render
from mockint.store import MANIFEST, Store
from mockint.stories import Story
from mockint.stories.match import StoryTracker

GOOD_ID = "2026-11-20T19-30-06-amazon"  # the intact session beside the fuzzed one
FUZZED_ID = "2026-11-26T19-30-06-amazon"
BANK = load_bank(bundled_bank_dir())
PROFILE = BANK.profile("amazon")

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**12), 10**12), st.floats(), st.text(max_size=30)
)
json_trees = st.recursive(
    scalars,
    lambda kids: st.one_of(
        st.lists(kids, max_size=4), st.dictionaries(st.text(max_size=12), kids, max_size=5)
    ),
    max_leaves=25,
)


STORY = Story(
    id="outage",
    title="Checkout outage",
    situation="Black Friday, checkout latency at nine seconds.",
    action="I added a circuit breaker and capped retries.",
    result="Latency under 400 ms within an hour.",
)
ANSWER = (
    "on black friday our checkout latency hit nine seconds so i added a circuit breaker and capped retries "
    "and latency fell under four hundred milliseconds within an hour"
)


def _real_review(transcript, q, thinking_s, *, stopped_by=None):
    return review(transcript, q, PROFILE, BANK, thinking_s=thinking_s, stopped_by=stopped_by)


def _make(root, day: int) -> str:
    """A session as practice saves it: real reviews, a follow-up, a matched story."""
    store = Store(root, now=WallClock(datetime(2026, 11, day, 19, 30, 5, tzinfo=timezone.utc)))
    script = [
        Say(ANSWER),
        Say("i measured it with the p99 dashboard"),
        Say("we fixed it"),
        Say("it got better"),
    ]
    questions = tuple(BANK.questions[q] for q in ("amazon-dive-deep-1", "amazon-customer-obsession-1"))
    plan = session.Plan(profile=PROFILE, questions=questions, follow_ups=1)
    ports = session.Ports(
        FakeSpeaker(),
        FakeRecorder(script),
        FakeTranscriber(),
        _real_review,
        store,
        FakeView(),
        StepClock(),
        stories=StoryTracker([STORY]),
    )
    return session.run(plan, ports).session_id


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A recordings folder with two real sessions (made by the engine), and the second's manifest."""
    root = tmp_path_factory.mktemp("template") / "recordings"
    assert (_make(root, 20), _make(root, 26)) == (GOOD_ID, FUZZED_ID)
    return root, json.loads((root / FUZZED_ID / MANIFEST).read_text())


def _paths(node, prefix=()):
    """Every path to a node of a JSON document."""
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _clean(error: MockintError) -> None:
    assert error.message and "\n" not in error.message, error.message


def _check_readers(root, *, progress: bool = False) -> None:
    """What `sessions`, `show`, `stats`, `replay` and `report` do with the sessions, called in-process
    (the CLI only maps MockintError to one line and an exit code): a result, or a clean MockintError,
    and the intact session always reads."""
    store = Store(root)
    rows = {row["id"]: row for row in store.list()}
    assert set(rows) == {GOOD_ID, FUZZED_ID}
    assert "damaged" not in rows[GOOD_ID] and rows[GOOD_ID]["answered"] >= 1  # the other session is untouched
    json.dumps(list(rows.values()), allow_nan=False)  # `sessions --json` can print it
    damaged = "damaged" in rows[FUZZED_ID]
    if damaged:
        assert isinstance(rows[FUZZED_ID]["damaged"], str) and rows[FUZZED_ID]["damaged"]
    console = console_for(io.StringIO())
    render_sessions(console, list(rows.values()))
    docs = list(store.documents())
    assert [d["id"] for d in docs] == ([GOOD_ID] if damaged else [GOOD_ID, FUZZED_ID])
    render(console, compute(docs))
    try:
        doc = store.load(FUZZED_ID)
    except DataError as exc:
        _clean(exc)
        assert damaged
        return
    assert not damaged
    json.dumps(doc)  # `show --json`
    render_show(console, doc)
    for kind in ("answer", "follow_up"):
        try:
            clips = plan_replay(doc, kind=kind)
        except MockintError as exc:
            _clean(exc)
            continue
        for clip in clips:
            try:
                store.take_audio(FUZZED_ID, clip.audio)
            except DataError as exc:  # replay names the file and goes no further
                _clean(exc)
    html = build_session_report(
        doc,
        lambda rel: store.take_audio(FUZZED_ID, rel),
        profile=session_profile(doc, BANK),
        link_from=root.parent,
    )
    assert html.startswith("<!DOCTYPE html>") or html.startswith("<!doctype html>")
    if progress:
        build_progress_report(docs, BANK)


def _write(root, content: bytes) -> None:
    (root / FUZZED_ID / MANIFEST).write_bytes(content)


fuzz = settings(
    max_examples=120,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@pytest.fixture
def recordings(template, tmp_path):
    root = tmp_path / "recordings"
    shutil.copytree(template[0], root)
    return root


@fuzz
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_arbitrary_bytes_in_session_json(recordings, content):
    _write(recordings, content)
    _check_readers(recordings)


@fuzz
@given(doc=json_trees)
def test_arbitrary_json_documents(recordings, doc):
    _write(recordings, json.dumps(doc).encode())
    _check_readers(recordings)


def _some_node(doc, data):
    """A node of the session drawn by hypothesis, as (its parent, its key)."""
    path = data.draw(st.sampled_from([p for p in _paths(doc) if p]), label="path")
    node = doc
    for key in path[:-1]:
        node = node[key]
    return node, path[-1]


@fuzz
@given(data=st.data())
def test_a_real_session_with_one_node_replaced(recordings, template, data):
    doc = copy.deepcopy(template[1])
    node, key = _some_node(doc, data)
    node[key] = data.draw(json_trees, label="value")
    _write(recordings, json.dumps(doc).encode())
    _check_readers(recordings)


@fuzz
@given(data=st.data())
def test_a_real_session_with_one_key_removed_or_cut_short(recordings, template, data):
    raw = json.dumps(template[1], indent=1).encode()
    if data.draw(st.booleans(), label="cut"):
        _write(recordings, raw[: data.draw(st.integers(0, len(raw) - 1), label="length")])
    else:
        doc = copy.deepcopy(template[1])
        node, key = _some_node(doc, data)
        del node[key]
        _write(recordings, json.dumps(doc).encode())
    _check_readers(recordings)


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.shrink],
)
@given(data=st.data())
def test_progress_page_with_one_node_replaced(recordings, template, data):
    """The progress page draws charts (slow), so fewer cases; same damage as above."""
    doc = copy.deepcopy(template[1])
    node, key = _some_node(doc, data)
    node[key] = data.draw(json_trees, label="value")
    _write(recordings, json.dumps(doc).encode())
    _check_readers(recordings, progress=True)


NESTED = b"[" * 100_000
HUGE_INT = b'{"schema_version": 1, "questions": [], "seed": ' + b"1" * 5_000 + b"}"


@pytest.mark.parametrize(
    "content",
    [
        NESTED,
        HUGE_INT,
        b'{"schema_version": 1, "questions": [], "started_at": NaN}',
        b'{"schema_version": 1e400, "questions": []}',
        b"\xef\xbb\xbf{}",
        b"\x00" * 64,
        '{"schema_version": 1, "questions": []}'.encode("utf-16"),
        b'{"schema_version": 1, "questions": {}}',
        b'{"schema_version": 1, "questions": [{"id": "q", "takes": [{"kind": "answer", "audio": "../../../etc/passwd"}]}]}',
        b'{"schema_version": 1, "questions": [{"id": "q", "takes": [{"kind": "answer", "audio": "/etc/passwd"}]}]}',
    ],
    ids=[
        "deeply-nested",
        "5000-digit-int",
        "nan",
        "overflowing-float",
        "bom-empty-object",
        "nul-bytes",
        "utf-16",
        "questions-object",
        "audio-dotdot",
        "audio-absolute",
    ],
)
def test_pathological_manifests_are_listed_as_damaged(recordings, content):
    _write(recordings, content)
    _check_readers(recordings)
    row = {r["id"]: r for r in Store(recordings).list()}[FUZZED_ID]
    assert FUZZED_ID in row["damaged"]
