"""The shape of a saved session, checked when it is read.

`session.json` is written by mockint, but it lives on the user's disk: a hand edit, a half-synced
copy or a bug can leave a field of the wrong type. Every reader (show, replay, stats, report)
trusts the document the store hands it, so the store checks it here first, and a session that
does not fit is listed as damaged with the path of the first bad field, instead of a traceback
in whichever command touches it. Unknown keys are allowed (newer fields, same schema_version);
known keys must have the type their readers expect. Take audio must be a plain file name in the
session's folder: no path from a manifest may lead anywhere else.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from typing import Any

Checker = Callable[[Any, str], None]

# A take's audio file: a name in the session folder, never a path (no '/', no '..', no hidden file).
AUDIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$")


class Bad(Exception):
    """The first field that does not fit: where (e.g. questions[0].takes[1].audio) and what is wrong."""

    def __init__(self, where: str, problem: str) -> None:
        super().__init__(f"{where} {problem}")
        self.where = where
        self.problem = problem


# ---------------------------------------------------------------------- checkers


def string(value: Any, at: str) -> None:
    if not isinstance(value, str):
        raise Bad(at, "is not text")


def boolean(value: Any, at: str) -> None:
    if not isinstance(value, bool):
        raise Bad(at, "is not true or false")


def number(value: Any, at: str) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise Bad(at, "is not a number")


def integer(value: Any, at: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise Bad(at, "is not a whole number")


def audio_name(value: Any, at: str) -> None:
    string(value, at)
    if not AUDIO_NAME.match(value) or ".." in value:
        raise Bad(at, f"'{value[:60]}' is not a file name in the session folder")


def optional(check: Checker) -> Checker:
    def run(value: Any, at: str) -> None:
        if value is not None:
            check(value, at)

    return run


def one_of(*allowed: str) -> Checker:
    def run(value: Any, at: str) -> None:
        if value not in allowed:
            raise Bad(at, f"is not one of {', '.join(allowed)}")

    return run


def list_of(check: Checker) -> Checker:
    def run(value: Any, at: str) -> None:
        if not isinstance(value, list):
            raise Bad(at, "is not a list")
        for i, item in enumerate(value):
            check(item, f"{at}[{i}]")

    return run


def map_of(check: Checker) -> Checker:
    """A JSON object with any text keys, each value checked."""

    def run(value: Any, at: str) -> None:
        if not isinstance(value, dict):
            raise Bad(at, "is not an object")
        for key, item in value.items():
            check(item, f"{at}.{key}")

    return run


def obj(fields: Mapping[str, Checker], required: tuple[str, ...] = ()) -> Checker:
    """A JSON object: `required` keys must be there; every known key present must fit."""

    def run(value: Any, at: str) -> None:
        if not isinstance(value, dict):
            raise Bad(at, "is not an object")
        for key in required:
            if key not in value:
                raise Bad(f"{at}.{key}".lstrip("."), "is missing")
        for key, check in fields.items():
            if key in value:
                check(value[key], f"{at}.{key}".lstrip("."))

    return run


# ---------------------------------------------------------------------- the session document

opt_num = optional(number)
opt_str = optional(string)
opt_int = optional(integer)
texts = list_of(string)

WORD = obj(
    {"word": string, "start": number, "end": number, "confidence": opt_num, "display": opt_str},
    ("word", "start", "end"),
)
UTTERANCE = obj(
    {
        "start": number,
        "end": number,
        "text": string,
        "no_speech_prob": opt_num,
        "avg_logprob": opt_num,
        "compression_ratio": opt_num,
    },
    ("start", "end"),
)
TRANSCRIPT = obj(
    {
        "text": string,
        "engine": opt_str,
        "model": opt_str,
        "duration_s": opt_num,
        "elapsed_s": opt_num,
        "words": list_of(WORD),
        "utterances": optional(list_of(UTTERANCE)),
    },
    ("text",),
)
COMPONENT = obj(
    {
        "present": boolean,
        "share": opt_num,
        "seconds": opt_num,
        "evidence": optional(texts),
        "word_share": opt_num,
    },
    ("present",),
)
SEGMENT = obj(
    {
        "text": string,
        "label": string,
        "start_s": opt_num,
        "end_s": opt_num,
        "words": opt_int,
        "cues": optional(texts),
    },
    ("text", "label"),
)
PAUSE = obj({"start_s": number, "seconds": number, "after": opt_str}, ("start_s", "seconds"))
FILLERS = obj({"count": opt_int, "per_minute": opt_num, "by_word": optional(map_of(integer))})
DELIVERY = obj(
    {
        "duration_s": opt_num,
        "speaking_s": opt_num,
        "words": opt_int,
        "wpm": opt_num,
        "thinking_s": opt_num,
        "fillers": optional(FILLERS),
        "i_count": opt_int,
        "we_count": opt_int,
        "long_pauses": opt_int,
        "long_pause_list": optional(list_of(PAUSE)),
    }
)
POINTS = obj({"item": string, "points": number, "max": number}, ("item", "points", "max"))
TALKING_POINT = obj({"text": string, "covered": boolean}, ("text", "covered"))
RELEVANCE = obj(
    {
        "score": opt_num,
        "basis": opt_str,
        "keywords_found": optional(texts),
        "talking_points": optional(list_of(TALKING_POINT)),
    }
)
RELIABILITY = obj(
    {"level": one_of("ok", "low", "none"), "mean_confidence": opt_num, "reason": opt_str}, ("level",)
)
REVIEW = obj(
    {
        "components": map_of(COMPONENT),
        "segments": optional(list_of(SEGMENT)),
        "delivery": optional(DELIVERY),
        "flags": optional(texts),
        "tips": optional(texts),
        "score": opt_num,
        "score_breakdown": optional(list_of(POINTS)),
        "relevance": optional(RELEVANCE),
        "reliability": optional(RELIABILITY),
    },
    ("components",),
)
STORY = obj(
    {"story": string, "title": string, "score": number, "runner_up": opt_str, "told_for": optional(texts)},
    ("story", "title", "score"),
)
TAKE = obj(
    {
        "kind": one_of("answer", "follow_up"),
        "prompt": opt_str,
        "audio": optional(audio_name),
        "asked_at": opt_str,
        "duration_s": opt_num,
        "thinking_s": opt_num,
        "limit_s": opt_num,
        "target_s": opt_num,
        "overflows": opt_int,
        "stopped_by": opt_str,
        "error": opt_str,
        "follow_up_reason": opt_str,
        "review_ready_s": opt_num,
        "transcript": optional(TRANSCRIPT),
        "transcripts": optional(list_of(TRANSCRIPT)),
        "review": optional(REVIEW),
        "story": optional(STORY),
    },
    ("kind",),
)
QUESTION = obj(
    {
        "id": string,
        "text": opt_str,
        "principles": optional(texts),
        "asked_at": opt_str,
        "skipped": optional(boolean),
        "takes": list_of(TAKE),
    },
    ("id", "takes"),
)
PROFILE = obj(
    {
        "id": opt_str,
        "name": opt_str,
        "prep_s": opt_num,
        "answer_target_s": opt_num,
        "answer_limit_s": opt_num,
        "questions_per_session": opt_int,
        "follow_ups": opt_int,
    }
)
SESSION = obj(
    {
        "schema_version": integer,
        "id": opt_str,
        "company": opt_str,
        "profile": optional(PROFILE),
        "seed": opt_int,
        "options": optional(map_of(lambda value, at: None)),
        "started_at": opt_str,
        "updated_at": opt_str,
        "ended_at": opt_str,
        "complete": optional(boolean),
        "ended_by": opt_str,
        "questions": list_of(QUESTION),
    },
    ("schema_version", "questions"),
)


def check_session(doc: Any) -> None:
    """Raise Bad naming the first field of a session document that its readers could not use."""
    SESSION(doc, "")
