"""The story bank's coverage grid as HTML, and its section of the progress page."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from mockint.bank import Bank
from mockint.render.html import esc
from mockint.render.progress_page import ProgressSection
from mockint.stories import Coverage, StoryError, coverage, load_stories, stories_path


def coverage_html(cov: Coverage) -> str:
    """The coverage grid as safe HTML for the progress page (every text escaped)."""
    if not cov.stories:
        return (
            "<p>No stories yet. Prepare a few and map them to principles: "
            "<code>mockint stories add --title … --principle …</code></p>"
        )
    head = "".join(f'<th title="{esc(title)}">{n}</th>' for n, (_, title) in enumerate(cov.stories, 1))
    rows = []
    for row in cov.rows:
        cells = "".join(
            f'<td class="cell">{"●" if sid in row.stories else ""}</td>' for sid, _ in cov.stories
        )
        name = f"<span class='off'>{esc(row.name)}</span>" if row.gap else esc(row.name)
        rows.append(
            f'<tr data-{row.kind}="{esc(row.key)}"><td>{name}</td><td>{row.questions}</td>{cells}</tr>'
        )
    legend = "".join(
        f"<li>{n}. <b>{esc(title)}</b> <span class='muted'>({esc(sid)})</span></li>"
        for n, (sid, title) in enumerate(cov.stories, 1)
    )
    gaps = [
        ("No story yet for", cov.gaps),
        ("No story tagged", cov.theme_gaps),
        ("Shows only one principle", cov.single_use),
        ("Shows none of these principles", cov.unmapped),
    ]
    notes = "".join(f"<p><b>{label}:</b> {esc(', '.join(items))}</p>" for label, items in gaps if items)
    return (
        f"<p class='small muted'>Which prepared story shows which principle or theme; "
        f"red rows have no story yet. Questions: how many bank questions ask for it.</p>"
        f'<table class="grid stories"><thead><tr><th>Principle / theme</th><th>Questions</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table><ol class='small' style='list-style:none;padding:0'>{legend}</ol>{notes}"
    )


def progress_sections(recordings: Path, environ: Mapping[str, str], cwd: Path, bank: Bank | None) -> list:
    """The progress page's story section (`ProgressSection`s for `build_progress_report`).

    A broken stories file must not stop the report: the section then says what to fix."""
    if bank is None:
        return []
    path = stories_path(recordings, environ)
    path = path if path.is_absolute() else cwd / path
    company = "amazon" if "amazon" in bank.profiles else None
    title = "Story bank coverage" + (f" — {bank.profiles[company].name}" if company else "")
    try:
        stories = load_stories(path, bank)
    except StoryError as exc:
        return [ProgressSection(title, f"<p class='off'>{esc(exc.message)}</p>")]
    return [ProgressSection(title, coverage_html(coverage(stories, bank, company)))]
