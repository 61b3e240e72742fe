"""A plan for next time: the next three things to practise, from the saved sessions and the story
bank — principles never practised (or the weakest), the flag that recurs most, a story gap.

Pure: session documents, the bank and the stories in; a NextPlan out. The summary, `stats` and
the progress page show it; `practice` with no filters asks its principles first (picker)."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mockint.bank import Bank
from mockint.store.summary import newest_answer

PLAN_STEPS = 3
# What to do about each recurring flag, in a few words (the review's tips cite the answers).
FLAG_ADVICE = {
    "missing_situation": "open with one or two sentences of context",
    "missing_task": "say what you had to achieve, and why it was yours",
    "missing_action": "spend most of the answer on what you did",
    "missing_result": "end with what changed, and how you knew",
    "not_a_story": "tell one real past story, not what you usually do",
    "long_setup": "get to your actions within about 20 seconds",
    "result_not_quantified": "put a number on the result",
    "low_ownership": 'say "I" for what you did yourself',
    "too_short": "add the details of your actions and the result",
    "too_long": "cut the setup and keep to the target time",
    "too_fast": "slow down and pause between the parts",
    "too_slow": "keep the pace up; rehearse the story once more",
    "many_fillers": "pause silently instead of um and uh",
    "long_pauses": "rehearse the order of the story so it flows",
    "off_topic": "answer the question that was asked",
}
PRINCIPLE = "principle"
FLAG = "flag"
STORY = "story"


@dataclass(frozen=True)
class Step:
    kind: str  # PRINCIPLE, FLAG or STORY
    key: str  # a principle id, or a flag code
    text: str  # one line for people

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "key": self.key, "text": self.text}


@dataclass(frozen=True)
class NextPlan:
    profile: str
    steps: tuple[Step, ...]

    @property
    def principles(self) -> tuple[str, ...]:
        """The principles to ask about first (never practised or weakest, then a story gap)."""
        return tuple(dict.fromkeys(s.key for s in self.steps if s.kind in (PRINCIPLE, STORY)))

    def to_dict(self) -> dict[str, Any]:
        return {
            "profile": self.profile,
            "principles": list(self.principles),
            "steps": [s.to_dict() for s in self.steps],
        }


def next_plan(
    docs: Iterable[Mapping[str, Any]], bank: Bank, profile_id: str, stories: Sequence[Any] = ()
) -> NextPlan:
    """The next PLAN_STEPS things to practise for `profile_id`."""
    docs = [d for d in docs if d.get("company") == profile_id]
    asked = {p for q in bank.questions_for(profile_id) for p in q.principles}
    principles = [p for p in bank.principles_for(profile_id) if p.id in asked]
    scores: dict[str, list[float]] = {}
    flag_sessions: dict[str, int] = {}
    for doc in docs:
        flags_here: set[str] = set()
        for question in doc.get("questions", []):
            take = newest_answer(question)
            if take is None:
                continue
            review = take["review"]
            flags_here.update(f for f in review.get("flags") or [] if f in FLAG_ADVICE)
            score = review.get("score")
            for pid in question.get("principles") or []:
                scores.setdefault(pid, [])
                if isinstance(score, (int, float)):
                    scores[pid].append(float(score))
        for flag in flags_here:
            flag_sessions[flag] = flag_sessions.get(flag, 0) + 1

    never = [p for p in principles if not scores.get(p.id)]  # no reviewed, scored answer yet
    weakest = sorted(
        (p for p in principles if scores.get(p.id)), key=lambda p: (statistics.fmean(scores[p.id]), p.id)
    )
    principle_steps = [Step(PRINCIPLE, p.id, f"{p.name}: never practised yet") for p in never] + [
        Step(PRINCIPLE, p.id, f"{p.name}: your weakest, average score {statistics.fmean(scores[p.id]):.0f}")
        for p in weakest
    ]

    flag_step = None
    if flag_sessions:
        flag, n = sorted(flag_sessions.items(), key=lambda kv: (-kv[1], kv[0]))[0]
        flag_step = Step(
            FLAG, flag, f"{flag.replace('_', ' ')} in {n} of {len(docs)} session(s): {FLAG_ADVICE[flag]}"
        )

    story_step = _story_gap(bank, profile_id, stories, asked)

    steps: list[Step] = principle_steps[:1]
    steps += [flag_step] if flag_step else []
    if story_step and story_step.key not in {s.key for s in steps}:
        steps.append(story_step)
    for step in principle_steps[1:]:  # fill up with more principles
        if len(steps) >= PLAN_STEPS:
            break
        if step.key not in {s.key for s in steps}:
            steps.append(step)
    return NextPlan(profile_id, tuple(steps[:PLAN_STEPS]))


def _story_gap(bank: Bank, profile_id: str, stories: Sequence[Any], asked: set[str]) -> Step | None:
    """The principle the bank asks about most that no prepared story shows."""
    from mockint.stories import coverage

    rows = [
        r
        for r in coverage(list(stories), bank, profile_id).rows
        if r.kind == "principle" and r.gap and r.key in asked
    ]
    if not rows:
        return None
    row = sorted(rows, key=lambda r: (-r.questions, r.key))[0]
    how = "add one with 'mockint stories add'"
    return Step(
        STORY, row.key, f"{row.name}: no prepared story shows it ({row.questions} questions ask) — {how}"
    )


def plan_lines(plan: NextPlan) -> list[str]:
    """The plan as numbered lines, for the terminal."""
    return [f"{n}. {step.text}" for n, step in enumerate(plan.steps, 1)]
