"""Every read of a citizen's data writes exactly one audit record, on every route.

The test walks the URL map, so a new page that shows data is checked without
anyone remembering to add it; a route that shows nobody's data must be named
below with the reason.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent
from citizen_portal.consents.models import ConsentPurpose
from citizen_portal.consents.services import give
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.representation.models import Representation
from citizen_portal.security.actors import Actor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.web import declared_permission
from tests.conftest import sign_in
from tests.support.fhir import api_token
from tests.support.pages import act_for

SHOWS_NOBODYS_DATA = {
    "representation.grant": "a blank form for giving a power of attorney",
    "public.more": "a menu of links to other pages",
}


def _reading_routes(app: Flask) -> list[tuple[str, str]]:
    """(endpoint, rule) of every GET page that needs someone signed in."""
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        permission = declared_permission(view)
        if "GET" not in (rule.methods or ()) or permission in (None, Permission.PUBLIC):
            continue
        if permission.value.startswith("api:"):
            continue  # professional systems: checked below
        if rule.endpoint in SHOWS_NOBODYS_DATA:
            continue
        found.append((rule.endpoint, rule.rule))
    return sorted(found)


def _url(rule: str, plan: Plan, consent: int = 0, representation: int = 0) -> str:
    url = rule.replace("<int:plan_id>", str(plan.id)).replace("<int:number>", "1")
    # A consent's and a power's own pages (check, confirmation) name one of the subject's.
    url = url.replace("<int:consent_id>", str(consent))
    url = url.replace("<int:representation_id>", str(representation))
    # Wish pages take a section, and ?plan= for the wishes tied to one plan.
    return url.replace("<name>", "early_signs") + (f"?plan={plan.id}" if "/wishes" in url else "")


def _count(db: Session) -> int:
    return int(db.scalar(select(func.count(AuditEvent.id))) or 0)


def _check_every_page(
    app: Flask, client: FlaskClient, db: Session, reader: Person, subject: Person
) -> set[str]:
    plan = db.scalars(select(Plan).where(Plan.citizen_id == subject.id)).first()
    assert plan is not None
    consent = give(
        db,
        Actor(subject.id, subject.id),
        ConsentPurpose.INFORM_GP,
        "Lægehuset",
        None,
        utcnow().date() + timedelta(days=30),
    ).id
    power = db.scalars(
        select(Representation.id).where(Representation.represented_id == subject.id)
    ).first()
    assert power is not None
    db.commit()
    shown = set()
    for endpoint, rule in _reading_routes(app):
        url = _url(rule, plan, consent, power)
        assert "<" not in url, f"teach this test the parameters of {rule}"
        before = _count(db)
        response = client.get(url)
        db.expire_all()
        records = list(db.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(before)))
        if response.status_code == 200:
            shown.add(endpoint)
            assert len(records) == 1, f"{rule}: {[r.tag for r in records]}"
            assert records[0].actor_person_id == reader.id
            assert records[0].subject_person_id in (subject.id, reader.id)
        else:
            assert response.status_code in (403, 404), rule
            assert records == [], f"{rule} refused, so nothing was read"
    return shown


def test_the_citizen_reading_any_page_is_audited_exactly_once(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    sign_in(client, db, peter)
    shown = _check_every_page(app, client, db, peter, peter)
    assert {"plans.my_plans", "plans.plan", "plans.plan_version", "audit.access_log"} <= shown
    assert {"consents.check_withdrawal", "consents.given", "representation.given"} <= shown


def test_a_representative_reading_any_page_is_audited_exactly_once(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    shown = _check_every_page(app, client, db, hanne, peter)
    assert {"plans.my_plans", "plans.plan"} <= shown
    assert "audit.access_log" not in shown, "the log is the citizen's own"


def test_a_professional_system_reading_is_audited_exactly_once(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = db.scalars(select(Plan).where(Plan.citizen_id == peter.id)).first()
    assert plan is not None
    token = api_token(
        client,
        db,
        [plan.author_organisation.identifier],
        client_id="reader",
        scopes=tuple(p.value for p in Permission if p.value.startswith("api:")),
    )
    reads = [
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or ())
        and str(declared_permission(app.view_functions[rule.endpoint])).startswith("api:")
    ]
    assert reads == ["/api/fhir/citizen-input"], "teach this test the new API read"
    for url in reads:
        before = _count(db)
        response = client.get(
            f"{url}?plan={plan.identifier_system}|{plan.identifier_value}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200
        db.expire_all()
        records = list(db.scalars(select(AuditEvent).order_by(AuditEvent.id).offset(before)))
        assert len(records) == 1
        assert records[0].subject_person_id == peter.id
        assert records[0].details["client_id"] == "reader"
