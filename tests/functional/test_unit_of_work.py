"""One unit of work per request: when its commit fails, nothing the request did is
stored (neither the change nor its audit record), and the person is told plainly.

Every route that writes must have a case below: the test walks the URL map and
fails for a POST route without one, so a new write route is checked too.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from citizen_portal.api.oauth import register_client
from citizen_portal.auth.models import UserSession
from citizen_portal.consents.models import ConsentPurpose
from citizen_portal.consents.services import give
from citizen_portal.db import Base, commit_request, utcnow
from citizen_portal.notifications import push
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.notifications.services import notify
from citizen_portal.organisations.models import Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans import handover
from citizen_portal.plans import services as plan_services
from citizen_portal.plans.models import Plan, PlanSeen
from citizen_portal.representation.models import Representation
from citizen_portal.representation.services import grant_power_of_attorney
from citizen_portal.security.actors import Actor, ClientActor, Scope
from citizen_portal.security.web import declared_permission
from tests.conftest import sign_in
from tests.functional.test_registry_api import _related_person
from tests.support.demo import action_plan_of
from tests.support.fhir import (
    REGION,
    accept_handover,
    api_token,
    basic_auth,
    example,
    hand_over,
    post_bundle,
)
from tests.support.pages import csrf, text_of
from tests.support.push_service import Browser

Send = Callable[[], Any]
People = dict[str, Person]

# Routes that write nothing to the database, with the reason.
WRITES_NOTHING: dict[str, str] = {}


def _form(client: FlaskClient, path: str, data: dict[str, Any], form_page: str = "/plans") -> Send:
    token = csrf(client, form_page)
    return lambda: client.post(path, data={"csrf_token": token, **data})


def _sign_out(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-mette"])
    return _form(client, "/auth/sign-out", {})


def _act_for(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-hanne"])
    return _form(client, "/acting-for", {"subject": demo["demo-peter"].id})


def _grant(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    data = {"representative_name": "Lene Nielsen", "representative_cpr": "0505851234"}
    return _form(
        client, "/powers-of-attorney/new", {**data, "scopes": ["read_plans"], "confirmed": "yes"}
    )


def _offer(db: Session, demo: People) -> Representation:
    """Mette offers Hanne a power of attorney, not yet answered."""
    row = grant_power_of_attorney(
        db, demo["demo-mette"], demo["demo-hanne"], [Scope.READ_PLANS], None
    )
    db.commit()
    return row


def _accept(client: FlaskClient, db: Session, demo: People) -> Send:
    row = _offer(db, demo)
    sign_in(client, db, demo["demo-hanne"])
    return _form(client, f"/powers-of-attorney/{row.id}/accept", {})


def _decline(client: FlaskClient, db: Session, demo: People) -> Send:
    row = _offer(db, demo)
    sign_in(client, db, demo["demo-hanne"])
    return _form(client, f"/powers-of-attorney/{row.id}/decline", {})


def _revoke(client: FlaskClient, db: Session, demo: People) -> Send:
    peter = demo["demo-peter"]
    row = db.scalars(select(Representation).where(Representation.represented_id == peter.id))
    sign_in(client, db, peter)
    return _form(client, f"/powers-of-attorney/{row.first().id}/revoke", {})  # type: ignore[union-attr]


def _save_wish(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-peter"])
    return _form(client, "/wishes/early_signs", {"text": "I stop eating.", "based_on": 0})


def _keep_wish_private(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-peter"])
    return _form(client, "/wishes/early_signs/sharing", {"only_for_me": "yes"})


def _stance(client: FlaskClient, db: Session, demo: People) -> Send:
    plan = action_plan_of(db, demo["demo-peter"])
    sign_in(client, db, demo["demo-peter"])
    data = {
        "choice": "agree",
        "version": plan.current_version.number,
        "comment": "",
        "confirm": "yes",
    }
    return _form(client, f"/plans/{plan.id}/stance", data)


def _changes_seen(client: FlaskClient, db: Session, demo: People) -> Send:
    """Mette looked at version 1 of her plan; she marks the changes in version 2 seen."""
    mette = demo["demo-mette"]
    plan = db.scalars(select(Plan).where(Plan.citizen_id == mette.id)).first()
    assert plan is not None
    assert plan.current_version.number == 2
    plan_services.mark_seen(db, mette.id, plan.id, 1)
    db.commit()
    sign_in(client, db, mette)
    return _form(client, f"/plans/{plan.id}/changes-seen", {"version": 2})


def _give_consent(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-peter"])
    until = (utcnow().date() + timedelta(days=100)).isoformat()
    data = {
        "purpose": "inform_gp",
        "recipient": "Lægerne i Byen",
        "plan": "",
        "expires_on": until,
        "confirmed": "yes",
    }
    return _form(client, "/consents/new", data)


def _withdraw(client: FlaskClient, db: Session, demo: People) -> Send:
    peter = demo["demo-peter"]
    until = utcnow().date() + timedelta(days=100)
    consent = give(db, Actor(peter.id, peter.id), ConsentPurpose.INFORM_GP, "GP", None, until)
    db.commit()
    sign_in(client, db, peter)
    return _form(client, f"/consents/{consent.id}/withdraw", {})


def _withdraw_plan_consent(client: FlaskClient, db: Session, demo: People) -> Send:
    peter = demo["demo-peter"]
    sign_in(client, db, peter)
    return _form(client, f"/consents/plans/{action_plan_of(db, peter).id}/withdraw", {})


def _hannes_message(client: FlaskClient, db: Session, demo: People) -> Notification:
    hanne = demo["demo-hanne"]
    power = db.scalars(select(Representation)).first()
    assert power is not None
    notify(db, hanne.id, NotificationKind.REPRESENTATION_FIRST_USED, power)
    message = db.scalars(select(Notification).where(Notification.person_id == hanne.id)).first()
    assert message is not None
    db.commit()
    sign_in(client, db, hanne)
    return message


def _messages_read(client: FlaskClient, db: Session, demo: People) -> Send:
    _hannes_message(client, db, demo)
    return _form(client, "/messages/read", {})


def _message_read(client: FlaskClient, db: Session, demo: People) -> Send:
    message = _hannes_message(client, db, demo)
    return _form(client, f"/messages/{message.id}/read", {})


def _token(client: FlaskClient, db: Session, demo: People) -> Send:
    secret = register_client(db, "uow-system", "Test system", [REGION], ["api:plans:write"])
    db.commit()
    return lambda: client.post(
        "/api/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic_auth("uow-system", secret)},
    )


def _bundle(client: FlaskClient, db: Session, demo: People) -> Send:
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    bundle["entry"][0]["resource"]["identifier"][0]["value"] += "-uow"
    return lambda: post_bundle(client, token, bundle)


def _registration(client: FlaskClient, db: Session, demo: People) -> Send:
    token = api_token(client, db, [], scopes=("api:representations:write",))
    return lambda: client.post(
        "/api/fhir/RelatedPerson",
        data=json.dumps(_related_person()),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )


def _handed_over(client: FlaskClient, db: Session, demo: People) -> tuple[Plan, str]:
    """Peter's action plan, and an organisation to hand it to."""
    plan = action_plan_of(db, demo["demo-peter"])
    receiver = db.scalars(
        select(Organisation.identifier).where(Organisation.id != plan.author_organisation_id)
    ).first()
    assert receiver is not None
    return plan, receiver


