"""What the law requires of each plan type: a bundle without it is refused (422),
naming each missing element with its path and the legal source; a complete one
is stored. The rule is the domain's (plans.rules): a plan from any format that
lacks it is refused by ingest too."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.fhir.plan_bundle import read_plan_bundle, refusal_issues
from citizen_portal.people.models import Person
from citizen_portal.plans.ingest import IncomingPlan, IngestRefused, RefusalKind, store_plan
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.rules import ContentPart
from tests.conftest import sign_in
from tests.support.fhir import (
    DISTRICT_PSYCHIATRY,
    REGION,
    api_token,
    example,
    post_bundle,
    resource,
)
from tests.support.pages import shown_text

Bundle = dict[str, Any]
EXT = "https://citizen-portal.example/fhir/StructureDefinition"
GP = "urn:uuid:org-yder:lægehuset-torvet"
KIP_SOURCE = "guidelines for coordinated action plans"


def _careplan(b: Bundle) -> dict[str, Any]:
    return resource(b, "CarePlan")


def _drop_extension(b: Bundle, name: str) -> None:
    cp = _careplan(b)
    cp["extension"] = [e for e in cp["extension"] if e["url"] != f"{EXT}/{name}"]


def _set_extension(b: Bundle, name: str, **value: Any) -> None:
    _drop_extension(b, name)
    _careplan(b)["extension"].append({"url": f"{EXT}/{name}", **value})


def _drop_care_team_role(b: Bundle, role: str) -> None:
    team = resource(b, "CareTeam")
    team["participant"] = [
        p for p in team["participant"] if p["role"][0]["coding"][0]["code"] != role
    ]


def _roles_of(b: Bundle, organisation_url: str) -> set[str]:
    return {
        e["fullUrl"]
        for e in b["entry"]
        if e["resource"]["resourceType"] == "PractitionerRole"
        and e["resource"]["organization"]["reference"] == organisation_url
    }


def no_current_needs(b: Bundle) -> None:
    _drop_extension(b, "current-needs")


def no_expected_needs(b: Bundle) -> None:
    _drop_extension(b, "expected-needs")


def no_first_meeting_with_the_gp(b: Bundle) -> None:
    """The GP practice is responsible for an action but has no appointment."""
    gp_roles = _roles_of(b, GP)
    b["entry"] = [
        e
        for e in b["entry"]
        if e["resource"]["resourceType"] != "Appointment"
        or not any(p["actor"].get("reference") in gp_roles for p in e["resource"]["participant"])
    ]


def gp_meeting_only_named_as_a_place(b: Bundle) -> None:
    """Naming the practice as the place is not a meeting with the practice's function."""
    gp_roles = _roles_of(b, GP)
    for e in b["entry"]:
        if e["resource"]["resourceType"] == "Appointment":
            e["resource"]["participant"] = [
                p
                for p in e["resource"]["participant"]
                if p["actor"].get("reference") not in gp_roles
            ]


def no_wishes(b: Bundle) -> None:
    _drop_extension(b, "patient-wishes")
    _drop_extension(b, "patient-wishes-declined")


def wishes_declined_is_false(b: Bundle) -> None:
    no_wishes(b)
    _set_extension(b, "patient-wishes-declined", valueBoolean=False)


def no_review_date(b: Bundle) -> None:
    _drop_extension(b, "review-date")


def no_review_responsible(b: Bundle) -> None:
    _drop_care_team_role(b, "review-responsible")


def no_consent(b: Bundle) -> None:
    _drop_extension(b, "citizen-consent")


def consent_without_date(b: Bundle) -> None:
    _set_extension(b, "citizen-consent", extension=[{"url": "given", "valueBoolean": True}])


def no_coordinator(b: Bundle) -> None:
    _drop_care_team_role(b, "coordinator")


def no_goals(b: Bundle) -> None:
    cp = _careplan(b)
    cp.pop("goal")
    for activity in cp["activity"]:
        activity["detail"].pop("goal", None)
    b["entry"] = [e for e in b["entry"] if e["resource"]["resourceType"] != "Goal"]


def no_follow_up(b: Bundle) -> None:
    _drop_extension(b, "review-date")


