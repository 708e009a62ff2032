"""Parts of a plan a professional marked as not for representatives: the citizen
sees them, people acting for the citizen do not (and are told something is held back)."""

from __future__ import annotations

import copy

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from citizen_portal.fhir import profile
from citizen_portal.people.models import Person
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.fhir import DISTRICT_PSYCHIATRY, api_token, example, post_bundle, resource
from tests.support.pages import act_for, shown_text

WITHHELD_ACTION = "Tilbyde en første samtale om alkoholbehandling."
WITHHELD_SECTION_TEXT = "Stabilisere angstlidelsen og justere medicinen."
HELD_BACK = "Some parts of this plan are not shown to people acting for"


def test_the_citizen_sees_everything_and_the_representative_not_what_is_withheld(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    own = shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert WITHHELD_ACTION in own
    assert WITHHELD_SECTION_TEXT in own
    assert HELD_BACK not in own

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    seen = shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert "You are acting for Peter Sørensen." in seen
    assert WITHHELD_ACTION not in seen
    assert WITHHELD_SECTION_TEXT not in seen
    assert HELD_BACK + " Peter Sørensen" in seen
    assert "Samtaler om angst hver 14. dag." in seen, "the rest is shown"
    # Nor through an older version's page.
    older = shown_text(client.get(f"/plans/{plan.id}/versions/1").get_data(as_text=True))
    assert WITHHELD_ACTION not in older


def test_what_changed_leaves_out_withheld_actions_for_representatives(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    client.get(f"/plans/{plan.id}")  # seen version 1

    bundle = example("coordinated-action-plan")
    careplan = resource(bundle, "CarePlan")
    secret = copy.deepcopy(careplan["activity"][0])
    secret["id"] = "secret-action"
    secret["detail"]["description"] = "Ny samtale om misbrug."
    secret["extension"] = [{"url": profile.EXT_NOT_FOR_REPRESENTATIVES, "valueBoolean": True}]
    careplan["activity"].append(secret)
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    assert post_bundle(client, token, bundle).status_code == 201

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    page = shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert "Ny samtale om misbrug." not in page


def test_an_unknown_section_code_is_refused_with_its_path(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    bundle = example("coordinated-action-plan")
    careplan = resource(bundle, "CarePlan")
    careplan["extension"].append(
        {"url": profile.EXT_NOT_FOR_REPRESENTATIVES, "valueCode": "secrets"}
    )
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    response = post_bundle(client, token, bundle)
    assert response.status_code == 422
    issue = response.get_json()["issue"][0]
    index = len(careplan["extension"]) - 1
    assert issue["expression"][0].endswith(f".extension[{index}]")
    assert "goals" in issue["diagnostics"]
