"""Spoken test answers for the speech benchmark: STAR-style paragraphs written for mockint
(no third-party text), synthesized with Festival's HTS voice, which the bundled recognizer
follows best (see DESIGN.md). Also clips with fillers ("um", "uh"…) for the filler catch rate.

    python benchmarks/answers.py OUT_DIR      # writes the clips and prints their lengths
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

VOICE = "(voice_cmu_us_slt_arctic_hts)"

# Each paragraph is one answer part of about 20-35 seconds when spoken.
PARAGRAPHS = (
    "Last year I was the tech lead for the billing team at a mid sized software company. "
    "Two weeks before a major release, our biggest customer told us that their invoices "
    "were showing the wrong tax amounts, and the account manager was worried we would lose them.",
    "My task was to find the cause, fix it without slipping the release deadline, and keep "
    "every stakeholder informed, including the sales director and the finance team.",
    "First I pulled the last three months of invoices and compared them with the tax tables. "
    "I found that a rounding change in our new payment service was applied twice. "
    "I wrote a small script to find every affected account, and I asked a teammate to review it.",
    "Then I set up a short meeting every morning with the stakeholders. I explained what we knew, "
    "what we did not know yet, and when they would hear from me again. That kept the pressure "
    "off the engineers who were doing the work.",
    "We shipped the fix four days later, and we credited two hundred customers before anyone "
    "else noticed. The release went out on time, the customer renewed their contract, "
    "and our error rate on invoices dropped by ninety percent in the next quarter.",
    "In another role I joined a team that had missed three deadlines in a row. "
    "The manager asked me to help them plan better, because the product team no longer "
    "trusted their estimates.",
    "I started by looking at the backlog with the team. Most of the tickets were too large to "
    "estimate, so we split them into pieces of no more than two days. I also added a simple "
    "chart of the work that was done each week, so everyone could see the real pace.",
    "I disagreed with my manager about one thing. He wanted to add two more engineers to the "
    "project. I showed him the data and argued that new people would slow us down for a month. "
    "We agreed to wait, and to review the decision after the next milestone.",
    "The result was that we delivered the next milestone one day early. Our estimates were "
    "within ten percent for the rest of the year, and the product manager told my director that "
    "planning with our team had become easy.",
    "What I learned is that people trust a plan when they can see the progress for themselves. "
    "Since then I always agree on a few key performance indicators with the stakeholders at the "
    "start of a project, and I share them every week.",
    "A different example is when I had to deliver bad news to a client. Our data migration was "
    "going to be late because the old system had years of duplicate records that nobody knew about.",
    "I called the client the same day rather than waiting for the weekly report. I told them "
    "what had happened, what it meant for the launch date, and offered two options with their "
    "costs. They chose to move the date by one week, and they thanked us for telling them early.",
)

# Interview answers with fillers as a candidate might say them. Each filler is its own word,
# so the catch rate counts whole words (see benchmarks/bench_speech.py).
FILLER_SENTENCES = (
    "So um the project was already late when I joined the team.",
    "I think uh the main problem was that nobody owned the release.",
    "We had er about three weeks before the deadline.",
    "Hmm let me think about the best example.",
    "Ah yes the migration project is a good one.",
    "I talked to the stakeholders and um we agreed on a new plan.",
    "The result was uh a twenty percent drop in support tickets.",
    "My manager was um not happy at first.",
    "Uh so I wrote down the options and the costs.",
    "We um shipped it two days early.",
    "Er the hardest part was the testing.",
    "I asked uh my teammate to review the code.",
)

FILLERS = ("um", "uh", "er", "ah", "hmm")


def synthesize(text: str, out: Path) -> Path:
    """Speak `text` with Festival's HTS voice into the WAV file `out`."""
    if not shutil.which("text2wave"):
        raise SystemExit("text2wave not found — apt-get install festival festvox-us-slt-hts")
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        subprocess.run(
            ["text2wave", "-eval", VOICE, f.name, "-o", str(out)],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    finally:
        Path(f.name).unlink()
    return out


def make_paragraphs(folder: Path) -> list[tuple[Path, str]]:
    """One WAV per paragraph (cached in `folder`), with its reference text."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, text in enumerate(PARAGRAPHS):
        path = folder / f"paragraph_{i:02d}.wav"
        if not path.exists():
            synthesize(text, path)
        out.append((path, text))
    return out


def make_fillers(folder: Path) -> list[tuple[Path, str]]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i, text in enumerate(FILLER_SENTENCES):
        path = folder / f"filler_{i:02d}.wav"
        if not path.exists():
            synthesize(text, path)
        out.append((path, text))
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "benchmarks/.audio")
    import soundfile as sf

    for path, _ in make_paragraphs(target) + make_fillers(target):
        print(f"{path}  {sf.info(str(path)).duration:.1f} s")
