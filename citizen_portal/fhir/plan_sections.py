"""The coordinated action plan's own sections (grounds, prioritised challenges,
summaries of existing plans) and the profile's rules for each plan type."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask_babel import lazy_gettext as _l

from citizen_portal.fhir import profile as p
from citizen_portal.fhir.bundle_reader import CONTACT, BundleReader, extension_value, extensions
from citizen_portal.plans.parsed import ParsedChallenge, ParsedExistingPlan
from citizen_portal.plans.types import PlanType

SHARED_RESPONSIBILITY = (PlanType.DISCHARGE_AGREEMENT, PlanType.COORDINATION_PLAN)


def read_grounds(r: BundleReader, cp: Any, at: str) -> list[str]:
    grounds: list[str] = []
    for ext in extensions(cp, p.EXT_GROUND):
        code = ext.valueCoding.code if ext.valueCoding else None
        ground = p.PLAN_GROUNDS.get(code or "")
        if ground is None:
            r.problem(
                f"{at}.extension", _l("Unknown plan ground %(code)s.", code=code), "code-invalid"
            )
        else:
            grounds.append(ground.value)
    return grounds


def read_challenges(r: BundleReader, cp: Any, at: str) -> list[ParsedChallenge]:
    challenges: list[ParsedChallenge] = []
    path = f"{at}.extension"
    for ext in extensions(cp, p.EXT_CHALLENGE):
        description = r.text(extension_value(ext, "description", "valueString"), path)
        if not description:
            r.problem(path, _l("A challenge needs a description."), "required")
            continue
        challenges.append(
            ParsedChallenge(
                priority=extension_value(ext, "priority", "valuePositiveInt")
                or len(challenges) + 1,
                description=description,
                agreements=r.text(extension_value(ext, "agreements", "valueString"), path),
                desired_outcome=r.text(
                    extension_value(ext, "desired-outcome", "valueString"), path
                ),
            )
        )
    return sorted(challenges, key=lambda c: c.priority)


def read_existing_plans(r: BundleReader, cp: Any, at: str) -> list[ParsedExistingPlan]:
    existing: list[ParsedExistingPlan] = []
    path = f"{at}.extension"
    for ext in extensions(cp, p.EXT_EXISTING_PLAN):
        kind = p.EXISTING_PLAN_KINDS.get(extension_value(ext, "kind", "valueCode") or "")
        if kind is None:
            r.problem(path, _l("Unknown kind of existing plan."), "code-invalid")
            continue
        existing.append(
            ParsedExistingPlan(
                kind=kind,
                status=r.text(extension_value(ext, "status", "valueString"), path),
                goal=r.text(extension_value(ext, "goal", "valueString"), path),
                effort=r.text(extension_value(ext, "effort", "valueString"), path),
                contact=r.text(extension_value(ext, "contact", "valueString"), path, CONTACT),
            )
        )
    return existing


def check_rules(
    r: BundleReader,
    at: str,
    plan_type: PlanType | None,
    period_start: Any,
    *,
    review_date: Any,
    consent_given: bool | None,
    consent_date: Any,
    grounds: list[str],
) -> None:
    """The profile's rules for each plan type (docs/fhir-profile.md)."""
    path = f"{at}.extension"
    if plan_type in SHARED_RESPONSIBILITY and review_date is None:
        r.problem(
            path,
            _l(
                "A discharge agreement or coordination plan must say when it will be "
                "reviewed (extension %(url)s).",
                url=p.EXT_REVIEW_DATE,
            ),
            "required",
        )
    if plan_type is PlanType.COORDINATED_ACTION_PLAN:
        if review_date is None:
            r.problem(
                path,
                _l(
                    "A coordinated action plan needs a follow-up date (extension %(url)s).",
                    url=p.EXT_REVIEW_DATE,
                ),
                "required",
            )
        elif period_start and review_date > period_start + timedelta(days=p.KIP_MAX_FOLLOW_UP_DAYS):
            r.problem(
                path,
                _l("The follow-up date must be at most 6 months after the plan starts."),
                "business-rule",
            )
        if consent_given is not True or consent_date is None:
            r.problem(
                path,
                _l(
                    "A coordinated action plan can only be made with the citizen's "
                    "consent: record it, with its date (extension %(url)s).",
                    url=p.EXT_CONSENT,
                ),
                "business-rule",
            )
        if not grounds:
            r.problem(path, _l("Give at least one ground for the plan."), "required")
    if review_date and period_start and review_date < period_start:
        r.problem(path, _l("The review date is before the plan starts."), "business-rule")
