"""Reading the messages page changes nothing; marking them read is a POST of the
person's own, for their own messages only (issue 13: state changes only by POST)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.notifications.services import notify, unread_count
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from tests.conftest import sign_in
from tests.support.pages import act_for, csrf, page, text_of


def _two_messages_for(db: Session, person: Person) -> list[Notification]:
    power = db.scalars(select(Representation)).first()
    assert power is not None
    notify(db, person.id, NotificationKind.REPRESENTATION_FIRST_USED, power)
    notify(db, person.id, NotificationKind.REPRESENTATION_EXPIRING, power)
    db.commit()
    return list(db.scalars(select(Notification).where(Notification.person_id == person.id)))


def _badge(shown: BeautifulSoup) -> str | None:
    """The number on "Messages" in the menu, as read aloud."""
    badge = shown.select_one(".bottom-nav .badge")
    return text_of(badge) if badge else None


def test_viewing_the_messages_leaves_them_unread(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    _two_messages_for(db, mette)
    sign_in(client, db, mette)
    before = unread_count(db, mette.id)
    assert before >= 2
    for _ in range(2):
        shown = page(client, "/messages")
        assert shown.select("li.is-new"), "still shown as new"
    db.expire_all()
    assert unread_count(db, mette.id) == before


def test_mark_one_and_mark_all_are_posts_that_change_the_count(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    first, *_ = _two_messages_for(db, mette)
    sign_in(client, db, mette)
    before = unread_count(db, mette.id)
    assert _badge(page(client, "/plans")) == f"{before} new"
    answer = client.post(f"/messages/{first.id}/read", data={"csrf_token": csrf(client)})
    assert answer.status_code == 303
    db.expire_all()
    assert unread_count(db, mette.id) == before - 1
    assert _badge(page(client, answer.location)) == f"{before - 1} new", "the menu counts again"
    assert db.get(Notification, first.id).read_at is not None  # type: ignore[union-attr]

    answer = client.post("/messages/read", data={"csrf_token": csrf(client)})
    assert answer.status_code == 303
    db.expire_all()
    assert unread_count(db, mette.id) == 0
    shown = page(client, answer.location)
    assert "All your messages are marked as read" in text_of(shown)
    assert shown.select("li.is-new") == []
    assert _badge(shown) is None


def test_without_the_csrf_token_nothing_is_marked(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    _two_messages_for(db, mette)
    sign_in(client, db, mette)
    before = unread_count(db, mette.id)
    assert client.post("/messages/read").status_code == 400
    db.expire_all()
    assert unread_count(db, mette.id) == before


def test_another_persons_message_answers_404_and_stays_unread(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peters = _two_messages_for(db, demo["demo-peter"])
    sign_in(client, db, demo["demo-mette"])
    for message in peters:
        answer = client.post(f"/messages/{message.id}/read", data={"csrf_token": csrf(client)})
        assert answer.status_code == 404
    db.expire_all()
    assert all(db.get(Notification, m.id).read_at is None for m in peters)  # type: ignore[union-attr]


def test_a_representative_acting_for_someone_cannot_mark_their_messages(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Hanne acts for Peter, but Peter's messages are his: she reads and marks her own."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    peters = _two_messages_for(db, peter)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    answer = client.post(f"/messages/{peters[0].id}/read", data={"csrf_token": csrf(client)})
    assert answer.status_code == 404
    client.post("/messages/read", data={"csrf_token": csrf(client)})
    db.expire_all()
    assert unread_count(db, peter.id) == len(peters)
