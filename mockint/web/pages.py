"""The HTML pages of `mockint serve`. Every text from a session, the bank or the stories goes
through `esc`; the session and progress pages are the `report` pages (mockint.render), served
with their audio linked through the session API instead of embedded."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from mockint.parts import STAR_PARTS
from mockint.render.html import esc
from mockint.render.lists import average_text

# Our own pages load only our own files: no inline script, nothing from the network.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# The report pages carry their CSS and seek script inline (they also work from disk).
REPORT_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
    "media-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
NAV = (
    ("/", "Practice"),
    ("/sessions", "Sessions"),
    ("/progress", "Progress"),
    ("/stories", "Stories"),
    ("/review", "Review a draft"),
    ("/bank", "Question bank"),
)
NAV_CHECK = ("/check", "Mic check")


def nav(current: str, inline: bool = False) -> str:
    style = (
        ' style="display:flex;gap:1rem;padding:.5rem 0;border-bottom:1px solid #d8dde3;margin-bottom:1rem"'
        if inline
        else ""
    )
    links = "".join(
        f'<a href="{href}"' + (' aria-current="page"' if href == current else "") + f">{esc(label)}</a>"
        for href, label in (*NAV, NAV_CHECK)
    )
    return f'<nav class="site" aria-label="mockint"{style}><b>mockint</b>{links}</nav>'


def shell(title: str, current: str, body: str, scripts: Sequence[str] = ()) -> str:
    tags = "".join(f'<script src="/static/{esc(s)}" defer></script>' for s in scripts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{esc(title)}</title><link rel="stylesheet" href="/assets/report.css"><link rel="stylesheet" href="/static/app.css">{tags}</head>\n'
        f"<body>{nav(current)}<main>{body}</main></body></html>\n"
    )


def practice_page(
    profiles: Sequence[Any],
    principles: Sequence[Any],
    engine: str,
    *,
    company: str = "amazon",
    resuming: tuple[str, int, int] | None = None,
    stories: Sequence[Any] = (),
    drill: str | None = None,
    principle: str | None = None,
) -> str:
    """The practice page; `resuming` = (session id, questions left, cut-off takes to review) to
    take a session up again; `drill` preselects a story to rehearse, `principle` a principle."""
    names = {p.id: p.name for p in profiles}
    drills = '<option value="">any</option>' + "".join(
        f'<option value="{esc(p.id)}"'
        + (" selected" if p.id == principle else "")
        + f">{esc(p.name)} ({esc(names.get(p.profile, p.profile))})</option>"
        for p in principles
    )
    story_options = '<option value="">none</option>' + "".join(
        f'<option value="{esc(s.id)}"' + (" selected" if s.id == drill else "") + f">{esc(s.title)}</option>"
        for s in stories
    )
    options = "".join(
        f'<option value="{esc(p.id)}"' + (" selected" if p.id == company else "") + f">{esc(p.name)}</option>"
        for p in profiles
    )
    note, data = "", ""
    choose = f"""
  <label>Company <select id="company" name="company">{options}</select></label>
  <label>Principle to drill <select id="principle" name="principle">{drills}</select></label>
  <label>Story to drill <select id="drill" name="drill">{story_options}</select></label>
  <label>Questions <input id="count" name="count" type="number" min="1" max="10" placeholder="profile's"></label>"""
    submit = "Start the interview"
    if resuming:
        sid, left, cut = resuming
        review = f" The {cut} answer(s) cut off are kept and reviewed first." if cut else ""
        note = (
            f'<p class="notice" id="continuing">Continuing session {esc(sid)} (the same session): '
            f"{left} question(s) left.{review}</p>"
        )
        data = f' data-resume="{esc(sid)}"'
        choose = f'<input id="company" type="hidden" value="{esc(company)}">'
        submit = "Continue the interview"
    elif drill:
        title = next((s.title for s in stories if s.id == drill), drill)
        note = f'<p class="notice" id="drilling">Drilling your story “{esc(title)}”: its questions are asked.</p>'
    body = f"""
