from __future__ import annotations

from citizen_portal.plans.models import Plan, PlanType
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import Actor, can


def _plan(citizen_id: int) -> Plan:
    return Plan(citizen_id=citizen_id, plan_type=PlanType.DISCHARGE_AGREEMENT)


def test_citizen_reads_own_plan_only() -> None:
    mette = Actor(person_id=1, subject_person_id=1)
    assert can(mette, Permission.PLANS_READ, _plan(1))
    assert not can(mette, Permission.PLANS_READ, _plan(2))


def test_nobody_signed_in_may_only_use_public_routes() -> None:
    assert can(None, Permission.PUBLIC)
    assert not can(None, Permission.PLANS_READ)
    assert not can(None, Permission.PLANS_READ, _plan(1))
    assert not can(None, Permission.ACCOUNT_USE)


def test_unknown_resource_is_denied() -> None:
    mette = Actor(person_id=1, subject_person_id=1)
    assert not can(mette, Permission.PLANS_READ, object())
