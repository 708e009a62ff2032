"""What a plan must contain by law, whatever format it arrives in.

A discharge agreement (Psychiatry Act §13a) and a coordination plan (§13b) must
carry: the patient's current and expected needs for treatment and social
support; the date and time of the first meeting with each authority taking
part; the patient's wishes, or that they did not wish to state them; the date
it is reviewed (it is time-bound); who is responsible for the review, and for
each part (an action always has a responsible function or is the citizen's own:
``ParsedAction.function`` None means the citizen's own, so no action is without
one once read).

A coordinated action plan (the Danish Health Authority's guidelines, 2014) must
carry the citizen's consent with its date, the coordinator, at least one goal,
at least one ground, and a follow-up at most 6 months after the plan was made
(its meeting date, else its start).

"Each authority taking part" is precise here: every organisation with a function
responsible for an action of the plan that is not cancelled, other than the
author (the ward that discharges; the Act asks for the first meeting *after*
discharge, with the authorities that take over). A meeting with an organisation
is an appointment whose responsible function belongs to it.

The rules name the plan part that is missing (``ContentPart``); each format's
reader says where that part is in its own terms (``fhir.plan_sections``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from enum import StrEnum
from typing import Any

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.plans.parsed import ParsedPlan
from citizen_portal.plans.types import ActionStatus, PlanType

# A coordinated action plan's follow-up meeting must be at most 6 months after the plan.
KIP_MAX_FOLLOW_UP_DAYS = 183

PSYCHIATRY_ACT_PLANS = (PlanType.DISCHARGE_AGREEMENT, PlanType.COORDINATION_PLAN)


class ContentPart(StrEnum):
    """A part of a plan that the law (or the guidelines) require."""

    CURRENT_NEEDS = "current_needs"
    EXPECTED_NEEDS = "expected_needs"
    FIRST_MEETING = "first_meeting"  # with one authority taking part
    PATIENT_WISHES = "patient_wishes"
    REVIEW_DATE = "review_date"  # §13a/§13b: the review; KIP: the follow-up meeting
    REVIEW_RESPONSIBLE = "review_responsible"
    CONSENT = "consent"
    COORDINATOR = "coordinator"
    GOALS = "goals"
    GROUNDS = "grounds"


@dataclass(frozen=True)
class ContentProblem:
    part: ContentPart
    message: Any  # plain and translatable: a lazy string, rendered in the caller's language
    missing: bool = True  # False: present, but not as the rules require (e.g. too late)
    organisation: str | None = None  # FIRST_MEETING: the authority's identifier


def _plan_and_source(plan_type: PlanType) -> dict[str, Any]:
    if plan_type is PlanType.DISCHARGE_AGREEMENT:
        return {"plan": _l("A discharge agreement"), "source": _l("Psychiatry Act §13a")}
    return {"plan": _l("A coordination plan"), "source": _l("Psychiatry Act §13b")}


def _kip_source() -> Any:
    return _l("the Danish Health Authority's guidelines for coordinated action plans, 2014")


def _blank(text: str | None) -> bool:
    return not (text and text.strip())


def authorities_taking_part(plan: ParsedPlan) -> list[str]:
    """The organisations (identifiers) that must have a first meeting in a §13a/§13b
    plan, in the order the plan names them."""
    found: list[str] = []
    for action in plan.actions:
        if action.function is None or action.status is ActionStatus.CANCELLED:
            continue
        function = plan.functions.get(action.function)
        if function is None or function.organisation == plan.author:
            continue
        if function.organisation not in found:
            found.append(function.organisation)
    return found


def missing_content(plan: ParsedPlan) -> list[ContentProblem]:
    """Every part the law requires that the plan lacks (empty: it is complete)."""
    if plan.plan_type in PSYCHIATRY_ACT_PLANS:
        problems = _psychiatry_act(plan)
    else:
        problems = _coordinated_action_plan(plan)
    if plan.review_date and plan.review_date < plan.period_start:
        problems.append(
            ContentProblem(
                ContentPart.REVIEW_DATE,
                _l("The review date is before the plan starts."),
                missing=False,
            )
        )
    return problems


def _psychiatry_act(plan: ParsedPlan) -> list[ContentProblem]:
    words = _plan_and_source(plan.plan_type)
    problems: list[ContentProblem] = []
    if _blank(plan.current_needs):
        problems.append(
            ContentProblem(
                ContentPart.CURRENT_NEEDS,
                _l(
                    "%(plan)s must describe the patient's current needs for treatment and "
                    "social support (%(source)s).",
                    **words,
                ),
            )
        )
    if _blank(plan.expected_needs):
        problems.append(
            ContentProblem(
                ContentPart.EXPECTED_NEEDS,
                _l(
                    "%(plan)s must describe the patient's expected needs for treatment and "
                    "social support (%(source)s).",
                    **words,
                ),
            )
        )
    problems.extend(_first_meetings(plan, words))
    if _blank(plan.patient_wishes) and not plan.patient_wishes_declined:
        problems.append(
            ContentProblem(
                ContentPart.PATIENT_WISHES,
                _l(
                    "%(plan)s must give the patient's wishes, or say that they did not wish "
                    "to state them (%(source)s).",
                    **words,
                ),
            )
        )
    if plan.review_date is None:
        problems.append(
            ContentProblem(
                ContentPart.REVIEW_DATE,
                _l("%(plan)s must say when it will be reviewed (%(source)s).", **words),
            )
        )
    if plan.review_responsible is None:
        problems.append(
            ContentProblem(
                ContentPart.REVIEW_RESPONSIBLE,
                _l("%(plan)s must say who is responsible for reviewing it (%(source)s).", **words),
            )
        )
    return problems


def _first_meetings(plan: ParsedPlan, words: dict[str, Any]) -> list[ContentProblem]:
    met = {
        plan.functions[a.function].organisation
        for a in plan.appointments
        if a.function is not None and a.function in plan.functions
    }
    problems = []
    for organisation in authorities_taking_part(plan):
        if organisation in met:
            continue
        known = plan.organisations.get(organisation)
        problems.append(
            ContentProblem(
                ContentPart.FIRST_MEETING,
                _l(
                    "%(plan)s must say when the first meeting with each authority is "
                    "(%(source)s): give the date and time of the first meeting with "
                    "%(organisation)s.",
                    organisation=known.name if known else organisation,
                    **words,
                ),
                organisation=organisation,
            )
        )
    return problems


def _coordinated_action_plan(plan: ParsedPlan) -> list[ContentProblem]:
    source = _kip_source()
    problems: list[ContentProblem] = []
    if plan.consent_given is not True or plan.consent_date is None:
        problems.append(
            ContentProblem(
                ContentPart.CONSENT,
                _l(
                    "A coordinated action plan can only be made with the citizen's consent: "
                    "record it, with its date (%(source)s).",
                    source=source,
                ),
            )
        )
    if plan.coordinator is None:
        problems.append(
            ContentProblem(
                ContentPart.COORDINATOR,
                _l(
                    "A coordinated action plan must name its coordinator (%(source)s).",
                    source=source,
                ),
            )
        )
    if not plan.goals:
        problems.append(
            ContentProblem(
                ContentPart.GOALS,
                _l(
                    "A coordinated action plan must have at least one goal (%(source)s).",
                    source=source,
                ),
            )
        )
    if not plan.grounds:
        problems.append(
            ContentProblem(
                ContentPart.GROUNDS,
                _l("Give at least one ground for the plan (%(source)s).", source=source),
            )
        )
    made = plan.meeting_date or plan.period_start
    if plan.review_date is None:
        problems.append(
            ContentProblem(
                ContentPart.REVIEW_DATE,
                _l("A coordinated action plan needs a follow-up date (%(source)s).", source=source),
            )
        )
    elif plan.review_date > made + timedelta(days=KIP_MAX_FOLLOW_UP_DAYS):
        problems.append(
            ContentProblem(
                ContentPart.REVIEW_DATE,
                _l(
                    "The follow-up date must be at most 6 months after the plan starts "
                    "(the meeting where it was made, else its start date) (%(source)s).",
                    source=source,
                ),
                missing=False,
            )
        )
    return problems
