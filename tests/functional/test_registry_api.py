"""Registries of authorities send representations as FHIR RelatedPerson:
custody, guardian (værge), lasting power of attorney (fremtidsfuldmagt)."""

from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.fhir import profile
from citizen_portal.fhir.related_person import EXT_SCOPE, EXT_SOURCE, KIND_SYSTEM
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.security.actors import ActorKind
from tests.conftest import NOT_DEMO, sign_in
from tests.support.fhir import api_token

GUARDIAN_CPR = "0101701234"
METTE_CPR = "1403881234"


def _related_person(**changes: Any) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "RelatedPerson",
        "active": True,
        "identifier": [{"system": profile.CPR_SYSTEM, "value": GUARDIAN_CPR}],
        "patient": {
            "identifier": {"system": profile.CPR_SYSTEM, "value": METTE_CPR},
            "display": "Mette Nielsen",
        },
        "relationship": [{"coding": [{"system": KIND_SYSTEM, "code": "guardian"}]}],
        "name": [{"given": ["Hans"], "family": "Berg"}],
        "period": {"start": "2026-01-01"},
        "extension": [
            {"url": EXT_SCOPE, "valueCode": "read-plans"},
            {"url": EXT_SOURCE, "valueString": "Familieretshuset 2026-114"},
        ],
    }
    resource.update(changes)
    return resource


def _registry_token(client: FlaskClient, db: Session) -> str:
    return api_token(
        client, db, [], client_id="familieretshuset", scopes=("api:representations:write",)
    )


def _send(client: FlaskClient, token: str, body: Any) -> Any:
    return client.post(
        "/api/fhir/RelatedPerson",
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )


def _rows(db: Session) -> list[Representation]:
    return list(db.scalars(select(Representation).where(NOT_DEMO)))


def test_a_guardian_is_registered_once_and_can_act_at_once(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    token = _registry_token(client, db)
    first = _send(client, token, _related_person())
    assert first.status_code == 201, first.get_json()
    assert _send(client, token, _related_person()).status_code == 200
    (row,) = _rows(db)
    assert row.kind is RepresentationKind.GUARDIAN
    assert row.represented_id == demo["demo-mette"].id
    assert row.scopes == ["read_plans"]
    assert row.source_reference == "Familieretshuset 2026-114"

    sign_in(client, db, row.representative)
    client.get("/acting-for")
    page = client.get("/powers-of-attorney").get_data(as_text=True)
    assert "Mette Nielsen" in page
    assert "In effect" in page

    sign_in(client, db, demo["demo-mette"])
    log = client.get("/access-log").get_data(as_text=True)
    assert "A professional system (familieretshuset)" in log
    assert "registered a person who may act for you, as an authority decided." in log
    messages = client.get("/messages").get_data(as_text=True)
    assert "Hans Berg is now registered as acting for you" in messages


def test_a_changed_period_updates_and_active_false_ends_it_at_once(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    token = _registry_token(client, db)
    _send(client, token, _related_person())
    changed = _send(
        client, token, _related_person(period={"start": "2026-01-01", "end": "2030-01-01"})
    )
    assert changed.status_code == 200
    assert "changed" in changed.get_json()["issue"][0]["diagnostics"]
    (row,) = _rows(db)
    assert str(row.valid_until) == "2030-01-01"

    ended = _send(client, token, _related_person(active=False))
    assert ended.status_code == 200
    db.refresh(row)
    assert row.revoked_at is not None
    again = _send(client, token, _related_person(active=False))
    assert again.status_code == 422
    assert "no such representation" in again.get_json()["issue"][0]["diagnostics"]
    tags = [
        e.tag
        for e in db.scalars(select(AuditEvent).where(AuditEvent.actor_kind == ActorKind.SYSTEM))
    ]
    assert AuditTag.REPRESENTATION_REVOKED in tags


def test_every_problem_is_listed_and_nothing_is_stored(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    token = _registry_token(client, db)
    bad = _related_person(
        identifier=[{"system": profile.CPR_SYSTEM, "value": "12"}],
        relationship=[{"coding": [{"system": KIND_SYSTEM, "code": "uncle"}]}],
        period={},
        extension=[{"url": EXT_SCOPE, "valueCode": "everything"}],
    )
    response = _send(client, token, bad)
    assert response.status_code == 422
    paths = {tuple(i["expression"]) for i in response.get_json()["issue"]}
    assert paths == {
        ("RelatedPerson.relationship",),
        ("RelatedPerson.identifier",),
        ("RelatedPerson.period.start",),
        ("RelatedPerson.extension",),
    }
    assert _rows(db) == []
    people_before = db.scalar(select(func.count(Person.id)))
    minor = _related_person(identifier=[{"system": profile.CPR_SYSTEM, "value": "0101154234"}])
    refused = _send(client, token, minor)
    assert refused.status_code == 422
    assert "18 or older" in refused.get_json()["issue"][0]["diagnostics"]
    assert db.scalar(select(func.count(Person.id))) == people_before, "rolled back"
    assert _send(client, token, {"resourceType": "Patient"}).status_code == 422
    assert _send(client, token, _related_person(period={"start": "not a date"})).status_code == 422


def test_only_a_registry_may_register(client: FlaskClient, db: Session) -> None:
    plans_only = api_token(client, db, ["urn:demo:organisation|sor:psyk-roskilde-r3"])
    response = _send(client, plans_only, _related_person())
    assert response.status_code == 403
    assert _send(client, "nonsense", _related_person()).status_code == 401
    assert _rows(db) == []
