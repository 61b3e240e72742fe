"""Split an answer into phrases: by sentences for typed text, by pauses and cue words for speech.

Recognizer output has no punctuation and some wrong words, so a spoken answer is cut where the
speaker paused, and where a cue phrase ("i had to", "as a result", "so i") starts a new clause.
Typed text is cut at sentence punctuation, list separators and the same cue phrases when a
sentence runs on without punctuation. Every token keeps its character offset (typed) or its
times (spoken), so labels can be mapped back to words and to seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from mockint.transcript import Transcript

PHRASE_PAUSE_S = 0.45  # a silence this long between words always ends a spoken phrase
MIN_PHRASE_PAUSE_S = 0.2  # recognizers that fold silence into words leave shorter gaps: the
PAUSE_PERCENTILE = 0.9  # answer's own 90th-percentile gap, within these bounds, ends a phrase too
MAX_PHRASE_WORDS = 28  # longer runs are cut again at a cue phrase or the longest pause
MIN_PHRASE_WORDS = 3  # a cue does not cut off a fragment shorter than this

_WORD = re.compile(r"[$£€~]?\d[\d,.]*(?:%|k|m|x|ms|s)?|[A-Za-z]+(?:['’][A-Za-z]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?;:]+(?=\s|$)|\n+|\s[&•]\s|\s[-–—]\s")
_LIST_NUMBER = re.compile(r"(?:(?<=\s)|^)\d{1,2}[.)](?=\s)")
_RECOGNIZER_NOISE = re.compile(r"^(?:<.*>|\[.*\]|\+\+.*\+\+)$")

# A clause that starts with one of these is a new phrase even without punctuation or pause.
# Each is a sequence of lowercase words; matching is on whole tokens.
CUE_STARTS: tuple[tuple[str, ...], ...] = tuple(
    tuple(c.split())
    for c in (
        "i had to",
        "i needed to",
        "we needed to",
        "we had to",
        "i need to",
        "my task",
        "my job was",
        "my role",
        "my goal",
        "our goal",
        "the goal",
        "my responsibility",
        "i was asked",
        "i was tasked",
        "i was responsible",
        "i knew",
        "i wanted",
        "we wanted",
        "i decided",
        "i volunteered",
        "as a result",
        "in the end",
        "eventually",
        "finally",
        "ultimately",
        "by the end",
        "the result",
        "the outcome",
        "this led",
        "that led",
        "i learned",
        "since then",
        "it turned out",
        "after that",
        "then i",
        "then we",
        "so i",
        "so we",
        "first i",
        "next i",
        "i also",
        "i started",
        "i began",
        "i set up",
        "i scheduled",
        "i organized",
        "i created",
        "i watched",
        "i asked",
        "i suggested",
        "i proposed",
        "i talked",
        "i met",
        "i reached",
        "i built",
        "i wrote",
        "i worked",
        "instead i",
        "she said",
        "he said",
        "they said",
    )
)
_CUES_BY_FIRST: dict[str, list[tuple[str, ...]]] = {}
for _cue in CUE_STARTS:
    _CUES_BY_FIRST.setdefault(_cue[0], []).append(_cue)
# In typed text, one of these capitalized mid-line after a word with no punctuation starts a
# new sentence the writer forgot to end ("...the same day The client's request...").
SENTENCE_OPENERS = frozenset(
    "the our my we they this that it after then by in as so since eventually finally".split()
)


IRREGULAR_PAST = frozenset(
    "made took set wrote built met spoke led ran sent gave brought began chose drew found got held "
    "kept left paid put read said saw sought sold spent stood taught told understood went "
    "broke did heard lost shut cut fed won rewrote rebuilt overcame undertook oversaw withdrew "
    "flew drove rode rang threw caught bought fought dealt dug froze hid shook struck "
    "stuck quit laid redid overheard let swept".split()
)
# Past tense that states intent or belief (Task), not a deed: "I volunteered", "I believed".
NOT_DEEDS = frozenset(
    "need needed wanted volunteered offered believed realized realised felt knew thought".split()
)
CONJUNCTIONS = frozenset({"and", "but", "so", "then"})
# Subjects that open a new clause after "and"/"so" (not "i"/"we", which the past-tense cut takes).
CLAUSE_SUBJECTS = frozenset("the our their my it they she he everyone nobody everybody customers".split())
# Where a long run with neither pause nor comma is cut: before one of these.
CLAUSE_OPENERS = frozenset("and so but then because which when after before".split())
# A clause is not cut after these: "the library where | I volunteered" is one clause.
RELATIVES = frozenset("where when that who which while because if whom whose before after until once".split())
SPOKEN_CUE_MIN_WORDS = 5  # "i/we + past tense" starts a new phrase after this many words (speech,
# and typed run-on sentences)


def is_past_tense(word: str) -> bool:
    """A past-tense deed verb, by spelling: "-ed" or a common irregular form."""
    return (word.endswith("ed") and len(word) > 4 and word not in NOT_DEEDS) or word in IRREGULAR_PAST


@dataclass(frozen=True)
class Token:
    text: str  # as written or recognized
    norm: str  # lowercase, typographic apostrophe folded
    index: int  # position in the answer's token list
    char_start: int | None = None  # offset in the typed text
    char_end: int | None = None
    start: float | None = None  # seconds, spoken answers only
    end: float | None = None
    comma_after: bool = False  # followed by a comma (typed, or a recognizer that punctuates)
    gap_text: str = ""  # typed text: what stands between this token and the next
    sentence_end: bool = False  # spoken: the recognizer ended a sentence here (Whisper's "done.")


@dataclass(frozen=True)
class Phrase:
    tokens: tuple[Token, ...]
    text: str
    # cut from the phrase before mid-sentence with nothing to open a clause (no cue, no subject):
    # only for length or at a pause, so most likely the same part ("…, writing his questions down")
    continues: bool = False

    @cached_property
    def words(self) -> tuple[str, ...]:
        return tuple(t.norm for t in self.tokens)

    @property
    def start_s(self) -> float | None:
        return self.tokens[0].start if self.tokens else None

    @property
    def end_s(self) -> float | None:
        return self.tokens[-1].end if self.tokens else None


def normalize(word: str) -> str:
    return word.lower().replace("’", "'").strip(".,")


_last_tokens: tuple[Transcript, tuple[Token, ...]] | None = None  # review() and segment() share


def tokens_of(answer: Transcript) -> list[Token]:
    """The answer's words as tokens: from word times when spoken, from the text when typed."""
    global _last_tokens
    last = _last_tokens
    if last is not None and last[0] is answer:  # the same (frozen) transcript: the same tokens
        return list(last[1])
    out = _tokens_of(answer)
    _last_tokens = (answer, tuple(out))
    return out


