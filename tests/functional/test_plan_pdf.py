"""The plan as a PDF: tagged, with language and title, complete, and readable in Arabic."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.people.models import Person
from citizen_portal.plans import vocabulary
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.types import PlanType
from tests.conftest import sign_in
from tests.support.fhir import REGION, api_token, example, post_bundle, resource

PLANS = [
    ("demo-mette", PlanType.DISCHARGE_AGREEMENT),
    ("demo-jonas", PlanType.COORDINATION_PLAN),
    ("demo-peter", PlanType.COORDINATED_ACTION_PLAN),
]


def _plan(db: Session, person: Person, plan_type: PlanType) -> Plan:
    return db.scalars(
        select(Plan).where(Plan.citizen_id == person.id, Plan.plan_type == plan_type)
    ).one()


def _pdf(client: FlaskClient, plan: Plan, lang: str, number: int | None = None) -> PdfReader:
    number = number or plan.current_version.number
    response = client.get(f"/plans/{plan.id}/versions/{number}/pdf?lang={lang}")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    return PdfReader(io.BytesIO(response.get_data()))


DANISH_NAMES = {
    PlanType.DISCHARGE_AGREEMENT: "Udskrivningsaftale",
    PlanType.COORDINATION_PLAN: "Koordinationsplan",
    PlanType.COORDINATED_ACTION_PLAN: "Koordinerende indsatsplan",
}


def _catalogue(reader: PdfReader) -> DictionaryObject:
    root = reader.trailer["/Root"].get_object()
    assert isinstance(root, DictionaryObject)
    return root


def _elements(root: Any) -> list[Any]:
    """The structure elements under the /Document element, in reading order."""
    kids = root["/StructTreeRoot"]["/K"]
    document = (kids[0] if isinstance(kids, ArrayObject) else kids).get_object()
    return [kid.get_object() for kid in document["/K"]]


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


def _legal_elements(version: PlanVersion) -> list[str]:
    """The texts that show each part the law requires of the plan (plans.rules)."""
    da = "da"
    if version.plan.plan_type is PlanType.COORDINATED_ACTION_PLAN:
        assert version.consent_date
        assert version.coordinator_function
        assert version.review_date
        return [
            format_date(version.consent_date, "long", locale=da),  # consent, with its date
            version.coordinator_function.title,
            *(goal.description for goal in version.goals),
            *(str(vocabulary.GROUND_NAMES[g]) for g in version.grounds or ()),  # type: ignore[index]
            format_date(version.review_date, "full", locale=da),
        ]
    assert version.current_needs
    assert version.expected_needs
    assert version.review_date
    assert version.review_responsible_function
    wishes = version.patient_wishes or gettext(
        "The plan says that you did not wish to give your wishes. "
        "You can always write them here in the portal."
    )
    return [
        version.current_needs,
        version.expected_needs,
        wishes,
        format_date(version.review_date, "full", locale=da),
        version.review_responsible_function.title,
        # The first meeting with each authority.
        *(a.description for a in version.appointments if a.description),
    ]


@pytest.mark.parametrize(("persona", "plan_type"), PLANS)
def test_the_pdf_is_tagged_with_language_and_title_and_holds_every_legal_element(
    app: Flask,
    client: FlaskClient,
    db: Session,
    demo: dict[str, Person],
    persona: str,
    plan_type: PlanType,
) -> None:
    person = demo[persona]
    plan = _plan(db, person, plan_type)
    sign_in(client, db, person)
    reader = _pdf(client, plan, "da")
    root = _catalogue(reader)
    assert "/StructTreeRoot" in root
    mark_info = root["/MarkInfo"]
    assert isinstance(mark_info, DictionaryObject)
    assert bool(mark_info["/Marked"])
    assert str(root["/Lang"]) == "da"
    assert reader.metadata is not None
    title = reader.metadata.title
    assert title == f"{DANISH_NAMES[plan_type]} – {person.full_name}"
    preferences = root["/ViewerPreferences"].get_object()
    assert isinstance(preferences, DictionaryObject)
    assert bool(preferences["/DisplayDocTitle"])
    kinds = [element["/S"] for element in _elements(root)]
    assert kinds[0] == "/H1"
    assert "/H2" in kinds
    assert "/P" in kinds

    text = _flat(_text(reader))
    with app.test_request_context("/?lang=da"):
        elements = _legal_elements(plan.current_version)
    for element in elements:
        assert _flat(element) in text, element


def test_the_arabic_pdf_reads_in_order_with_danish_plan_text_marked_as_danish(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = _plan(db, peter, PlanType.COORDINATED_ACTION_PLAN)
    sign_in(client, db, peter)
    reader = _pdf(client, plan, "ar")
    root = _catalogue(reader)
    assert str(root["/Lang"]) == "ar"
    lines = _text(reader).splitlines()
    # Shaped and in reading order: the words of the 112 line come out as written,
    # not letter by letter backwards (as they did unshaped).
    emergency = [line for line in lines if "112" in line]
    assert emergency, lines
    assert "إذا كانت حياتك في خطر، اتصل بالرقم" in emergency[0], emergency
    # A phone number in the right order, not "00 00 64 38 45+".
    phones = [
        p for p in (re.sub(r"\s+", " ", line).strip() for line in lines) if p.startswith("+45")
    ]
    assert phones, lines
    contact = plan.current_version.coordinator_function
    assert contact is not None
    assert contact.phone
    assert any(contact.phone == p for p in phones), phones
    # Every element that holds Danish plan text says so (/Lang da).
    danish = [e for e in _elements(root) if e.get("/Lang") == "da"]
    assert len(danish) > 10
    assert not any(e.get("/Lang") for e in _elements(_catalogue(_pdf(client, plan, "da"))))


@pytest.mark.parametrize("lang", ["da", "ar"])
def test_text_the_shaper_cannot_lay_out_still_gives_a_pdf(
    client: FlaskClient, db: Session, demo: dict[str, Person], lang: str
) -> None:
    """Thousands of combining marks or one run of ligatures made the PDF a 500, so
    the citizen could not get the plan on paper at all (fifth outside review)."""
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    care_plan = resource(bundle, "CarePlan")
    care_plan["activity"][0]["detail"]["description"] = "\u0301" * 5000
    care_plan["activity"][1]["detail"]["description"] = "\ufdfd" * 3000
    assert post_bundle(client, token, bundle).status_code == 201
    mette = demo["demo-mette"]
    plan = _plan(db, mette, PlanType.DISCHARGE_AGREEMENT)
    sign_in(client, db, mette)
    reader = _pdf(client, plan, lang, plan.current_version.number)
    assert (
        "cannot be shown on paper" in _text(reader)
        or "papir" in _text(reader)
        or "الورق" in _text(reader)
    )