def follow_up_over_6_months_after_the_meeting(b: Bundle) -> None:
    # The example's meeting was 2025-12-25 and the plan started 2025-12-26:
    # 183 days after the start, 184 after the meeting where it was made.
    _set_extension(b, "review-date", valueDate="2026-06-27")


LAW_13A = "Psychiatry Act §13a"
LAW_13B = "Psychiatry Act §13b"

# (example, author, breakage, path, words of the message, legal source)
PSYCHIATRY_ACT_CASES: list[tuple[Callable[[Bundle], None], str, str]] = [
    (no_current_needs, "current-needs')", "current needs for treatment and social support"),
    (no_expected_needs, "expected-needs')", "expected needs for treatment and social support"),
    (
        no_first_meeting_with_the_gp,
        "ofType(Appointment)",
        "first meeting with each authority is",
    ),
    (
        gp_meeting_only_named_as_a_place,
        "ofType(Appointment)",
        "first meeting with each authority is",
    ),
    (no_wishes, "patient-wishes')", "the patient's wishes, or say that they did not wish"),
    (wishes_declined_is_false, "patient-wishes')", "the patient's wishes"),
    (no_review_date, "review-date')", "must say when it will be reviewed"),
    (no_review_responsible, "role='review-responsible'", "who is responsible for reviewing it"),
]
CASES: list[tuple[str, str, Callable[[Bundle], None], str, str, str]] = [
    *[
        ("discharge-agreement", REGION, breakage, path, words, LAW_13A)
        for breakage, path, words in PSYCHIATRY_ACT_CASES
    ],
    *[
        ("coordination-plan", REGION, breakage, path, words, LAW_13B)
        for breakage, path, words in PSYCHIATRY_ACT_CASES
    ],
    *[
        ("coordinated-action-plan", DISTRICT_PSYCHIATRY, breakage, path, words, KIP_SOURCE)
        for breakage, path, words in [
            (no_consent, "citizen-consent')", "only be made with the citizen's consent"),
            (consent_without_date, "citizen-consent')", "with its date"),
            (no_coordinator, "role='coordinator'", "must name its coordinator"),
            (no_goals, "resource.goal", "at least one goal"),
            (no_follow_up, "review-date')", "needs a follow-up date"),
            (
                follow_up_over_6_months_after_the_meeting,
                "review-date')",
                "at most 6 months after the plan starts",
            ),
        ]
    ],
]


@pytest.mark.parametrize(
    ("name", "author", "breakage", "path", "words", "source"),
    CASES,
    ids=[f"{c[0]}-{c[2].__name__}" for c in CASES],
)
def test_a_plan_without_what_the_law_requires_is_refused(
    client: FlaskClient,
    db: Session,
    name: str,
    author: str,
    breakage: Callable[[Bundle], None],
    path: str,
    words: str,
    source: str,
) -> None:
    token = api_token(client, db, [author])
    bundle = example(name)
    breakage(bundle)
    response = post_bundle(client, token, bundle)
    assert response.status_code == 422, response.get_json()
    issues = response.get_json()["issue"]
    matching = [
        i
        for i in issues
        if words in i["diagnostics"]
        and source in i["diagnostics"]
        and any(path in e for e in i["expression"])
    ]
    assert len(matching) == 1, issues
    assert matching[0]["severity"] == "error"
    assert matching[0]["code"] in ("required", "business-rule")
    assert db.scalar(select(func.count()).select_from(PlanVersion)) == 0