<h1>Practice</h1>{note}
<form id="setup" class="setup" aria-label="Session settings"{data}>{choose}
  <label>Answer limit (s) <input id="limit" name="answer_limit_s" type="number" min="5" max="600"
     placeholder="profile's"></label>
  <label><input id="follow_ups" type="checkbox" checked> Follow-up questions</label>
  <label><input id="voice" type="checkbox" checked> Speak the questions</label>
  <button id="start" type="submit" class="primary"{" autofocus" if resuming or drill or principle else ""}>{submit}</button>
  <p class="small muted">Speech engine: {esc(engine)}. Nothing leaves this computer.</p>
</form>
<section id="room" hidden aria-label="Interview">
  <p id="progress" class="muted" aria-live="polite"></p>
  <h2 id="question" tabindex="-1" aria-live="polite"></h2>
  <p id="status" class="status" role="status" aria-live="polite">Getting ready…</p>
  <div class="controls">
    <button id="record" class="record" disabled aria-keyshortcuts="Space Enter"
      aria-describedby="keys">End answer</button>
    <div class="meters">
      <span id="timer" class="timer" aria-label="Answer time">0:00</span>
      <meter id="level" min="-60" max="0" low="-45" high="-10" optimum="-20" value="-60"
        aria-label="Microphone level"></meter>
    </div>
  </div>
  <p class="controls-2">
    <button id="retake" disabled aria-keyshortcuts="r">Retake (r)</button>
    <button id="skip" disabled aria-keyshortcuts="s">Skip (s)</button>
    <button id="quit" disabled aria-keyshortcuts="q">End session (q)</button>
  </p>
  <p id="keys" class="small muted">Keys: Space or Enter ends the answer · r retake · s skip · q end the
    session. Recording starts when the question has been asked.</p>
  <p id="words" class="words" aria-live="off" aria-label="Words heard so far"></p>
  <div id="notices" aria-live="polite"></div>
  <div id="reviews"></div>
  <p id="done" hidden></p>
</section>
"""
    return shell("mockint — practice", "/", body, ["practice.js"])


def sessions_page(rows: Sequence[Mapping[str, Any]]) -> str:
    if not rows:
        table = "<p>No sessions yet. <a href='/'>Start one</a>.</p>"
    else:
        body_rows = []
        for r in reversed(rows):
            sid = str(r.get("id"))
            if "damaged" in r:
                body_rows.append(
                    f"<tr><td>{esc(sid)}</td><td colspan='5' class='off'>{esc(r['damaged'])}</td></tr>"
                )
                continue
            duration = r.get("duration_s")
            state = (
                "complete"
                if r.get("complete")
                else f'incomplete · <a href="/?continue={esc(sid)}">continue</a>'
            )
            body_rows.append(
                f'<tr><td><a href="/sessions/{esc(sid)}">{esc(sid)}</a></td><td>{esc(r.get("company"))}</td>'
                f"<td>{state}</td>"
                f"<td>{esc(r.get('answered'))} of {esc(r.get('questions'))}</td>"
                f"<td>{esc(average_text(r))}</td>"
                f"<td>{'–' if duration is None else f'{float(duration) / 60:.1f} min'}</td></tr>"
            )
        table = (
            "<table class='list'><thead><tr><th>Session</th><th>Company</th><th>State</th><th>Answered</th>"
            "<th>Average score</th><th>Length</th></tr></thead><tbody>"
            + "".join(body_rows)
            + "</tbody></table>"
        )
    return shell("mockint — sessions", "/sessions", "<h1>Sessions</h1>" + table)


def with_nav(report_html: str, current: str) -> str:
    """A `report` page with the site's links on top."""
    return report_html.replace("<body>\n", "<body>\n" + nav(current, inline=True), 1)


