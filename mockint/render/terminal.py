"""Terminal rendering of sessions: a take's review as it lands, the session summary, `show`
and `sessions`. Works on the saved documents (dicts at the edge), so a session in progress and
one loaded from disk render alike."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from rich.table import Table
from rich.text import Text

from mockint.bank import Question
from mockint.followup import FOLLOW_UP_FLAGS, PROBED_PART
from mockint.parts import STAR_PARTS
from mockint.render.console import Console
from mockint.render.lists import score_text, seconds_text, spoken_text
from mockint.store.summary import combined_of, newest_answer, question_result
from mockint.store.view import number

PARTS = STAR_PARTS
PART_STYLE = {"situation": "cyan", "task": "magenta", "action": "green", "result": "yellow", "other": "dim"}
# Why a take has no review, by its stopped_by.
UNREVIEWED = {
    "skip": "skipped",
    "interrupt": "interrupted — saved, not transcribed",
    "terminated": "stopped by SIGTERM — saved, not transcribed ('mockint transcribe --session' finishes it)",
    "hangup": "stopped: the terminal closed (SIGHUP) — saved, not transcribed",
    "broken_pipe": "stopped: the output was closed — saved, not transcribed",
    "crash": "cut off by a crash — saved up to then, not transcribed",
    "recording": "still being recorded",
    "error": "the recording failed — what was heard is saved",
}
TOP_TIPS = 3
TIPS_PER_TAKE = 2


def console_for(stream) -> Console:
    """A rich console on `stream`; plain and 120 columns wide when it is not a terminal."""
    isatty = getattr(stream, "isatty", None)
    tty = bool(isatty and isatty())
    return Console(file=stream, highlight=False, width=None if tty else 120, soft_wrap=not tty)


# ---------------------------------------------------------------------- while practising


class TerminalView:
    """The session engine's view on a terminal (or any stream). With `keys` (a terminal), the
    preparation countdown takes Enter (answer now), s (skip the question) and q (end)."""

    def __init__(
        self,
        console: Console,
        *,
        wait_for_prep: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        keys=None,
    ) -> None:
        self.console = console
        self.wait_for_prep = wait_for_prep
        self.sleep = sleep
        self.keys = keys

    def question(self, number: int, total: int, question: Question) -> None:
        principles = f" · {', '.join(question.principles)}" if question.principles else ""
        self.console.rule(f"Question {number} of {total} · {question.id}{principles}")

    def prep(self, seconds: float) -> str | None:
        if not self.wait_for_prep:
            self.console.print(
                f"[dim]{seconds:.0f} s to prepare — skipped: the answer comes from a file[/dim]"
            )
            return None
        from contextlib import nullcontext

        from rich.live import Live

        from mockint.ports import STOP_ENTER, STOP_QUIT, STOP_SKIP
        from mockint.render.live import KeyReader

        hint = " · Enter: answer now · s: skip · q: quit" if self.keys is not None else ""
        stopped = None
        # cbreak while counting down: a key is read, not echoed (an echoed Enter broke the line)
        reader = KeyReader(self.keys) if self.keys is not None else None
        with reader or nullcontext(), Live(console=self.console, transient=True) as live:
            for left in range(int(seconds), 0, -1):
                live.update(Text(f"Prepare your answer — {left} s", style="bold").append(hint, style="dim"))
                if reader is None:
                    self.sleep(1.0)
                    continue
                stopped = reader.stop_key(1.0)
                if stopped in (STOP_ENTER, STOP_SKIP, STOP_QUIT):
                    break
                stopped = None
        if stopped == STOP_SKIP:
            self.console.print("[dim]Skipped.[/dim]")
            return STOP_SKIP
        if stopped == STOP_QUIT:
            return STOP_QUIT
        self.console.print("[bold]Answer now.[/bold]")
        return None

    def follow_up(self, prompt: str, reason: str) -> None:
        why = {"question": "one of the question's own probes", "generic": "a closing probe"}.get(
            reason, f"probing: {reason.replace('_', ' ')}"
        )
        self.console.print(f"[bold]Follow-up[/bold] [dim]({why})[/dim]")

    def take_done(self, take: dict[str, Any]) -> None:
        render_take(self.console, take)

    def notice(self, text: str) -> None:
        self.console.print(f"[dim]{text}[/dim]")


def render_take(
    console: Console, take: dict[str, Any], *, tips: int = TIPS_PER_TAKE, figures: bool = False
) -> None:
    """A take's review in a few lines: score, time, STAR parts, flags, the first tips
    (with `figures`: fillers, "I" and "we", long pauses too)."""
    review = take.get("review")
    label = "Follow-up" if take.get("kind") == "follow_up" else "Answer"
    if not review:
        why = UNREVIEWED.get(take.get("stopped_by") or "", "not reviewed")
        console.print(f"{label}: {seconds_text(take.get('duration_s'))} — {why}")
        return
    if take.get("kind") == "follow_up":
        render_follow_up(console, take, review)
        return
    line = Text(f"{label} review: ")
    score = review.get("score")
    line.append(f"score {score}/100" if score is not None else "no score", style="bold")
    line.append(f" · {spoken_text(speaking_s(take, review))}")
    if take.get("thinking_s") is not None:
        line.append(f" · thinking {seconds_text(take['thinking_s'])}")
    delivery = review.get("delivery") or {}
    if delivery.get("wpm"):
        line.append(f" · {delivery['wpm']:.0f} wpm")
    console.print(line)
    if take.get("stopped_by") == "limit":
        console.print(Text(f"Stopped by the {seconds_text(take.get('limit_s'))} limit.", style="yellow"))
    console.print(star_line(review))
    if figures:
        console.print(figures_line(delivery))
    if "story" in take:
        console.print(story_line(take["story"]))
    if review.get("flags"):
        console.print(Text("Flags: ", style="bold").append(", ".join(review["flags"]), style="red"))
    for tip in list(review.get("tips") or [])[:tips]:
        console.print(f"  • {tip}")


def speaking_s(take: dict[str, Any], review: dict[str, Any]) -> float | None:
    """The one duration a review prints: speaking time (first word to last), else the take's."""
    spoken = number((review.get("delivery") or {}).get("speaking_s"))
    return spoken if spoken is not None else number(take.get("duration_s"))


