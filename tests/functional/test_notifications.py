"""The citizen and the representative are told in the app when a power of
attorney is given, accepted, used for the first time, or about to end."""

from __future__ import annotations

from datetime import date, timedelta

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.db import utcnow
from citizen_portal.notifications.models import Notification
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation, RepresentationKind
from tests.conftest import NOT_DEMO, sign_in

SISTER_CPR = "0505851234"


def _page(client: FlaskClient, path: str) -> BeautifulSoup:
    return BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")


def _csrf(client: FlaskClient) -> str:
    field = _page(client, "/powers-of-attorney").select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _messages(client: FlaskClient) -> list[str]:
    page = _page(client, "/messages")
    return [" ".join(li.get_text(" ").split()) for li in page.select("li.log-entry")]


def _unread_badge(client: FlaskClient) -> str | None:
    badge = _page(client, "/powers-of-attorney").select_one(".bottom-nav .badge")
    return " ".join(badge.get_text(" ").split()) if badge else None


def _grant(client: FlaskClient, **extra: object) -> None:
    page = _page(client, "/powers-of-attorney/new")
    token = page.select_one("input[name=csrf_token]")
    assert token is not None
    data = {
        "csrf_token": token["value"],
        "representative_name": "Lene Nielsen",
        "representative_cpr": SISTER_CPR,
        "scopes": ["read_plans", "record_wishes"],
        "confirmed": "yes",
        **extra,
    }
    assert client.post("/powers-of-attorney/new", data=data).status_code == 303


def test_the_representative_sees_the_offer_right_after_signing_in_and_both_are_told(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette, fresh=True)
    _grant(client)
    row = db.scalars(select(Representation).where(NOT_DEMO)).one()
    assert any("You gave Lene Nielsen a power of attorney" in m for m in _messages(client))

    sister = row.representative
    sign_in(client, db, sister)
    landing = _page(client, "/plans")  # where the sign-in callback lands
    offer = landing.select_one("section.notice")
    assert offer is not None
    text = " ".join(offer.get_text(" ").split())
    assert "Mette Nielsen has given you a power of attorney" in text
    assert "Read their plans" in text
    assert "Write their wishes for them" in text
    assert offer.select_one(f"form[action='/powers-of-attorney/{row.id}/accept']") is not None
    assert offer.select_one(f"form[action='/powers-of-attorney/{row.id}/decline']") is not None
    assert _unread_badge(client) == "1 new"

    client.post(f"/powers-of-attorney/{row.id}/accept", data={"csrf_token": _csrf(client)})
    assert _page(client, "/plans").select_one("section.notice") is None, "accepted: no offer"
    # Acting for her twice: she is told about the first time only.
    for _ in range(2):
        client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": mette.id})
        client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": sister.id})

    sign_in(client, db, mette)
    # "You gave ...", seen above but not marked read, and the two since.
    assert _unread_badge(client) == "3 new"
    messages = _messages(client)
    assert messages[0].startswith("New")
    assert sum("used your power of attorney for the first time" in m for m in messages) == 1
    assert any("Lene Nielsen accepted your power of attorney" in m for m in messages)
    assert _unread_badge(client) == "3 new", "reading the list changes nothing"
    client.post("/messages/read", data={"csrf_token": _csrf(client)})
    assert _unread_badge(client) is None, "marked read by the person, on purpose"
    viewed = db.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.MESSAGES_VIEWED))
    assert {e.actor_person_id for e in viewed} == {mette.id}


def test_saying_no_means_it_never_takes_effect(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette, fresh=True)
    _grant(client)
    row = db.scalars(select(Representation).where(NOT_DEMO)).one()
    sign_in(client, db, row.representative)
    client.post(f"/powers-of-attorney/{row.id}/decline", data={"csrf_token": _csrf(client)})
    # Accepting after saying no does nothing.
    client.post(f"/powers-of-attorney/{row.id}/accept", data={"csrf_token": _csrf(client)})
    db.refresh(row)
    assert row.declined_at is not None
    assert row.accepted_at is None
    response = client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": mette.id})
    assert response.status_code == 403

    sign_in(client, db, mette)
    assert "They said no on" in _page(client, "/powers-of-attorney").get_text()
    log = " ".join(_page(client, "/access-log").get_text(" ").split())
    assert "Lene Nielsen said no to your power of attorney." in log


