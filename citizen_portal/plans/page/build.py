"""Build the plan page and the "My plans" cards, once per request, already redacted."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from citizen_portal.organisations.models import Function
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.page.changes import compare
from citizen_portal.plans.page.model import ChangesSince, PlanCard, PlanPage, VersionLink
from citizen_portal.plans.page.redaction import VersionReader, Withholding
from citizen_portal.plans.types import PlanStatus


def build_plan_page(
    version: PlanVersion,
    for_representative: bool,
    seen_version: PlanVersion | None,
    now: datetime,
    *,
    plan: Plan | None = None,
    newest: PlanVersion | None = None,
    functions: Mapping[int, Function] | None = None,
) -> PlanPage:
    """Everything the page (and its PDF) shows of ``version``.

    ``seen_version``: the version the reader last saw, when older; what changed
    since is compared as the reader may see both. The versions may be stored
    content shared between requests (``plans.version_cache``): then ``plan`` (its
    versions, hand-overs), the ``newest`` version's content and the ``functions``
    they name come from the request.
    """
    plan = plan if plan is not None else version.plan
    newest = newest if newest is not None else plan.current_version
    reader = VersionReader(
        version, Withholding.for_reader(version, newest, for_representative), now, functions
    )
    changes = None
    if seen_version is not None:
        before = VersionReader(
            seen_version,
            Withholding.for_reader(seen_version, newest, for_representative),
            now,
            functions,
        )
        found = compare(before, reader)
        if found:
            changes = ChangesSince(seen_version.number, seen_version.issued_at, found)
    return PlanPage(
        plan_id=plan.id,
        plan_type=plan.plan_type,
        citizen_name=plan.citizen.full_name,
        author_organisation=plan.author_organisation.name,
        number=version.number,
        newest_number=newest.number,
        issued_at=version.issued_at,
        status=version.status,
        something_withheld=reader.something_withheld,
        changes=changes,
        summary=reader.summary(),
        groups=reader.groups(),
        goals=reader.goals(),
        patient_wishes=reader.patient_wishes(),
        patient_wishes_declined=reader.patient_wishes_declined(),
        missed_appointment_response=reader.missed_appointment_response(),
        appointments=reader.appointment_items(),
        details=reader.details(),
        challenges=reader.challenges(),
        existing_plans=reader.existing_plans(),
        participants=reader.participants(),
        versions=tuple(VersionLink(v.number, v.issued_at) for v in reversed(plan.versions)),
        handover_to=pending.to_organisation.name if (pending := plan.pending_handover) else None,
        replaced_on=min(
            (v.issued_at for v in plan.versions if v.number > version.number), default=None
        ),
    )


def plan_cards(plans: list[Plan], now: datetime, for_representative: bool) -> list[PlanCard]:
    """One card per plan from its newest version; the next appointment is one the
    reader may see."""
    cards = []
    for plan in plans:
        version = plan.current_version
        reader = VersionReader(
            version, Withholding.for_reader(version, version, for_representative), now
        )
        cards.append(
            PlanCard(
                plan_id=plan.id,
                plan_type=plan.plan_type,
                author_organisation=plan.author_organisation.name,
                status=version.status,
                number=version.number,
                next_appointment=reader.next_appointment(),
                review_date=version.review_date,
            )
        )
    # Active plans first, then newest.
    cards.sort(key=lambda c: c.status is not PlanStatus.ACTIVE)
    return cards
