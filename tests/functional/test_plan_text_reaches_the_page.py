"""Everything a professional wrote as text in a plan reaches the citizen's page.

Walks every text field of the parsed plan that is stored on the version, for
every demo plan, so a field that is read from the bundle but never stored, or
stored but never shown, fails here.
"""

from __future__ import annotations

import dataclasses

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.fhir.demo_bundles import demo_bundles
from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.parsed import ParsedPlan
from tests.conftest import sign_in
from tests.support.pages import shown_text

# Text the version keeps as written: everything of type str on the parsed plan
# that has a column of its own on the version.
TEXT_FIELDS = [
    field.name
    for field in dataclasses.fields(ParsedPlan)
    if field.name in PlanVersion.__table__.columns and field.type in ("str", "str | None")
]


def test_the_walk_finds_the_plans_text_fields() -> None:
    assert {"reason", "patient_wishes", "missed_appointment_response"} <= set(TEXT_FIELDS)


def test_every_text_of_every_demo_plan_is_on_its_page(
    client: FlaskClient, db: Session, demo: dict[str, Person], today: object
) -> None:
    shown: set[str] = set()
    for bundle in demo_bundles(today):  # type: ignore[arg-type]
        parsed = read_plan_bundle(bundle)
        plan = db.scalars(
            select(Plan).where(Plan.identifier_value == parsed.identifier_value)
        ).one()
        if plan.current_version.content_hash != parsed.fingerprint():
            continue  # an earlier version: its text is checked on the version it became
        sign_in(client, db, plan.citizen)
        response = client.get(f"/plans/{plan.id}")
        assert response.status_code == 200
        page = shown_text(response.get_data(as_text=True))
        for name in TEXT_FIELDS:
            text = getattr(parsed, name)
            if text:
                assert " ".join(text.split()) in page, (parsed.identifier_value, name)
                shown.add(name)
    # The demo plans between them fill in every text field, so each is really checked.
    assert shown == set(TEXT_FIELDS)