def _tokens_of(answer: Transcript) -> list[Token]:
    if answer.words:
        out = []
        for w in answer.words:
            text = w.word.split("(")[0]  # pocketsphinx alternates: "read(2)"
            if not text or _RECOGNIZER_NOISE.match(text):
                continue
            shown = (w.display or "").rstrip("\"')”’")
            out.append(
                Token(
                    text,
                    normalize(text),
                    len(out),
                    start=w.start,
                    end=w.end,
                    comma_after=shown.endswith(","),
                    sentence_end=shown.endswith((".", "!", "?")),
                )
            )
        return out
    text = answer.text
    spans = [m.span() for m in _WORD.finditer(text)]
    ends = [s for s, _ in spans[1:]] + [len(text)] * bool(spans)
    out = []
    for k, ((a, b), nxt) in enumerate(zip(spans, ends, strict=True)):
        word, gap = text[a:b], text[b:nxt]
        norm = word.lower().replace("’", "'").strip(".,")  # normalize(word), inlined
        out.append(Token(word, norm, k, a, b, None, None, gap.lstrip(" ").startswith(","), gap))
    return out


def segment(answer: Transcript) -> list[Phrase]:
    """The answer cut into phrases, in order; every token is in exactly one phrase."""
    tokens = tokens_of(answer)
    if not tokens:
        return []
    if answer.words:
        runs = _split_at_pauses(tokens)
    else:
        runs = _split_at_punctuation(tokens, answer.text)
    # a pause inside a sentence can be told from one between sentences only when the recognizer
    # ends its sentences (Whisper does, sphinx does not)
    punctuated = any(t.sentence_end for t in tokens)
    out: list[Phrase] = []
    for run in runs:
        for k, p in enumerate(_split_at_cues(run, spoken=bool(answer.words))):
            if p:
                inside = k > 0 or (punctuated and bool(out) and not out[-1].tokens[-1].sentence_end)
                out.append(_phrase(p, answer, inside and _opens_nothing(p)))
    return out


