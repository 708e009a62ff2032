"""The demo data's plans, as tests look them up."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.plans.types import PlanType


def action_plan_of(db: Session, person: Person) -> Plan:
    """The person's coordinated action plan (Peter has one in the demo)."""
    return db.scalars(
        select(Plan).where(
            Plan.citizen_id == person.id, Plan.plan_type == PlanType.COORDINATED_ACTION_PLAN
        )
    ).one()
