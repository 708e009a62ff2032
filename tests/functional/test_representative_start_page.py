"""A representative finds whose plans they can open on the page sign-in lands on, and
in acting mode the pages speak of the represented person, not "you" (issue 13)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from tests.conftest import sign_in
from tests.support.pages import act_for, page, text_of


def page_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def test_the_start_page_lists_whom_the_representative_can_act_for_in_one_tap(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    start = page(client, "/plans")
    listed = start.select_one("section[aria-labelledby=represented-heading]")
    assert listed is not None
    assert "Peter" in text_of(listed)
    form = listed.select_one("form[action='/acting-for']")
    assert form is not None
    subject = form.select_one("input[name=subject]")
    assert subject is not None
    assert subject["value"] == str(peter.id)
    token = form.select_one("input[name=csrf_token]")
    assert token is not None
    once = form.select_one("input[name=once]")
    assert once is not None
    answer = client.post(
        "/acting-for",
        data={
            "csrf_token": token["value"],
            "subject": peter.id,
            "for_subject": hanne.id,
            "once": once["value"],
        },
    )
    assert answer.status_code == 302
    assert "You are acting for Peter" in text_of(page(client, "/plans"))


def test_nobody_is_listed_for_a_citizen_who_represents_no_one_or_after_revocation(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    assert page(client, "/plans").select_one("#represented-heading") is None
    hanne = demo["demo-hanne"]
    power = db.scalars(
        select(Representation).where(Representation.representative_id == hanne.id)
    ).one()
    power.revoked_at = utcnow()
    db.commit()
    sign_in(client, db, hanne)
    assert page(client, "/plans").select_one("#represented-heading") is None


def test_the_list_is_not_shown_while_acting_for_someone(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    assert page(client, "/plans").select_one("#represented-heading") is None


def test_in_acting_mode_headings_name_the_represented_person(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    name = peter.full_name
    for path, heading in (
        ("/plans", f"{name}'s plans"),
        ("/wishes", f"{name}'s wishes"),
        ("/consents", f"{name}'s consent records"),
    ):
        shown = page(client, path)
        h1 = shown.select_one("h1")
        assert h1 is not None, path
        assert text_of(h1) == heading
    banner = shown.select_one(".acting-for")
    assert banner is not None
    assert f"You see {name}'s plans" in text_of(banner)
    messages = text_of(page(client, "/messages"))
    assert f"These are your own messages, not those of {name}" in messages


def test_acting_for_oneself_the_pages_say_your(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    for path, heading in (
        ("/plans", "Your plans"),
        ("/wishes", "Your wishes"),
        ("/consents", "Your consent records"),
    ):
        h1 = page(client, path).select_one("h1")
        assert h1 is not None
        assert text_of(h1) == heading


def test_the_owner_is_worded_for_each_language(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    name = peter.full_name
    for language, heading in (("da", f"{name}s planer"), ("ar", f"خطط {name}")):
        response = client.get("/plans", headers={"Accept-Language": language})
        h1 = page_of(response.get_data(as_text=True)).select_one("h1")
        assert h1 is not None
        assert text_of(h1) == heading
