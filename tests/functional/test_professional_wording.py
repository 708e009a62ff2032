"""Professional wording in incoming plans: abbreviations and legal references the
glossary does not explain are flagged to the sender as warnings, never refused."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.glossary.wording import hard_to_read, unexplained_words
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from tests.conftest import sign_in
from tests.support.fhir import REGION, api_token, example, post_bundle, resource
from tests.support.pages import shown_text


def test_unexplained_abbreviations_and_legal_references_are_warnings_not_refusals(
    client: FlaskClient, db: Session
) -> None:
    bundle = example("discharge-agreement")
    care_plan = resource(bundle, "CarePlan")
    care_plan["activity"][0]["detail"]["description"] = (
        "Samtaler efter KRAP-metoden? Nej: efter SEL § 108 og §85, med SKP hver uge."
    )
    token = api_token(client, db, [REGION])
    response = post_bundle(client, token, bundle)
    assert response.status_code == 201, response.get_json()
    issues = response.get_json()["issue"]
    assert issues[0]["severity"] == "information"  # stored
    warnings = [i for i in issues if i["severity"] == "warning" and "glossary" in i["diagnostics"]]
    assert [w["expression"] for w in warnings] == [["CarePlan.activity[0]"]] * 2
    assert [w["diagnostics"].split("”")[0] for w in warnings] == ["“SEL", "“§ 108"]
    assert all(w["code"] == "business-rule" for w in warnings)
    # KRAP- is part of a compound; §85 and SKP are in the glossary: no warning.
    assert db.scalars(select(Plan)).one() is not None


def _citizens_page_with_task(client: FlaskClient, db: Session, description: str) -> str:
    """The plan page its citizen sees, after a partner sent the plan with its first
    task written as ``description``."""
    bundle = example("discharge-agreement")
    resource(bundle, "CarePlan")["activity"][0]["detail"]["description"] = description
    token = api_token(client, db, [REGION])
    assert post_bundle(client, token, bundle).status_code == 201
    plan = db.scalars(select(Plan)).one()
    person = db.get(Person, plan.citizen_id)
    assert person is not None
    sign_in(client, db, person)
    return client.get(f"/plans/{plan.id}").get_data(as_text=True)


def test_the_example_bundles_use_only_explained_words() -> None:
    for name in ("discharge-agreement", "coordination-plan", "coordinated-action-plan"):
        assert unexplained_words(read_plan_bundle(example(name))) == [], name


def test_fastholdelse_is_explained_as_staying_in_treatment_not_restraint(
    client: FlaskClient, db: Session
) -> None:
    html = _citizens_page_with_task(client, db, "Fastholdelse i psykiatrisk behandling.")
    assert "Help to keep going with your treatment" in html
    assert "Fastholdelse i psykiatrisk behandling." in shown_text(html)


HARD = (
    "Borgeren er i forbindelse med udskrivningen vurderet behandlingskrævende i "
    "ambulant regi, hvorfor der etableres tværsektorielt samarbejde omkring "
    "medicinadministration, psykoedukation og rehabiliteringsindsatser i kommunalt "
    "regi med henblik på stabilisering af borgerens psykiske tilstand og funktionsniveau."
)


def test_text_hard_for_a_citizen_to_read_is_a_warning_with_its_place(
    client: FlaskClient, db: Session
) -> None:
    bundle = example("discharge-agreement")
    resource(bundle, "CarePlan")["description"] = HARD
    token = api_token(client, db, [REGION])
    response = post_bundle(client, token, bundle)
    assert response.status_code == 201, response.get_json()
    hard = [
        i
        for i in response.get_json()["issue"]
        if i["severity"] == "warning" and "hard for a citizen to read" in i["diagnostics"]
    ]
    assert [w["expression"] for w in hard] == [["CarePlan.description"]]
    assert "LIX" in hard[0]["diagnostics"]
    assert db.scalars(select(Plan)).one() is not None  # stored all the same


def test_the_example_bundles_read_plainly_enough() -> None:
    for name in ("discharge-agreement", "coordination-plan", "coordinated-action-plan"):
        assert hard_to_read(read_plan_bundle(example(name))) == [], name


def test_partner_text_cannot_reorder_what_a_citizen_reads(client: FlaskClient, db: Session) -> None:
    """A bidi override in a partner's text would show "+45 70 00 00 00" where
    "00 00 00 07 54+" was sent (fifth outside review): partners' text is kept as
    citizens' text is, without reordering or invisible characters."""
    html = _citizens_page_with_task(client, db, "Ring i stedet \u202e00 00 00 07 54+\u202c.")
    assert "\u202e" not in html
    assert "\u202c" not in html
    assert "Ring i stedet 00 00 00 07 54+." in shown_text(html)


def test_a_phone_number_that_is_not_one_is_refused(client: FlaskClient, db: Session) -> None:
    token = api_token(client, db, [REGION])
    for phone in ("javascript:alert(1)", "+45 ring her", "112; drop"):
        bundle = example("discharge-agreement")
        role = resource(bundle, "PractitionerRole")
        role["telecom"] = [{"system": "phone", "value": phone}]
        response = post_bundle(client, token, bundle)
        assert response.status_code == 422, (phone, response.get_json())
        assert "not a phone number" in str(response.get_json())
    assert db.scalars(select(Plan)).first() is None


def test_a_bundle_full_of_capitals_gets_a_short_answer(client: FlaskClient, db: Session) -> None:
    bundle = example("discharge-agreement")
    care_plan = resource(bundle, "CarePlan")
    words = " ".join(f"X{chr(65 + i // 26)}{chr(65 + i % 26)}" for i in range(600))
    care_plan["activity"][0]["detail"]["description"] = words
    token = api_token(client, db, [REGION])
    response = post_bundle(client, token, bundle)
    assert response.status_code == 201
    warnings = [i for i in response.get_json()["issue"] if i["code"] == "business-rule"]
    assert len(warnings) == 21, "twenty, then how many more"
    assert "more warnings" in warnings[-1]["diagnostics"]
    assert len(response.get_data()) < 20_000