def figures_line(delivery: dict[str, Any]) -> Text:
    fillers = delivery.get("fillers") or {}
    parts = []
    if fillers.get("count") is not None:
        per_min = f" ({fillers['per_minute']:.1f}/min)" if fillers.get("per_minute") is not None else ""
        words = ", ".join(f"{w} ×{n}" for w, n in (fillers.get("by_word") or {}).items())
        parts.append(f"fillers {fillers['count']}{per_min}" + (f": {words}" if words else ""))
    if delivery.get("i_count") is not None:
        parts.append(f'"I" {delivery["i_count"]} · "we" {delivery.get("we_count", 0)}')
    if delivery.get("long_pauses") is not None:
        parts.append(f"long pauses {delivery['long_pauses']}")
    return Text("  " + " · ".join(parts), style="dim")


def render_follow_up(console: Console, take: dict[str, Any], review: dict[str, Any]) -> None:
    """A follow-up answer is not a whole story: judge it on what it was asked for, and on delivery."""
    line = Text(f"Follow-up answer: {seconds_text(take.get('duration_s'))}")
    delivery = review.get("delivery") or {}
    if delivery.get("wpm"):
        line.append(f" · {delivery['wpm']:.0f} wpm")
    reason = take.get("follow_up_reason") or ""
    part = PROBED_PART.get(reason)
    if part:
        given = bool(((review.get("components") or {}).get(part) or {}).get("present"))
        line.append(
            f" · {part} given ✓" if given else f" · still no {part}",
            style=PART_STYLE[part] if given else "bold red",
        )
    elif reason == "low_ownership":
        owned = "low_ownership" not in (review.get("flags") or [])
        line.append(
            ' · in your own words ("I") ✓' if owned else ' · still "we"',
            style="green" if owned else "bold red",
        )
    console.print(line)
    combined = take.get("combined")
    if isinstance(combined, dict):
        status = combined.get("status") or "answer and follow-up together"
        console.print(
            Text(f"  {status} · with the follow-up: score ", style="dim")
            .append(score_text(combined.get("score")), style="bold")
            .append(f" (answer alone {score_text(combined.get('answer_score'))})", style="dim")
        )
    flags = [f for f in review.get("flags") or [] if f in FOLLOW_UP_FLAGS]
    if flags:
        console.print(Text("Flags: ", style="bold").append(", ".join(flags), style="red"))


