"""Notices reach a person's phone by Web Push, through a push service on loopback
that implements the protocol: encrypted for the device's keys, signed with VAPID,
saying nothing about health; gone devices are dropped, busy services retried, and
the message is in the app whatever the push service does."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.notifications.models import (
    Notification,
    NotificationKind,
    PushDelivery,
    PushSubscription,
)
from citizen_portal.notifications.rules import LOCAL
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans import handover
from citizen_portal.plans.models import Plan
from citizen_portal.plans.vocabulary import PLAN_TYPE_NAMES
from citizen_portal.security.actors import ClientActor
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, csrf, page
from tests.support.push_service import Browser, PushService, start_push_service

People = dict[str, Person]
# Daytime in Copenhagen (no pushes at night), on the day the demo was loaded.
DAY = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)


@pytest.fixture
def service() -> Iterator[PushService]:
    running = start_push_service()
    yield running
    running.server.shutdown()
    running.server.server_close()


@pytest.fixture
def local_push(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test push service is on loopback: allowed here, as in development."""
    monkeypatch.setitem(
        app.config, "SETTINGS", replace(app.config["SETTINGS"], push_allow_local=True)
    )


def _subscribe(client: FlaskClient, body: object) -> int:
    token = csrf(client, "/messages")
    response = client.post("/messages/push-subscription", json=body, headers={"X-CSRFToken": token})
    return response.status_code