def stories_page(
    stories: Sequence[Any], coverage_html: str, path: Path, error: str | None, done: str | None = None
) -> str:
    rows = "".join(
        f"<tr><td>{esc(s.id)}</td><td>{esc(s.title)}</td><td>{esc(', '.join(s.tags))}</td>"
        f"<td>{esc(', '.join(s.principles))}</td>"
        f'<td class="actions"><a href="/?drill={esc(s.id)}" aria-label="Drill {esc(s.title)}">drill</a> '
        f'<a href="/stories/{esc(s.id)}/edit" aria-label="Edit {esc(s.title)}">edit</a> '
        f'<a href="/stories/{esc(s.id)}/remove" aria-label="Remove {esc(s.title)}">remove</a></td></tr>'
        for s in stories
    )
    listing = (
        "<table class='list'><thead><tr><th>id</th><th>Title</th><th>Tags</th><th>Principles</th><th></th></tr>"
        f"</thead><tbody>{rows}</tbody></table>"
        if stories
        else "<p>No stories yet: add the ones you will tell below.</p>"
    )
    form = "<h2>Add a story</h2>" + story_form(None, "/stories", "Add story")
    problem = f'<p class="off" role="alert">{esc(error)}</p>' if error else ""
    said = f'<p class="notice" role="status">{esc(done)}</p>' if done else ""
    body = (
        f"<h1>Story bank</h1><p class='small muted'>{esc(path)}</p>{problem}{said}{listing}"
        f"<h2>Coverage</h2>{coverage_html}{form}"
    )
    return shell("mockint — stories", "/stories", body)


def story_remove_page(story: Any) -> str:
    """Confirm before a story is removed (a form, so it needs no script and works by keyboard)."""
    body = (
        f"<h1>Remove story</h1><p>Remove “{esc(story.title)}” ({esc(story.id)}) from your story bank? "
        "Sessions that told it keep their answers.</p>"
        f'<form method="post" action="/stories/{esc(story.id)}/remove" aria-label="Remove the story">'
        f'<button id="remove" type="submit" class="danger">Remove story</button> '
        '<a id="keep" href="/stories">Keep it</a></form>'
    )
    return shell("mockint — remove story", "/stories", body)


def story_form(story: Any | None, action: str, submit: str) -> str:
    """The add/edit form; `story` fills it in for editing."""

    def value(field: str) -> str:
        got = getattr(story, field, "") if story is not None else ""
        return ", ".join(got) if isinstance(got, tuple) else str(got or "")

    fields = "".join(
        f'<label>{part.capitalize()} <textarea name="{part}" rows="2">{esc(value(part))}</textarea></label>'
        for part in STAR_PARTS
    )
    return (
        f'<form method="post" action="{esc(action)}" class="story-form" aria-label="{esc(submit)}">'
        f'<label>Title <input name="title" required value="{esc(value("title"))}"></label>'
        + fields
        + f'<label>Tags (comma-separated) <input name="tags" value="{esc(value("tags"))}"></label>'
        f'<label>Principles (comma-separated ids) <input name="principles" value="{esc(value("principles"))}"></label>'
        f'<button type="submit" class="primary">{esc(submit)}</button></form>'
    )


def story_edit_page(story: Any, error: str | None) -> str:
    problem = f'<p class="off" role="alert">{esc(error)}</p>' if error else ""
    body = (
        f"<h1>Edit story</h1><p class='small muted'>{esc(story.id)}</p>{problem}"
        + story_form(story, f"/stories/{story.id}", "Save story")
        + '<p><a href="/stories">Back to the story bank</a></p>'
    )
    return shell("mockint — edit story", "/stories", body)


def check_page() -> str:
    body = """
<h1>Microphone check</h1>
<p>Speak as you would in the interview: the bar should move into the green part.</p>
<button id="check-start" class="primary">Start the check</button>
<p><meter id="check-level" min="-60" max="0" low="-45" high="-10" optimum="-20" value="-60"
  aria-label="Microphone level"></meter> <span id="check-db" aria-live="polite"></span></p>
<p id="check-status" role="status"></p>
"""
    return shell("mockint — microphone check", "/check", body, ["check.js"])
