"""The coordinated action plan's own sections (grounds, prioritised challenges,
summaries of existing plans), and where in a bundle each part the law requires
of a plan is (the rules themselves are the domain's: ``plans.rules``)."""

from __future__ import annotations

from typing import Any

from citizen_portal.fhir import profile as p
from citizen_portal.fhir.bundle_reader import CONTACT, BundleReader, extension_value, extensions
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.plans.parsed import ParsedChallenge, ParsedExistingPlan, ParsedPlan
from citizen_portal.plans.rules import (
    PSYCHIATRY_ACT_PLANS,
    ContentPart,
    ContentProblem,
    missing_content,
)

SHARED_RESPONSIBILITY = PSYCHIATRY_ACT_PLANS


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


def content_path(at: str, problem: ContentProblem) -> str:
    """Where in the bundle a part the law requires is (``at``: the CarePlan)."""
    if problem.part is ContentPart.FIRST_MEETING:
        return "Bundle.entry.resource.ofType(Appointment)"
    return f"{at}.{_CONTENT_ELEMENTS[problem.part]}"


_CONTENT_ELEMENTS = {
    ContentPart.CURRENT_NEEDS: f"extension('{p.TEXT_EXTENSIONS['current_needs']}')",
    ContentPart.EXPECTED_NEEDS: f"extension('{p.TEXT_EXTENSIONS['expected_needs']}')",
    ContentPart.PATIENT_WISHES: f"extension('{p.TEXT_EXTENSIONS['patient_wishes']}')",
    ContentPart.REVIEW_DATE: f"extension('{p.EXT_REVIEW_DATE}')",
    ContentPart.REVIEW_RESPONSIBLE: "careTeam.participant.where(role='review-responsible')",
    ContentPart.CONSENT: f"extension('{p.EXT_CONSENT}')",
    ContentPart.COORDINATOR: "careTeam.participant.where(role='coordinator')",
    ContentPart.GOALS: "goal",
    ContentPart.GROUNDS: f"extension('{p.EXT_GROUND}')",
}


def report_missing_content(r: BundleReader, at: str, plan: ParsedPlan) -> None:
    """The domain's rules on what a plan must contain (``plans.rules``), each
    problem at its place in the bundle."""
    for problem in missing_content(plan):
        r.problem(
            content_path(at, problem),
            problem.message,
            "required" if problem.missing else "business-rule",
        )
