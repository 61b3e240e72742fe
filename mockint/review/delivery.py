"""How the answer was said: pace, fillers, pauses, thinking time, "I" vs "we", numbers, hedging.

Fillers are matched on whole words only ("also" is never "so"). The ambiguous ones — "like",
"you know", "basically", "actually", "so" — count only in filler positions: at the start of a
clause, set off by commas or pauses, or next to another filler; "I would like to" and "do you
know" are words, not fillers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mockint.review.segment import Phrase, Token

PACE_BAND_WPM = (130.0, 160.0)  # comfortable
TOO_FAST_WPM = 180.0
TOO_SLOW_WPM = 110.0
LONG_PAUSE_S = 3.0
CLAUSE_PAUSE_S = 0.3  # a silence this long sets a word off like a comma
TYPED_WPM = 145.0  # speaking rate used to estimate a typed answer's spoken length

ALWAYS_FILLERS = frozenset({"um", "uh", "er", "ah", "hmm", "erm", "uhm", "umm", "uh-huh", "mm"})
CLAUSE_STARTERS = frozenset({"and", "but", "so", "then", "because", "or"})
# "like" after these is a verb or a comparison, not a filler.
_LIKE_NOT_AFTER = frozenset(
    "i you we they he she would 'd i'd you'd we'd they'd do does did don't didn't doesn't to "
    "really also just not look looks looked looking sound sounds sounded seem seems seemed feel "
    "feels felt something anything nothing things thing more less much most exactly".split()
)
_YOU_KNOW_NOT_AFTER = frozenset("do did don't didn't if would let as what how whether".split())
_YOU_KNOW_NOT_BEFORE = frozenset(
    "that what how why where when who whether if the a an him her them it about this".split()
)
NUMBER_WORDS = frozenset(
    "two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty "
    "sixty seventy eighty ninety hundred hundreds thousand thousands million millions billion "
    "percent half double doubled twice triple tripled halved dozen dozens".split()
)
_NUMBER = re.compile(r"\d")
I_WORDS = frozenset({"i", "i'm", "i've", "i'd", "i'll"})
WE_WORDS = frozenset({"we", "we're", "we've", "we'd", "we'll"})
HEDGES: tuple[tuple[str, ...], ...] = tuple(
    tuple(h.split())
    for h in (
        "i think",
        "i guess",
        "maybe",
        "kind of",
        "sort of",
        "probably",
        "i believe",
        "somewhat",
        "hopefully",
        "might have",
        "i suppose",
        "more or less",
        "perhaps",
        "i feel like",
    )
)


@dataclass(frozen=True)
class Fillers:
    count: int
    per_minute: float | None  # None for typed text
    by_word: dict[str, int] = field(default_factory=dict)
    at: tuple[float, ...] = ()  # seconds of each filler (spoken answers)

    def to_dict(self) -> dict[str, Any]:
        return {"count": self.count, "per_minute": self.per_minute, "by_word": dict(self.by_word)}


@dataclass(frozen=True)
class Pause:
    start_s: float
    seconds: float
    after: str  # the words just before it


@dataclass(frozen=True)
class Delivery:
    duration_s: float | None  # the take's length; None for typed text
    words: int  # spoken words, fillers excluded
    wpm: float | None  # over the speaking time (first word to last); None for typed text
    thinking_s: float | None  # silence before the first word
    fillers: Fillers
    i_count: int
    we_count: int
    long_pauses: tuple[Pause, ...]
    estimated_s: float  # spoken length: measured, or estimated at TYPED_WPM for typed text
    hedges: dict[str, int]
    # Speaking time, first word to last (s): the one duration behind every number the review
    # prints (header, too-short, too-long); None for typed text.
    speaking_s: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "duration_s": _round(self.duration_s),
            "words": self.words,
            "wpm": _round(self.wpm),
            "thinking_s": _round(self.thinking_s),
            "fillers": self.fillers.to_dict(),
            "i_count": self.i_count,
            "we_count": self.we_count,
            "long_pauses": len(self.long_pauses),
            "long_pause_list": [
                {"start_s": _round(p.start_s), "seconds": _round(p.seconds), "after": p.after}
                for p in self.long_pauses
            ],
            "estimated_s": _round(self.estimated_s),
            "hedges": dict(self.hedges),
            "speaking_s": _round(self.speaking_s),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Delivery:
        f = d.get("fillers") or {}
        pauses = tuple(
            Pause(float(p["start_s"]), float(p["seconds"]), str(p.get("after", "")))
            for p in d.get("long_pause_list", [])
        )
        if not pauses and d.get("long_pauses"):  # older or foreign files: only the count
            pauses = tuple(Pause(0.0, LONG_PAUSE_S, "") for _ in range(int(d["long_pauses"])))
        words = int(d.get("words", 0))
        return cls(
            duration_s=_opt(d.get("duration_s")),
            words=words,
            wpm=_opt(d.get("wpm")),
            thinking_s=_opt(d.get("thinking_s")),
            fillers=Fillers(
                int(f.get("count", 0)),
                _opt(f.get("per_minute")),
                {str(k): int(v) for k, v in (f.get("by_word") or {}).items()},
            ),
            i_count=int(d.get("i_count", 0)),
            we_count=int(d.get("we_count", 0)),
            long_pauses=pauses,
            estimated_s=float(
                next(
                    (d[k] for k in ("estimated_s", "duration_s") if d.get(k) is not None),
                    words / TYPED_WPM * 60,
                )
            ),
            hedges={str(k): int(v) for k, v in (d.get("hedges") or {}).items()},
            speaking_s=_opt(d.get("speaking_s")),
        )


def _round(x: float | None, digits: int = 1) -> float | None:
    return None if x is None else round(x, digits)


def _opt(x: Any) -> float | None:
    return None if x is None else float(x)


def _set_off_before(tokens: list[Token], i: int) -> bool:
    """Token i starts a clause: answer start, after a comma/pause, or after and/but/so."""
    if i == 0:
        return True
    prev = tokens[i - 1]
    if prev.comma_after or prev.norm in CLAUSE_STARTERS or prev.norm in ALWAYS_FILLERS:
        return True
    return (
        prev.end is not None and tokens[i].start is not None and tokens[i].start - prev.end >= CLAUSE_PAUSE_S
    )


def _set_off_after(tokens: list[Token], i: int) -> bool:
    """Token i is followed by a comma, a pause, another filler, or nothing."""
    if i + 1 >= len(tokens):
        return True
    nxt = tokens[i + 1]
    if tokens[i].comma_after or nxt.norm in ALWAYS_FILLERS or nxt.norm in ("yeah", "like", "anyway"):
        return True
    return tokens[i].end is not None and nxt.start is not None and nxt.start - tokens[i].end >= CLAUSE_PAUSE_S


def filler_indexes(tokens: list[Token]) -> list[tuple[int, str]]:
    """(token index, filler) for every filler, in order. `you know` is reported at 'you'."""
    found: list[tuple[int, str]] = []
    skip = -1
    for i, tok in enumerate(tokens):
        w = tok.norm
        if i <= skip:
            continue
        if w in ALWAYS_FILLERS:
            found.append((i, w))
        elif w == "like":
            prev = tokens[i - 1].norm if i else ""
            if prev not in _LIKE_NOT_AFTER and (
                _set_off_before(tokens, i)
                or _set_off_after(tokens, i)
                or prev in ("was", "is", "it's", "were", "just")
            ):
                found.append((i, w))
        elif w == "you" and i + 1 < len(tokens) and tokens[i + 1].norm == "know":
            prev = tokens[i - 1].norm if i else ""
            nxt = tokens[i + 2].norm if i + 2 < len(tokens) else ""
            if prev not in _YOU_KNOW_NOT_AFTER and (
                nxt not in _YOU_KNOW_NOT_BEFORE or _set_off_after(tokens, i + 1)
            ):
                found.append((i, "you know"))
                skip = i + 1
        elif w in ("basically", "actually"):
            if _set_off_before(
                tokens, i
            ):  # "Basically, …", "and actually we…"; not "the team actually reported"
                found.append((i, w))
        elif w == "so":
            # "so" is a filler opening the answer or left hanging ("so, um", "so yeah", "so…");
            # "..., so I created the account" is a conjunction.
            if i == 0 or _set_off_after(tokens, i):
                found.append((i, w))
    return found


def measure(tokens: list[Token], duration_s: float | None, thinking_s: float | None) -> Delivery:
    """Delivery figures for the whole answer."""
    fillers = filler_indexes(tokens)
    filler_at = {i for i, f in fillers} | {i + 1 for i, f in fillers if f == "you know"}
    words = len(tokens) - len(filler_at)
    by_word: dict[str, int] = {}
    for _, f in fillers:
        by_word[f] = by_word.get(f, 0) + 1
    timed = duration_s is not None and bool(tokens) and tokens[0].start is not None
    wpm = per_minute = speaking_s = None
    pauses: list[Pause] = []
    if timed:
        if thinking_s is None:
            thinking_s = tokens[0].start
        speaking_s = max((tokens[-1].end or 0.0) - (tokens[0].start or 0.0), 1e-6)
        wpm = words / speaking_s * 60 if words else 0.0
        per_minute = round(len(fillers) / speaking_s * 60, 1)
        for prev, tok in zip(tokens, tokens[1:], strict=False):
            gap = (tok.start or 0.0) - (prev.end or 0.0)
            if gap > LONG_PAUSE_S:
                before = " ".join(t.text for t in tokens[max(0, prev.index - 3) : prev.index + 1])
                pauses.append(Pause(prev.end or 0.0, gap, before))
        estimated = duration_s
    else:
        thinking_s = thinking_s if duration_s is not None else None
        estimated = words / TYPED_WPM * 60
    norms = [t.norm for t in tokens]
    return Delivery(
        duration_s=duration_s if timed or duration_s is not None else None,
        words=words,
        wpm=wpm,
        thinking_s=thinking_s,
        fillers=Fillers(
            len(fillers),
            per_minute,
            by_word,
            tuple(tokens[i].start or 0.0 for i, _ in fillers) if timed else (),
        ),
        i_count=sum(w in I_WORDS for w in norms),
        we_count=sum(w in WE_WORDS for w in norms),
        long_pauses=tuple(pauses),
        estimated_s=float(estimated or 0.0),
        hedges=count_phrases(norms, HEDGES),
        speaking_s=speaking_s if timed else None,
    )


def count_phrases(norms: list[str], phrases: tuple[tuple[str, ...], ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    firsts = {p[0] for p in phrases}
    for i, w in enumerate(norms):
        if w not in firsts:
            continue
        for p in phrases:
            if tuple(norms[i : i + len(p)]) == p:
                key = " ".join(p)
                counts[key] = counts.get(key, 0) + 1
    return counts


def has_number(words: tuple[str, ...] | list[str]) -> bool:
    """A quantity: digits, a percentage, money, or number words ("three", "twice", "half")."""
    return any(_NUMBER.search(w) or w in NUMBER_WORDS for w in words)


def ownership(phrases: list[Phrase]) -> tuple[int, int]:
    """("I" count, "we" count) as the subject in the given (action) phrases."""
    norms = [w for p in phrases for w in p.words]
    return sum(w in I_WORDS for w in norms), sum(w in WE_WORDS for w in norms)