def test_the_missing_meeting_names_the_authority(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    no_first_meeting_with_the_gp(bundle)
    issues = post_bundle(client, token, bundle).get_json()["issue"]
    assert [i["diagnostics"] for i in issues] == [
        "A discharge agreement must say when the first meeting with each authority is "
        "(Psychiatry Act §13a): give the date and time of the first meeting with "
        "Lægehuset Torvet."
    ]


@pytest.mark.parametrize(
    ("name", "author"),
    [
        ("discharge-agreement", REGION),
        ("discharge-agreement.v2", REGION),
        ("coordination-plan", REGION),
        ("coordinated-action-plan", DISTRICT_PSYCHIATRY),
    ],
)
def test_a_complete_plan_is_stored(
    client: FlaskClient, db: Session, name: str, author: str
) -> None:
    token = api_token(client, db, [author])
    response = post_bundle(client, token, example(name))
    assert response.status_code == 201, response.get_json()


def test_saying_the_patient_did_not_wish_to_state_wishes_is_enough(
    client: FlaskClient, db: Session
) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    no_wishes(bundle)
    _set_extension(bundle, "patient-wishes-declined", valueBoolean=True)
    response = post_bundle(client, token, bundle)
    assert response.status_code == 201, response.get_json()
    assert read_plan_bundle(bundle).patient_wishes_declined is True


def test_an_authority_with_only_cancelled_parts_needs_no_meeting(
    client: FlaskClient, db: Session
) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    no_first_meeting_with_the_gp(bundle)
    gp_roles = _roles_of(bundle, GP)
    for activity in _careplan(bundle)["activity"]:
        if activity["detail"]["performer"][0]["reference"] in gp_roles:
            activity["detail"]["status"] = "cancelled"
    response = post_bundle(client, token, bundle)
    assert response.status_code == 201, response.get_json()


def test_every_missing_element_is_listed_at_once(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    for breakage, _, _ in PSYCHIATRY_ACT_CASES:
        breakage(bundle)
    resource(bundle, "Patient")["identifier"][0]["value"] = "12345"  # and a reader's problem
    issues = post_bundle(client, token, bundle).get_json()["issue"]
    messages = " | ".join(i["diagnostics"] for i in issues)
    for _, _, words in PSYCHIATRY_ACT_CASES:
        assert words in messages
    assert "ten digits" in messages


def test_the_kip_lists_everything_at_once(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    bundle = example("coordinated-action-plan")
    for breakage in (no_consent, no_coordinator, no_goals, no_follow_up):
        breakage(bundle)
    issues = post_bundle(client, token, bundle).get_json()["issue"]
    messages = " | ".join(i["diagnostics"] for i in issues)
    for words in ("consent", "coordinator", "at least one goal", "follow-up date"):
        assert words in messages


def test_the_message_is_in_the_callers_language(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    bundle = example("coordination-plan")
    no_review_date(bundle)
    response = client.post(
        "/api/fhir/Bundle",
        json=bundle,
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/fhir+json",
            "Accept-Language": "da",
        },
    )
    assert [i["diagnostics"] for i in response.get_json()["issue"]] == [
        "En koordinationsplan skal sige, hvornår den bliver vurderet igen (psykiatrilovens §13b)."
    ]


def test_the_domain_refuses_an_incomplete_plan_whatever_its_format(db: Session) -> None:
    parsed = dataclasses.replace(
        read_plan_bundle(example("discharge-agreement")),
        current_needs=None,
        patient_wishes=" \n ",  # blank is not given
        review_date=None,
    )
    with pytest.raises(IngestRefused) as refused:
        store_plan(db, IncomingPlan(parsed, {}), cpr_key=b"k" * 32, client=None)
    assert refused.value.kind is RefusalKind.INCOMPLETE
    assert [i.part for i in refused.value.issues] == [
        ContentPart.CURRENT_NEEDS,
        ContentPart.PATIENT_WISHES,
        ContentPart.REVIEW_DATE,
    ]
    assert [i.path for i in refusal_issues(refused.value)] == [
        f"CarePlan.extension('{EXT}/current-needs')",
        f"CarePlan.extension('{EXT}/patient-wishes')",
        f"CarePlan.extension('{EXT}/review-date')",
    ]
    assert db.scalar(select(func.count()).select_from(PlanVersion)) == 0


def test_the_citizen_reads_that_the_plan_says_they_gave_no_wishes(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    jonas = demo["demo-jonas"]
    plan = db.scalars(select(Plan).where(Plan.citizen_id == jonas.id)).one()
    assert plan.current_version.patient_wishes_declined is True
    sign_in(client, db, jonas)
    page = shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert "The plan says that you did not wish to give your wishes." in page
    pdf = client.get(f"/plans/{plan.id}/versions/{plan.current_version.number}/pdf")
    assert pdf.status_code == 200
