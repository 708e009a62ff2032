"""Consents: a purpose, a recipient, at most one year, withdrawn at once; and the
professionals read wishes, stances and consents back through the API."""

from __future__ import annotations

from datetime import timedelta

from fhir.resources.R4B.bundle import Bundle
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.representation.models import Representation
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.fhir import DISTRICT_PSYCHIATRY, REGION, api_token
from tests.support.pages import act_for, csrf, page, text_of


def _give(client: FlaskClient, **fields: object) -> object:
    data = {
        "csrf_token": csrf(client, "/consents/new"),
        "purpose": "involve_relative",
        "recipient": "Hanne Sørensen, 20 30 40 50",
        "plan": "",
        "confirmed": "yes",
        "expires_on": (utcnow().date() + timedelta(days=365)).isoformat(),
        **fields,
    }
    return client.post("/consents/new", data=data)


def _read_back(client: FlaskClient, token: str, plan: Plan) -> dict:  # type: ignore[type-arg]
    response = client.get(
        f"/api/fhir/citizen-input?plan={plan.identifier_system}|{plan.identifier_value}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/fhir+json"
    body: dict = response.get_json()  # type: ignore[type-arg]
    Bundle.model_validate(body)  # valid FHIR, resource by resource
    # A collection: resources to read, not a search result or a transaction to replay.
    assert body["type"] == "collection"
    return body


def _types(body: dict) -> list[str]:  # type: ignore[type-arg]
    return [e["resource"]["resourceType"] for e in body["entry"]]


def test_a_consent_is_given_seen_and_withdrawn_at_once_also_in_the_api(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=("api:citizen-input:read",))
    sign_in(client, db, peter)
    # For this plan: the places taking part in it read it back (a consent for no
    # particular plan naming a relative goes to no system; see test_citizen_input_sharing).
    assert _give(client, plan=str(plan.id)).status_code == 303  # type: ignore[attr-defined]
    shown = text_of(page(client, "/consents"))
    assert "Involve a relative" in shown
    assert "To: Hanne Sørensen, 20 30 40 50" in shown
    assert "Given by you" in shown
    body = _read_back(client, token, plan)
    consent = next(
        e["resource"] for e in body["entry"] if e["resource"]["resourceType"] == "Consent"
    )
    assert consent["provision"]["purpose"][0]["code"] == "involve-relative"
    assert consent["provision"]["actor"][0]["reference"]["display"] == "Hanne Sørensen, 20 30 40 50"

    row = db.scalars(select(Consent)).one()
    client.post(f"/consents/{row.id}/withdraw", data={"csrf_token": csrf(client, "/consents")})
    assert "Consent" not in _types(_read_back(client, token, plan)), "gone at once"
    soup = page(client, "/consents")
    in_effect = soup.select_one("ul.consents")  # the first list: in effect now
    assert in_effect is not None  # Peter's plan records his consent to it
    assert "Involve a relative" not in text_of(in_effect)
    shown = text_of(soup)
    assert "Withdrawn by you" in shown, "the history stays"


def test_a_consent_lasts_at_most_one_year(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    today = utcnow().date()
    too_long = _give(client, expires_on=(today + timedelta(days=366)).isoformat())
    assert too_long.status_code == 400  # type: ignore[attr-defined]
    text = text_of(too_long.get_data(as_text=True))  # type: ignore[attr-defined]
    assert text.startswith("Error:")
    assert "Consent lasts at most one year" in text
    past = _give(client, expires_on=(today - timedelta(days=1)).isoformat())
    assert "The end date cannot be in the past" in past.get_data(as_text=True)  # type: ignore[attr-defined]
    empty = _give(client, purpose="", recipient="", expires_on="")
    errors = text_of(empty.get_data(as_text=True))  # type: ignore[attr-defined]
    assert "Choose what you give consent to" in errors
    assert "Enter who may receive it" in errors
    assert db.scalar(select(func.count(Consent.id))) == 0
    assert _give(client, plan="999999").status_code == 400  # type: ignore[attr-defined]


def test_a_lapsed_consent_leaves_the_api_and_a_reminder_comes_before(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    _give(client, expires_on=(utcnow().date() + timedelta(days=10)).isoformat())
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert "Sent 1 reminders." in result.output
    assert "Your consent ends on" in text_of(page(client, "/messages"))

    row = db.scalars(select(Consent)).one()
    row.starts_on = utcnow().date() - timedelta(days=365)
    row.expires_on = utcnow().date() - timedelta(days=1)
    db.commit()
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=("api:citizen-input:read",))
    assert "Consent" not in _types(_read_back(client, token, plan))
    assert "Ended" in text_of(page(client, "/consents"))


def test_a_representative_with_the_consent_right_acts_and_it_shows(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)  # her demo power covers plans and wishes, not consents
    act_for(client, peter.id)
    assert client.get("/consents/new").status_code == 403
    assert client.get("/consents").status_code == 200

    power = db.scalars(
        select(Representation).where(Representation.representative_id == hanne.id)
    ).one()
    power.scopes = [*power.scopes, "manage_consents"]
    db.commit()
    assert _give(client).status_code == 303  # type: ignore[attr-defined]
    sign_in(client, db, peter)
    assert "Given by Hanne Sørensen on your behalf" in text_of(page(client, "/consents"))


def test_the_api_gives_wishes_and_approval_to_the_plans_own_organisation_only(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    client.post(
        "/wishes/early_signs",
        data={
            "csrf_token": csrf(client, "/wishes/early_signs"),
            "text": "Jeg sover dårligt.",
            "based_on": 0,
        },
    )
    client.post(
        f"/plans/{plan.id}/stance",
        data={
            "csrf_token": csrf(client, f"/plans/{plan.id}"),
            "choice": "agree",
            "version": 1,
            "confirm": "yes",
        },
    )
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=("api:citizen-input:read",))
    body = _read_back(client, token, plan)
    responses = [e["resource"] for e in body["entry"]]
    wishes = next(r for r in responses if r["questionnaire"].endswith("citizen-wishes"))
    assert wishes["item"] == [
        {"linkId": "early-signs", "answer": [{"valueString": "Jeg sover dårligt."}]}
    ]
    assert wishes["author"]["type"] == "Patient"
    stance = next(r for r in responses if r["questionnaire"].endswith("plan-stance"))
    answers = {i["linkId"]: i["answer"][0] for i in stance["item"]}
    assert answers["approved"] == {"valueBoolean": True}
    assert answers["version"] == {"valueInteger": 1}

    other = api_token(client, db, [REGION], client_id="region", scopes=("api:citizen-input:read",))
    refused = client.get(
        f"/api/fhir/citizen-input?plan={plan.identifier_system}|{plan.identifier_value}",
        headers={"Authorization": f"Bearer {other}"},
    )
    assert refused.status_code == 404
    assert (
        client.get(
            "/api/fhir/citizen-input", headers={"Authorization": f"Bearer {token}"}
        ).status_code
        == 400
    )
    log = text_of(page(client, "/access-log"))
    assert "fetched your wishes, your consent records and what you think of your plan" in log


def test_each_citizen_sees_only_their_own_consents(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Two citizens with consents: neither list shows the other's (issue 13 names this
    as a mutant no test killed: the citizen filter could be dropped unnoticed)."""
    mette, peter = demo["demo-mette"], demo["demo-peter"]
    for person, recipient in ((mette, "Mettes søster"), (peter, "Peters bror")):
        sign_in(client, db, person)
        assert _give(client, recipient=recipient).status_code == 303  # type: ignore[attr-defined]
    shown = text_of(page(client, "/consents"))  # Peter, signed in last
    assert "Peters bror" in shown
    assert "Mettes søster" not in shown
    sign_in(client, db, mette)
    shown = text_of(page(client, "/consents"))
    assert "Mettes søster" in shown
    assert "Peters bror" not in shown
