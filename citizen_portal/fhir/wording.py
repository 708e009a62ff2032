"""Warnings to a partner about the wording of a plan it sent: abbreviations and
legal references the glossary does not explain, and text hard for a citizen to
read. Warnings only, never a refusal: the plan is stored (api/views.py)."""

from __future__ import annotations

from citizen_portal.fhir import profile
from citizen_portal.fhir.outcome import Issue
from citizen_portal.glossary.wording import hard_to_read, unexplained_words
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.plans.parsed import ParsedPlan

# Where each kind of plan text is in the bundle (see docs/fhir-profile.md).
_TEXT_PATHS = {
    **{name: f"CarePlan.extension('{url}')" for name, url in profile.TEXT_EXTENSIONS.items()},
    "reason": "CarePlan.description",
    "goal": "Bundle.entry.resource.ofType(Goal)",
    "goal_criteria": "Bundle.entry.resource.ofType(Goal)",
    "action": "CarePlan.activity",
    "action_timeline": "CarePlan.activity",
    "appointment": "Bundle.entry.resource.ofType(Appointment)",
    "challenge": "CarePlan.extension('challenge')",
    "challenge_agreements": "CarePlan.extension('challenge')",
    "challenge_outcome": "CarePlan.extension('challenge')",
    "function": "Bundle.entry.resource.ofType(PractitionerRole)",
}


# At most this many wording warnings in one answer: a bundle full of capitals must
# not make an answer sixty times its size (fifth outside review).
MAX_WORDING_WARNINGS = 20


def wording_issues(parsed: ParsedPlan) -> list[Issue]:
    """Abbreviations and legal references the glossary does not explain, and text
    hard to read: warnings to the sender, never a refusal (the plan is stored)."""
    found = _all_wording_issues(parsed)
    if len(found) <= MAX_WORDING_WARNINGS:
        return found
    more = len(found) - MAX_WORDING_WARNINGS
    summary = Issue(
        "Bundle",
        _l("…and %(n)s more warnings about wording like these.", n=more),
        "business-rule",
        "warning",
    )
    return [*found[:MAX_WORDING_WARNINGS], summary]


def _text_path(field: str, index: int | None) -> str:
    return _TEXT_PATHS[field] + (f"[{index}]" if index is not None else "")


def _all_wording_issues(parsed: ParsedPlan) -> list[Issue]:
    return [
        Issue(
            _text_path(found.field, found.index),
            _l(
                "“%(word)s” is an abbreviation or a legal reference that the portal's "
                "glossary does not explain. Write it out in plain words for the citizen.",
                word=found.word,
            ),
            "business-rule",
            "warning",
        )
        for found in unexplained_words(parsed)
    ] + [
        Issue(
            _text_path(hard.field, hard.index),
            _l(
                "This text is hard for a citizen to read (LIX %(lix)s, longest sentence "
                "%(words)s words). Use short sentences and everyday words.",
                lix=f"{hard.lix:.0f}",
                words=hard.longest_sentence,
            ),
            "business-rule",
            "warning",
        )
        for hard in hard_to_read(parsed)
    ]
