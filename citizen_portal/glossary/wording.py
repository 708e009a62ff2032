"""Professional wording in incoming plan text: abbreviations and legal references
the glossary does not explain.

Plans are written by professionals for citizens. "SKP", "§ 108" or "KRAP" mean
nothing to most readers; the glossary explains the common ones (its ``forms``),
and the rest are flagged to the sender as warnings in the ingest answer (the
plan is stored all the same: the wording is the partner's to improve).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from citizen_portal.glossary.terms import TERMS
from citizen_portal.plans.parsed import ParsedPlan
from citizen_portal.readability import score

# Incoming text hard to read for a citizen: long enough for LIX to mean something,
# and either dense (LIX over 50: "hard", professional prose) or with a sentence
# longer than 25 words. Looser than the portal's own limits (LIX 35, 20 words):
# a warning the sender can act on, not a rewrite of every plan.
HARD_MIN_WORDS = 20
HARD_LIX = 50.0
HARD_SENTENCE = 25

# Two to six capitals standing alone (SKP, KIP, PPR), and section references
# (§85, § 13 a, § 141, stk. 2).
ABBREVIATION = re.compile(r"(?<![\w-])[A-ZÆØÅ]{2,6}(?![\w-])")
LEGAL_REFERENCE = re.compile(r"§\s*\d+(?:\s?[a-z](?![\w]))?")
# Plan-level text fields, in the order the plan reads.
PLAN_TEXTS = (
    "reason",
    "current_needs",
    "expected_needs",
    "treatment_offers",
    "social_offers",
    "patient_wishes",
    "missed_appointment_response",
)


@dataclass(frozen=True)
class Unexplained:
    """``word`` in the field ``field`` (of item ``index`` for lists)."""

    field: str
    index: int | None
    word: str


def _key(word: str) -> str:
    return re.sub(r"\s+", "", word).casefold()


@cache
def _explained() -> frozenset[str]:
    return frozenset(_key(form) for term in TERMS for form in term.forms)


def _texts(plan: ParsedPlan) -> Iterator[tuple[str, int | None, str | None]]:
    for name in PLAN_TEXTS:
        yield name, None, getattr(plan, name)
    for i, (goal, criteria) in enumerate(plan.goals):
        yield "goal", i, goal
        yield "goal_criteria", i, criteria
    for i, action in enumerate(plan.actions):
        yield "action", i, action.description
        yield "action_timeline", i, action.timeline
    for i, appointment in enumerate(plan.appointments):
        yield "appointment", i, appointment.description
    for i, challenge in enumerate(plan.challenges):
        yield "challenge", i, challenge.description
        yield "challenge_agreements", i, challenge.agreements
        yield "challenge_outcome", i, challenge.desired_outcome
    for function in plan.functions.values():
        yield "function", None, function.title


# More than this many is reported as "and more": the list stops growing here.
MAX_FOUND = 200


def unexplained_words(plan: ParsedPlan) -> list[Unexplained]:
    """Each abbreviation or legal reference the glossary does not explain, once
    per place it appears (at most ``MAX_FOUND``)."""
    explained = _explained()
    found: list[Unexplained] = []
    seen: set[tuple[str, int | None, str]] = set()
    for field, index, text in _texts(plan):
        if not text:
            continue
        for pattern in (ABBREVIATION, LEGAL_REFERENCE):
            for match in pattern.finditer(text):
                word = " ".join(match.group(0).split())
                if _key(word) in explained or (field, index, word) in seen:
                    continue
                seen.add((field, index, word))
                found.append(Unexplained(field, index, word))
                if len(found) >= MAX_FOUND:
                    return found
    return found


@dataclass(frozen=True)
class HardToRead:
    """Text in ``field`` (item ``index``) that is hard to read: its LIX and its
    longest sentence in words."""

    field: str
    index: int | None
    lix: float
    longest_sentence: int


def hard_to_read(plan: ParsedPlan) -> list[HardToRead]:
    """Each incoming text a citizen will find hard to read (readability.score)."""
    found: list[HardToRead] = []
    for field, index, text in _texts(plan):
        if not text:
            continue
        measured = score(text)
        if measured.words < HARD_MIN_WORDS:
            continue
        if measured.lix > HARD_LIX or measured.longest_sentence > HARD_SENTENCE:
            found.append(HardToRead(field, index, measured.lix, measured.longest_sentence))
    return found
