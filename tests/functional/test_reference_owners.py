"""Partner systems touch only what is theirs (issue 12).

Played as the attacker an outside review was: a client bound to one organisation
sends bundles that carry another organisation's names and "who to call" numbers,
or another organisation's plan identifier. Also run on PostgreSQL (a schema of its
own) for the per-author unique constraint.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import organisation_trail
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.plans.models import Plan, PlanVersion
from tests.support.fhir import MUNICIPALITY, REGION, api_token, example, post_bundle, resource

WARD = "sor:psyk-roskilde-r3"
WARD_NAME = "Psykiatrisk Afdeling Roskilde, Afsnit R3"
WARD_PHONE = "+45 47 32 40 00"
SOCIAL = "kommune:259:social"
SOCIAL_ROLE = "urn:demo:practitioner-role|koege-bostoette"
SOCIAL_PHONE = "+45 56 67 22 00"
ATTACKER_PHONE = "+45 99 99 99 99"


def _entries(bundle: dict[str, Any], resource_type: str) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == resource_type
    ]


def _organisation(bundle: dict[str, Any], value: str) -> dict[str, Any]:
    return next(o for o in _entries(bundle, "Organization") if o["identifier"][0]["value"] == value)


def _roles_of(bundle: dict[str, Any], value: str) -> list[dict[str, Any]]:
    return [
        r
        for r in _entries(bundle, "PractitionerRole")
        if r["organization"]["reference"] == f"urn:uuid:org-{value}"
    ]


def _written_by(bundle: dict[str, Any], value: str, plan_id: str) -> dict[str, Any]:
    """The bundle as an organisation's own plan: its author, its identifier."""
    careplan = resource(bundle, "CarePlan")
    careplan["author"] = {"reference": f"urn:uuid:org-{value}"}
    careplan["identifier"][0]["value"] = plan_id
    return bundle


def _ward(db: Session) -> Organisation:
    db.expire_all()
    return db.scalars(select(Organisation).where(Organisation.identifier.endswith(WARD))).one()


def _ward_phones(db: Session) -> set[str | None]:
    return {f.phone for f in _ward(db).functions}


def _region_loaded(client: FlaskClient, db: Session) -> str:
    region = api_token(client, db, [REGION])
    assert post_bundle(client, region, example("discharge-agreement")).status_code == 201
    return region


def test_a_municipality_cannot_rename_the_ward_or_change_its_phone_numbers(
    client: FlaskClient, db: Session
) -> None:
    _region_loaded(client, db)
    assert _ward(db).name == WARD_NAME
    assert WARD_PHONE in _ward_phones(db)
    before = _ward_phones(db)

    nexus = api_token(client, db, [MUNICIPALITY], client_id="kommune-nexus")
    attack = _written_by(example("discharge-agreement"), SOCIAL, "nexus-0001")
    _organisation(attack, WARD)["name"] = "Closed: call the municipality"
    for role in _roles_of(attack, WARD):
        role["telecom"] = [{"system": "phone", "value": ATTACKER_PHONE}]
        role["code"][0]["text"] = "Nobody here"
    response = post_bundle(client, nexus, attack)

    assert response.status_code == 201  # the municipality's own plan is stored
    assert _ward(db).name == WARD_NAME
    assert ATTACKER_PHONE not in _ward_phones(db)
    # A title it sent is at most a new reference, without contact details.
    assert {f.phone for f in _ward(db).functions if f.title == "Nobody here"} <= {None}
    assert before <= _ward_phones(db)
    ward_role = db.scalars(select(Function).where(Function.identifier.endswith("r3-overlaege")))
    assert [(f.title, f.phone) for f in ward_role] == [("Overlæge, Afsnit R3", WARD_PHONE)]
    # The answer names each resource it did not change.
    warnings = [i for i in response.get_json()["issue"] if i["severity"] == "warning"]
    named = {i["expression"][0] for i in warnings}
    assert f"Organization?identifier={REGION}" in named
    assert "PractitionerRole?identifier=urn:demo:practitioner-role|r3-overlaege" in named
    assert all("did not change it" in i["diagnostics"] for i in warnings)
    assert [e.details["client_id"] for e in organisation_trail(db, _ward(db).id)] == [
        "region-sjaelland-epj"  # its first bundle named the organisation registered bare
    ]


