"""Each rule of the profile, broken once: 422 with the problem's path and a plain message."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.support.fhir import (
    DISTRICT_PSYCHIATRY,
    REGION,
    api_token,
    example,
    post_bundle,
    resource,
)

Bundle = dict[str, Any]
EXT = "https://citizen-portal.example/fhir/StructureDefinition"


def _careplan(b: Bundle) -> dict[str, Any]:
    return resource(b, "CarePlan")


def _drop_extension(b: Bundle, name: str) -> None:
    cp = _careplan(b)
    cp["extension"] = [e for e in cp["extension"] if e["url"] != f"{EXT}/{name}"]


def _set_extension(b: Bundle, name: str, **value: Any) -> None:
    _drop_extension(b, name)
    _careplan(b)["extension"].append({"url": f"{EXT}/{name}", **value})


def no_review_date(b: Bundle) -> None:
    _drop_extension(b, "review-date")


def activity_without_responsible(b: Bundle) -> None:
    _careplan(b)["activity"][1]["detail"].pop("performer")


def two_responsibles(b: Bundle) -> None:
    detail = _careplan(b)["activity"][0]["detail"]
    detail["performer"] = detail["performer"] * 2


def follow_up_too_late(b: Bundle) -> None:
    _set_extension(b, "review-date", valueDate="2026-12-31")


def no_consent(b: Bundle) -> None:
    _drop_extension(b, "citizen-consent")


def consent_refused(b: Bundle) -> None:
    _set_extension(
        b,
        "citizen-consent",
        extension=[
            {"url": "given", "valueBoolean": False},
            {"url": "date", "valueDate": "2025-12-18"},
        ],
    )


def no_grounds(b: Bundle) -> None:
    _drop_extension(b, "plan-ground")


def no_cpr(b: Bundle) -> None:
    resource(b, "Patient")["identifier"] = []


def bad_cpr(b: Bundle) -> None:
    resource(b, "Patient")["identifier"][0]["value"] = "12345"


def dangling_reference(b: Bundle) -> None:
    _careplan(b)["subject"] = {"reference": "urn:uuid:nobody"}


def unknown_plan_type(b: Bundle) -> None:
    _careplan(b)["category"][0]["coding"][0]["code"] = "wish-list"


def unknown_status(b: Bundle) -> None:
    _careplan(b)["status"] = "maybe"


def no_identifier(b: Bundle) -> None:
    _careplan(b).pop("identifier")


def no_start(b: Bundle) -> None:
    _careplan(b).pop("period")


def invalid_fhir_date(b: Bundle) -> None:
    _careplan(b)["activity"][0]["detail"]["scheduledPeriod"] = {"end": "2026-13-45"}


def two_careplans(b: Bundle) -> None:
    b["entry"].append({"fullUrl": "urn:uuid:second", "resource": dict(_careplan(b))})


def not_a_bundle(b: Bundle) -> None:
    b["resourceType"] = "Patient"


def role_without_title(b: Bundle) -> None:
    resource(b, "PractitionerRole").pop("code")


def appointment_without_time_zone(b: Bundle) -> None:
    resource(b, "Appointment")["start"] = "2026-01-20T10:00:00"


def review_before_start(b: Bundle) -> None:
    _set_extension(b, "review-date", valueDate="2025-01-01")


CASES: list[tuple[str, str, Callable[[Bundle], None], str, str]] = [
    ("discharge-agreement", REGION, no_review_date, "extension", "when it will be reviewed"),
    ("coordination-plan", REGION, no_review_date, "extension", "when it will be reviewed"),
    (
        "discharge-agreement",
        REGION,
        activity_without_responsible,
        "activity[1].detail.performer",
        "Say who is responsible for this action.",
    ),
    (
        "discharge-agreement",
        REGION,
        two_responsibles,
        "activity[0].detail.performer",
        "not several",
    ),
    (
        "coordinated-action-plan",
        DISTRICT_PSYCHIATRY,
        follow_up_too_late,
        "extension",
        "at most 6 months after the plan starts",
    ),
    (
        "coordinated-action-plan",
        DISTRICT_PSYCHIATRY,
        no_consent,
        "extension",
        "only be made with the citizen's consent",
    ),
    (
        "coordinated-action-plan",
        DISTRICT_PSYCHIATRY,
        consent_refused,
        "extension",
        "only be made with the citizen's consent",
    ),
    (
        "coordinated-action-plan",
        DISTRICT_PSYCHIATRY,
        no_grounds,
        "extension",
        "at least one ground",
    ),
    ("discharge-agreement", REGION, no_cpr, "identifier", "by CPR number"),
    ("discharge-agreement", REGION, bad_cpr, "identifier", "A CPR number has ten digits."),
    ("discharge-agreement", REGION, dangling_reference, "subject", "is not in the bundle"),
    ("discharge-agreement", REGION, unknown_plan_type, "category", "Say which plan this is"),
    ("discharge-agreement", REGION, unknown_status, "status", "Use a plan status"),
    ("discharge-agreement", REGION, no_identifier, "identifier", "business identifier"),
    ("discharge-agreement", REGION, no_start, "period.start", "the date the plan starts"),
    ("discharge-agreement", REGION, invalid_fhir_date, "scheduledPeriod.end", "Not valid FHIR"),
    ("discharge-agreement", REGION, two_careplans, "Bundle.entry", "exactly one CarePlan"),
    ("discharge-agreement", REGION, not_a_bundle, "Bundle", "Send a FHIR Bundle"),
    ("discharge-agreement", REGION, role_without_title, "code", "Name the function"),
    # FHIR's instant type itself demands a time zone, so fhir.resources reports it.
    ("discharge-agreement", REGION, appointment_without_time_zone, "start", "Not valid FHIR"),
    ("discharge-agreement", REGION, review_before_start, "extension", "before the plan starts"),
]


@pytest.mark.parametrize(
    ("name", "author", "breakage", "path", "message"),
    CASES,
    ids=[f"{c[0]}-{c[2].__name__}" for c in CASES],
)
def test_broken_rule_is_refused_with_path_and_plain_message(
    client: FlaskClient,
    db: Session,
    name: str,
    author: str,
    breakage: Callable[[Bundle], None],
    path: str,
    message: str,
) -> None:
    token = api_token(client, db, [author])
    bundle = example(name)
    breakage(bundle)
    response = post_bundle(client, token, bundle)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["resourceType"] == "OperationOutcome"
    matching = [
        issue
        for issue in body["issue"]
        if message in issue["diagnostics"] and any(path in e for e in issue["expression"])
    ]
    assert matching, body["issue"]
    assert all(issue["severity"] == "error" for issue in body["issue"])


def test_every_problem_is_listed_at_once(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    no_review_date(bundle)
    activity_without_responsible(bundle)
    bad_cpr(bundle)
    issues = post_bundle(client, token, bundle).get_json()["issue"]
    messages = " | ".join(i["diagnostics"] for i in issues)
    assert "when it will be reviewed" in messages
    assert "Say who is responsible" in messages
    assert "ten digits" in messages


def test_messages_follow_the_callers_language(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    bad_cpr(bundle)
    response = client.post(
        "/api/fhir/Bundle",
        data=json.dumps(bundle),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/fhir+json",
            "Accept-Language": "da",
        },
    )
    assert response.get_json()["issue"][0]["diagnostics"] == "Et CPR-nummer har ti cifre."
