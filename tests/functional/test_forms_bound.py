"""Every form that writes for a person is bound to whom it was opened for, and to
one send: found by an outside review, a wish form opened while acting for Peter
was saved into Hanne's own record after she switched back in another tab (or after
Peter revoked the power), and a double click gave two consents."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.consents.forms import SOMEONE_ELSE
from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from citizen_portal.wishes.models import WishEntry
from tests.conftest import sign_in
from tests.support.pages import act_for, page, text_of

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _form(client: FlaskClient, path: str) -> dict[str, str]:
    """The hidden fields of the first form on ``path`` that posts, as a browser keeps them."""
    form = page(client, path).select_one("form[method=post]:not(.inline-form)")
    assert form is not None
    return {
        str(i["name"]): str(i.get("value", ""))
        for i in form.select("input[type=hidden]")
        if i.get("name")
    }


def _count(db: Session, model: type) -> int:
    return int(db.scalar(select(func.count()).select_from(model)) or 0)


def test_a_form_opened_for_one_person_never_writes_for_another(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    opened = _form(client, "/wishes/early_signs")
    act_for(client, hanne.id)  # in another tab: back to acting for herself
    response = client.post(
        "/wishes/early_signs", data={**opened, "text": "Peter sover ikke om natten."}
    )
    assert response.status_code == 409
    shown = text_of(response.get_data(as_text=True))
    assert "Nothing was saved" in shown
    assert "Peter sover ikke om natten." in shown  # the typed text is not lost
    assert _count(db, WishEntry) == 0


def test_a_form_sent_after_the_power_ended_writes_nothing(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    opened = _form(client, "/wishes/early_signs")
    power = db.scalars(
        select(Representation).where(Representation.represented_id == peter.id)
    ).one()
    power.revoked_at = utcnow()  # Peter takes it back while Hanne is writing
    db.commit()
    response = client.post("/wishes/early_signs", data={**opened, "text": "Hans medicin."})
    assert response.status_code == 409
    assert _count(db, WishEntry) == 0


def test_a_form_sent_twice_stores_once_and_goes_where_the_first_went(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    fields = {
        **_form(client, "/consents/new"),
        "purpose": "involve_relative",
        "recipient_organisation": SOMEONE_ELSE,
        "recipient": "Hanne Sørensen",
        "plan": "",
        "confirmed": "yes",
        "expires_on": (utcnow().date() + timedelta(days=90)).isoformat(),
    }
    first = client.post("/consents/new", data=fields)
    second = client.post("/consents/new", data=fields)
    assert first.status_code == 303, first.get_data(as_text=True)[:2000]
    assert second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert _count(db, Consent) == 1


def test_a_refused_form_can_be_corrected_and_sent_again(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Only a form that did its work uses up its token: one with a mistake is fixed."""
    sign_in(client, db, demo["demo-peter"])
    opened = _form(client, "/wishes/early_signs")
    assert (
        client.post("/wishes/early_signs", data={**opened, "text": "x" * 5000}).status_code == 400
    )
    fixed = client.post("/wishes/early_signs", data={**opened, "text": "Jeg sover dårligt."})
    assert fixed.status_code == 302
    assert _count(db, WishEntry) == 1


def test_every_signed_in_form_carries_its_guard() -> None:
    unguarded = []
    for template in TEMPLATES.rglob("*.html"):
        if template.parent.name == "devidp":
            continue  # the development provider's own sign-in form, before anyone is signed in
        html = template.read_text(encoding="utf-8")
        for form in re.findall(r"<form[^>]*method=\"post\".*?</form>", html, re.S | re.I):
            if "form_guard()" not in form and "stance_form(" not in form:
                unguarded.append(f"{template.relative_to(TEMPLATES)}: {form[:60]}")
    assert unguarded == []
    stance = (TEMPLATES / "wishes" / "stance_form.html").read_text(encoding="utf-8")
    assert "form_guard()" in stance


def test_a_rendered_form_names_its_subject_and_a_fresh_token(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    sign_in(client, db, peter)
    first, again = _form(client, "/wishes/early_signs"), _form(client, "/wishes/early_signs")
    assert first["for_subject"] == str(peter.id)
    assert first["once"]
    assert first["once"] != again["once"]