def _handover(client: FlaskClient, db: Session, demo: People) -> Send:
    plan, receiver = _handed_over(client, db, demo)
    token = api_token(client, db, [plan.author_identifier], client_id="uow-author")
    named = f"{plan.identifier_system}|{plan.identifier_value}"
    return lambda: hand_over(client, token, named, receiver)


def _accept_handover(client: FlaskClient, db: Session, demo: People) -> Send:
    plan, receiver = _handed_over(client, db, demo)
    author = ClientActor(
        "uow-author", frozenset({plan.author_identifier}), frozenset({"api:plans:write"})
    )
    handover.hand_over(db, author, plan.identifier_system, plan.identifier_value, receiver)
    db.commit()
    token = api_token(client, db, [receiver], client_id="uow-receiver")
    return lambda: accept_handover(
        client, token, f"{plan.identifier_system}|{plan.identifier_value}"
    )


PKCE_VERIFIER = "v" * 50


def _dev_authorize(client: FlaskClient, db: Session, demo: People) -> Send:
    """The development provider stores the code it issues (any worker redeems it)."""
    settings = client.application.config["SETTINGS"]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(PKCE_VERIFIER.encode()).digest())
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.oidc_client_id,
            "redirect_uri": f"{settings.base_url}/auth/callback",
            "scope": "openid profile",
            "state": "s",
            "nonce": secrets.token_hex(8),
            "code_challenge": challenge.rstrip(b"=").decode(),
            "code_challenge_method": "S256",
        }
    )
    return _form(
        client,
        f"/dev-idp/authorize?{query}",
        {"persona": "demo-mette"},
        f"/dev-idp/authorize?{query}",
    )


