"""Giving and withdrawing a consent, GOV.UK style: the question, "Check your answers"
with a change button per answer, then the save and a confirmation that says what
happens next. Nothing is stored before the person confirms; the confirmation exists
only for a write that happened; nobody reaches another person's pages (issue 16)."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.consents.forms import SOMEONE_ELSE
from citizen_portal.consents.models import Consent, ConsentPurpose
from citizen_portal.consents.services import give
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from citizen_portal.security.actors import Actor
from tests.conftest import sign_in
from tests.support.pages import act_for, page, text_of


def _count(db: Session) -> int:
    db.expire_all()
    return int(db.scalar(select(func.count(Consent.id))) or 0)


def _hidden(soup: BeautifulSoup, form_selector: str = "main form") -> dict[str, str]:
    form = soup.select_one(form_selector)
    assert form is not None
    return {str(i["name"]): str(i.get("value", "")) for i in form.select("input[type=hidden]")}


def _answers(client: FlaskClient, recipient: str = "Hanne Sørensen, 20 30 40 50") -> dict[str, str]:
    return {
        **_hidden(page(client, "/consents/new"), "main form"),
        "purpose": "involve_relative",
        "recipient_organisation": SOMEONE_ELSE,
        "recipient": recipient,
        "plan": "",
        "expires_on": (utcnow().date() + timedelta(days=60)).isoformat(),
    }


def _peters_consent(db: Session, demo: dict[str, Person]) -> Consent:
    peter = demo["demo-peter"]
    consent = give(
        db,
        Actor(peter.id, peter.id),
        ConsentPurpose.INFORM_GP,
        "Lægehuset",
        None,
        utcnow().date() + timedelta(days=30),
    )
    db.commit()
    return consent


def test_give_check_change_confirm_and_what_happens_next(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    before = _count(db)
    answer = client.post("/consents/new", data=_answers(client))
    assert answer.status_code == 200
    check = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    assert text_of(check.select_one("h1") or "") == "Check your answers before you give the consent"
    assert "Hanne Sørensen, 20 30 40 50" in text_of(check)
    changes = {str(b["value"]) for b in check.select("button[name=change]")}
    assert changes == {"purpose", "recipient", "plan", "expires_on"}
    assert _count(db) == before, "nothing is stored before the person confirms"

    # Change: back to the question, the answers kept.
    data = {**_hidden(check), "change": "recipient"}
    back = BeautifulSoup(
        client.post("/consents/new", data=data).get_data(as_text=True), "html.parser"
    )
    field = back.select_one("input[name=recipient]")
    assert field is not None
    assert field["value"] == "Hanne Sørensen, 20 30 40 50"
    assert _count(db) == before

    data = {**_hidden(check), "confirmed": "yes"}
    done = client.post("/consents/new", data=data)
    assert done.status_code == 303
    assert _count(db) == before + 1
    again = client.post("/consents/new", data=data)  # a double click
    assert again.status_code == 303
    assert again.location == done.location
    assert _count(db) == before + 1
    panel = page(client, done.location)
    assert text_of(panel.select_one(".panel h1") or "") == "Consent given"
    assert "What happens next" in text_of(panel)


def test_withdraw_check_then_confirmation_only_after_the_write(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    consent = _peters_consent(db, demo)
    sign_in(client, db, demo["demo-peter"])
    overview = page(client, "/consents")
    link = overview.select_one(f"a[href='/consents/{consent.id}/withdraw']")
    assert link is not None
    assert client.get(f"/consents/{consent.id}/withdrawn").status_code == 404, "not yet"
    check = page(client, f"/consents/{consent.id}/withdraw")
    assert text_of(check.select_one("h1") or "") == "Do you want to withdraw this consent?"
    db.expire_all()
    assert db.get(Consent, consent.id).withdrawn_at is None  # type: ignore[union-attr]
    done = client.post(f"/consents/{consent.id}/withdraw", data=_hidden(check))
    assert done.status_code == 303
    assert done.location == f"/consents/{consent.id}/withdrawn"
    panel = page(client, done.location)
    assert text_of(panel.select_one(".panel h1") or "") == "Consent withdrawn"
    db.expire_all()
    assert db.get(Consent, consent.id).withdrawn_at is not None  # type: ignore[union-attr]


def test_another_citizen_and_a_representative_for_herself_get_404(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    consent = _peters_consent(db, demo)
    for person in ("demo-mette", "demo-hanne"):
        sign_in(client, db, demo[person])
        for path in (
            f"/consents/{consent.id}/withdraw",
            f"/consents/{consent.id}/given",
            f"/consents/{consent.id}/withdrawn",
        ):
            assert client.get(path).status_code == 404, (person, path)


def test_a_representative_without_the_consent_right_cannot_open_the_check_page(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    consent = _peters_consent(db, demo)
    sign_in(client, db, demo["demo-hanne"])
    act_for(client, demo["demo-peter"].id)
    assert client.get(f"/consents/{consent.id}/withdraw").status_code == 403
    assert client.get("/consents/new").status_code == 403


def test_revoked_between_check_and_confirm_nothing_is_stored_and_the_text_is_kept(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    power = db.scalars(
        select(Representation).where(Representation.representative_id == hanne.id)
    ).one()
    power.scopes = [*power.scopes, "manage_consents"]
    db.commit()
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    answer = client.post("/consents/new", data=_answers(client, "Lise Holm, 11 22 33 44"))
    check = BeautifulSoup(answer.get_data(as_text=True), "html.parser")
    before = _count(db)
    power.revoked_at = utcnow()
    db.commit()
    refused = client.post("/consents/new", data={**_hidden(check), "confirmed": "yes"})
    assert refused.status_code == 409
    assert "Lise Holm, 11 22 33 44" in refused.get_data(as_text=True)
    assert _count(db) == before


def test_sharing_for_an_action_plan_is_offered_only_to_someone_who_has_one(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])  # a coordinated action plan
    offered = {str(i["value"]) for i in page(client, "/consents/new").select("input[name=purpose]")}
    assert "share_for_action_plan" in offered
    sign_in(client, db, demo["demo-mette"])  # a discharge agreement only
    offered = {str(i["value"]) for i in page(client, "/consents/new").select("input[name=purpose]")}
    assert "share_for_action_plan" not in offered
    assert offered == {"inform_gp", "involve_relative"}
    before = _count(db)
    data = {**_answers(client), "purpose": "share_for_action_plan", "confirmed": "yes"}
    refused = client.post("/consents/new", data=data)
    assert refused.status_code == 400
    assert "Choose what you give consent to" in refused.get_data(as_text=True)
    assert _count(db) == before
