"""Who takes part in a citizen's plans: the facts the read-back rule needs.

An organisation takes part in a plan when it wrote the plan or when one of its
functions is responsible in the newest version: coordinator, review, follow-up,
an action or an appointment. The rule itself is ``security.policy``; this module
only loads the facts (plain values the policy reads through its protocols).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.plans.models import Action, Appointment, Plan, PlanSeen, PlanVersion
from citizen_portal.plans.types import PlanStatus


@dataclass(frozen=True)
class PlanRelationFacts:
    plan_id: int
    citizen_id: int
    active: bool
    opened_by_citizen: bool  # the citizen themself, not a representative
    organisations: frozenset[str]  # identifiers, as the policy compares them
    organisation_ids: frozenset[int]


def _function_ids(session: Session, versions: dict[int, PlanVersion]) -> dict[int, set[int]]:
    """Version id -> the functions responsible for something in it."""
    found: dict[int, set[int]] = {
        v.id: {
            f
            for f in (
                v.coordinator_function_id,
                v.review_responsible_function_id,
                v.follow_up_responsible_function_id,
            )
            if f is not None
        }
        for v in versions.values()
    }
    ids = list(found)
    for version_id, function_id in session.execute(
        select(Action.version_id, Action.responsible_function_id).where(
            Action.version_id.in_(ids), Action.responsible_function_id.is_not(None)
        )
    ):
        if function_id is not None:
            found[version_id].add(function_id)
    for version_id, function_id in session.execute(
        select(Appointment.version_id, Appointment.function_id).where(
            Appointment.version_id.in_(ids), Appointment.function_id.is_not(None)
        )
    ):
        if function_id is not None:
            found[version_id].add(function_id)
    return found


def plan_relations(session: Session, citizen_id: int) -> list[PlanRelationFacts]:
    """Every plan of the citizen, with who takes part in its newest version."""
    plans = {p.id: p for p in session.scalars(select(Plan).where(Plan.citizen_id == citizen_id))}
    if not plans:
        return []
    newest = (
        select(PlanVersion.plan_id, func.max(PlanVersion.number).label("number"))
        .where(PlanVersion.plan_id.in_(list(plans)))
        .group_by(PlanVersion.plan_id)
        .subquery()
    )
    versions = {
        v.plan_id: v
        for v in session.scalars(
            select(PlanVersion).join(
                newest,
                (PlanVersion.plan_id == newest.c.plan_id) & (PlanVersion.number == newest.c.number),
            )
        )
    }
    functions = _function_ids(session, {v.id: v for v in versions.values()})
    all_functions = set().union(*functions.values()) if functions else set()
    organisation_of: dict[int, int] = {
        row.id: row.organisation_id
        for row in session.execute(
            select(Function.id, Function.organisation_id).where(Function.id.in_(all_functions))
        )
    }
    seen = set(
        session.scalars(
            select(PlanSeen.plan_id).where(
                PlanSeen.person_id == citizen_id, PlanSeen.plan_id.in_(list(plans))
            )
        )
    )
    taking_part: dict[int, set[int]] = {}
    for plan_id, plan in plans.items():
        version = versions.get(plan_id)
        ids = {plan.author_organisation_id}
        if version is not None:
            ids |= {organisation_of[f] for f in functions[version.id] if f in organisation_of}
        taking_part[plan_id] = ids
    identifiers: dict[int, str] = {
        row.id: row.identifier
        for row in session.execute(
            select(Organisation.id, Organisation.identifier).where(
                Organisation.id.in_(set().union(*taking_part.values()))
            )
        )
    }
    return [
        PlanRelationFacts(
            plan_id=plan_id,
            citizen_id=citizen_id,
            active=plan_id in versions and versions[plan_id].status is PlanStatus.ACTIVE,
            opened_by_citizen=plan_id in seen,
            organisations=frozenset(identifiers[o] for o in taking_part[plan_id]),
            organisation_ids=frozenset(taking_part[plan_id]),
        )
        for plan_id in sorted(plans)
    ]


def organisations_taking_part(session: Session, citizen_id: int) -> list[Organisation]:
    """The organisations taking part in any of the citizen's plans, by name."""
    ids = set().union(*(r.organisation_ids for r in plan_relations(session, citizen_id)))
    return list(
        session.scalars(
            select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)
        )
    )
