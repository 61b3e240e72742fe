"""What the candidate sees and presses: the live view, the keys, the preparation countdown."""

from __future__ import annotations

import io
import os

import pytest

from mockint.ports import STOP_ENTER, STOP_QUIT, STOP_RETAKE, STOP_SKIP
from mockint.render.live import KEY_HELP, KeyReader, LiveView, format_clock, level_bar
from mockint.transcript import LiveWords


@pytest.mark.parametrize(
    "seconds, shown", [(0, "0:00"), (9.9, "0:09"), (61, "1:01"), (180, "3:00"), (-2, "0:00")]
)
def test_clock(seconds, shown):
    assert format_clock(seconds) == shown


@pytest.mark.parametrize("dbfs, full_cells", [(-200, 0), (-60, 0), (-30, 12), (-15, 18), (0, 24), (6, 24)])
def test_level_bar(dbfs, full_cells):
    bar = level_bar(dbfs)
    assert len(bar) == 24 and bar.count("█") == full_cells


def render(elapsed_s: float, **kw) -> str:
    view = LiveView(io.StringIO(), limit_s=180, target_s=120, **kw)
    return view.render(elapsed_s, -20.0).plain


def test_view_shows_time_wrap_up_words_and_keys():
    early = render(30, interactive=True, partial_words=lambda: LiveWords("so in my last role"))
    assert early.startswith("● REC 0:30 / 3:00")
    assert "wrap up" not in early and "so in my last role" in early and KEY_HELP in early
    late = render(125, interactive=False)
    assert "wrap up" in late and KEY_HELP not in late


def test_view_without_a_terminal_prints_start_and_end_only():
    out = io.StringIO()
    with LiveView(out, limit_s=120, target_s=90, interactive=True) as view:
        for t in range(50):
            view.update(t / 10, -20.0, force=True)
    view.finish(5.0, "end_of_audio")
    assert out.getvalue() == f"recording (limit 2:00) — {KEY_HELP}\nAnswer recorded: 0:05 (end of audio)\n"


@pytest.mark.parametrize(
    "typed, stop",
    [
        (b"\n", STOP_ENTER),
        (b"\r", STOP_ENTER),
        (b"r", STOP_RETAKE),
        (b"R", STOP_RETAKE),
        (b"s", STOP_SKIP),
        (b"q", STOP_QUIT),
        (b"x", None),
        (b"xq", STOP_QUIT),
    ],
)
def test_keys(typed, stop):
    read_fd, write_fd = os.pipe()
    with os.fdopen(read_fd) as keys:
        os.write(write_fd, typed)
        with KeyReader(keys) as reader:
            assert reader.stop_key(1.0) == stop
    os.close(write_fd)