def star_line(review: dict[str, Any]) -> Text:
    text = Text()
    for part in PARTS:
        comp = (review.get("components") or {}).get(part) or {}
        if comp.get("present"):
            secs = f" {comp['seconds']:.0f} s" if comp.get("seconds") is not None else ""
            text.append(f"{part.capitalize()}{secs} ✓", style=PART_STYLE[part])
        else:
            text.append(f"{part.capitalize()} missing", style="bold red")
        text.append("  ")
    return text


# ---------------------------------------------------------------------- after the session


def render_summary(console: Console, doc: dict[str, Any], *, next_steps: list[str] | None = None) -> None:
    """Per question: time, thinking, STAR parts, flags, score; totals; the three most useful tips;
    with `next_steps` (mockint.plan), what to practise next time."""
    console.rule(f"Session {doc['id']}")
    table = Table(show_lines=False)
    for column in ("#", "question", "time", "thinking", "STAR", "flags", "score"):
        table.add_column(column, justify="right" if column in ("#", "time", "thinking", "score") else "left")
    total_time = 0.0
    thinking: list[float] = []
    scores: list[int] = []
    with_follow_up = 0
    for n, question in enumerate(doc["questions"], 1):
        take = newest_answer(question)
        follow_ups = [t for t in question["takes"] if t.get("kind") == "follow_up" and t.get("review")]
        if take is None:
            state = "skipped" if question.get("skipped") else "not answered"
            table.add_row(str(n), question["id"], "–", "–", "–", state, "–")
            continue
        review = take["review"]
        total_time += take.get("duration_s") or 0.0
        total_time += sum(t.get("duration_s") or 0.0 for t in follow_ups)
        if take.get("thinking_s") is not None:
            thinking.append(take["thinking_s"])
        counted, combined_counts = question_result(question)
        if counted is not None:
            scores.append(counted)
            with_follow_up += combined_counts
        extra = f" +{len(follow_ups)} follow-up" if follow_ups else ""
        combined = combined_of(question, take)
        flags = ", ".join(review.get("flags") or []) or "–"
        score = score_text(review.get("score"))
        if combined:
            if combined.get("filled") and combined.get("status"):
                flags += f" ({combined['status']})"
            score += f" → {score_text(combined.get('score'))} (with follow-up)"
        table.add_row(
            str(n),
            question["id"],
            spoken_text(speaking_s(take, review)) + extra,
            seconds_text(take.get("thinking_s")),
            star_letters(review),
            flags,
            score,
        )
    console.print(table)
    answered = len(scores)
    avg = f"{sum(scores) / answered:.0f}" if answered else "–"
    if with_follow_up:
        avg += f" ({with_follow_up} with follow-up)"
    avg_thinking = f"{sum(thinking) / len(thinking):.1f} s" if thinking else "–"
    console.print(
        f"Answered {answered} of {len(doc['questions'])} · speaking time {seconds_text(total_time)}"
        f" · average thinking {avg_thinking} · average score {avg}"
    )
    render_stories(console, doc)
    tips = top_tips(doc)
    if tips:
        console.print("[bold]The three most useful tips[/bold]")
        for tip in tips:
            console.print(f"  • {tip}")
    state = "saved" if doc.get("complete") else "saved (incomplete)"
    console.print(
        f"Session {state}: {doc['id']} — replay with 'mockint replay {doc['id']}', "
        f"read it with 'mockint show {doc['id']}'"
    )
    if next_steps:
        render_next_steps(console, next_steps)


def render_next_steps(console: Console, lines: list[str]) -> None:
    """The plan for next time (mockint.plan), last: what the candidate walks away with."""
    console.print("[bold]Next time, practise[/bold] [dim](plain 'mockint practice' asks these first)[/dim]")
    for line in lines:
        console.print(f"  {line}", markup=False)