def _send(app: Flask, at: datetime = DAY) -> str:
    result = app.test_cli_runner().invoke(
        args=["send-notices", "--now", at.strftime("%Y-%m-%dT%H:%M")]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _messages(client: FlaskClient) -> list[str]:
    return [li.get_text(" ") for li in page(client, "/messages").select("li.log-entry")]


def _health_words(app: Flask, db: Session, person: Person) -> set[str]:
    """What a lock screen must never show: plan types, tasks, teams, the person."""
    words = {person.full_name, person.given_name}
    with app.test_request_context():
        for language in ("da", "en", "ar"):
            with force_locale(language):
                words |= {str(name) for name in PLAN_TYPE_NAMES.values()}
    for plan in db.scalars(select(Plan).where(Plan.citizen_id == person.id)):
        version = plan.current_version
        words |= {a.description for a in version.actions}
        words |= {a.place or "" for a in version.appointments}
        words.add(plan.author_organisation.name)
    words |= set(db.scalars(select(Organisation.name)))
    words |= set(db.scalars(select(Function.title)))
    return {w for w in words if w and len(w) > 3}


@pytest.mark.usefixtures("local_push")
def test_the_news_reaches_the_phone_encrypted_and_says_nothing_about_health(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    browser = Browser()
    assert _subscribe(client, browser.subscription(service.endpoint("mette"))) == 201

    output = _send(app)
    assert "sent to 1 devices" in output
    [arrived] = service.to("mette")  # one push for the device, however much news
    assert arrived.vapid_claims is not None, "signed with the configured VAPID key"
    assert arrived.vapid_claims["sub"] == app.config["SETTINGS"].vapid_subject
    assert arrived.headers["content-encoding"] == "aes128gcm"
    assert int(arrived.headers["ttl"]) > 0
    for word in _health_words(app, db, mette):
        assert word.encode() not in arrived.body

    shown = json.loads(browser.decrypt(arrived.body))
    assert shown == {
        "title": "My plans",
        "body": "You have news in My plans.",
        "url": "http://localhost/messages",
    }, "the words of the page's language, and a link to the messages page"
    text = json.dumps(shown, ensure_ascii=False)
    for word in _health_words(app, db, mette):
        assert word not in text

    # The notices are messages in the app, and each is told once.
    kinds = db.scalars(select(Notification.kind).where(Notification.person_id == mette.id)).all()
    assert kinds == [NotificationKind.PLAN_VERSION], "her plan's second version, not yet opened"
    assert "0 new messages, 0 pushes queued; sent to 0 devices" in _send(app)
    assert len(service.to("mette")) == 1
    assert any("There is a new version of your plan" in m for m in _messages(client))


@pytest.mark.usefixtures("local_push")
@pytest.mark.parametrize("gone", [404, 410])
def test_a_device_the_push_service_says_is_gone_is_dropped_and_the_message_stays(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService, gone: int
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    assert _subscribe(client, Browser().subscription(service.endpoint("old-phone"))) == 201
    service.answer("old-phone", gone)
    assert "1 devices gone" in _send(app)
    assert db.scalars(select(PushSubscription)).all() == []
    assert db.scalars(select(PushDelivery)).all() == []
    assert _messages(client), "the messages are in the app"


@pytest.mark.usefixtures("local_push")
@pytest.mark.parametrize("busy", [500, 503, 429])
def test_a_busy_push_service_is_tried_again_later_with_back_off(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService, busy: int
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    browser = Browser()
    assert _subscribe(client, browser.subscription(service.endpoint("phone"))) == 201
    service.answer("phone", busy, busy)
    assert "1 to try again" in _send(app)
    assert _messages(client), "the messages are in the app at once"
    assert "sent to 0 devices, 0 to try again" in _send(app, DAY + timedelta(seconds=30))
    assert len(service.to("phone")) == 1, "not before the back-off"
    assert "1 to try again" in _send(app, DAY + timedelta(minutes=2))
    assert "sent to 0 devices, 0 to try again" in _send(app, DAY + timedelta(minutes=4))
    assert "sent to 1 devices" in _send(app, DAY + timedelta(minutes=8))
    assert len(service.to("phone")) == 3
    assert json.loads(browser.decrypt(service.to("phone")[-1].body))["url"].endswith("/messages")
    assert "sent to 0 devices" in _send(app, DAY + timedelta(hours=1))


@pytest.mark.usefixtures("local_push")
def test_no_push_at_night_only_in_the_morning(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService
) -> None:
    sign_in(client, db, demo["demo-mette"])
    assert _subscribe(client, Browser().subscription(service.endpoint("phone"))) == 201
    night = DAY.replace(hour=1)  # 02:00 or 03:00 in Copenhagen
    assert "pushes queued; sent to 0 devices" in _send(app, night)
    assert service.to("phone") == []
    assert "sent to 1 devices" in _send(app, night.replace(hour=6, minute=5))


@pytest.mark.usefixtures("local_push")
def test_kinds_turned_off_stay_in_the_app_only(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService
) -> None:
    sign_in(client, db, demo["demo-mette"])
    assert _subscribe(client, Browser().subscription(service.endpoint("phone"))) == 201
    token = csrf(client, "/messages")
    response = client.post("/messages/settings", data={"csrf_token": token})  # all off
    assert response.status_code == 303
    boxes = page(client, "/messages").select("input[name=push]")
    assert boxes
    assert not any(box.has_attr("checked") for box in boxes)
    assert "0 pushes queued" in _send(app)
    assert service.to("phone") == []
    assert _messages(client)


@pytest.mark.usefixtures("local_push")
def test_signing_out_removes_this_devices_subscription_only(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette)  # the tablet: subscribed in an earlier sign-in
    assert _subscribe(client, Browser().subscription(service.endpoint("tablet"))) == 201
    sign_in(client, db, mette)  # the phone
    assert _subscribe(client, Browser().subscription(service.endpoint("phone"))) == 201
    token = csrf(client, "/messages")
    client.post("/auth/sign-out", data={"csrf_token": token})
    endpoints = {s.endpoint for s in db.scalars(select(PushSubscription))}
    assert endpoints == {service.endpoint("tablet")}

    # The tablet signs in again later and signs out: its script names its endpoint.
    sign_in(client, db, mette)
    token = csrf(client, "/messages")
    client.post(
        "/auth/sign-out", data={"csrf_token": token, "push_endpoint": service.endpoint("tablet")}
    )
    assert db.scalars(select(PushSubscription)).all() == []


def test_a_subscription_is_the_signed_in_persons_never_anothers(
    client: FlaskClient, db: Session, demo: People
) -> None:
    mette, jonas = demo["demo-mette"], demo["demo-jonas"]
    hanne, peter = demo["demo-hanne"], demo["demo-peter"]
    sign_in(client, db, jonas)
    body = {**Browser().subscription("https://push.example.net/a"), "person_id": mette.id}
    assert _subscribe(client, body) == 201
    # A representative acting for the citizen subscribes their own phone, not his.
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    assert _subscribe(client, Browser().subscription("https://push.example.net/b")) == 201
    owners = {s.endpoint: s.person_id for s in db.scalars(select(PushSubscription))}
    assert owners == {
        "https://push.example.net/a": jonas.id,
        "https://push.example.net/b": hanne.id,
    }

    # Nobody removes another person's device.
    sign_in(client, db, mette)
    token = csrf(client, "/messages")
    client.post(
        "/messages/push-subscription/remove",
        json={"endpoint": "https://push.example.net/a"},
        headers={"X-CSRFToken": token},
    )
    client.post(
        "/auth/sign-out", data={"csrf_token": token, "push_endpoint": "https://push.example.net/a"}
    )
    assert len(db.scalars(select(PushSubscription)).all()) == 2


def test_an_anonymous_visitor_subscribes_nothing(client: FlaskClient, db: Session) -> None:
    response = client.post(
        "/messages/push-subscription", json=Browser().subscription("https://push.example.net/a")
    )
    assert response.status_code in (302, 400, 401, 403)
    assert db.scalars(select(PushSubscription)).all() == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.net/a",  # not https
        "http://127.0.0.1:8080/push",  # loopback: only the test push service, when allowed
        "https://localhost/push",
        "https://127.0.0.1/push",
        "https://10.0.0.5/push",
        "https://192.168.1.1/push",
        "https://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "https://[::1]/push",
        "https://[fd00::1]/push",
        "https://db.internal/push",
        "https://2130706433/push",  # 127.0.0.1 as one number
        "https://0x7f.1/push",
        "https://user:pw@push.example.net/a",
        "https://push.example.net/" + "a" * 1000,
        "file:///etc/passwd",
        "https://push.example.net:99999/a",  # no such port: would be retried for ever
        "https://push.example.net:８０/a",
    ],
)
def test_an_endpoint_into_the_servers_own_network_is_refused(
    client: FlaskClient, db: Session, demo: People, endpoint: str
) -> None:
    sign_in(client, db, demo["demo-mette"])
    assert _subscribe(client, Browser().subscription(endpoint)) == 400
    assert db.scalars(select(PushSubscription)).all() == []


@pytest.mark.parametrize(
    "body",
    [
        None,
        "text",
        [],
        {"endpoint": "https://push.example.net/a"},
        {"endpoint": "https://push.example.net/a", "keys": {"p256dh": "x", "auth": "y"}},
        {"endpoint": 5, "keys": {"p256dh": 1, "auth": 2}},
        {"endpoint": "https://push.example.net/a", "keys": {"p256dh": "!!", "auth": "%%"}},
    ],
)
def test_a_broken_subscription_is_a_plain_400(
    client: FlaskClient, db: Session, demo: People, body: object
) -> None:
    sign_in(client, db, demo["demo-mette"])
    assert _subscribe(client, body) == 400
    assert db.scalars(select(PushSubscription)).all() == []


def test_the_messages_page_offers_push_only_to_scripts_and_says_what_the_phone_shows(
    client: FlaskClient, db: Session, demo: People
) -> None:
    sign_in(client, db, demo["demo-mette"])
    soup = page(client, "/messages")
    offer = soup.select_one("#push-offer")
    assert offer is not None
    assert offer.has_attr("hidden"), "without JavaScript, push is simply not offered"
    assert len(str(offer["data-key"])) == 87  # a P-256 public key, base64url
    assert "You have news in My plans" in soup.get_text()


@pytest.mark.usefixtures("local_push")
def test_a_new_team_and_what_a_representative_did_reach_the_citizen_once(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    receiver = db.scalars(
        select(Organisation).where(Organisation.id != plan.author_organisation_id)
    ).first()
    assert receiver is not None
    author = ClientActor(
        "author", frozenset({plan.author_identifier}), frozenset({"api:plans:write"})
    )
    taker = ClientActor("taker", frozenset({receiver.identifier}), frozenset({"api:plans:write"}))
    handover.hand_over(
        db, author, plan.identifier_system, plan.identifier_value, receiver.identifier
    )
    handover.accept_handover(db, taker, plan.identifier_system, plan.identifier_value)
    db.commit()

    sign_in(client, db, peter)
    browser = Browser()
    assert _subscribe(client, browser.subscription(service.endpoint("peter"))) == 201
    page(client, f"/plans/{plan.id}")  # he has read the plan: no "new version" notice
    sign_in(client, db, hanne)
    act_for(client, peter.id)  # his sister acts for him for the first time

    _send(app)
    kinds = set(db.scalars(select(Notification.kind).where(Notification.person_id == peter.id)))
    assert {NotificationKind.PLAN_HANDED_OVER, NotificationKind.REPRESENTATION_FIRST_USED} <= kinds
    [arrived] = service.to("peter")
    shown = browser.decrypt(arrived.body).decode()
    for word in (receiver.name, "Hanne", "Peter", *_health_words(app, db, peter)):
        assert word not in shown
    _send(app, DAY + timedelta(days=1))  # the next day: other news maybe, not these again
    again = list(db.scalars(select(Notification.kind).where(Notification.person_id == peter.id)))
    assert again.count(NotificationKind.PLAN_HANDED_OVER) == 1
    assert again.count(NotificationKind.REPRESENTATION_FIRST_USED) == 1

    sign_in(client, db, peter)
    messages = _messages(client)
    assert any(f"{receiver.name} is now responsible for your plan" in m for m in messages)
    assert any("used your power of attorney for the first time" in m for m in messages)


@pytest.mark.usefixtures("local_push")
def test_the_lock_screen_words_are_in_the_phones_language(
    app: Flask, client: FlaskClient, db: Session, demo: People, service: PushService
) -> None:
    sign_in(client, db, demo["demo-mette"])
    browser = Browser()
    token = csrf(client, "/messages")
    response = client.post(
        "/messages/push-subscription",
        json=browser.subscription(service.endpoint("danish")),
        headers={"X-CSRFToken": token, "Accept-Language": "da"},
    )
    assert response.status_code == 201
    _send(app)
    [arrived] = service.to("danish")
    shown = json.loads(browser.decrypt(arrived.body))
    assert (shown["title"], shown["body"]) == ("Mine planer", "Du har nyt i Mine planer.")


def _at(day: date) -> datetime:
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def test_appointments_late_dates_and_tasks_from_the_stored_plans_each_once(
    app: Flask, db: Session, demo: People
) -> None:
    """The rules read the newest version of each stored plan (the unit tests vary
    the facts; this checks the facts are the stored plans')."""
    peter = demo["demo-peter"]
    version = action_plan_of(db, peter).current_version
    appointment = version.appointments[0]
    task = next(a for a in version.actions if a.due_date and a.status not in ("done", "cancelled"))

    def kinds() -> list[str]:
        return list(db.scalars(select(Notification.kind).where(Notification.person_id == peter.id)))

    day_before = appointment.starts_at.astimezone(LOCAL).date() - timedelta(days=1)
    _send(app, _at(day_before))
    _send(app, _at(day_before))
    assert kinds().count(NotificationKind.APPOINTMENT_TOMORROW) == 1
    due = task.due_date
    assert due is not None
    _send(app, _at(due + timedelta(days=1)))
    _send(app, _at(due + timedelta(days=2)))
    assert kinds().count(NotificationKind.TASK_OVERDUE) >= 1
    assert version.review_date is not None
    _send(app, _at(version.review_date + timedelta(days=1)))
    _send(app, _at(version.review_date + timedelta(days=3)))
    assert kinds().count(NotificationKind.REVIEW_PASSED) == 1
