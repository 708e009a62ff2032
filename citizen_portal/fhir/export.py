"""Export a citizen's plans as FHIR: every version, as the partner sent it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.people.services import with_cpr
from citizen_portal.plans.models import Plan, PlanVersion


def export_citizen_bundle(session: Session, person: Person, cpr: str) -> dict[str, Any]:
    """A collection Bundle whose entries are each plan version's own Bundle,
    oldest first, with the version number in ``meta.versionId``.

    Stored bundles hold the citizen's CPR number only as its keyed hash; the
    number itself (``cpr``, which the operator gives) is put back here, so the
    partner gets back exactly what was sent."""
    versions = session.scalars(
        select(PlanVersion)
        .join(Plan)
        .where(Plan.citizen_id == person.id)
        .order_by(Plan.id, PlanVersion.number)
    )
    entries = []
    for version in versions:
        if version.source_bundle is None:
            continue  # stored before bundles were kept; nothing faithful to export
        bundle = dict(with_cpr(version.source_bundle, cpr, person.cpr_hash))
        bundle["meta"] = {
            "versionId": str(version.number),
            "lastUpdated": version.issued_at.isoformat(),
        }
        entries.append({"resource": bundle})
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": utcnow().isoformat(),
        "entry": entries,
    }