def test_a_region_cannot_change_the_municipalitys_phone_numbers(
    client: FlaskClient, db: Session
) -> None:
    nexus = api_token(client, db, [MUNICIPALITY], client_id="kommune-nexus")
    own = _written_by(example("discharge-agreement"), SOCIAL, "nexus-0001")
    assert post_bundle(client, nexus, own).status_code == 201

    region = api_token(client, db, [REGION])
    attack = example("discharge-agreement")
    _organisation(attack, SOCIAL)["name"] = "Renamed by the region"
    for role in _roles_of(attack, SOCIAL):
        role["telecom"] = [{"system": "phone", "value": ATTACKER_PHONE}]
    assert post_bundle(client, region, attack).status_code == 201

    db.expire_all()
    social = db.scalars(select(Organisation).where(Organisation.identifier.endswith(SOCIAL))).one()
    assert social.name == "Køge Kommune, Socialpsykiatrien"
    stored = db.scalars(select(Function).where(Function.identifier == SOCIAL_ROLE)).one()
    assert stored.phone == SOCIAL_PHONE


def test_a_new_foreign_function_is_stored_without_contact_details_until_its_owner_sends_it(
    client: FlaskClient, db: Session
) -> None:
    _region_loaded(client, db)  # refers to the municipality's functions, never sent by it
    role = db.scalars(select(Function).where(Function.identifier == SOCIAL_ROLE)).one()
    assert (role.phone, role.email, role.address, role.opening_hours) == (None, None, None, None)
    assert role.available_times == []
    assert role.title == "Bostøtte (§85), Team Øst"

    nexus = api_token(client, db, [MUNICIPALITY], client_id="kommune-nexus")
    own = _written_by(example("discharge-agreement"), SOCIAL, "nexus-0001")
    assert post_bundle(client, nexus, own).status_code == 201
    db.expire_all()
    role = db.scalars(select(Function).where(Function.identifier == SOCIAL_ROLE)).one()
    assert role.phone == SOCIAL_PHONE
    assert role.available_times


def test_the_owners_change_of_phone_number_is_in_its_organisations_trail(
    client: FlaskClient, db: Session
) -> None:
    region = _region_loaded(client, db)
    changed = example("discharge-agreement")
    for role in _roles_of(changed, WARD):
        if role.get("identifier"):  # the ward's responsible function
            role["telecom"] = [{"system": "phone", "value": "+45 47 32 49 49"}]
    assert post_bundle(client, region, changed).status_code == 200  # no new version
    assert "+45 47 32 49 49" in _ward_phones(db)

    trail = organisation_trail(db, _ward(db).id)
    assert {e.tag for e in trail} == {AuditTag.REFERENCE_DATA_CHANGED}
    assert all(e.subject_person_id is None for e in trail)
    assert {e.details["client_id"] for e in trail} == {"region-sjaelland-epj"}
    newest = trail[0]  # newest first
    assert (newest.resource_type, newest.details["changed"]) == ("function", "phone")
    assert newest.details["phone"] == f"{WARD_PHONE} -> +45 47 32 49 49"
    # Before it: the first bundle named the organisation registered with the client.
    assert [e.resource_type for e in trail[1:]] == ["organisation"]
    # Nothing in any other organisation's trail.
    social = db.scalars(select(Organisation).where(Organisation.identifier.endswith(SOCIAL))).one()
    assert organisation_trail(db, social.id) == []


def test_another_organisations_identifier_makes_the_senders_own_plan(
    client: FlaskClient, db: Session
) -> None:
    _region_loaded(client, db)
    nexus = api_token(client, db, [MUNICIPALITY], client_id="kommune-nexus")
    # The region's identifier, and one nobody has: the same answer, and no refusal.
    answers = []
    for plan_id in ("ua-2026-0142", "nobody-has-this"):
        bundle = _written_by(example("discharge-agreement"), SOCIAL, plan_id)
        response = post_bundle(client, nexus, bundle)
        answers.append((response.status_code, response.headers.get("X-Plan-Version")))
    assert answers == [(201, "1"), (201, "1")]

    plans = db.execute(
        select(Organisation.identifier, PlanVersion.number)
        .select_from(Plan)
        .join(Plan.author_organisation)
        .join(Plan.versions)
        .where(Plan.identifier_value == "ua-2026-0142")
        .order_by(Organisation.identifier)
    ).all()
    assert plans == [(MUNICIPALITY, 1), (REGION, 1)]  # the region's plan untouched


