"""Label an answer's phrases Situation, Task, Action, Result or other.

Two steps. A phrase scorer turns hand-written features — cue phrases, tense, pronouns,
numbers, the phrase's position in the answer — into a score per label (weights chosen by hand
from how STAR answers are built, not fitted to any data set). Then a Viterbi pass picks the
best label *sequence*: STAR answers run Situation → Task → Action → Result, with common
exceptions (no Task, a result stated first as a headline, an action after a result, a closing
remark), and moving between parts costs something. The sequence view is what lets "We agreed
and divided the tasks" read as a Result after the Actions, where a cue list sees nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from mockint.review import learned
from mockint.review.segment import Phrase, is_past_tense

LABELS = ("situation", "task", "action", "result", "other")
S, T, A, R, OT = LABELS  # OT: other (not part of the story)

# ------------------------------------------------------------------------------ lexicon

# Outcome verbs: past tense of these reads as Result, not Action.
OUTCOME_VERBS = frozenset(
    "reduced improved increased decreased dropped grew saved boosted raised lowered eliminated "
    "prevented doubled tripled halved achieved delivered launched shipped finished completed "
    "fulfilled restored resolved earned won passed succeeded exceeded hit met recovered "
    "appreciated praised thanked recognized promoted adopted agreed learned learnt got cut missed lost".split()
)
CAUSATIVE_VERBS = frozenset({"got"})
# Outcome verbs that, after this subject, are deeds: "I agreed a target with the ward managers",
# "we agreed cut-off times", "I got label stock added" (13 of 13 and 45 of 48 labelled Action in
# the written sets; "we got" is split: 4 Action, 2 Result, 2 Situation)
DEEDS_OF = frozenset({("i", "agreed"), ("we", "agreed"), ("i", "got")})
# Adverbs that may stand between "I"/"we" and the verb of a deed.
ADVERBS = frozenset("also then just quickly immediately personally even first later again still".split())
# Base-form verbs that open a task statement written as an instruction ("Isolate the blast radius").
BASE_VERBS = frozenset(
    "identify isolate complete restore fix deliver reduce improve find build ensure ship launch "
    "migrate resolve design create get make keep bring help lead convince persuade align meet "
    "finish recover stop prevent understand learn manage balance hit cut increase decrease".split()
)

_RULES: list[tuple[str, dict[str, float], re.Pattern[str]]] = []


def _rule(name: str, weights: dict[str, float], pattern: str) -> None:
    _RULES.append((name, weights, re.compile(pattern)))


# Situation: time and place, context, the problem as it stood.
_rule(
    "time/place opener",
    {S: 2.5},
    r"^(for (instance|example),? )?(during|while|when (i|we) \w+|at my (previous|last|former|first|old)|last (year|semester|month|quarter|summer|spring|fall|winter|week)|an? (few|couple of) (years|months|weeks) ago|back in|once|in my (first|second|third|final|last|previous|old|sophomore|junior|senior)|at the time|in (19|20)\d\d|as part of|early (in|on)|earlier this|a (few|couple) (of )?(years|months))\b",
)
_rule(
    "career move",
    {S: 1.5},
    r"^(so |um |uh |okay |right )*(i|we) (moved|transferred|switched|changed) (from|to|into|over|jobs|teams|roles)\b|^(so |um |uh |okay |right )*i (started|began) (as|at|in|working|my first)\b|\bi took (a|an|the) (new )?(job|role|position)\b",
)
_rule("past progressive", {S: 1.2}, r"\b(was|were) (\w+ing)\b")
_rule(
    "setting",
    {S: 1.5},
    r"\b(i joined|i was working|we were working|i worked as|i was (a|an|the|one of|on|in|at|part of)|i had an? |we had an? |there (was|were)|our \w+ (was|were|had)|the team (was|were|had)(?! (asked|tasked|expected|given|charged|responsible))|a (key )?(client|customer|colleague|teammate|manager) (was|wanted|asked|had))\b",
)
_rule(
    "problem words",
    {S: 0.6, T: 0.3},
    r"\b(problems?|issues?|conflict|struggl\w*|behind schedule|crisis|outage|failures?|failing|complain\w*|disagree\w*|tension|delays?|bottleneck|low|slow\w*|late)\b",
)
_rule(
    "third-person opener",
    {S: 0.5, R: 0.2},
    r"^(our|the|my|a|an|two|three|several|most|customers|users|some|many) (?!goal|task|role|job|result|outcome)",
)
_rule("pluperfect", {S: 0.8}, r"\b(hadn't|had never|had not|had been|never used)\b")
# Task: what had to be done, by whom.
_rule(
    "had to",
    {T: 2.5},
    r"\b((i|we|team) ((still|really|just|also|first|now|then) )?(had|needed|need|have|has|was supposed|were supposed|were expected|was expected) to|(i|we) needed (him|her|them|everyone|(the|our|my) \w+( \w+)?) (to|on side|onside|on board|on my side)|(i|we) needed (the|our|my|this|that|it)( \w+){0,3} (working|done|ready|finished|fixed|live|shipped|signed off|approved)|\w+ (was|is) (my|our) (job|task|responsibility|role|call|decision))\b",
)
_rule(
    "my task was",
    {T: 3.0},
    r"\b((my|our|the) (task|job|role|goal|responsibility|objective|mission|aim|challenge|assignment|priority|brief|remit|target) (for (me|us) |as (a|an|the) \w+ )?(was|is|were)|(task|job|role|goal|responsibility|objective|mission|aim|assignment|priority) (was|is|were) to)\b",
)
_rule(
    "was asked",
    {T: 2.5},
    r"\b((i was|we were|i've been|i got) (asked|tasked|responsible|assigned|expected|charged|put in charge|given the)|(my|our|the) (team|desk|group|department|unit|crew|shift|squad) (was|were) (asked|tasked|responsible|in charge)|(asked|told|wanted|needed|expected|hired) (me|us) to)\b",
)
_rule(
    "intent",
    {T: 1.5, A: 0.3},
    r"\b((i|we) wanted (\w+ ){0,3}to|i volunteered|i offered|it was up to me|i was in charge|i knew (that|i|we|this)|i believed|i felt|i realized|i thought (that|we|it))\b",
)
_rule(
    "on me",
    {T: 2.0},
    r"\b((it was|it's|that was|\w+ was) (all )?(on|down to|up to) (me|us)|(i|we) (figured|felt|decided|knew) (it was|that was|this was) (kind of |sort of |really |basically )?(my|our) (job|call|responsibility|problem)|my (view|worry|concern) was|(it|that) (had to|would have to|was going to have to) be (me|us)|(i|we) (said|told \w+) (i'd|we'd|i would|we would) take it on|(took|take|taking) it on myself|(took|take) it upon (myself|ourselves)|(i|we) (took|take) (on )?ownership|(i|we)('d| had) (promised|committed to|agreed to|signed up to))\b",
)
_rule(
    "had to be",
    {T: 2.2},
    r"\b(had to be (done|finished|fixed|ready|delivered|shipped|sorted|covered|signed)|(set|gave) (myself|ourselves) (the |a )?(goal|target|task|deadline|challenge)|(i|we) (couldn't|could not|can't) afford|the (thing|point|catch) (is|was)|the (plan|idea) was to)\b",
)
_rule(
    "ownership gap",
    {T: 2.0},
    r"\b(not (formally |really |officially )?(mine|my job|my responsibility|my role)|wasn't (formally |really |officially )?(mine|my job|in my job description|anybody's|anyone's)|(nobody|no one|no-one) (else )?(was going to|owned|wanted to)|someone had to|somebody had to|fell between|(it's|it is|it was|it wasn't|wasn't|isn't) (not )?(really |strictly |technically )?(the \w+'s|my|our) (problem|job|door|area|patch|budget|department|responsibility)|(decided|offered|chose) to (\w+ ){1,4}myself)\b",
)
_rule(
    "purpose",
    {T: 0.6},
    r"\b(to ensure|to make sure|in order to|so that|within \d+|by the deadline|on time)\b",
)
_rule(
    "role opener",
    {T: 1.0},
    r"^as (?!a result)(the|a|an|on-call|on call|lead|senior|junior|project|team|one) ",
)
# Action: first-person past-tense doing, sequence words.
_rule(
    "sequence words",
    {A: 1.2},
    r"(^(first|then|next|after that|afterwards|immediately)\b|\b(first|then|next|immediately),? (i|we)\b|\b(i also|we also|instead,? (i|we)|so i|so we|i started|i began|i decided to|i made sure|i reached out|i set up|i took|i spent|i worked with|i spoke|i talked|i met|i sat down|i went)\b)",
)
_rule("by doing", {A: 0.5}, r"\bby \w+ing\b")
_rule("list of doings", {A: 0.8}, r"\b\w+ed\b.*, (and )?\w+ed\b")
# Result: outcomes, change, learning, time words that look back.
_rule(
    "result opener",
    {R: 2.5},
    r"\b(as a result|in the end|ultimately|eventually|finally|the result|the outcome|resulted in|result was|led to|this (led|meant|helped|allowed|saved|cut|reduced|improved|gave|made)|that (led|meant|helped|allowed)|because of (this|that|all)|by the (end|time|next|following|second|third|close)|(in|for|over) the (next|following) \w+|within (a|the) (week|month|year|quarter))\b",
)
_rule(
    "time after",
    {R: 1.5},
    r"\b((a|one|two|three|four|five|six|few|couple of|\d+) (days?|weeks?|months?|years?|quarters?) (later|on)|(days?|weeks?|months?) (early|ahead of (time|schedule|the deadline))|under budget)\b",
)
_rule(
    "learning",
    {R: 2.0},
    r"\b(learned|i learnt|we learned|i realized that|taught me|lessons?|now|have since|since then|ever since|going forward|to this day)\b",
)
_rule(
    "change by",
    {R: 1.2},
    r"\b(reduced|improved|increased|decreased|dropped|grew|saved|cut|boosted|raised|lowered|eliminated|prevented|doubled|tripled|halved|fell|rose|went (up|down)|from (about |around )?(\d|one|two|three|four|five|six|seven|eight|nine|ten)\S* .*\bto)\b",
)
_rule(
    "outcome words",
    {R: 1.0},
    r"\b(successfully|recovery|ahead of schedule|on schedule|smoothly|without (any )?(issues|problems)|happy|satisfied|pleased|praised|appreciated|thanked|recognized|promoted|won|passed|earned|achieved|delivered|launched|shipped|finished|fulfilled|restored|resolved|adopted|better|confident|feedback was|was able to|were able to|managed to|became|with distinction)\b",
)
_rule(
    "quantity",
    {R: 0.8, S: 0.2},
    r"(\d+(\.\d+)?%|\b\d+x\b|[$£€~]\d|\bpercent\b|\b(twice|double|half|three times)\b|\b(two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|fifty|hundred|thousand|million) (\w+ )?(times|percent|seconds|minutes|hours|days|weeks|months|years|releases|customers|users|people|clients|tickets|points)\b)",
)
_rule(
    "passive outcome",
    {R: 1.0},
    r"\b(was|were|got) (finished|completed|fixed|resolved|restored|delivered|approved|adopted|accepted|fulfilled|launched|released)\b",
)
# Other: habits, opinions, hypotheticals and sign-offs — not part of the story.
_rule(
    "generic self",
    {OT: 3.0},
    r"\b(i (typically|usually|always|generally|normally|tend to|often|would|like to|love to|enjoy|am (a|someone|the kind|good|great))|i'd|i think i|i believe (that )?i|you (should|need to|have to|can)|that's (why|how|what)|(which|this) (i believe )?(demonstrates|shows))\b",
)
_rule(
    "sign-off", {OT: 2.5}, r"\b(thank you|that's it|so yeah|hope that answers|that's my (answer|example))\b"
)

BIAS = {S: 0.0, T: -0.6, A: 0.3, R: 0.0, OT: -1.5}
POSITION_CENTER = {S: 0.08, T: 0.25, A: 0.55, R: 0.92}
POSITION_WEIGHT = 4.0  # penalty per squared distance from the part's usual place
FIRST_PERSON_PAST_WEIGHT = 1.5
SUBJECTLESS_PAST_WEIGHT = 1.8
BASE_VERB_OPENER_WEIGHT = 1.5

# Transition scores (log-scale): staying is free, the usual order is cheap, the rest costs.
# "headline" is a result said first; it is reported as a result.
CONTINUATION_CHANGE = -2.0  # a phrase cut mid-clause (no cue, no subject) changing part
HEADLINE = "headline"
STATES = (S, T, A, R, OT, HEADLINE)
START = {S: 0.0, T: -1.0, A: -1.5, R: -3.0, OT: -1.0, HEADLINE: -2.0}
END = {S: -2.5, T: -2.5, A: -0.8, R: 0.0, OT: -0.3, HEADLINE: -3.0}
_X = -4.0  # an unusual jump
TRANSITION = {
    S: {S: 0.0, T: -0.3, A: -0.8, R: -2.0, OT: -2.0, HEADLINE: _X},
    T: {S: -1.5, T: 0.0, A: -0.3, R: -0.8, OT: -2.0, HEADLINE: _X},
    A: {S: -3.0, T: -1.8, A: 0.0, R: -0.5, OT: -1.2, HEADLINE: _X},
    R: {S: -3.0, T: -3.0, A: -1.2, R: 0.0, OT: -0.8, HEADLINE: _X},
    OT: {S: -0.5, T: -1.0, A: -1.5, R: -1.5, OT: 0.0, HEADLINE: _X},
    HEADLINE: {S: -0.3, T: -0.8, A: -1.2, R: _X, OT: -1.0, HEADLINE: 0.0},
}


@dataclass(frozen=True)
class PhraseScore:
    scores: dict[str, float]  # label (and "headline") → score, higher is more likely
    cues: tuple[str, ...]  # names of the features that fired, as evidence


def score_phrase(words: tuple[str, ...], position: float) -> PhraseScore:
    """Scores for one phrase (lowercase words) at `position` (0 = start, 1 = end of the answer)."""
    scores = dict(BIAS)
    cues: list[str] = []
    text = " ".join(words)
    for name, weights, pattern in _RULES:
        if pattern.search(text):
            cues.append(name)
            for label, w in weights.items():
                scores[label] += w
    for k, w1 in enumerate(words):
        if w1 not in ("i", "we"):
            continue
        j = next((j for j in range(k + 1, min(k + 4, len(words))) if words[j] not in ADVERBS), None)
        if j is not None and is_past_tense(words[j]):  # "i also kept", "we then moved"
            outcome = (
                words[j] in OUTCOME_VERBS
                and (w1, words[j]) not in DEEDS_OF
                and not _causative(words[j], words[j + 1 : j + 6])
            )
            label = R if outcome else A
            scores[label] += FIRST_PERSON_PAST_WEIGHT
            cues.append(f"{w1} + past tense" + (" outcome" if label == R else ""))
            break
    if words and is_past_tense(words[0]):
        label = R if words[0] in OUTCOME_VERBS else A
        scores[label] += SUBJECTLESS_PAST_WEIGHT
        cues.append("opens with a past-tense verb")
    elif words and words[0] in BASE_VERBS and (len(words) < 2 or words[1] not in ("i", "we", "you", "it")):
        scores[T] += BASE_VERB_OPENER_WEIGHT
        cues.append("opens with an instruction")
    # A headline result opens the answer: the result's evidence, placed at the start.
    scores[HEADLINE] = scores[R] - POSITION_WEIGHT * position**2
    for label, center in POSITION_CENTER.items():  # asides and opinions ("other") go anywhere
        scores[label] -= POSITION_WEIGHT * (position - center) ** 2
    return PhraseScore(scores, tuple(cues))


def _causative(verb: str, after: tuple[str, ...]) -> bool:
    """ "I got a supermarket to let us…": got/had someone do something is a deed, not an outcome."""
    return verb in CAUSATIVE_VERBS and "to" in after[1:]


def phrase_scores(phrases: list[Phrase]) -> list[PhraseScore]:
    """Each phrase's rule scores, at its place in the answer."""
    total = sum(len(p.tokens) for p in phrases) or 1
    scored: list[PhraseScore] = []
    seen = 0
    for p in phrases:
        mid = (seen + len(p.tokens) / 2) / total
        seen += len(p.tokens)
        scored.append(score_phrase(p.words, mid))
    return scored


