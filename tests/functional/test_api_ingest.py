"""Professional systems push plans as FHIR bundles."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.people.services import hash_cpr, without_cpr
from citizen_portal.plans.models import Plan, PlanVersion
from tests.conftest import CPR_KEY, sign_in
from tests.support.fhir import (
    DISTRICT_PSYCHIATRY,
    MUNICIPALITY,
    REGION,
    accept_handover,
    api_token,
    basic_auth,
    example,
    hand_over,
    post_bundle,
    resource,
)


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _versions(db: Session, identifier: str) -> list[int]:
    return list(
        db.scalars(
            select(PlanVersion.number)
            .join(Plan)
            .where(Plan.identifier_value == identifier)
            .order_by(PlanVersion.number)
        )
    )


def test_token_needs_a_registered_client_and_the_right_secret(
    client: FlaskClient, db: Session
) -> None:
    api_token(client, db, [REGION])
    wrong = client.post(
        "/api/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic_auth("region-sjaelland-epj", "not-the-secret")},
    )
    assert wrong.status_code == 401
    assert wrong.get_json()["error"] == "invalid_client"
    tags = db.scalars(select(AuditEvent.tag)).all()
    assert AuditTag.API_TOKEN_ISSUED in tags
    assert AuditTag.API_TOKEN_REFUSED in tags


def test_bundle_without_token_is_refused_and_audited(client: FlaskClient, db: Session) -> None:
    response = post_bundle(client, "made-up-token", example("discharge-agreement"))
    assert response.status_code == 401
    body = response.get_json()
    assert body["resourceType"] == "OperationOutcome"
    assert "bearer token" in body["issue"][0]["diagnostics"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    refused = db.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.API_CALL_REFUSED))
    assert [e.details["status"] for e in refused] == ["401"]


@pytest.mark.parametrize(
    ("name", "author"),
    [
        ("discharge-agreement", REGION),
        ("coordination-plan", REGION),
        ("coordinated-action-plan", DISTRICT_PSYCHIATRY),
    ],
)
def test_each_example_bundle_is_stored_and_shown_to_its_citizen(
    client: FlaskClient, db: Session, name: str, author: str
) -> None:
    token = api_token(client, db, [author])
    response = post_bundle(client, token, example(name))
    assert response.status_code == 201, response.get_json()
    assert response.headers["X-Plan-Version"] == "1"
    assert response.get_json()["issue"][0]["severity"] == "information"

    plan = db.scalars(select(Plan)).one()
    person = db.get(Person, plan.citizen_id)
    assert person is not None
    sign_in(client, db, person)
    page = client.get(f"/plans/{plan.id}")
    assert page.status_code == 200
    assert "Who does what" in page.get_data(as_text=True)


def test_same_content_again_creates_nothing_new(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    assert post_bundle(client, token, example("discharge-agreement")).status_code == 201
    again = post_bundle(client, token, example("discharge-agreement"))
    assert again.status_code == 200
    assert "Nothing changed" in again.get_json()["issue"][0]["diagnostics"]
    assert _versions(db, "ua-2026-0142") == [1]


def test_changed_content_is_a_new_version_and_the_old_one_stays(
    client: FlaskClient, db: Session
) -> None:
    token = api_token(client, db, [REGION])
    post_bundle(client, token, example("discharge-agreement"))
    response = post_bundle(client, token, example("discharge-agreement.v2"))
    assert response.status_code == 201
    assert response.headers["X-Plan-Version"] == "2"
    assert _versions(db, "ua-2026-0142") == [1, 2]
    # Old content sent again (a re-sent message) is a replay: nothing new.
    replay = post_bundle(client, token, example("discharge-agreement"))
    assert replay.status_code == 200
    assert replay.headers["X-Plan-Version"] == "1"
    assert _versions(db, "ua-2026-0142") == [1, 2]
    # The same old content, dated by its author after version 2, is a deliberate return.
    returned = example("discharge-agreement")
    resource(returned, "CarePlan")["created"] = "2026-02-01T09:00:00+01:00"
    assert post_bundle(client, token, returned).status_code == 201
    assert _versions(db, "ua-2026-0142") == [1, 2, 3]


def test_system_may_only_write_for_its_own_organisations(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [MUNICIPALITY], client_id="koege-nexus")
    response = post_bundle(client, token, example("discharge-agreement"))
    assert response.status_code == 403
    assert (
        "may not write plans for that organisation"
        in (response.get_json()["issue"][0]["diagnostics"])
    )
    assert _count(db, Plan) == 0


def test_municipality_cannot_overwrite_a_plan_written_by_the_region(
    client: FlaskClient, db: Session
) -> None:
    # Issue 12: an identifier is its author's own. The municipality's bundle with the
    # region's identifier makes the municipality's own plan, and the answer must not
    # tell it that the region has one (before: 403 "written by another organisation").
    region = api_token(client, db, [REGION])
    assert post_bundle(client, region, example("discharge-agreement")).status_code == 201
    municipality = api_token(client, db, [MUNICIPALITY], client_id="koege-nexus")
    hijack = example("discharge-agreement.v2")
    for entry in hijack["entry"]:
        res = entry["resource"]
        if res["resourceType"] == "Organization" and res["identifier"][0]["value"] == (
            "sor:psyk-roskilde-r3"
        ):
            res["identifier"][0]["value"] = "kommune:259:social"
    response = post_bundle(client, municipality, hijack)
    assert response.status_code == 201
    assert "another organisation" not in response.get_json()["issue"][0]["diagnostics"]
    region_plan = db.scalars(
        select(Plan).join(Plan.author_organisation).where(Organisation.identifier == REGION)
    ).one()
    assert [v.number for v in region_plan.versions] == [1]
    # The bundle as stored: the citizen's CPR number kept as its keyed hash.
    mette = "1403881234"
    as_stored = without_cpr(
        example("discharge-agreement"), mette, hash_cpr(mette, CPR_KEY.encode())
    )
    assert region_plan.current_version.source_bundle == as_stored


def _with_plan_of_mette(name: str, cpr: str = "1403881234") -> dict[str, object]:
    bundle = example(name)
    resource(bundle, "CarePlan")["identifier"][0]["value"] = "ua-2026-0142"
    resource(bundle, "Patient")["identifier"][0]["value"] = cpr
    return bundle


@pytest.mark.parametrize(
    ("bundle", "status", "code", "path", "message"),
    [
        (
            _with_plan_of_mette("discharge-agreement.v2", cpr="0101901234"),
            422,
            "business-rule",
            "CarePlan.subject",
            "This plan belongs to another citizen.",
        ),
        (
            _with_plan_of_mette("coordination-plan"),
            422,
            "business-rule",
            "CarePlan.category",
            "A plan cannot change its type.",
        ),
    ],
    ids=["another citizen", "another type"],
)
def test_a_plan_that_contradicts_the_stored_one_is_refused_with_its_path(
    client: FlaskClient,
    db: Session,
    bundle: dict[str, object],
    status: int,
    code: str,
    path: str,
    message: str,
) -> None:
    token = api_token(client, db, [REGION])
    assert post_bundle(client, token, example("discharge-agreement")).status_code == 201
    before = [_count(db, m) for m in (Organisation, Function, Person, Plan, PlanVersion)]
    response = post_bundle(client, token, bundle)
    assert response.status_code == status
    assert response.mimetype == "application/fhir+json"
    assert response.get_json() == {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": code, "diagnostics": message, "expression": [path]}
        ],
    }
    assert [_count(db, m) for m in (Organisation, Function, Person, Plan, PlanVersion)] == before
    rejected = db.scalars(
        select(AuditEvent).where(AuditEvent.tag == AuditTag.API_PLAN_REJECTED)
    ).one()
    assert rejected.details["status"] == str(status)


def test_forbidden_writes_name_the_author_or_the_plan(client: FlaskClient, db: Session) -> None:
    municipality = api_token(client, db, [MUNICIPALITY], client_id="koege-nexus")
    response = post_bundle(client, municipality, example("discharge-agreement"))
    assert response.status_code == 403
    assert response.get_json()["issue"] == [
        {
            "severity": "error",
            "code": "forbidden",
            "diagnostics": "This system may not write plans for that organisation.",
            "expression": ["CarePlan.author"],
        }
    ]
    # Issue 12: another organisation's identifier is no longer refused (that told the
    # sender it exists); the plan a system names is refused when its own organisation
    # handed it over (see tests/functional/test_handover.py).
    region = api_token(client, db, [REGION])
    assert post_bundle(client, region, example("discharge-agreement")).status_code == 201
    handed = hand_over(client, region, "ua-2026-0142", MUNICIPALITY)
    assert handed.status_code == 200
    accept = api_token(client, db, [MUNICIPALITY], client_id="koege-nexus-2")
    assert accept_handover(client, accept, "ua-2026-0142").status_code == 200
    response = post_bundle(client, region, example("discharge-agreement.v2"))
    assert response.status_code == 403
    assert response.get_json()["issue"] == [
        {
            "severity": "error",
            "code": "forbidden",
            # The municipality is named as registered: it has not sent its own name yet.
            "diagnostics": f"This plan was handed over to {MUNICIPALITY}, "
            "which writes its new versions now.",
            "expression": ["CarePlan.identifier"],
        }
    ]


def test_bad_bundle_stores_nothing_at_all(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    bad = example("discharge-agreement")
    bad["entry"][0]["resource"]["activity"][0]["detail"].pop("performer")
    before = [_count(db, m) for m in (Organisation, Function, Person, Plan, PlanVersion)]
    assert post_bundle(client, token, bad).status_code == 422
    after = [_count(db, m) for m in (Organisation, Function, Person, Plan, PlanVersion)]
    assert after == before
    rejected = db.scalars(
        select(AuditEvent).where(AuditEvent.tag == AuditTag.API_PLAN_REJECTED)
    ).one()
    assert rejected.details["client_id"] == "region-sjaelland-epj"


def test_accepted_bundle_is_audited_against_the_citizen(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    post_bundle(client, token, example("discharge-agreement"))
    event = db.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.API_PLAN_RECEIVED)).one()
    plan = db.scalars(select(Plan)).one()
    assert event.subject_person_id == plan.citizen_id
    assert event.details["client_id"] == "region-sjaelland-epj"


def test_body_that_is_not_json_gets_400(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    response = client.post(
        "/api/fhir/Bundle",
        data="{not json",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )
    assert response.status_code == 400
    assert response.get_json()["issue"][0]["diagnostics"] == "The body is not valid JSON."


def test_wrong_content_type_gets_415(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    response = client.post(
        "/api/fhir/Bundle",
        data=json.dumps(example("discharge-agreement")),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    assert response.status_code == 415


def test_too_large_body_gets_413_as_operation_outcome(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    bundle["entry"][0]["resource"]["description"] = "x" * (1024 * 1024)
    response = post_bundle(client, token, bundle)
    assert response.status_code == 413
    assert response.get_json()["resourceType"] == "OperationOutcome"


def test_openapi_description_is_served(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    assert "/api/fhir/Bundle" in document["paths"]


def test_version_date_is_when_the_author_wrote_it(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    post_bundle(client, token, example("discharge-agreement"))
    version = db.scalars(select(PlanVersion)).one()
    created = resource(example("discharge-agreement"), "CarePlan")["created"]
    assert version.issued_at.isoformat().startswith(created[:10])


@pytest.mark.parametrize("path", ["/api/fhir/Bundle", "/api/fhir/RelatedPerson"])
@pytest.mark.parametrize("body", ["[" * 100_000, "[" * 50_000 + "]" * 50_000])
def test_deeply_nested_json_is_refused_plainly(
    client: FlaskClient, db: Session, path: str, body: str
) -> None:
    token = api_token(client, db, [REGION], scopes=("api:plans:write", "api:representations:write"))
    response = client.post(
        path,
        data=body,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )
    assert response.status_code == 400
    outcome = response.get_json()
    assert outcome["resourceType"] == "OperationOutcome"
    assert "Recursion" not in json.dumps(outcome)