def story_line(story: dict[str, Any] | None) -> Text:
    """Which prepared story an answer told (mockint.stories.match), and a warning if told before."""
    if story is None:
        return Text("Story: none of your prepared stories", style="dim")
    line = (
        Text("Story: ")
        .append(story["title"], style="bold")
        .append(f" (match {story['score']:.2f})", style="dim")
    )
    if story.get("told_for"):
        line.append(
            f"  ⚠ already told for {', '.join(story['told_for'])} — interviewers compare notes;"
            " prepare another story for this question",
            style="bold yellow",
        )
    return line


def render_stories(console: Console, doc: dict[str, Any]) -> None:
    """The prepared story each question's answer told; a story told twice is marked (not the
    story a `--drill` session rehearses: telling it again is the point)."""
    told = [(n, q, newest_answer(q)) for n, q in enumerate(doc["questions"], 1)]
    told = [(n, q, t["story"]) for n, q, t in told if t is not None and "story" in t]
    if not told:
        return
    drilled = (doc.get("options") or {}).get("drill")
    counts: dict[str, int] = {}
    for _, _, story in told:
        if story and story["story"] != drilled:
            counts[story["story"]] = counts.get(story["story"], 0) + 1
    console.print("[bold]Stories told[/bold]")
    for n, question, story in told:
        name = story["title"] if story else "no prepared story"
        twice = " — told twice" if story and counts.get(story["story"], 0) > 1 else ""
        console.print(Text(f"  {n}. {question['id']}: {name}").append(twice, style="bold yellow"))


def star_letters(review: dict[str, Any]) -> str:
    comps = review.get("components") or {}
    return "".join(p[0].upper() if (comps.get(p) or {}).get("present") else "·" for p in PARTS)


def top_tips(doc: dict[str, Any], n: int = TOP_TIPS) -> list[str]:
    """The most useful tips: from the weakest answers first, each answer's first tip before its second."""
    reviews = [t["review"] for t in (newest_answer(q) for q in doc["questions"]) if t]
    reviews.sort(key=lambda r: r.get("score") if isinstance(r.get("score"), (int, float)) else 0)
    chosen: list[str] = []
    depth = max((len(r.get("tips") or []) for r in reviews), default=0)
    for i in range(depth):
        for review in reviews:
            tips = review.get("tips") or []
            if i < len(tips) and tips[i] not in chosen:
                chosen.append(tips[i])
            if len(chosen) == n:
                return chosen
    return chosen


def render_show(console: Console, doc: dict[str, Any]) -> None:
    """A saved session: every take's transcript with its STAR parts marked, figures, flags, tips."""
    state = "complete" if doc.get("complete") else "incomplete"
    console.rule(f"{doc['id']} · {doc.get('company')} · {state}")
    for n, question in enumerate(doc["questions"], 1):
        console.print(Text(f"Q{n}. {question.get('text') or '(question text not saved)'}", style="bold"))
        if not question["takes"]:
            console.print("  (not answered)")
        for take in question["takes"]:
            if take.get("kind") == "follow_up":
                console.print(Text(f"Follow-up: {take.get('prompt')}", style="bold"))
            render_take(console, take, tips=len((take.get("review") or {}).get("tips") or []), figures=True)
            console.print(marked_transcript(take))
            console.print()
        score, with_follow_up = question_result(question)
        if with_follow_up:
            answer = newest_answer(question)
            alone = score_text((answer or {}).get("review", {}).get("score"))
            console.print(
                Text(f"Question score: {score} (with follow-up; answer alone {alone})", style="bold")
            )
            console.print()
    console.print("Parts: " + "  ".join(f"[{PART_STYLE[p]}]{p}[/]" for p in PARTS))


def marked_transcript(take: dict[str, Any]) -> Text:
    """The words, each phrase tagged and coloured with its STAR label."""
    review = take.get("review") or {}
    segments = review.get("segments") or []
    text = Text("  ")
    if not segments:
        words = ((take.get("transcript") or {}).get("text") or "").strip()
        return text.append(words or "(no transcript)", style="dim")
    for seg in segments:
        label = seg.get("label", "other")
        tag = "" if label == "other" else f"[{label[0].upper()}] "
        text.append(f"{tag}{seg.get('text', '')} ", style=PART_STYLE.get(label, ""))
    return text
