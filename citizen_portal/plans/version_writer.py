"""Writing a plan version and its content: batched INSERTs, one per table.

Version content is append-only, so the ORM's unit of work (several
milliseconds per plan in bench/ingest.py) buys nothing here.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from citizen_portal.db import Base, utcnow
from citizen_portal.fhir.parsed import ParsedPlan
from citizen_portal.plans.models import (
    Action,
    Appointment,
    Challenge,
    ExistingPlanSummary,
    Goal,
    Participant,
    PlanVersion,
)


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


def insert_version(
    session: Session,
    parsed: ParsedPlan,
    *,
    plan_id: int,
    number: int,
    function_ids: dict[str, int],
    content_hash: str,
    source_bundle: Any,
    received_from: str | None,
) -> int:
    """Insert a version and its content; returns the version's id."""

    def fn(identifier: str | None) -> int | None:
        return function_ids[identifier] if identifier else None

    # Core statements on the session's connection (same transaction).
    connection = session.connection()
    version_id = connection.execute(
        insert(table_of(PlanVersion)).returning(table_of(PlanVersion).c.id),
        [
            {
                "plan_id": plan_id,
                "number": number,
                # When the author issued it; else when it arrived.
                "issued_at": parsed.authored_at or utcnow(),
                "status": parsed.status,
                "period_start": parsed.period_start,
                "period_end": parsed.period_end,
                "review_date": parsed.review_date,
                "reason": parsed.reason,
                "treatment_offers": parsed.treatment_offers,
                "social_offers": parsed.social_offers,
                "current_needs": parsed.current_needs,
                "expected_needs": parsed.expected_needs,
                "patient_wishes": parsed.patient_wishes,
                "citizen_participated": parsed.citizen_participated,
                "missed_appointment_response": parsed.missed_appointment_response,
                "coordinator_function_id": fn(parsed.coordinator),
                "coordinator_name": parsed.coordinator_name,
                "review_responsible_function_id": fn(parsed.review_responsible),
                "follow_up_responsible_function_id": fn(parsed.follow_up_responsible),
                "meeting_date": parsed.meeting_date,
                "consent_given": parsed.consent_given,
                "consent_date": parsed.consent_date,
                "approved_by_citizen": parsed.approved_by_citizen,
                "approved_date": parsed.approved_date,
                "grounds": list(parsed.grounds),
                "content_hash": content_hash,
                "source_bundle": source_bundle,
                "received_from": received_from,
                "authored_at": parsed.authored_at,
                "withheld_sections": list(parsed.withheld_sections),
            }
        ],
    ).scalar_one()
    goal_ids: list[int] = []
    if parsed.goals:
        goal_ids = list(
            connection.scalars(
                insert(table_of(Goal)).returning(table_of(Goal).c.id, sort_by_parameter_order=True),
                [
                    {
                        "version_id": version_id,
                        "position": i,
                        "description": d,
                        "success_criteria": c,
                    }
                    for i, (d, c) in enumerate(parsed.goals)
                ],
            )
        )
    rows: list[tuple[type[Base], list[dict[str, Any]]]] = [
        (
            Action,
            [
                {
                    "version_id": version_id,
                    "position": i,
                    "key": a.key,
                    "description": a.description,
                    "citizen_responsible": a.function is None,
                    "responsible_function_id": fn(a.function),
                    "named_person": a.named_person,
                    "due_date": a.due_date,
                    "timeline": a.timeline,
                    "status": a.status,
                    "sequencing": a.sequencing,
                    "goal_id": goal_ids[a.goal] if a.goal is not None else None,
                    "withheld": a.withheld,
                }
                for i, a in enumerate(parsed.actions)
            ],
        ),
        (
            Appointment,
            [
                {
                    "version_id": version_id,
                    "kind": a.kind,
                    "starts_at": a.starts_at,
                    "place": a.place,
                    "function_id": fn(a.function),
                    "description": a.description,
                    "participants": a.participants,
                    "withheld": a.withheld,
                }
                for a in parsed.appointments
            ],
        ),
        (
            Participant,
            [
                {
                    "version_id": version_id,
                    "position": i,
                    "name": x.name,
                    "job_title": x.job_title,
                    "organisation_name": x.organisation_name,
                    "contact": x.contact,
                }
                for i, x in enumerate(parsed.participants)
            ],
        ),
        (
            Challenge,
            [
                {
                    "version_id": version_id,
                    "priority": c.priority,
                    "description": c.description,
                    "agreements": c.agreements,
                    "desired_outcome": c.desired_outcome,
                }
                for c in parsed.challenges
            ],
        ),
        (
            ExistingPlanSummary,
            [
                {
                    "version_id": version_id,
                    "position": i,
                    "kind": e.kind,
                    "status": e.status,
                    "goal": e.goal,
                    "effort": e.effort,
                    "contact": e.contact,
                }
                for i, e in enumerate(parsed.existing_plans)
            ],
        ),
    ]
    for model, values in rows:
        if values:
            connection.execute(insert(table_of(model)), values)
    return int(version_id)
