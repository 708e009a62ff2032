"""Who to call is kept between looks at a plan, and is never out of date (issue 17).

The plan page keeps the functions it showed (plans/version_cache.py) with the
directory's revision, which the database replaces in every transaction that
changes a function or an organisation (migration 0021). Played as the people
who would notice: the citizen who must see today's number, and whoever changes a
row past the portal's code (the triggers see every writer alike: the plan API,
a command, psql).
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from citizen_portal.organisations.models import DirectoryRevision, Function, Organisation
from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.security.actors import Actor
from citizen_portal.wishes.models import WishSection
from citizen_portal.wishes.services import save_wish
from tests.conftest import sign_in
from tests.functional.test_query_counts import counted
from tests.support.demo import action_plan_of
from tests.support.pages import page

NEW_PHONE = "+45 11 22 33 44"


def _phones(client: FlaskClient, plan: Plan) -> list[str]:
    shown = page(client, f"/plans/{plan.id}?lang=en")
    return [str(a["href"]) for a in shown.select("#who-heading ~ section a.phone")]


def _named_function(plan: Plan) -> Function:
    version = plan.current_version
    function = next(
        (a.responsible_function for a in version.actions if a.responsible_function is not None),
        None,
    )
    assert function is not None
    return function


def _revision(db: Session) -> str:
    db.expire_all()
    return db.scalars(select(DirectoryRevision.revision)).one()


def test_a_second_look_reads_who_to_call_from_what_is_kept(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    client.get(f"/plans/{plan.id}")
    with counted(app) as statements:
        again = client.get(f"/plans/{plan.id}")
    assert again.status_code == 200
    assert not any("FROM functions" in s for s in statements), "kept from the first look"
    assert _phones(client, plan), "and still shown"


def test_a_changed_phone_number_is_read_and_shown_on_the_next_look(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    assert "tel:+4511223344" not in _phones(client, plan)  # kept now
    function = _named_function(plan)
    function.phone = NEW_PHONE
    db.commit()
    with counted(app) as statements:
        assert "tel:+4511223344" in _phones(client, plan)
    assert any("FROM functions" in s for s in statements), "read again after the change"
    with counted(app) as statements:
        assert "tel:+4511223344" in _phones(client, plan)
    assert not any("FROM functions" in s for s in statements), "and kept again"


def test_a_change_made_by_hand_past_the_portal_shows_at_once(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Someone with psql changes a number or renames a team: the database itself
    gives the directory a new revision, so no process shows the old one."""
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    _phones(client, plan)  # kept now
    function = _named_function(plan)
    db.execute(
        text("UPDATE functions SET phone = :phone WHERE id = :id"),
        {"phone": NEW_PHONE, "id": function.id},
    )
    db.commit()
    assert "tel:+4511223344" in _phones(client, plan)
    db.execute(
        text("UPDATE organisations SET name = :name WHERE id = :id"),
        {"name": "Et nyt navn for teamet", "id": function.organisation_id},
    )
    db.commit()
    assert "Et nyt navn for teamet" in client.get(f"/plans/{plan.id}").get_data(as_text=True)


def test_every_change_to_the_directory_and_nothing_else_gives_a_new_revision(
    db: Session, demo: dict[str, Person]
) -> None:
    seen = [_revision(db)]

    def committed_with_a_new_revision() -> bool:
        db.commit()
        seen.append(_revision(db))
        return seen[-1] != seen[-2]

    team = Organisation(
        identifier="sor:test-team",
        name="Testteamet",
        kind=OrganisationKind.REGION,
        sector=Sector.PSYCHIATRY,
    )
    db.add(team)
    assert committed_with_a_new_revision(), "a new organisation"
    function = Function(identifier="sor:test-team|Kontakt", organisation=team, title="Kontakt")
    db.add(function)
    assert committed_with_a_new_revision(), "a new function"
    function.opening_hours = "Hverdage 8-15"
    assert committed_with_a_new_revision(), "new opening hours"
    db.delete(function)
    assert committed_with_a_new_revision(), "a function removed"
    team.name = "Testteamet Syd"
    assert committed_with_a_new_revision(), "an organisation renamed"
    db.delete(team)
    assert committed_with_a_new_revision(), "an organisation removed"
    peter = demo["demo-peter"]
    save_wish(db, Actor(peter.id, peter.id), None, WishSection.CONTACTS, "Ring til Hanne", 0)
    assert not committed_with_a_new_revision(), "a citizen's wish is not the directory"
    assert len(set(seen)) == len(seen) - 1, "each revision is new"


def _on_postgresql(db: Session) -> str:
    """The test database's schema on PostgreSQL (else the test is skipped)."""
    if db.get_bind().dialect.name != "postgresql":
        pytest.skip("the PostgreSQL trigger (CI's PostgreSQL run)")
    schema: str = db.execute(text("SELECT current_schema()")).scalar_one()
    return schema


def test_a_writer_with_another_search_path_or_replication_role_still_changes_it(
    db: Session, demo: dict[str, Person]
) -> None:
    """A DBA's session, another role's search path, or a replication session: the
    trigger finds the revision in the changed table's own schema, and fires in a
    session with session_replication_role = replica too."""
    schema = _on_postgresql(db)
    function_id = _named_function(action_plan_of(db, demo["demo-peter"])).id
    before = _revision(db)
    db.execute(text("SET LOCAL search_path = pg_catalog"))
    qualified = f'UPDATE "{schema}".functions SET phone = :phone WHERE id = :id'  # noqa: S608 (the test's own schema)
    db.execute(text(qualified), {"phone": NEW_PHONE, "id": function_id})
    db.execute(text(f'SET LOCAL search_path = "{schema}"'))
    after_search_path = _revision(db)
    assert after_search_path != before
    db.execute(text("SET LOCAL session_replication_role = replica"))
    db.execute(
        text("UPDATE functions SET phone = :phone WHERE id = :id"),
        {"phone": "+45 22 22 22 22", "id": function_id},
    )
    db.execute(text("SET LOCAL session_replication_role = origin"))
    assert _revision(db) != after_search_path
