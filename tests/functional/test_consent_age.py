"""A citizen under 15 cannot give their own consents to share information: the person
with custody does. From the 15th birthday they can (issue 13). And the consent form
promises nothing the portal does not do."""

from __future__ import annotations

import secrets
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.representation.rules import gives_own_consent
from citizen_portal.security.actors import ALL_SCOPES
from tests.conftest import sign_in
from tests.support.pages import act_for, csrf, page, text_of


def _born(years_ago: int, days_later: int) -> date:
    today = utcnow().date()
    return today.replace(year=today.year - years_ago) + timedelta(days=days_later)


def _person(db: Session, given: str, birth_date: date) -> Person:
    person = Person(
        cpr_hash=secrets.token_hex(32), given_name=given, family_name="Test", birth_date=birth_date
    )
    db.add(person)
    db.commit()
    return person


def _consents(db: Session, person: Person) -> int:
    db.expire_all()
    return int(
        db.scalar(select(func.count(Consent.id)).where(Consent.citizen_id == person.id)) or 0
    )


def _give(client: FlaskClient) -> int:
    data = {
        "csrf_token": csrf(client, "/consents"),
        "purpose": "inform_gp",
        "recipient": "Lægehuset",
        "plan": "",
        "confirmed": "yes",
        "expires_on": (utcnow().date() + timedelta(days=30)).isoformat(),
    }
    return client.post("/consents/new", data=data).status_code


@pytest.mark.skipif(utcnow().date().month == 2 and utcnow().date().day == 29, reason="leap day")
def test_the_day_before_the_15th_birthday_the_citizen_cannot_give_a_consent(
    client: FlaskClient, db: Session
) -> None:
    child = _person(db, "Ida", _born(15, 1))  # 15 tomorrow
    sign_in(client, db, child)
    overview = text_of(page(client, "/consents"))
    assert "the person with parental responsibility for you gives it" in overview
    assert page(client, "/consents").select_one("a[href='/consents/new']") is None
    assert client.get("/consents/new").status_code == 403
    assert _give(client) == 403
    assert _consents(db, child) == 0


def test_on_the_15th_birthday_the_citizen_gives_their_own(client: FlaskClient, db: Session) -> None:
    teenager = _person(db, "Ida", _born(15, 0))
    sign_in(client, db, teenager)
    assert page(client, "/consents").select_one("a[href='/consents/new']") is not None
    assert _give(client) == 303
    assert _consents(db, teenager) == 1


def test_the_person_with_custody_gives_the_consent_for_a_child(
    client: FlaskClient, db: Session
) -> None:
    child = _person(db, "Ida", _born(14, 0))
    parent = _person(db, "Mor", _born(40, 0))
    db.add(
        Representation(
            kind=RepresentationKind.PARENTAL_CUSTODY,
            represented_id=child.id,
            representative_id=parent.id,
            scopes=sorted(ALL_SCOPES),
            valid_from=utcnow().date() - timedelta(days=1),
        )
    )
    db.commit()
    sign_in(client, db, parent)
    act_for(client, child.id)
    assert _give(client) == 303
    assert _consents(db, child) == 1


def test_the_age_rule_on_both_sides_of_the_birthday() -> None:
    born = date(2010, 6, 15)
    assert not gives_own_consent(born, date(2025, 6, 14))
    assert gives_own_consent(born, date(2025, 6, 15))
    assert gives_own_consent(None, date(2025, 6, 15))


def test_the_form_promises_no_message_to_a_relative(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    form = text_of(page(client, "/consents/new"))
    assert "is told" not in form
    assert "they are told" not in form
    assert "The portal does not tell" in form
