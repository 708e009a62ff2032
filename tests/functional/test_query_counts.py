"""Queries do not grow with the plan: at most 8 SQL statements per page, and the
same number for a small plan as for one with many actions, goals, appointments
and versions (issue 17). The audit record of the read is counted too."""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from citizen_portal.demo.data import DEMO_PLANS, PERSONAS, DemoPlan, DemoVersion
from citizen_portal.fhir.demo_bundles import build_bundle
from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.people.models import Person
from citizen_portal.people.services import hash_cpr
from citizen_portal.plans.ingest import IncomingPlan, store_plan
from citizen_portal.plans.models import Plan
from citizen_portal.plans.types import PlanType
from citizen_portal.security.actors import Actor
from citizen_portal.wishes.models import WishSection
from citizen_portal.wishes.services import save_wish
from tests.conftest import CPR_KEY, sign_in

MAX_QUERIES = 8
CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@contextmanager
def counted(app: Flask) -> Iterator[list[str]]:
    """The SQL statements sent while the block runs (savepoints of the test's
    outer transaction left out: they stand in for the request's one commit)."""
    statements: list[str] = []
    engine = app.extensions["database"].engine

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(CONTROL):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)


def _template() -> DemoPlan:
    return next(p for p in DEMO_PLANS if p.plan_type is PlanType.COORDINATED_ACTION_PLAN)


def _bigger(version: DemoVersion, times: int, n: int) -> DemoVersion:
    """``version`` with ``times`` as many actions, goals and appointments, its
    texts numbered ``n`` so every version is new content."""
    goals = [(f"{text} ({n}.{i})", note) for i in range(times) for text, note in version.goals]
    actions = []
    for i in range(times):
        for action in version.actions:
            goal = None if action.goal is None else action.goal + i * len(version.goals)
            actions.append(
                dataclasses.replace(
                    action, description=f"{action.description} ({n}.{i})", goal=goal
                )
            )
    appointments = [
        dataclasses.replace(a, in_days=a.in_days + i, place=f"{a.place} ({n}.{i})")
        for i in range(times)
        for a in version.appointments
    ]
    return dataclasses.replace(version, goals=goals, actions=actions, appointments=appointments)


def _store(db: Session, plan: DemoPlan, today: date) -> Plan:
    for version in plan.versions:
        bundle = build_bundle(plan, version, today)
        store_plan(
            db,
            IncomingPlan(read_plan_bundle(bundle), bundle),
            cpr_key=CPR_KEY.encode(),
            client=None,
        )
    db.flush()
    return db.scalars(select(Plan).where(Plan.identifier_value == plan.identifier)).one()


def _person(db: Session, subject: str) -> Person:
    persona = next(p for p in PERSONAS if p.subject == subject)
    person = db.scalar(
        select(Person).where(Person.cpr_hash == hash_cpr(persona.cpr, CPR_KEY.encode()))
    )
    assert person is not None
    return person


@pytest.fixture
def plans(db: Session, today: date) -> dict[str, tuple[Person, Plan]]:
    """A small plan (one version as in the demo) for Peter, and a large one for
    Sara: 12 versions, each with 8 times the actions, goals and appointments,
    plus two more plans, wishes and a long access log."""
    small = copy.deepcopy(_template())
    small.citizen = "demo-peter"
    large = copy.deepcopy(_template())
    large.citizen = "demo-sara"
    large.identifier = "kip-large-1"
    large.versions = [_bigger(large.versions[0], 8, n) for n in range(12)]
    stored = {"small": _store(db, small, today), "large": _store(db, large, today)}
    for n in (2, 3):
        extra = copy.deepcopy(_template())
        extra.citizen = "demo-sara"
        extra.identifier = f"kip-large-{n}"
        _store(db, extra, today)
    db.commit()
    return {
        name: (_person(db, f"demo-{who}"), stored[name])
        for name, who in (("small", "peter"), ("large", "sara"))
    }


def _pages(plan: Plan) -> dict[str, str]:
    return {
        "plan page": f"/plans/{plan.id}",
        "older version": f"/plans/{plan.id}/versions/1",
        "my plans": "/plans",
        "wishes": "/wishes",
        "access log": "/access-log",
    }


def _count_pages(app: Flask, client: FlaskClient, plan: Plan) -> dict[str, int]:
    counts = {}
    for name, path in _pages(plan).items():
        client.get(path)  # a first visit: what changed, notifications told once
        with counted(app) as statements:
            response = client.get(path)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(statements)
        if os.environ.get("SHOW_QUERIES") == name:
            print("\n".join(s[:150] for s in statements))
    return counts


def test_pages_take_a_few_queries_whatever_the_size_of_the_plan(
    app: Flask,
    client: FlaskClient,
    db: Session,
    plans: dict[str, tuple[Person, Plan]],
) -> None:
    counts = {}
    for size, (person, plan) in plans.items():
        if size == "large":
            actor = Actor(person.id, person.id)
            for section in WishSection:
                for n in range(4):
                    save_wish(db, actor, None, section, f"Ring til min søster ({n})", n)
                save_wish(db, actor, plan.id, section, "Kun for denne plan", 0)
            db.commit()
        sign_in(client, db, person)
        # A long access log: every visit above is a row in it.
        for _ in range(20 if size == "large" else 0):
            client.get(f"/plans/{plan.id}")
        counts[size] = _count_pages(app, client, plan)
    for name, count in counts["large"].items():
        assert count <= MAX_QUERIES, (name, counts)
    assert counts["small"] == counts["large"], counts


def test_a_stored_version_is_read_once_but_who_to_call_is_as_it_is_now(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The version's content is kept per version id; the functions it names are
    not: a new phone number shows on the next visit (their owner updates them)."""
    mette = demo["demo-mette"]
    plan = db.scalars(select(Plan).where(Plan.citizen_id == mette.id)).first()
    assert plan is not None
    sign_in(client, db, mette)
    client.get(f"/plans/{plan.id}")
    with counted(app) as statements:
        client.get(f"/plans/{plan.id}")
    assert not any("FROM goals" in s or "FROM actions" in s for s in statements), (
        "the version's content is read once"
    )
    version = plan.current_version
    function = version.actions[0].responsible_function or version.coordinator_function
    assert function is not None
    function.phone = "+45 11 22 33 44"
    db.commit()
    assert "+45 11 22 33 44" in client.get(f"/plans/{plan.id}").get_data(as_text=True)
