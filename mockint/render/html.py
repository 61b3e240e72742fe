"""The page shell shared by mockint's HTML reports: escaping, styles, the seek script, tables.

Pages are single files that work from disk with no network: CSS and JS are inline, and a
Content-Security-Policy forbids loading anything but what the page carries (data: URIs) and
files beside it. Every text from a session, a question bank or story notes goes through `esc`.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

COLOURS = {  # background of each part, also used in the legend and the timeline
    "situation": "#cfe0ff",
    "task": "#ffe3a8",
    "action": "#c6efcf",
    "result": "#f6c6de",
    "other": "#ececec",
}


def esc(value: Any) -> str:
    """Text (any value) as HTML-safe text; quotes too, so it is safe inside attributes."""
    return html.escape("" if value is None else str(value), quote=True)


CSS = """
:root { --ink:#1d232b; --muted:#5b6672; --line:#d8dde3; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink);
       margin: 0 auto; max-width: 980px; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .25rem; } h2 { margin-top: 2.2rem; border-bottom: 2px solid var(--line); }
h3 { margin: 1.2rem 0 .4rem; font-size: 1.05rem; }
.muted { color: var(--muted); } .small { font-size: .85rem; }
table { border-collapse: collapse; margin: .4rem 0; }
td, th { padding: .2rem .6rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: middle; }
.take { border: 1px solid var(--line); border-radius: 8px; padding: .6rem 1rem 1rem; margin: .8rem 0; }
audio { width: 100%; margin: .3rem 0; }
.legend span { padding: 0 .5rem; border-radius: 3px; margin-right: .3rem; }
.transcript { line-height: 2; }
.w { padding: .15rem .1rem; border-radius: 3px; cursor: pointer; }
.w:hover, .w:focus { outline: 2px solid #4a78c2; }
.w.now { outline: 2px solid #1d232b; }
.filler { text-decoration: underline wavy #c0392b; color: #8e2a1f; }
.seg { padding: .15rem .1rem; border-radius: 3px; }
.bar { display: flex; height: 1.5rem; border-radius: 4px; overflow: hidden; background: #f7f7f7;
       font-size: .75rem; white-space: nowrap; }
.bar div { overflow: hidden; padding: .1rem .3rem; border-right: 1px solid #fff; }
.bars td:first-child { width: 5rem; color: var(--muted); }
.bars td:last-child { width: 100%; }
.gauge { position: relative; width: 220px; height: .8rem; background: #eee; border-radius: 4px; }
.gauge .band { position: absolute; top: 0; bottom: 0; background: #bfe6c6; }
.gauge .mark { position: absolute; top: -.25rem; bottom: -.25rem; width: 3px; background: #1d232b; }
.ok { color: #1e7b34; } .off { color: #b03a2e; }
.flag { display: inline-block; background: #fde2df; color: #8e2a1f; border-radius: 3px;
        padding: 0 .4rem; margin: .1rem .2rem .1rem 0; font-size: .85rem; }
.score { font-size: 1.3rem; font-weight: 600; }
.chart svg { max-width: 100%; height: auto; }
details summary { cursor: pointer; color: var(--muted); }
.grid td.cell { min-width: 2.2rem; text-align: center; font-size: .8rem; }
""" + "".join(f".l-{p} {{ background: {c}; }}\n" for p, c in COLOURS.items())

# Clicking (or Enter on) a word seeks its take's audio to the word's start and plays; while
# playing, the word being spoken is outlined.
JS = """
(function () {
  function seek(word) {
    var box = word.closest('[data-audio]');
    var audio = box && document.getElementById(box.getAttribute('data-audio'));
    if (!audio) return;
    audio.currentTime = parseFloat(word.getAttribute('data-start'));
    var playing = audio.play();
    // Playback can be refused (no sound device, autoplay policy); the seek still happened.
    if (playing && playing.catch) playing.catch(function () {});
  }
  document.addEventListener('click', function (e) {
    var word = e.target.closest && e.target.closest('.w[data-start]');
    if (word) seek(word);
  });
  document.addEventListener('keydown', function (e) {
    var word = e.target.closest && e.target.closest('.w[data-start]');
    if (word && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); seek(word); }
  });
  document.querySelectorAll('audio[id]').forEach(function (audio) {
    var words = document.querySelectorAll('[data-audio="' + audio.id + '"] .w[data-start]');
    audio.addEventListener('timeupdate', function () {
      var t = audio.currentTime;
      words.forEach(function (w) {
        var on = t >= parseFloat(w.getAttribute('data-start')) && t < parseFloat(w.getAttribute('data-end'));
        w.classList.toggle('now', on);
      });
    });
  });
})();
"""


def page(title: str, body: str) -> str:
    """A whole HTML document: `title` is escaped here, `body` must already be safe HTML."""
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        # No network, ever: the page may load only what it carries (data: URIs) or files beside it.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
        "media-src data: file: 'self'\">"
        f"<title>{esc(title)}</title><style>{CSS}</style></head>\n<body>\n{body}\n"
        f"<script>{JS}</script>\n</body></html>\n"
    )


def html_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], cls: str = "") -> str:
    """A table whose header and cell texts are all escaped (for callers building sections)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="{esc(cls)}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