def _authority(
    app: Flask, kind: str, represented_cpr: str, until: date | None, valid_from: str = "2026-01-01"
) -> None:
    args = [
        "add-representation",
        "--kind",
        kind,
        "--represented-cpr",
        represented_cpr,
        "--represented-name",
        "Some Citizen",
        "--representative-cpr",
        "0101701234",
        "--representative-name",
        "Hans Berg",
        "--from",
        valid_from,
    ]
    if until:
        args += ["--until", until.isoformat()]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output


def _send_reminders(app: Flask) -> str:
    result = app.test_cli_runner().invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    return result.output


def test_both_people_are_reminded_once_before_a_representation_ends(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    today = utcnow().date()
    _authority(app, "guardian", "1403881234", today + timedelta(days=10))
    _authority(app, "lasting_power_of_attorney", "2207952345", today + timedelta(days=40))
    assert "Sent 2 reminders." in _send_reminders(app)
    assert "Sent 0 reminders." in _send_reminders(app), "each is told once"

    sign_in(client, db, demo["demo-mette"])
    ends = (today + timedelta(days=10)).strftime("%-d")
    reminder = next(m for m in _messages(client) if "ends on" in m)
    assert "The power of attorney you gave Hans Berg ends on" in reminder
    assert ends in reminder
    guardian = db.scalars(
        select(Representation).where(Representation.kind == RepresentationKind.GUARDIAN)
    ).one()
    sign_in(client, db, guardian.representative)
    assert any("Your right to act for Mette Nielsen ends on" in m for m in _messages(client))


def test_custody_reminder_comes_before_the_fifteenth_birthday(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    today = utcnow().date()
    # A child who turns 15 in a week (CPR: ddmmyy, century from the 7th digit).
    birthday = today + timedelta(days=7)
    born = birthday.replace(year=birthday.year - 15)
    child_cpr = born.strftime("%d%m%y") + "4001"
    _authority(app, "parental_custody", child_cpr, None, valid_from=born.isoformat())
    assert "Sent 2 reminders." in _send_reminders(app)
    parent = db.scalars(
        select(Representation).where(Representation.kind == RepresentationKind.PARENTAL_CUSTODY)
    ).one()
    sign_in(client, db, parent.representative)
    page = _page(client, "/powers-of-attorney").get_text()
    last_day = (birthday - timedelta(days=1)).strftime("%-d")
    assert "In effect until" in page
    assert last_day in page


def test_messages_belong_to_the_person_signed_in(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    _grant(client)
    sign_in(client, db, demo["demo-jonas"])
    assert _messages(client) == []
    assert (
        db.scalars(
            select(Notification).where(Notification.person_id == demo["demo-jonas"].id)
        ).first()
        is None
    )


HOSTILE_NAME = '<meta http-equiv="refresh" content="0;url=https://evil.example">'


def test_a_name_in_a_message_is_text_never_markup(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Found by an outside review: a name typed by the person giving a power of
    attorney reached the other person's messages page as HTML, and a meta refresh
    sent their browser to another site."""
    mette = demo["demo-mette"]
    mette.given_name, mette.family_name = HOSTILE_NAME, ""
    db.commit()
    sign_in(client, db, mette, fresh=True)
    _grant(client)
    lene = db.scalars(select(Representation).where(NOT_DEMO)).one().representative
    sign_in(client, db, lene)
    page = _page(client, "/messages")
    assert page.select("meta[http-equiv]") == []
    assert any(HOSTILE_NAME in message for message in _messages(client))  # shown as typed
