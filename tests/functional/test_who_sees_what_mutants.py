"""Tests that kill the mutants issue 13's mutation run found alive (see
docs/testing.md): a consent limited to plan A sent to plan B's organisation, or
stored as general; a representative's wishes, stance and withdrawal reported as
the citizen's own."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.fhir.related_person import KIND_SYSTEM
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.plans.relations import plan_relations
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.security.actors import ActorKind
from tests.conftest import sign_in
from tests.support.consents import give_consent
from tests.support.demo import action_plan_of
from tests.support.fhir import REGION, api_token, example, post_bundle
from tests.support.pages import act_for, csrf, page, text_of

READ = ("api:citizen-input:read",)
PETER = "0911843456"  # the demo's CPR number for Peter, as in the profile's example


def _give(client: FlaskClient, plan: str, recipient: str) -> None:
    response = give_consent(client, recipient=recipient, plan=plan, days=90)
    assert response.status_code in (302, 303), response.get_data(as_text=True)


def _read_back(client: FlaskClient, token: str, plan: Plan) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/fhir/citizen-input?plan={plan.identifier_system}|{plan.identifier_value}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return [e["resource"] for e in response.get_json()["entry"]]


def _recipients(resources: list[dict[str, Any]]) -> set[str]:
    return {
        r["provision"]["actor"][0]["reference"]["display"]
        for r in resources
        if r["resourceType"] == "Consent"
    }


def _other_plan(client: FlaskClient, db: Session, peter: Person, plan_a: Plan) -> Plan:
    """A discharge agreement for Peter from the region (plan A is the district's)."""
    text = json.dumps(example("discharge-agreement"))
    bundle = json.loads(text.replace("1403881234", PETER).replace("ua-2026-0142", "ua-2026-0999"))
    token = api_token(client, db, [REGION], "region-writer")
    assert post_bundle(client, token, bundle).status_code == 201
    plans = db.scalars(select(Plan).where(Plan.citizen_id == peter.id, Plan.id != plan_a.id))
    other = next(p for p in plans if p.author_identifier == REGION)
    assert plan_a.author_identifier != REGION
    return other


def test_a_consent_for_plan_a_goes_to_plan_a_only_and_is_stored_for_it(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan_a = action_plan_of(db, peter)
    plan_b = _other_plan(client, db, peter, plan_a)
    sign_in(client, db, peter)
    _give(client, str(plan_a.id), "Kun til plan A")
    stored = db.scalars(select(Consent).where(Consent.citizen_id == peter.id)).one()
    assert stored.plan_id == plan_a.id, "stored for plan A, not as a general consent"

    a_reader = api_token(client, db, [plan_a.author_identifier], "a-reader", READ)
    b_reader = api_token(client, db, [plan_b.author_identifier], "b-reader", READ)
    assert _recipients(_read_back(client, a_reader, plan_a)) == {"Kun til plan A"}
    assert _recipients(_read_back(client, b_reader, plan_b)) == set()
    # A second plan by plan A's own organisation: reading through it gives no more.
    plan_c = _second_plan_by_the_same_author(client, db, peter, plan_a)
    assert _recipients(_read_back(client, a_reader, plan_c)) == set()
    shown = text_of(page(client, "/consents"))
    assert "Kun til plan A" in shown


def _second_plan_by_the_same_author(
    client: FlaskClient, db: Session, peter: Person, plan_a: Plan
) -> Plan:
    text = json.dumps(example("coordinated-action-plan"))
    bundle = json.loads(text.replace(plan_a.identifier_value, "kip-2026-0999"))
    token = api_token(client, db, [plan_a.author_identifier], "a-writer")
    assert post_bundle(client, token, bundle).status_code == 201
    plan_c = db.scalars(
        select(Plan).where(Plan.citizen_id == peter.id, Plan.identifier_value == "kip-2026-0999")
    ).one()
    facts = next(f for f in plan_relations(db, peter.id) if f.plan_id == plan_c.id)
    assert plan_a.author_identifier in facts.organisations
    return plan_c


def _hanne_acting_for_peter(
    client: FlaskClient, db: Session, demo: dict[str, Person], *scopes: str
) -> Representation:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    power = db.scalars(
        select(Representation).where(Representation.representative_id == hanne.id)
    ).one()
    power.scopes = sorted({*power.scopes, *scopes})
    db.commit()
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    return power


def _save_wish(client: FlaskClient, path: str, text: str) -> None:
    form = page(client, path).select_one("form[method=post]:not(.inline-form)")
    assert form is not None
    hidden = {str(i["name"]): str(i.get("value", "")) for i in form.select("input[type=hidden]")}
    assert client.post(path, data={**hidden, "text": text}).status_code == 302


def test_a_representatives_wish_and_stance_are_read_back_as_theirs(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    client.get(f"/plans/{plan.id}")  # opened: general wishes go to its organisations
    _save_wish(client, "/wishes/what_helps", "Peters egne ord.")
    power = _hanne_acting_for_peter(client, db, demo)
    _save_wish(client, "/wishes/early_signs", "Hannes ord.")
    stance_sent = client.post(
        f"/plans/{plan.id}/stance",
        data={
            "csrf_token": csrf(client, f"/plans/{plan.id}"),
            "choice": "disagree",
            "comment": "Hanne er uenig.",
            "version": 1,
            "confirm": "yes",  # sent from "Check your answer"
        },
    )
    assert stance_sent.status_code in (302, 303)

    token = api_token(client, db, [plan.author_identifier], "reader", READ)
    resources = _read_back(client, token, plan)
    by_text = {
        i["answer"][0].get("valueString"): r
        for r in resources
        if r["resourceType"] == "QuestionnaireResponse"
        for i in r["item"]
        if "valueString" in i["answer"][0]
    }
    own, hers = by_text["Peters egne ord."], by_text["Hannes ord."]
    assert own["author"] == {"type": "Patient", "display": peter.full_name}
    kind = {"code": power.kind.value.replace("_", "-")}
    assert hers["author"]["type"] == "RelatedPerson"
    assert hers["author"]["display"] == demo["demo-hanne"].full_name
    coding = hers["author"]["extension"][0]["valueCoding"]
    assert coding == {"system": KIND_SYSTEM, "code": kind["code"]}
    assert hers["author"]["extension"][0]["url"].endswith("/representation-kind")

    for wish in (own, hers):
        assert wish["status"] == "completed"
        assert wish["text"]["status"] == "generated"
        assert wish["basedOn"][0]["type"] == "CarePlan"
        assert wish["extension"][0]["valueCoding"]["code"] == "general"

    stance = by_text["Hanne er uenig."]
    assert stance["author"] == hers["author"], "with the kind she acts under"
    assert stance["basedOn"][0]["type"] == "CarePlan"
    assert stance["author"]["type"] == "RelatedPerson"
    assert stance["author"]["display"] == demo["demo-hanne"].full_name
    answers = {i["linkId"]: i["answer"][0] for i in stance["item"]}
    assert answers["version"] == {"valueInteger": 1}
    assert answers["stance"]["valueCoding"]["code"] == "disagree"
    assert answers["stance"]["valueCoding"]["system"].endswith("/plan-stance")
    assert answers["approved"] == {"valueBoolean": False}
    assert answers["comment"] == {"valueString": "Hanne er uenig."}
    assert stance["questionnaire"].endswith("/Questionnaire/plan-stance")
    assert stance["status"] == "completed"
    assert stance["basedOn"][0]["identifier"]["value"] == plan.identifier_value
    assert stance["id"].startswith("stance-")
    assert "Hanne er uenig." in stance["text"]["div"]
    assert stance["text"]["status"] == "generated"


def test_a_representatives_withdrawal_is_shown_as_theirs_not_the_citizens(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, peter)
    _give(client, "", "Min søster")
    consent = db.scalars(select(Consent).where(Consent.citizen_id == peter.id)).one()
    _hanne_acting_for_peter(client, db, demo, "manage_consents")
    withdrawn = client.post(
        f"/consents/{consent.id}/withdraw", data={"csrf_token": csrf(client, "/consents")}
    )
    assert withdrawn.status_code in (302, 303)
    db.refresh(consent)
    assert consent.withdrawn_by_person_id == hanne.id
    assert consent.withdrawn_by_kind is ActorKind.REPRESENTATIVE
    assert consent.withdrawn_at is not None

    sign_in(client, db, peter)
    shown = text_of(page(client, "/consents"))
    assert "Withdrawn by Hanne Sørensen on your behalf" in shown
    assert "Withdrawn by you" not in shown
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    again = client.post(
        f"/consents/{consent.id}/withdraw", data={"csrf_token": csrf(client, "/consents")}
    )
    assert again.status_code in (302, 303, 409)
    db.refresh(consent)
    assert consent.withdrawn_by_person_id == hanne.id, "a second withdrawal changes nothing"
    sign_in(client, db, peter)
    log = text_of(page(client, "/access-log"))
    assert log.count("withdrew consent") == 1, "logged once: when it was withdrawn"


def test_a_consent_naming_an_organisation_is_read_back_as_fhir_names_it(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    organisation = plan.author_organisation
    sign_in(client, db, peter)
    response = give_consent(client, purpose="inform_gp", recipient_organisation=organisation.id)
    assert response.status_code in (302, 303)
    consent = db.scalars(select(Consent).where(Consent.citizen_id == peter.id)).one()
    assert consent.recipient_organisation_id == organisation.id
    assert consent.plan_id is None

    token = api_token(client, db, [organisation.identifier], "reader", READ)
    found = [r for r in _read_back(client, token, plan) if r["resourceType"] == "Consent"]
    assert len(found) == 1
    system, _, value = organisation.identifier.partition("|")
    terminology = "http://terminology.hl7.org/CodeSystem"
    assert found[0] == {
        "resourceType": "Consent",
        "id": f"consent-{consent.id}",
        "text": {"status": "generated", "div": found[0]["text"]["div"]},
        "status": "active",
        "scope": {"coding": [{"system": f"{terminology}/consentscope", "code": "patient-privacy"}]},
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "dateTime": consent.given_at.isoformat(),
        "policyRule": {"coding": [{"system": f"{terminology}/v3-ActCode", "code": "OPTIN"}]},
        "provision": {
            "type": "permit",
            "period": {
                "start": consent.starts_on.isoformat(),
                "end": consent.expires_on.isoformat(),
            },
            "actor": [
                {
                    "role": {
                        "coding": [
                            {"system": f"{terminology}/v3-ParticipationType", "code": "IRCP"}
                        ]
                    },
                    "reference": {
                        "type": "Organization",
                        "identifier": {"system": system, "value": value},
                        "display": organisation.name,
                    },
                }
            ],
            "purpose": [
                {
                    "system": "https://citizen-portal.example/fhir/CodeSystem/consent-purpose",
                    "code": "inform-gp",
                }
            ],
        },
        "performer": [{"type": "Patient", "display": peter.full_name}],
    }
    assert organisation.name in found[0]["text"]["div"]


def test_a_consent_a_representative_gave_is_read_back_as_theirs(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Consent given by Hanne on Peter's behalf reaches professionals as hers, with
    the kind of representation, not as Peter's own (fifth outside review)."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    organisation = plan.author_organisation
    _hanne_acting_for_peter(client, db, demo, "manage_consents")
    response = give_consent(client, purpose="inform_gp", recipient_organisation=organisation.id)
    assert response.status_code in (302, 303)
    token = api_token(client, db, [organisation.identifier], "reader", READ)
    found = [r for r in _read_back(client, token, plan) if r["resourceType"] == "Consent"]
    assert len(found) == 1
    performer = found[0]["performer"][0]
    assert performer["type"] == "RelatedPerson"
    assert performer["display"] == hanne.full_name
    assert performer["extension"][0]["valueCoding"]["code"] == "power-of-attorney"


def test_a_wish_for_one_plan_is_read_back_through_that_plan_only(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan_a = action_plan_of(db, peter)
    plan_c = _second_plan_by_the_same_author(client, db, peter, plan_a)
    sign_in(client, db, peter)  # has opened neither plan: a wish for one plan needs no visit
    _save_wish(client, f"/wishes/early_signs?plan={plan_a.id}", "Kun til plan A.")
    token = api_token(client, db, [plan_a.author_identifier], "reader", READ)

    def wishes(plan: Plan) -> dict[str, dict[str, Any]]:
        return {
            r["item"][0]["answer"][0]["valueString"]: r
            for r in _read_back(client, token, plan)
            if r["resourceType"] == "QuestionnaireResponse" and r["id"].startswith("wish-")
        }

    through_a = wishes(plan_a)
    assert set(through_a) == {"Kun til plan A."}
    assert through_a["Kun til plan A."]["extension"][0]["valueCoding"]["code"] == "plan"
    assert wishes(plan_c) == {}


def test_a_plan_wish_kept_only_for_me_is_not_read_back_and_a_shared_one_is(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Whether a section is "only for me" is decided per scope: Peter keeps his
    early signs for plan A to himself but shares his general ones, and the other
    way round for what helps. The plan's organisation reads back exactly the
    shared two."""
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    assert client.get(f"/plans/{plan.id}").status_code == 200  # general wishes need a visit
    _save_wish(client, "/wishes/early_signs", "Generelt: jeg sover dårligt.")
    _save_wish(client, f"/wishes/early_signs?plan={plan.id}", "Kun for mig: plan A.")
    _save_wish(client, "/wishes/what_helps", "Kun for mig: generelt.")
    _save_wish(client, f"/wishes/what_helps?plan={plan.id}", "Plan A: en gåtur hjælper.")
    for path in (f"/wishes/early_signs/sharing?plan={plan.id}", "/wishes/what_helps/sharing"):
        answer = client.post(
            path, data={"csrf_token": csrf(client, "/wishes"), "only_for_me": "yes"}
        )
        assert answer.status_code == 302

    token = api_token(client, db, [plan.author_identifier], "reader", READ)
    read = {
        r["item"][0]["answer"][0]["valueString"]: r["extension"][0]["valueCoding"]["code"]
        for r in _read_back(client, token, plan)
        if r["resourceType"] == "QuestionnaireResponse" and r["id"].startswith("wish-")
    }
    assert read == {"Generelt: jeg sover dårligt.": "general", "Plan A: en gåtur hjælper.": "plan"}


def test_an_organisation_whose_identifier_holds_a_bar_is_read_back_as_it_was_sent(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """A FHIR identifier's value may hold a "|" (its system, a URI, may not). A
    consent naming such an organisation is read back with the identifier the
    partner sent, split at the first "|" as the portal joined it."""
    peter = demo["demo-peter"]
    text = json.dumps(example("discharge-agreement"))
    bundle = json.loads(text.replace("1403881234", PETER).replace("ua-2026-0142", "ua-2026-0998"))
    author = next(
        e["resource"]
        for e in bundle["entry"]
        if e["fullUrl"] == "urn:uuid:org-sor:psyk-roskilde-r3"
    )
    author["identifier"][0]["value"] = "sor|psyk-roskilde-r3"
    sent = "urn:demo:organisation|sor|psyk-roskilde-r3"
    assert (
        post_bundle(client, api_token(client, db, [sent], "bar-writer"), bundle).status_code == 201
    )
    plan = db.scalars(select(Plan).where(Plan.identifier_value == "ua-2026-0998")).one()
    assert plan.author_identifier == sent

    sign_in(client, db, peter)
    assert client.get(f"/plans/{plan.id}").status_code == 200
    response = give_consent(
        client, purpose="inform_gp", recipient_organisation=plan.author_organisation.id
    )
    assert response.status_code in (302, 303), response.get_data(as_text=True)

    token = api_token(client, db, [sent], "bar-reader", READ)
    (consent,) = [r for r in _read_back(client, token, plan) if r["resourceType"] == "Consent"]
    recipient = consent["provision"]["actor"][0]["reference"]
    assert recipient["identifier"] == {
        "system": "urn:demo:organisation",
        "value": "sor|psyk-roskilde-r3",
    }


def test_two_representations_for_the_same_citizen_add_up_what_she_may_do(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Hanne reads Peter's plans under his power of attorney; the authority later
    appoints her his guardian for his consents alone. Acting for him, she may do
    both: read his plan, and withdraw the consent it records."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    power = db.scalars(
        select(Representation).where(Representation.representative_id == hanne.id)
    ).one()
    assert "manage_consents" not in power.scopes
    db.add(
        Representation(
            kind=RepresentationKind.GUARDIAN,
            represented_id=peter.id,
            representative_id=hanne.id,
            scopes=["manage_consents"],
            valid_from=utcnow().date() - timedelta(days=1),
        )
    )
    db.commit()
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    assert client.get(f"/plans/{plan.id}").status_code == 200
    consents = page(client, "/consents")
    assert consents.select_one(f"form[action='/consents/plans/{plan.id}/withdraw']") is not None


def test_a_plan_whose_identifier_holds_a_bar_is_found_by_its_author(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """``?plan=system|value``: the system is a URI and holds no "|", the value may
    (FHIR identifiers). The read-back splits at the first "|", as the read-back of
    organisations does."""
    text = json.dumps(example("discharge-agreement"))
    bundle = json.loads(text.replace("1403881234", PETER).replace("ua-2026-0142", "ua|2026|0999"))
    author = "urn:demo:organisation|sor:psyk-roskilde-r3"
    assert (
        post_bundle(client, api_token(client, db, [author], "bar-plan"), bundle).status_code == 201
    )
    plan = db.scalars(select(Plan).where(Plan.identifier_value == "ua|2026|0999")).one()
    token = api_token(client, db, [author], "bar-plan-reader", READ)
    assert isinstance(_read_back(client, token, plan), list)