def phrase_features(phrases: list[Phrase], scored: list[PhraseScore]) -> list[dict[int, float]]:
    """The learned scorer's features of each phrase (mockint/review/learned.py)."""
    total = sum(len(p.tokens) for p in phrases) or 1
    out, seen = [], 0
    for k, (p, sc) in enumerate(zip(phrases, scored, strict=True)):
        mid = (seen + len(p.tokens) / 2) / total
        seen += len(p.tokens)
        out.append(learned.features(p.words, mid, sc.scores, sc.cues, k, len(phrases)))
    return out


def emissions(
    phrases: list[Phrase], scored: list[PhraseScore], learned_lp: list[dict[str, float]], alpha: float
) -> list[dict[str, float]]:
    """Per phrase and state: the rule score (weighing a little more for longer phrases, which
    carry more of the answer) plus `alpha` × the learned log-probability, if any."""
    out = []
    for k, (p, sc) in enumerate(zip(phrases, scored, strict=True)):
        lp = learned_lp[k] if learned_lp else {}
        out.append(
            {
                s: sc.scores[s] * (1.0 + min(len(p.tokens), 30) / 60)
                + alpha * lp.get(R if s == HEADLINE else s, 0.0)
                for s in STATES
            }
        )
    return out


def viterbi(emits: list[dict[str, float]], continues: list[bool] | None = None) -> list[str]:
    """The best state sequence for the emissions, headline reported as result. A phrase that
    `continues` the one before (segment.Phrase.continues) pays CONTINUATION_CHANGE to change part."""
    if not emits:
        return []
    best = {s: START[s] + emits[0][s] for s in STATES}
    back: list[dict[str, str]] = []
    for k, emit in enumerate(emits[1:], start=1):
        change = CONTINUATION_CHANGE if continues and continues[k] else 0.0
        row, ptr = {}, {}
        for s in STATES:
            prev, value = S, float("-inf")
            for q in STATES:
                v = best[q] + TRANSITION[q][s] + (change if q != s else 0.0)
                if v > value:
                    prev, value = q, v
            row[s] = value + emit[s]
            ptr[s] = prev
        best = row
        back.append(ptr)
    state = max(STATES, key=lambda s: best[s] + END[s])
    path = [state]
    for ptr in reversed(back):
        state = ptr[state]
        path.append(state)
    path.reverse()
    return [R if s == HEADLINE else s for s in path]


def label_phrases(phrases: list[Phrase]) -> tuple[list[str], list[PhraseScore]]:
    """The best label sequence for the phrases (Viterbi), and each phrase's scores."""
    if not phrases:
        return [], []
    scored = phrase_scores(phrases)
    lp = learned.log_probs_many(phrase_features(phrases, scored)) if learned.available() else []
    return viterbi(emissions(phrases, scored, lp, learned.alpha()), [p.continues for p in phrases]), scored
