"""The review and bank pages of `mockint serve`: a typed draft reviewed as `mockint review --text`
does (the same engine, nothing written to disk; the draft stays in the page), and the question
bank as `mockint bank list` shows it, with a link to practise each principle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from mockint.errors import UsageError
from mockint.render.html import esc
from mockint.web.pages import shell

MAX_DRAFT_CHARS = 20_000  # a 3-minute answer is ~3,000 characters; the form limit is 64 KB


@dataclass(frozen=True)
class Draft:
    """What the review form sent: a company, a bank question id or a question's text, the answer."""

    company: str = ""
    question: str = ""
    question_text: str = ""
    text: str = ""

    @classmethod
    def parse(cls, form: Mapping[str, str]) -> Draft:
        return cls(
            **{k: (form.get(k) or "").strip() for k in ("company", "question", "question_text", "text")}
        )


def review_draft(draft: Draft, bank, stories: Sequence[Any] = ()) -> str:
    """The review of a typed draft as HTML (the session page's take), or UsageError in one line."""
    from mockint.render.session_page import take_html
    from mockint.review import review
    from mockint.store.view import read_session
    from mockint.transcript import Transcript

    if not draft.text:
        raise UsageError("the answer is empty", "type your answer in the box")
    if len(draft.text) > MAX_DRAFT_CHARS:
        raise UsageError(
            f"the answer is {len(draft.text):,} characters long", f"keep it under {MAX_DRAFT_CHARS:,}"
        )
    if draft.question and draft.question_text:
        raise UsageError(
            "both a bank question and your own question were given",
            "choose one of them, as in 'mockint review'",
        )
    question, profile = bank.asked(draft.question, draft.question_text, draft.company)
    answer = Transcript.from_text(draft.text)
    result = review(answer, question, profile, bank)
    take = {"kind": "answer", "transcript": answer.to_dict(), "review": result.to_dict()}
    view = read_session({"questions": [{"id": "", "text": "", "takes": [take]}]}).questions[0].takes[0]
    asked = f'<p class="question"><b>Question:</b> {esc(question.text)}</p>' if question is not None else ""
    story = ""
    if stories:
        from mockint.stories.match import match_story

        found = match_story(answer.text, stories)
        story = (
            f"<p>Story: {esc(found.title)} (match {found.score:.2f})</p>"
            if found
            else "<p class='small muted'>Story: none of your prepared stories.</p>"
        )
    score = "none" if result.score is None else str(result.score)
    return (
        f'<section id="result" aria-label="Review" data-score="{esc(score)}" '
        f'data-flags="{esc(" ".join(result.flags))}">'
        f'<h2 id="result-title" tabindex="-1" autofocus>Review</h2>{asked}'
        + take_html(view, "draft", "Your draft", None, profile, "")
        + story
        + "</section>"
    )


def review_page(
    bank, draft: Draft, *, result: str = "", error: str | None = None, stories_note: str = ""
) -> str:
    """The form (filled with `draft`), then the review or the one-line error."""
    profiles = list(bank.profiles.values())
    company = draft.company or ("amazon" if "amazon" in bank.profiles else "")
    companies = "".join(
        f'<option value="{esc(p.id)}"' + (" selected" if p.id == company else "") + f">{esc(p.name)}</option>"
        for p in profiles
    )
    groups = "".join(
        f'<optgroup label="{esc(p.name)}">'
        + "".join(
            f'<option value="{esc(q.id)}"'
            + (" selected" if q.id == draft.question else "")
            + f">{esc(q.text)}</option>"
            for q in bank.questions_for(p.id)
        )
        + "</optgroup>"
        for p in profiles
    )
    problem = f'<p class="off" role="alert" id="problem">{esc(error)}</p>' if error else ""
    body = f"""
<h1>Review a draft</h1>
<p class="small muted">Type or paste an answer: it gets the same review as <code>mockint review --text</code>.
Nothing is saved; the draft stays in this page.</p>{problem}
<form method="post" action="/review" class="story-form draft-form" aria-label="Review a typed answer">
  <label>Company <select id="company" name="company">{companies}</select></label>
  <label>Bank question <select id="question" name="question">
    <option value="">— my own question (below), or none —</option>{groups}</select></label>
  <label>Or your own question <input id="question_text" name="question_text"
    value="{esc(draft.question_text)}"></label>
  <label>Your answer <textarea id="text" name="text" rows="10" required>{esc(draft.text)}</textarea></label>
  <button id="review" type="submit" class="primary">Review the draft</button>
</form>{stories_note}{result}"""
    return shell("mockint — review a draft", "/review", body)


def bank_page(bank) -> str:
    """Each company's questions grouped by principle, with a link to practise the principle."""
    sections = []
    for profile in bank.profiles.values():
        questions = bank.questions_for(profile.id)
        principles = bank.principles_for(profile.id)
        own = {p.id for p in principles}
        blocks = []
        for p in principles:
            asked = [q for q in questions if p.id in q.principles]
            practise = "/?" + urlencode({"company": profile.id, "principle": p.id})
            blocks.append(
                f'<section class="principle" aria-labelledby="p-{esc(profile.id)}-{esc(p.id)}">'
                f'<h3 id="p-{esc(profile.id)}-{esc(p.id)}">{esc(p.name)}</h3>'
                f'<p class="small">{esc(p.summary)}</p>'
                f'<p><a href="{esc(practise)}" aria-label="Practise {esc(p.name)}">Practise this principle</a>'
                f" · {len(asked)} question(s)</p>" + _questions(asked, profile.id) + "</section>"
            )
        rest = [q for q in questions if not own.intersection(q.principles)]
        if rest:
            blocks.append(
                "<section class='principle'><h3>Other questions</h3>"
                + _questions(rest, profile.id)
                + "</section>"
            )
        sections.append(
            f'<section class="profile" aria-labelledby="c-{esc(profile.id)}">'
            f'<h2 id="c-{esc(profile.id)}">{esc(profile.name)} <span class="muted small">({esc(profile.id)})</span></h2>'
            f'<p class="small muted">{esc(profile.description)} · aim {profile.answer_target_s:g} s · limit '
            f"{profile.answer_limit_s:g} s · {profile.questions_per_session} questions a session</p>"
            + "".join(blocks)
            + "</section>"
        )
    body = (
        f"<h1>Question bank</h1><p class='small muted'>{esc(bank.folder)}: {len(bank.questions)} questions, "
        f"{len(bank.principles)} principles.</p>" + "".join(sections)
    )
    return shell("mockint — question bank", "/bank", body)


def _questions(questions: Sequence[Any], company: str) -> str:
    if not questions:
        return "<p class='small muted'>No questions yet.</p>"
    rows = "".join(
        f"<tr><td>{esc(q.text)}<br><span class='small muted'>{esc(q.id)}"
        + (f" · {esc(', '.join(q.tags))}" if q.tags else "")
        + f"</span></td><td>{len(q.follow_ups)}</td><td class='actions'>"
        f'<a href="/review?{esc(urlencode({"company": company, "question": q.id}))}" '
        f'aria-label="Review a draft for: {esc(q.text)}">review a draft</a></td></tr>'
        for q in questions
    )
    return (
        "<table class='list'><thead><tr><th>Question</th><th>Follow-ups</th><th></th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )
