"""The list commands' plain-text output: `sessions` (aligned columns, fast for a thousand
sessions) and `bank list` (blocks that read at 80 columns); the small formatters they share with
the other terminal output."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from mockint.render.console import Console


def render_sessions(console: Console, rows: list[dict[str, Any]]) -> None:
    """One line per session, in aligned columns (plain text: fast for a thousand sessions)."""
    if not rows:
        console.print("No sessions yet — start one with 'mockint practice'.")
        return
    header = ("session", "date", "company", "questions", "answered", "avg score", "duration", "state")
    lines: list[tuple[list[str], Text]] = []
    for row in rows:
        if "damaged" in row:
            lines.append(
                ([row["id"], "", "", "", "", "", ""], Text(f"damaged: {row['damaged']}", style="red"))
            )
            continue
        state = Text("complete" if row["complete"] else "incomplete")
        if row.get("damaged_audio"):
            state.append(f" · damaged audio: {row['damaged_audio']}", style="red")
        cells = [
            row["id"],
            (row.get("started_at") or "")[:16].replace("T", " "),
            row.get("company") or "",
            str(row["questions"]),
            str(row["answered"]),
            average_text(row),
            seconds_text(row.get("duration_s")),
        ]
        lines.append((cells, state))
    widths = [max(len(header[i]), *(len(c[i]) for c, _ in lines)) for i in range(len(header) - 1)]
    right = {3, 4, 5, 6}  # numbers

    def fmt(cells: list[str]) -> str:
        return "  ".join(
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    out = Text(fmt(list(header[:-1])) + "  " + header[-1] + "\n", style="bold")
    for cells, state in lines:
        out.append(fmt(cells) + "  ").append_text(state).append("\n")
    console.print(out, end="")


def average_text(row: dict[str, Any]) -> str:
    """A session's average score, saying how many questions count their follow-up."""
    if row.get("average_score") is None:
        return "–"
    n = row.get("with_follow_up") or 0
    return f"{row['average_score']} ({n} with follow-up)" if n else str(row["average_score"])


def score_text(value: Any) -> str:
    return "–" if value is None else str(value)


def seconds_text(value: float | None) -> str:
    if value is None:
        return "–"
    if value >= 59.5:  # whole seconds: 119.6 is "2 min 00 s", never "1 min 60 s"
        whole = round(value)
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{value:.1f} s" if value < 10 else f"{value:.0f} s"


# ---------------------------------------------------------------------- the question bank

BANK_WIDTH = 80  # `bank list` wraps to this when piped; a terminal uses its own width (up to it)


def render_bank(stream, bank, profiles) -> None:
    """`bank list`: per profile its timings, its principles (name and summary), then one block
    per question — id, text, principles and tags on lines of their own — so it reads at 80 columns."""
    import shutil
    import textwrap

    isatty = getattr(stream, "isatty", None)
    width = (
        min(shutil.get_terminal_size((BANK_WIDTH, 24)).columns, 100) if isatty and isatty() else BANK_WIDTH
    )

    def say(text: str, indent: int = 0, hang: int = 2) -> None:
        pad = " " * indent
        print(textwrap.fill(text, width, initial_indent=pad, subsequent_indent=pad + " " * hang), file=stream)

    for profile in profiles:
        say(f"{profile.name} ({profile.id}) — {profile.description}")
        say(
            f"prep {profile.prep_s:g} s · aim {profile.answer_target_s:g} s · limit "
            f"{profile.answer_limit_s:g} s · {profile.questions_per_session} questions · "
            f"{profile.follow_ups} follow-up(s) each",
            2,
        )
        principles = bank.principles_for(profile.id)
        if principles:
            print(file=stream)
            say(f"Principles ({len(principles)})", 2)
            for p in principles:
                say(f"{p.id} — {p.name}: {p.summary}", 4)
        questions = bank.questions_for(profile.id)
        print(file=stream)
        say(f"Questions ({len(questions)})", 2)
        for q in questions:
            print(file=stream)
            say(q.id, 4)
            say(q.text, 6, hang=0)
            names = [bank.principles[pid].name if pid in bank.principles else pid for pid in q.principles]
            say("principles: " + (", ".join(names) or "–"), 6)
            if q.tags:
                say("tags: " + ", ".join(q.tags), 6)
        print(file=stream)


def spoken_text(value: float | None) -> str:
    """Speaking time as the review's tips print it: whole seconds ("At 43 s this answer is short")."""
    if value is None:
        return "–"
    return f"{round(value)} s" if value < 59.5 else seconds_text(value)