def _opens_nothing(phrase: list[Token]) -> bool:
    """Cut from the phrase before inside a sentence: does it open no clause of its own (no cue,
    no subject after a conjunction)?"""
    i = 1 if phrase[0].norm in CONJUNCTIONS and len(phrase) > 1 else 0
    subject = phrase[i].norm in SUBJECTS or phrase[i].norm in CLAUSE_SUBJECTS
    return not (subject or _cue_at(phrase, i) or _cue_at(phrase, 0))


def _phrase(tokens: list[Token], answer: Transcript, continues: bool = False) -> Phrase:
    if tokens[0].char_start is not None:
        text = answer.text[tokens[0].char_start : tokens[-1].char_end]
        # keep the closing punctuation of the sentence, if any
        tail = re.match(r"[.!?%)]*", answer.text[tokens[-1].char_end :])
        text = (text + (tail.group() if tail else "")).strip()
    else:
        text = " ".join(t.text for t in tokens)
    return Phrase(tuple(tokens), text, continues)


def pause_threshold(tokens: list[Token]) -> float:
    """The silence that ends a phrase in this answer (s)."""
    gaps = sorted((b.start or 0.0) - (a.end or 0.0) for a, b in zip(tokens, tokens[1:], strict=False))
    if not gaps:
        return PHRASE_PAUSE_S
    typical = gaps[min(int(len(gaps) * PAUSE_PERCENTILE), len(gaps) - 1)]
    return min(max(typical, MIN_PHRASE_PAUSE_S), PHRASE_PAUSE_S)


def _split_at_pauses(tokens: list[Token]) -> list[list[Token]]:
    runs: list[list[Token]] = [[tokens[0]]]
    threshold = pause_threshold(tokens)
    for prev, tok in zip(tokens, tokens[1:], strict=False):
        gap = (tok.start or 0.0) - (prev.end or 0.0)
        if gap >= threshold or prev.sentence_end:  # a pause, or the recognizer's full stop
            runs.append([tok])
        else:
            runs[-1].append(tok)
    return runs


def _split_at_punctuation(tokens: list[Token], text: str) -> list[list[Token]]:
    list_markers = {m.start() for m in _LIST_NUMBER.finditer(text)}
    cuts = {m.end() for m in _SENTENCE_END.finditer(text)} | list_markers
    runs: list[list[Token]] = [[]]
    cut_positions = sorted(cuts)
    ci = 0
    for tok in tokens:
        # a cut lies between the previous token and this one
        moved = False
        while ci < len(cut_positions) and cut_positions[ci] <= (tok.char_start or 0):
            ci += 1
            moved = True
        if moved and runs[-1]:
            runs.append([])
        if tok.char_start in list_markers:
            continue  # "1." list markers are not words of the answer
        runs[-1].append(tok)
    return [r for r in runs if r]


# Cues that are a noun phrase ("the goal", "my role"): after a verb they are its object ("I set
# myself | the goal of…"), so they start a clause only after a comma or a conjunction, or when
# a "was" follows ("…that cracked | my task was to…").
NOUN_CUE_FIRST = frozenset({"the", "my", "our"})
# Cues that may be only a time ("…ready by the end of the month"): they start a clause only when
# one follows them (a comma, or a subject of its own), else they end the clause they are in.
TIME_CUES = frozenset({("by", "the", "end")})
CLAUSE_REACH = 8  # tokens after such a cue searched for that clause
SUBJECTS = frozenset("i we they he she everyone nobody".split())