def test_citizen_input_for_another_organisations_identifier_is_not_found_like_any_other(
    client: FlaskClient, db: Session
) -> None:
    _region_loaded(client, db)
    # An organisation that takes no part in the region's plan (the municipality does:
    # its functions are responsible for parts of it, so it rightly reads its input).
    outsider = "urn:demo:organisation|sor:another-hospital"
    nexus = api_token(
        client, db, [outsider], client_id="another-hospital", scopes=("api:citizen-input:read",)
    )

    def read(value: str) -> Any:
        return client.get(
            f"/api/fhir/citizen-input?plan=urn:demo:citizen-portal:plan-id|{value}",
            headers={"Authorization": f"Bearer {nexus}"},
        )

    foreign, unknown = read("ua-2026-0142"), read("nobody-has-this")
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.get_json() == unknown.get_json()


def test_a_client_cannot_take_another_organisations_function_by_claiming_it(
    client: FlaskClient, db: Session
) -> None:
    """Found by the second outside review: the municipality's bundle kept the ward's
    function identifier but pointed the role at the municipality, with its own phone.
    The function moved to the municipality (so it 'took part' in the ward's plans and
    read their citizens' input) and its new phone showed as 'who to call'."""
    _region_loaded(client, db)
    nexus = api_token(client, db, [MUNICIPALITY], client_id="kommune-nexus")
    attack = _written_by(example("discharge-agreement"), SOCIAL, "nexus-0002")
    for role in _roles_of(attack, WARD):
        role["organization"] = {"reference": f"urn:uuid:org-{SOCIAL}"}
        role["telecom"] = [{"system": "phone", "value": ATTACKER_PHONE}]
    response = post_bundle(client, nexus, attack)

    assert response.status_code == 201
    db.expire_all()
    by_owner = {
        f.organisation.identifier: f.phone
        for f in db.scalars(select(Function).where(Function.identifier.endswith("r3-overlaege")))
    }
    # The ward's function is untouched; the claim made a function of the municipality's own.
    assert by_owner == {REGION: WARD_PHONE, MUNICIPALITY: ATTACKER_PHONE}
    region_plan = db.scalars(
        select(Plan).join(Plan.author_organisation).where(Organisation.identifier == REGION)
    ).one()
    phones = {
        a.responsible_function.phone
        for a in region_plan.current_version.actions
        if a.responsible_function
    }
    assert ATTACKER_PHONE not in phones


def test_nobody_can_squat_a_function_identifier_before_its_owner_uses_it(
    client: FlaskClient, db: Session
) -> None:
    """Found by the third outside review: the municipality sent the ward's future
    role identifier as its own function first; the region's next plan then pointed
    at the municipality's function, with its phone, and the municipality read that
    plan's citizen input."""
    nexus = api_token(client, db, [MUNICIPALITY], client_id="kommune-nexus")
    squat = _written_by(example("discharge-agreement"), SOCIAL, "nexus-squat")
    for role in _roles_of(squat, WARD):
        role["organization"] = {"reference": f"urn:uuid:org-{SOCIAL}"}
        role["telecom"] = [{"system": "phone", "value": ATTACKER_PHONE}]
    assert post_bundle(client, nexus, squat).status_code == 201

    _region_loaded(client, db)  # the region's own plan, naming its own ward roles

    db.expire_all()
    region_plan = db.scalars(
        select(Plan).join(Plan.author_organisation).where(Organisation.identifier == REGION)
    ).one()
    used = _functions_used(region_plan)
    assert ATTACKER_PHONE not in {f.phone for f in used}
    ward = [f for f in used if f.identifier.endswith("r3-overlaege")]
    assert ward
    assert {(f.organisation.identifier, f.phone) for f in ward} == {(REGION, WARD_PHONE)}
    # The municipality's own functions with those identifiers are still its own.
    squatted = db.scalars(select(Function).where(Function.identifier.endswith("r3-overlaege")))
    assert {f.organisation.identifier for f in squatted} == {REGION, MUNICIPALITY}


def _functions_used(plan: Plan) -> list[Function]:
    """Every function the plan's newest version names as responsible."""
    version = plan.current_version
    named = [a.responsible_function for a in version.actions]
    named += [a.function for a in version.appointments]
    named += [
        version.coordinator_function,
        version.review_responsible_function,
        version.follow_up_responsible_function,
    ]
    return [f for f in named if f is not None]
