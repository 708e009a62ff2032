"""Store a plan bundle: the one path by which plans enter the portal.

The API, the import command and the demo data all come through here. Sending
the same content again creates nothing; changed content becomes a new version.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import ActorKind, AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.db import utcnow, with_retries
from citizen_portal.fhir.parsed import ParsedPlan
from citizen_portal.fhir.reader import Issue, read_plan_bundle
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.reference_writer import (
    find_or_insert_citizen,
    upsert_functions,
    upsert_organisations,
)
from citizen_portal.plans.version_writer import insert_version, table_of
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import ClientActor, can


class IngestRefused(Exception):
    """The bundle is valid FHIR but may not be stored (403) or conflicts (422)."""

    def __init__(self, status: int, issue: Issue) -> None:
        super().__init__(str(issue.message))
        self.status = status
        self.issue = issue


@dataclass(frozen=True)
class IngestResult:
    plan_id: int
    citizen_id: int
    version_number: int
    created: bool  # False: this content is already stored (see version_number)


def ingest_bundle(
    session: Session,
    data: Any,
    *,
    cpr_key: bytes,
    client: ClientActor | None,
) -> IngestResult:
    """Read, check and store one bundle; commits. ``client`` None: a trusted import."""
    parsed = read_plan_bundle(data)
    if client is not None and not can(client, Permission.API_PLANS_WRITE, parsed):
        raise IngestRefused(
            403,
            Issue(
                "CarePlan.author",
                _l("This system may not write plans for that organisation."),
                "forbidden",
            ),
        )

    def store_and_audit() -> IngestResult:
        result = _store(session, parsed, data, cpr_key, client)
        # In the same transaction: no plan is stored without its audit record.
        record_event(
            session,
            tag=AuditTag.API_PLAN_RECEIVED if client else AuditTag.PLAN_IMPORTED,
            actor_kind=ActorKind.SYSTEM,
            subject_person_id=result.citizen_id,
            resource_type="plan",
            resource_id=result.plan_id,
            details={
                "client_id": client.client_id if client else "import",
                "version": str(result.version_number),
                "created": "yes" if result.created else "no (this content is already stored)",
            },
        )
        return result

    return with_retries(session, store_and_audit)


def _store(
    session: Session, parsed: ParsedPlan, data: Any, cpr_key: bytes, client: ClientActor | None
) -> IngestResult:
    # Core statements on the session's connection: a handful of round trips per
    # plan instead of the ORM's unit of work (see bench/ingest.py).
    connection = session.connection()
    organisation_ids = upsert_organisations(connection, list(parsed.organisations.values()))
    function_ids = upsert_functions(connection, list(parsed.functions.values()), organisation_ids)
    citizen_id = find_or_insert_citizen(connection, parsed, cpr_key)
    plans = table_of(Plan)
    plan_id = connection.scalar(
        select(plans.c.id).where(
            plans.c.identifier_system == parsed.identifier_system,
            plans.c.identifier_value == parsed.identifier_value,
        )
    )
    fingerprint = parsed.fingerprint()
    if plan_id is None:
        plan_id = connection.execute(
            insert(plans).returning(plans.c.id),
            [
                {
                    "citizen_id": citizen_id,
                    "plan_type": parsed.plan_type,
                    "identifier_system": parsed.identifier_system,
                    "identifier_value": parsed.identifier_value,
                    "author_organisation_id": organisation_ids[parsed.author],
                    "created_at": utcnow(),
                }
            ],
        ).scalar_one()
        number = 1
    else:
        plan = session.get(Plan, plan_id)
        assert plan is not None
        _check_may_change(plan, citizen_id, parsed, client)
        stored = _stored_version(session, plan, parsed, fingerprint)
        if isinstance(stored, PlanVersion):
            return IngestResult(plan_id, citizen_id, stored.number, created=False)
        number = stored + 1
    insert_version(
        session,
        parsed,
        plan_id=plan_id,
        number=number,
        function_ids=function_ids,
        content_hash=fingerprint,
        source_bundle=data,
        received_from=client.client_id if client else None,
    )
    return IngestResult(plan_id, citizen_id, number, created=True)


def _check_may_change(
    plan: Plan, citizen_id: int, parsed: ParsedPlan, client: ClientActor | None
) -> None:
    if client is not None and not can(client, Permission.API_PLANS_WRITE, plan):
        raise IngestRefused(
            403,
            Issue(
                "CarePlan.identifier",
                _l("This plan was written by another organisation; this system may not change it."),
                "forbidden",
            ),
        )
    if plan.citizen_id != citizen_id:
        raise IngestRefused(
            422,
            Issue("CarePlan.subject", _l("This plan belongs to another citizen."), "business-rule"),
        )
    if plan.plan_type is not parsed.plan_type:
        raise IngestRefused(
            422,
            Issue("CarePlan.category", _l("A plan cannot change its type."), "business-rule"),
        )


def _stored_version(
    session: Session, plan: Plan, parsed: ParsedPlan, fingerprint: str
) -> PlanVersion | int:
    """The stored version this bundle repeats, or else the newest version number.

    The newest version's content again is a retry. An older version's content is a
    replay (a re-run import, a re-sent message) unless the author dated it later
    than the newest version: then it is a deliberate return, and a new version.
    """
    rows = session.execute(
        select(
            PlanVersion.id, PlanVersion.number, PlanVersion.content_hash, PlanVersion.authored_at
        )
        .where(PlanVersion.plan_id == plan.id)
        .order_by(PlanVersion.number.desc())
    ).all()
    if not rows:
        return 0
    newest = rows[0]
    for row in rows:
        if row.content_hash != fingerprint:
            continue
        is_newest = row.number == newest.number
        dated_later = (
            parsed.authored_at is not None
            and newest.authored_at is not None
            and parsed.authored_at > newest.authored_at
        )
        if is_newest or not dated_later:
            version = session.get(PlanVersion, row.id)
            assert version is not None
            return version
    return int(newest.number)