def _cue_at(tokens: list[Token], i: int) -> bool:
    tok = tokens[i]
    if (
        tok.char_start is not None
        and tok.text[0].isupper()
        and tok.text[1:].islower()  # "It", not "IT" (the department) or "US"
        and tok.norm in SENTENCE_OPENERS
        and i > 0
        and tokens[i - 1].char_end is not None
        and tokens[i - 1].char_end < tok.char_start
        and tokens[i - 1].gap_text.isspace()
    ):
        return True
    if tok.norm in NOUN_CUE_FIRST and i > 0:
        prev = tokens[i - 1]
        copula = any(t.norm in ("was", "is", "were") for t in tokens[i + 2 : i + 4])
        if not (prev.comma_after or prev.norm in CONJUNCTIONS or copula):
            return False
    for cue in _CUES_BY_FIRST.get(tok.norm, ()):
        if len(cue) == 1 or tuple(t.norm for t in tokens[i + 1 : i + len(cue)]) == cue[1:]:
            return cue not in TIME_CUES or _clause_follows(tokens, i + len(cue))
    return False


def _clause_follows(tokens: list[Token], j: int) -> bool:
    after = tokens[j : j + CLAUSE_REACH]
    return any(t.comma_after for t in after[:-1]) or any(t.norm in SUBJECTS for t in after)


def _split_at_cues(run: list[Token], *, spoken: bool) -> list[list[Token]]:
    """Cut before cue phrases (both sides long enough); then cut what is still too long."""
    pieces: list[list[Token]] = [[]]
    for i, tok in enumerate(run):
        current = pieces[-1]
        rest = len(run) - i
        cut = (
            len(current) >= MIN_PHRASE_WORDS
            and current[-1].norm not in RELATIVES
            and rest >= MIN_PHRASE_WORDS
            and _cue_at(run, i)
            and (spoken or _unpunctuated_or_long(current, run))
        )
        cut = cut or (
            (spoken or len(run) > MAX_PHRASE_WORDS)
            and len(current) >= SPOKEN_CUE_MIN_WORDS
            and current[-1].norm not in RELATIVES
            and rest >= MIN_PHRASE_WORDS
            and tok.norm in ("i", "we")
            and i + 1 < len(run)
            and is_past_tense(run[i + 1].norm)
        )
        cut = cut or (
            (spoken or len(run) > MAX_PHRASE_WORDS)
            and len(current) >= SPOKEN_CUE_MIN_WORDS
            and rest >= SPOKEN_CUE_MIN_WORDS
            and _new_subject_clause(run, i)
        )
        if cut:
            # "… and | i found" reads better as "… | and i found"
            carried = (
                [current.pop()]
                if current[-1].norm in CONJUNCTIONS and len(current) > MIN_PHRASE_WORDS
                else []
            )
            pieces.append(carried)
        pieces[-1].append(tok)
    out: list[list[Token]] = []
    for piece in pieces:
        out.extend(_cap_length(piece))
    return out


def _new_subject_clause(run: list[Token], i: int) -> bool:
    """ "… and | the returns stopped …": a conjunction opening a clause with its own subject and a
    past-tense verb (run-on speech joins a deed and its outcome this way)."""
    if run[i].norm not in ("and", "so") or i + 2 >= len(run) or run[i + 1].norm not in CLAUSE_SUBJECTS:
        return False
    return any(is_past_tense(t.norm) for t in run[i + 2 : i + 5])


def _unpunctuated_or_long(current: list[Token], run: list[Token]) -> bool:
    """Typed text is cut at a cue only after a comma or in a long sentence."""
    return current[-1].comma_after or len(run) > MAX_PHRASE_WORDS // 2


def _cap_length(piece: list[Token]) -> list[list[Token]]:
    if len(piece) <= MAX_PHRASE_WORDS:
        return [piece]
    # cut at the longest pause (spoken) or the last comma (typed) in the middle half
    lo, hi = len(piece) // 4, 3 * len(piece) // 4
    best, best_gap = len(piece) // 2, -1.0
    for i in range(max(lo, 1), hi):
        a, b = piece[i - 1], piece[i]
        gap = (
            (b.start - a.end)
            if a.end is not None and b.start is not None
            else (1.0 if a.comma_after else 0.5 if b.norm in CLAUSE_OPENERS else 0.0)
        )
        if gap > best_gap:
            best, best_gap = i, gap
    return _cap_length(piece[:best]) + _cap_length(piece[best:])