def _dev_token(client: FlaskClient, db: Session, demo: People) -> Send:
    """The development provider deletes the code it redeems."""
    settings = client.application.config["SETTINGS"]
    answer = _dev_authorize(client, db, demo)()
    code = parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    db.commit()
    return lambda: client.post(
        "/dev-idp/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": f"{settings.base_url}/auth/callback",
            "code_verifier": PKCE_VERIFIER,
        },
        headers={"Authorization": basic_auth(settings.oidc_client_id, settings.oidc_client_secret)},
    )


def _keep_crisis_card(client: FlaskClient, db: Session, demo: People) -> Send:
    peter = demo["demo-peter"]
    sign_in(client, db, peter)
    data = {"for_subject": str(peter.id), "once": "uow-keep-crisis-card"}
    return _form(client, "/crisis-card/keep", data, form_page="/crisis-card")


def _push_settings(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-mette"])
    return _form(client, "/messages/settings", {"push": ["plans"]}, form_page="/messages")


PUSH_ENDPOINT = "https://push.example.net/send/device-1"


def _subscribe(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-mette"])
    token = csrf(client, "/messages")
    body = Browser().subscription(PUSH_ENDPOINT)
    return lambda: client.post(
        "/messages/push-subscription", json=body, headers={"X-CSRFToken": token}
    )


def _unsubscribe(client: FlaskClient, db: Session, demo: People) -> Send:
    mette = demo["demo-mette"]
    keys = Browser().subscription(PUSH_ENDPOINT)["keys"]
    push.subscribe(db, mette.id, None, PUSH_ENDPOINT, (keys["p256dh"], keys["auth"]), "da", False)
    db.commit()
    sign_in(client, db, mette)
    token = csrf(client, "/messages")
    return lambda: client.post(
        "/messages/push-subscription/remove",
        json={"endpoint": PUSH_ENDPOINT},
        headers={"X-CSRFToken": token},
    )


def _keep_alive(client: FlaskClient, db: Session, demo: People) -> Send:
    sign_in(client, db, demo["demo-mette"])
    send = _form(client, "/auth/keep-alive", {})
    row = db.scalars(select(UserSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=5)
    db.commit()
    return send


WRITES: dict[str, Callable[[FlaskClient, Session, People], Send]] = {
    "dev_idp.authorize": _dev_authorize,
    "dev_idp.token": _dev_token,
    "notifications.save_settings": _push_settings,
    "notifications.subscribe": _subscribe,
    "notifications.unsubscribe": _unsubscribe,
    "auth.sign_out": _sign_out,
    "auth.keep_alive": _keep_alive,
    "representation.switch": _act_for,
    "representation.grant": _grant,
    "representation.accept": _accept,
    "representation.decline": _decline,
    "representation.revoke": _revoke,
    "wishes.edit": _save_wish,
    "wishes.sharing": _keep_wish_private,
    "help.keep_crisis_card": _keep_crisis_card,
    "wishes.stance": _stance,
    "plans.changes_seen": _changes_seen,
    "consents.give": _give_consent,
    "consents.withdraw": _withdraw,
    "consents.withdraw_plan_consent": _withdraw_plan_consent,
    "notifications.mark_all_read": _messages_read,
    "notifications.mark_one_read": _message_read,
    "api.token": _token,
    "api.receive_bundle": _bundle,
    "api.register_representation": _registration,
    "api.hand_over_plan": _handover,
    "api.accept_plan_handover": _accept_handover,
}


def test_every_route_that_writes_has_a_case(app: Flask) -> None:
    posting = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in (rule.methods or ()) and declared_permission(app.view_functions[rule.endpoint])
    }
    assert posting - set(WRITES) - set(WRITES_NOTHING) == set()


class _CommitFails(Session):
    """The request's one commit, at its edge, fails: its writes reached the
    database, then the database went away. Any commit before that (a hidden one
    inside a view or service) goes through, so what it stored would show below."""

    def commit(self) -> None:
        if sys._getframe(1).f_code is commit_request.__code__:
            self.flush()
            raise OperationalError("COMMIT", None, Exception("server closed the connection"))
        super().commit()


@contextmanager
def _commits_failing(app: Flask, connection: Connection) -> Iterator[None]:
    database = app.extensions["database"]
    working = database.session_factory
    database.session_factory = sessionmaker(
        bind=connection,
        class_=_CommitFails,
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    try:
        yield
    finally:
        database.session_factory = working


def _everything(db: Session) -> dict[str, list[str]]:
    """Every row of every table."""
    db.expire_all()
    return {
        table.name: sorted(repr(tuple(row)) for row in db.execute(table.select()))
        for table in Base.metadata.sorted_tables
    }


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_when_the_commit_fails_nothing_of_the_request_is_stored(
    app: Flask, connection: Connection, db: Session, demo: People, endpoint: str
) -> None:
    # First, with a working database, the same request does store something, so
    # the comparison below is not trivially true. Then all of that is undone.
    control = connection.begin_nested()
    send = WRITES[endpoint](app.test_client(), db, demo)
    before = _everything(db)
    assert send().status_code < 400
    assert _everything(db) != before
    db.commit()
    control.rollback()

    send = WRITES[endpoint](app.test_client(), db, demo)
    before = _everything(db)
    with _commits_failing(app, connection):
        response = send()
    assert response.status_code == 503
    if endpoint.startswith("api."):
        assert response.get_json()["resourceType"] == "OperationOutcome"
    else:
        assert "Nothing was saved" in text_of(response.get_data(as_text=True))
    assert _everything(db) == before


def test_a_broken_write_still_gets_the_plain_error_page(
    client: FlaskClient, db: Session, demo: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A view whose flush breaks a constraint leaves the transaction unusable; the
    error page (which asks the database, e.g. for the unread-message count in the
    header) must still be shown, and nothing of the request stored."""
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    before = _everything(db)

    def broken_listing(session: Session, person_id: int) -> list[Any]:
        session.add(PlanSeen(person_id=person_id, plan_id=2**62, version_number=1))
        session.flush()  # no such plan: the foreign key refuses it
        return []

    monkeypatch.setattr(plan_services, "plans_for_citizen", broken_listing)
    response = client.get("/plans")
    assert response.status_code == 500
    assert "Sorry, something went wrong on our side" in text_of(response.get_data(as_text=True))
    assert _everything(db) == before
