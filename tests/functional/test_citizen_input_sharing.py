"""What the citizen said goes only where there is a real care relation (issue 12).

Each test plays the outside review's attacker or a partner at the edge of the rule:
a system with no relation that pushes a throwaway plan, a place that takes part in
another plan, a recipient not named, a representative widening what is shared.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.consents.models import ConsentPurpose
from citizen_portal.consents.services import give
from citizen_portal.db import utcnow
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.organisations.models import Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.security.actors import Actor
from citizen_portal.wishes.models import WishSharing
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.fhir import (
    DISTRICT_PSYCHIATRY,
    MUNICIPALITY,
    REGION,
    api_token,
    example,
    post_bundle,
    resource,
)
from tests.support.pages import act_for, csrf, page, text_of

READ = ("api:citizen-input:read",)
NAESTVED_SOCIAL = "urn:demo:organisation|kommune:370:social"  # takes part in Peter's plan
GP = "urn:demo:organisation|yder:lægehuset-torvet"  # takes part in Mette's plan only


def _read(client: FlaskClient, token: str, plan: Plan) -> Any:
    return client.get(
        f"/api/fhir/citizen-input?plan={plan.identifier_system}|{plan.identifier_value}",
        headers={"Authorization": f"Bearer {token}"},
    )


def _resources(client: FlaskClient, token: str, plan: Plan) -> list[dict[str, Any]]:
    response = _read(client, token, plan)
    assert response.status_code == 200, response.get_data(as_text=True)
    return [e["resource"] for e in response.get_json()["entry"]]


def _wish_texts(resources: list[dict[str, Any]]) -> dict[str, str]:
    return {
        item["linkId"]: item["answer"][0]["valueString"]
        for r in resources
        if r.get("questionnaire", "").endswith("citizen-wishes")
        for item in r["item"]
    }


def _consents(resources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in resources if r["resourceType"] == "Consent"]


def _write(client: FlaskClient, section: str, text: str, plan: Plan | None = None) -> None:
    query = f"?plan={plan.id}" if plan else ""
    response = client.post(
        f"/wishes/{section}{query}",
        data={"csrf_token": csrf(client, f"/wishes/{section}{query}"), "text": text, "based_on": 0},
    )
    assert response.status_code == 302, response.get_data(as_text=True)


def _sharing(client: FlaskClient, section: str, only_for_me: bool, plan: Plan | None = None) -> Any:
    query = f"?plan={plan.id}" if plan else ""
    return client.post(
        f"/wishes/{section}/sharing{query}",
        data={"csrf_token": csrf(client, "/wishes"), "only_for_me": "yes" if only_for_me else "no"},
    )


def _organisation(db: Session, identifier: str) -> Organisation:
    return db.scalars(select(Organisation).where(Organisation.identifier == identifier)).one()


def _throwaway_plan(client: FlaskClient, db: Session, cpr: str) -> tuple[str, Plan]:
    """The review's attack: a system pushes a plan for someone it has no relation to."""
    token = api_token(
        client, db, [REGION], client_id="kommune-nexus", scopes=("api:plans:write", *READ)
    )
    bundle = example("discharge-agreement")
    resource(bundle, "Patient")["identifier"][0]["value"] = cpr
    resource(bundle, "CarePlan")["identifier"][0]["value"] = "throwaway-1"
    assert post_bundle(client, token, bundle).status_code == 201
    plan = db.scalars(select(Plan).where(Plan.identifier_value == "throwaway-1")).one()
    return token, plan


