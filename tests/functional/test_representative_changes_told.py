"""The citizen is told in the app of every change a representative makes on their
behalf, naming the representative and what they did, in plain words (issue 13).
The citizen's own changes send no such message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, csrf, page, text_of

Change = Callable[[FlaskClient, Session, dict[str, Person]], None]


def _wish(client: FlaskClient, db: Session, demo: dict[str, Person]) -> None:
    token = csrf(client, "/wishes/early_signs")
    answer = client.post(
        "/wishes/early_signs",
        data={"csrf_token": token, "text": "Jeg sover dårligt.", "based_on": 0},
    )
    assert answer.status_code == 302


def _only_for_me(client: FlaskClient, db: Session, demo: dict[str, Person]) -> None:
    token = csrf(client, "/wishes")
    answer = client.post(
        "/wishes/early_signs/sharing", data={"csrf_token": token, "only_for_me": "yes"}
    )
    assert answer.status_code == 302


def _stance(client: FlaskClient, db: Session, demo: dict[str, Person]) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    token = csrf(client, f"/plans/{plan.id}")
    answer = client.post(
        f"/plans/{plan.id}/stance",
        data={
            "csrf_token": token,
            "choice": "agree",
            "version": plan.current_version.number,
            "confirm": "yes",  # sent from "Check your answer"
        },
    )
    assert answer.status_code in (302, 303)


def _consent(client: FlaskClient, db: Session, demo: dict[str, Person]) -> None:
    data = {
        "csrf_token": csrf(client, "/consents/new"),
        "purpose": "involve_relative",
        "recipient": "Hanne Sørensen",
        "plan": "",
        "confirmed": "yes",
        "expires_on": (utcnow().date() + timedelta(days=30)).isoformat(),
    }
    assert client.post("/consents/new", data=data).status_code == 303


def _withdrawal(client: FlaskClient, db: Session, demo: dict[str, Person]) -> None:
    consent = db.scalars(select(Consent).where(Consent.withdrawn_at.is_(None))).first()
    assert consent is not None
    token = csrf(client, "/consents")
    assert client.post(
        f"/consents/{consent.id}/withdraw", data={"csrf_token": token}
    ).status_code in (302, 303)


CHANGES: dict[str, tuple[Change, str]] = {
    "wish": (_wish, "Hanne Sørensen changed your wishes on your behalf: "),
    "only for me": (_only_for_me, "Hanne Sørensen kept part of your wishes only for you"),
    "stance": (_stance, "Hanne Sørensen agreed with your plan on your behalf."),
    "consent given": (_consent, "Hanne Sørensen gave consent on your behalf: "),
}


def _give_hanne_consents(db: Session, demo: dict[str, Person]) -> None:
    power = db.scalars(
        select(Representation).where(Representation.representative_id == demo["demo-hanne"].id)
    ).one()
    power.scopes = [*power.scopes, "manage_consents"]
    db.commit()


def _told(db: Session, person: Person) -> list[Notification]:
    db.expire_all()
    return list(
        db.scalars(
            select(Notification).where(
                Notification.person_id == person.id,
                Notification.kind == NotificationKind.REPRESENTATIVE_CHANGED,
            )
        )
    )


def _messages(client: FlaskClient) -> list[str]:
    return [text_of(li) for li in page(client, "/messages").select("li.log-entry")]


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_each_change_by_a_representative_is_told_to_the_citizen(
    kind: str, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    _give_hanne_consents(db, demo)
    change, words = CHANGES[kind]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    change(client, db, demo)
    assert len(_told(db, peter)) == 1
    assert _told(db, hanne) == [], "the representative is not told of her own change"
    sign_in(client, db, peter)
    told = [m for m in _messages(client) if "on your behalf" in m or "only for you" in m]
    assert len(told) == 1, told
    assert words in told[0]
    assert "Jeg sover dårligt" not in told[0], "no health details in the message"


def test_a_withdrawal_by_a_representative_is_told_too(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    _give_hanne_consents(db, demo)
    sign_in(client, db, peter)
    _consent(client, db, demo)  # Peter's own: no message
    assert _told(db, peter) == []
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    _withdrawal(client, db, demo)
    assert len(_told(db, peter)) == 1
    sign_in(client, db, peter)
    assert any("Hanne Sørensen withdrew consent on your behalf" in m for m in _messages(client))


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_the_citizens_own_changes_send_no_such_message(
    kind: str, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    change, _ = CHANGES[kind]
    sign_in(client, db, peter)
    change(client, db, demo)
    assert _told(db, peter) == []


def test_two_changes_are_two_messages(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    _wish(client, db, demo)
    token = csrf(client, "/wishes/early_signs")
    client.post(
        "/wishes/early_signs", data={"csrf_token": token, "text": "Anden tekst.", "based_on": 1}
    )
    assert len(_told(db, peter)) == 2
