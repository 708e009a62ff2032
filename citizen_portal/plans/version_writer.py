"""Writing plan versions and their content: batched INSERTs, one per table.

Version content is append-only, so the ORM's unit of work (several
milliseconds per plan in bench/ingest.py) buys nothing here. Many versions
(an import batch) go in the same few statements as one.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from citizen_portal.db import Base, utcnow
from citizen_portal.plans.models import (
    Action,
    Appointment,
    Challenge,
    ExistingPlanSummary,
    Goal,
    Participant,
    PlanVersion,
)
from citizen_portal.plans.parsed import ParsedPlan


def table_of(model: type[Base]) -> Table:
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class VersionToWrite:
    parsed: ParsedPlan
    plan_id: int
    number: int
    content_hash: str
    source_bundle: Any
    received_from: str | None


FunctionKey = tuple[str, str]  # (organisation identifier, function identifier)


def insert_versions(
    session: Session, versions: Sequence[VersionToWrite], function_ids: dict[FunctionKey, int]
) -> list[int]:
    """Insert versions and their content; returns the versions' ids, in order.

    A function is its organisation's: the same identifier under two organisations
    is two functions, so each is found by the organisation the plan names for it."""
    if not versions:
        return []

    def fn(v: VersionToWrite, identifier: str | None) -> int | None:
        if not identifier:
            return None
        return function_ids[(v.parsed.functions[identifier].organisation, identifier)]

    # Core statements on the session's connection (same transaction).
    connection = session.connection()
    version_table = table_of(PlanVersion)
    version_ids = list(
        connection.scalars(
            insert(version_table).returning(version_table.c.id, sort_by_parameter_order=True),
            [_version_row(v, functools.partial(fn, v)) for v in versions],
        )
    )
    goal_rows = [
        {"version_id": version_id, "position": i, "description": d, "success_criteria": c}
        for v, version_id in zip(versions, version_ids, strict=True)
        for i, (d, c) in enumerate(v.parsed.goals)
    ]
    goal_ids: list[int] = []
    if goal_rows:
        goal_table = table_of(Goal)
        goal_ids = list(
            connection.scalars(
                insert(goal_table).returning(goal_table.c.id, sort_by_parameter_order=True),
                goal_rows,
            )
        )
    # Each version's goals, by position, for its actions' goal references.
    goals_of: list[list[int]] = []
    taken = 0
    for v in versions:
        goals_of.append(goal_ids[taken : taken + len(v.parsed.goals)])
        taken += len(v.parsed.goals)

    content: list[tuple[type[Base], list[dict[str, Any]]]] = [
        (
            Action,
            [
                {
                    "version_id": version_id,
                    "position": i,
                    "key": a.key,
                    "description": a.description,
                    "citizen_responsible": a.function is None,
                    "responsible_function_id": fn(v, a.function),
                    "named_person": a.named_person,
                    "due_date": a.due_date,
                    "timeline": a.timeline,
                    "status": a.status,
                    "sequencing": a.sequencing,
                    "goal_id": goals[a.goal] if a.goal is not None else None,
                    "withheld": a.withheld,
                }
                for v, version_id, goals in zip(versions, version_ids, goals_of, strict=True)
                for i, a in enumerate(v.parsed.actions)
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
                    "function_id": fn(v, a.function),
                    "description": a.description,
                    "participants": a.participants,
                    "withheld": a.withheld,
                }
                for v, version_id in zip(versions, version_ids, strict=True)
                for a in v.parsed.appointments
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
                for v, version_id in zip(versions, version_ids, strict=True)
                for i, x in enumerate(v.parsed.participants)
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
                for v, version_id in zip(versions, version_ids, strict=True)
                for c in v.parsed.challenges
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
                for v, version_id in zip(versions, version_ids, strict=True)
                for i, e in enumerate(v.parsed.existing_plans)
            ],
        ),
    ]
    for model, rows in content:
        if rows:
            connection.execute(insert(table_of(model)), rows)
    return version_ids


# The parsed plan's fields that are stored as they are, in the version's column of
# the same name: a new field of the plan needs its column, not another line here.
_STORED_AS_PARSED = tuple(
    field.name
    for field in dataclasses.fields(ParsedPlan)
    if field.name in PlanVersion.__table__.columns
)


def _version_row(version: VersionToWrite, fn: Callable[[str | None], int | None]) -> dict[str, Any]:
    parsed = version.parsed
    return {
        **{name: getattr(parsed, name) for name in _STORED_AS_PARSED},
        "plan_id": version.plan_id,
        "number": version.number,
        # When the author issued it; else when it arrived.
        "issued_at": parsed.authored_at or utcnow(),
        "coordinator_function_id": fn(parsed.coordinator),
        "review_responsible_function_id": fn(parsed.review_responsible),
        "follow_up_responsible_function_id": fn(parsed.follow_up_responsible),
        # Copies: the stored row must not share a list with the parsed plan.
        "grounds": list(parsed.grounds),
        "withheld_sections": list(parsed.withheld_sections),
        "content_hash": version.content_hash,
        "source_bundle": version.source_bundle,
        "received_from": version.received_from,
    }