def test_a_throwaway_plan_reads_neither_general_wishes_nor_consents_to_others(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sara = demo["demo-sara"]
    sign_in(client, db, sara)
    _write(client, "advance_statement", "Jeg har skadet mig selv. Kun min læge må vide det.")
    _write(client, "what_helps", "Ro og en gåtur.")
    gp = _organisation(db, GP)
    until = utcnow().date() + timedelta(days=100)
    give(db, Actor(sara.id, sara.id), ConsentPurpose.INFORM_GP, gp.name, None, until, gp.id)
    db.commit()

    token, plan = _throwaway_plan(client, db, "0502014567")
    got = _resources(client, token, plan)
    assert got == [], "no general wish and no consent to her own GP: she never opened the plan"
    assert db.scalar(select(func.count(Notification.id))) == 0, "nothing read, nothing to tell"

    # Once Sara has opened the plan, the places taking part in it get her general
    # wishes, except what she keeps only for her, and never a consent to someone else.
    sign_in(client, db, sara)
    assert client.get(f"/plans/{plan.id}").status_code == 200
    assert _sharing(client, "advance_statement", True).status_code == 302
    shown = text_of(page(client, "/wishes"))
    assert "Only for you. No professional system gets this part." in shown
    got = _resources(client, token, plan)
    assert _wish_texts(got) == {"what-helps": "Ro og en gåtur."}
    assert _consents(got) == []


def test_plan_input_goes_to_the_places_in_that_plan_while_it_is_active(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    _write(client, "meetings", "Said skal med.", plan)
    client.post(
        f"/plans/{plan.id}/stance",
        data={
            "csrf_token": csrf(client, f"/plans/{plan.id}"),
            "choice": "agree",
            "version": 1,
            "confirm": "yes",
        },
    )
    # A place with a function in the plan (not its author) reads it.
    social = api_token(client, db, [NAESTVED_SOCIAL], client_id="naestved", scopes=READ)
    got = _resources(client, social, plan)
    assert _wish_texts(got) == {"meetings": "Said skal med."}
    assert any(r.get("questionnaire", "").endswith("plan-stance") for r in got)
    # A place that takes part only in another citizen's plan: 404, as for no plan.
    other = api_token(client, db, [MUNICIPALITY], client_id="koege", scopes=READ)
    assert _read(client, other, plan).status_code == 404

    # The plan ends: nothing for that plan goes out any more.
    writer = api_token(client, db, [DISTRICT_PSYCHIATRY], client_id="dp-epj")
    bundle = example("coordinated-action-plan")
    resource(bundle, "CarePlan")["status"] = "completed"
    assert post_bundle(client, writer, bundle).status_code == 201
    assert _resources(client, social, plan) == []


def test_a_general_consent_goes_to_the_place_it_names_only(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    social = _organisation(db, NAESTVED_SOCIAL)
    sign_in(client, db, peter)
    form = page(client, "/consents/new")
    choices = {
        str(i["value"]): text_of(form.select_one(f"label[for={i['id']}]") or "")
        for i in form.select("input[type=radio]")
    }
    assert choices[str(social.id)] == social.name, "the places in his plans can be chosen"
    until = (utcnow().date() + timedelta(days=100)).isoformat()

    def consent(**fields: str) -> None:
        data = {
            "csrf_token": csrf(client, "/consents/new"),
            "purpose": "share_for_action_plan",
            "plan": "",
            "confirmed": "yes",
            "expires_on": until,
            "recipient": "",
            **fields,
        }
        assert client.post("/consents/new", data=data).status_code == 303

    consent(recipient_organisation=str(social.id))
    consent(
        recipient_organisation="someone-else",
        recipient="Hanne Sørensen",
        purpose="involve_relative",
    )
    # A place that is not in his plans cannot be slipped in.
    gp = _organisation(db, GP)
    refused = client.post(
        "/consents/new",
        data={
            "csrf_token": csrf(client, "/consents/new"),
            "purpose": "inform_gp",
            "plan": "",
            "expires_on": until,
            "recipient_organisation": str(gp.id),
        },
    )
    assert refused.status_code == 400
    assert "Choose one of the places in the list" in refused.get_data(as_text=True)
    assert f"To: {social.name}" in text_of(page(client, "/consents"))

    named = api_token(client, db, [NAESTVED_SOCIAL], client_id="naestved", scopes=READ)
    consents = _consents(_resources(client, named, plan))
    assert len(consents) == 1, "its own consent, not the relative's"
    actor = consents[0]["provision"]["actor"][0]["reference"]
    assert actor["identifier"] == {"system": "urn:demo:organisation", "value": "kommune:370:social"}
    author = api_token(client, db, [DISTRICT_PSYCHIATRY], client_id="dp", scopes=READ)
    assert _consents(_resources(client, author, plan)) == [], "the plan's author is not named"


def test_a_representative_may_keep_a_section_private_but_not_share_it_again(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, peter)
    _write(client, "early_signs", "Jeg sover dårligt.")
    assert _sharing(client, "early_signs", True).status_code == 302

    sign_in(client, db, hanne)  # her power covers plans and wishes
    act_for(client, peter.id)
    shown = text_of(page(client, "/wishes"))
    assert "Share this part again" not in shown, "no button she may not use"
    assert _sharing(client, "early_signs", False).status_code == 403
    row = db.scalars(select(WishSharing)).one()
    assert row.only_for_me, "still only for Peter"
    assert _sharing(client, "what_helps", True).status_code == 302, "narrowing is allowed"

    sign_in(client, db, peter)
    assert "Share this part again" in text_of(page(client, "/wishes"))
    assert _sharing(client, "early_signs", False).status_code == 302
    db.expire_all()
    assert not db.get(WishSharing, row.id).only_for_me  # type: ignore[union-attr]
    log = text_of(page(client, "/access-log"))
    assert "kept a part of your wishes only for you." in log
    assert "shared a part of your wishes with the professionals again." in log


def test_the_first_read_by_a_place_is_told_to_the_citizen_and_every_read_is_logged(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    assert client.get(f"/plans/{plan.id}").status_code == 200
    _write(client, "what_helps", "Musik.")
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=READ)
    before = db.scalar(select(func.count(AuditEvent.id)))
    for _ in range(2):
        assert _read(client, token, plan).status_code == 200
    reads = db.scalar(
        select(func.count(AuditEvent.id)).where(AuditEvent.tag == AuditTag.API_CITIZEN_INPUT_READ)
    )
    assert reads == 2
    assert db.scalar(select(func.count(AuditEvent.id))) == (before or 0) + 2
    told = db.scalars(
        select(Notification).where(Notification.kind == NotificationKind.CITIZEN_INPUT_FIRST_READ)
    ).all()
    assert len(told) == 1, "told once per place, not per read"
    shown = text_of(page(client, "/messages"))
    assert (
        "The system of Distriktspsykiatrien Næstved read what you wrote for the first time" in shown
    )


def test_each_wish_section_is_sent_with_its_own_author(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    # (Not the advance statement: that is Peter's own words, test_wishes.py.)
    _write(client, "early_signs", "Han sover ikke.")
    sign_in(client, db, peter)  # newer, by Peter himself
    assert client.get(f"/plans/{plan.id}").status_code == 200
    _write(client, "what_helps", "Musik.")
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=READ)
    wishes = {
        r["item"][0]["linkId"]: r
        for r in _resources(client, token, plan)
        if r.get("questionnaire", "").endswith("citizen-wishes")
    }
    assert wishes["what-helps"]["author"] == {"type": "Patient", "display": "Peter Sørensen"}
    by_hanne = wishes["early-signs"]["author"]
    assert by_hanne["type"] == "RelatedPerson"
    assert by_hanne["display"] == "Hanne Sørensen"
    assert by_hanne["extension"][0]["valueCoding"]["code"] == "power-of-attorney"
    assert wishes["early-signs"]["authored"] < wishes["what-helps"]["authored"]
