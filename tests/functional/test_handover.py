"""Authorship handed over, by the responsibility principle (issue 12).

The author hands a plan to another organisation; until that organisation accepts,
the old author stays responsible, may still send versions, and the citizen is told
"handed over, waiting for X to accept". After acceptance only the new author writes.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from tests.conftest import sign_in
from tests.support.fhir import (
    MUNICIPALITY,
    REGION,
    accept_handover,
    api_token,
    example,
    hand_over,
    post_bundle,
    resource,
)
from tests.support.pages import text_of

PLAN = "ua-2026-0142"
SOCIAL = "kommune:259:social"


def _as_municipality(bundle: dict[str, Any]) -> dict[str, Any]:
    resource(bundle, "CarePlan")["author"] = {"reference": f"urn:uuid:org-{SOCIAL}"}
    return bundle


def _plan(db: Session) -> Plan:
    db.expire_all()
    return db.scalars(select(Plan).where(Plan.identifier_value == PLAN).order_by(Plan.id)).first()  # type: ignore[return-value]


def _started(client: FlaskClient, db: Session) -> tuple[str, str]:
    region = api_token(client, db, [REGION])
    assert post_bundle(client, region, example("discharge-agreement")).status_code == 201
    nexus = api_token(client, db, [MUNICIPALITY], client_id="kommune-nexus")
    return region, nexus


def test_a_plan_is_handed_over_and_accepted(client: FlaskClient, db: Session) -> None:
    region, nexus = _started(client, db)
    response = hand_over(client, region, PLAN, MUNICIPALITY)
    assert response.status_code == 200, response.get_json()
    assert "Until it accepts" in response.get_json()["issue"][0]["diagnostics"]
    plan = _plan(db)
    assert plan.author_identifier == REGION
    assert plan.pending_handover is not None

    # Waiting: the region still writes; the municipality does not yet.
    assert post_bundle(client, region, example("discharge-agreement.v2")).status_code == 201
    assert [v.number for v in _plan(db).versions] == [1, 2]

    # The citizen sees who is responsible and that the other must accept.
    mette = db.get(Person, plan.citizen_id)
    assert mette is not None
    sign_in(client, db, mette)
    page = text_of(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert "waiting for Køge Kommune, Socialpsykiatrien to accept" in page
    assert "Until then Psykiatrisk Afdeling Roskilde, Afsnit R3 is responsible" in page

    accepted = accept_handover(client, nexus, PLAN)
    assert accepted.status_code == 200, accepted.get_json()
    plan = _plan(db)
    assert plan.author_identifier == MUNICIPALITY
    assert plan.pending_handover is None
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "waiting for" not in page

    # Only the new author writes new versions now, under the same identifier.
    refused = post_bundle(client, region, example("discharge-agreement"))
    assert refused.status_code == 403
    assert "handed over" in refused.get_json()["issue"][0]["diagnostics"]
    stored = post_bundle(client, nexus, _as_municipality(example("discharge-agreement")))
    assert stored.status_code == 201
    assert stored.headers["X-Plan-Version"] == "3"
    assert len(db.scalars(select(Plan).where(Plan.identifier_value == PLAN)).all()) == 1

    # Both steps are in the citizen's log.
    tags = db.scalars(
        select(AuditEvent.tag)
        .where(AuditEvent.subject_person_id == plan.citizen_id)
        .order_by(AuditEvent.id)
    ).all()
    assert AuditTag.PLAN_HANDOVER_REQUESTED in tags
    assert AuditTag.PLAN_HANDOVER_ACCEPTED in tags
    log = client.get("/access-log").get_data(as_text=True)
    assert "handed your plan over to" in log
    assert "accepted your plan from Psykiatrisk Afdeling Roskilde, Afsnit R3" in log


def test_only_the_author_hands_over_and_only_the_receiver_accepts(
    client: FlaskClient, db: Session
) -> None:
    region, nexus = _started(client, db)
    gp = api_token(client, db, ["urn:demo:organisation|yder:lægehuset-torvet"], client_id="gp")

    def not_found(response: Any) -> bool:
        message: str = response.get_json()["issue"][0]["diagnostics"]
        return bool(response.status_code == 404 and message == "No such plan for this system.")

    # Not the author: the same answer as for an identifier nobody has.
    assert not_found(hand_over(client, nexus, PLAN, MUNICIPALITY))
    assert not_found(hand_over(client, nexus, "nobody-has-this", MUNICIPALITY))
    # Nothing to accept yet, and not handed to this organisation.
    assert not_found(accept_handover(client, nexus, PLAN))
    assert hand_over(client, region, PLAN, MUNICIPALITY).status_code == 200
    assert not_found(accept_handover(client, gp, PLAN))
    assert not_found(accept_handover(client, region, PLAN))
    assert _plan(db).author_identifier == REGION


def test_bad_handover_requests_are_refused_plainly(client: FlaskClient, db: Session) -> None:
    region, _ = _started(client, db)
    headers = {"Authorization": f"Bearer {region}", "Content-Type": "application/fhir+json"}
    for body, status in [
        ("not json", 400),
        ('{"resourceType": "Bundle"}', 422),
        ('{"resourceType": "Parameters", "parameter": [{"name": "plan"}]}', 422),
        ('{"resourceType": "Parameters", "parameter": 5}', 422),
    ]:
        response = client.post("/api/fhir/CarePlan/$handover", data=body, headers=headers)
        assert response.status_code == status, body
        assert response.get_json()["resourceType"] == "OperationOutcome"
    unknown = hand_over(client, region, PLAN, "urn:demo:organisation|nobody")
    assert unknown.status_code == 422
    itself = hand_over(client, region, PLAN, REGION)
    assert itself.status_code == 422
    assert _plan(db).pending_handover is None


@pytest.mark.parametrize(
    "path", ["/api/fhir/CarePlan/$handover", "/api/fhir/CarePlan/$accept-handover"]
)
@pytest.mark.parametrize(
    "body",
    [
        "[" * 100_000,  # nested deeper than the parser goes
        '{"resourceType": "Parameters", "parameter": [{"name": "plan", '
        '"valueIdentifier": {"system": "urn:x", "value": "\\ud800"}}]}',  # a lone surrogate
        '{"resourceType": "Parameters", "parameter": [{"name": "plan\\u0000"}]}',
    ],
)
def test_hostile_handover_requests_are_refused_never_500(
    client: FlaskClient, db: Session, path: str, body: str
) -> None:
    """Found by the second outside review: both operations answered 500."""
    token = api_token(client, db, [REGION])
    response = client.post(
        path,
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )
    assert response.status_code in (400, 422)
    assert response.get_json()["resourceType"] == "OperationOutcome"
