"""Server-side sessions: sign-out and timeouts end them everywhere."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal import create_app
from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.auth import services as auth_services
from citizen_portal.auth.models import UserSession
from citizen_portal.auth.views import _safe_next
from citizen_portal.db import utcnow
from citizen_portal.demo.data import PERSONAS
from citizen_portal.people.models import Person
from tests.conftest import make_settings, sign_in


def _csrf(client: FlaskClient) -> str:
    """The token from the sign-out form in the page header, as a browser would send it."""
    page = BeautifulSoup(client.get("/plans").get_data(as_text=True), "html.parser")
    field = page.select_one("form[action='/auth/sign-out'] input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def test_sign_out_ends_the_server_session_so_an_old_cookie_is_useless(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    token = sign_in(client, db, demo["demo-mette"])
    assert client.get("/plans").status_code == 200
    response = client.post("/auth/sign-out", data={"csrf_token": _csrf(client)})
    assert response.status_code == 302
    row = db.scalars(select(UserSession)).one()
    db.refresh(row)
    assert row.ended_at is not None
    # Replaying the stolen cookie value after sign-out does not work.
    with client.session_transaction() as session:
        session["_user_id"] = token
    assert client.get("/plans").status_code == 302


def test_sign_out_without_csrf_token_is_refused(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    response = client.post("/auth/sign-out")
    assert response.status_code == 400
    assert "Your page had expired" in response.get_data(as_text=True)
    assert client.get("/plans").status_code == 200


def test_idle_session_expires_and_is_audited(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    row = db.scalars(select(UserSession)).one()
    row.last_seen_at = row.last_seen_at - timedelta(minutes=16)
    db.commit()
    response = client.get("/plans")
    assert response.status_code == 302
    assert "/auth/sign-in" in response.headers["Location"]
    tags = db.scalars(select(AuditEvent.tag)).all()
    assert AuditTag.ACCOUNT_SESSION_EXPIRED in tags


def test_session_has_an_absolute_lifetime(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    row = db.scalars(select(UserSession)).one()
    row.created_at = row.created_at - timedelta(hours=9)
    db.commit()
    assert client.get("/plans").status_code == 302


def test_session_cookie_flags(database_url: str) -> None:
    secure = make_settings(database_url, base_url="https://portal.example")
    app: Flask = create_app(secure)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["SESSION_COOKIE_NAME"].startswith("__Host-")
    client = app.test_client()
    with client.session_transaction() as session:
        session["x"] = "1"
    response = client.get("/healthz", base_url="https://portal.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# Known open-redirect payloads, as they arrive after the query string is decoded.
OPEN_REDIRECTS = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "/\t/evil.example",  # browsers drop the tab: //evil.example
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/ /evil.example",
    "/\x00/evil.example",
    "/\u3000/evil.example",  # ideographic space
    "/\u200b/evil.example",  # zero-width space
    "/\u2028/evil.example",  # line separator
    "/\x7f/evil.example",
    "/plans\r\nSet-Cookie: x=1",  # header injection
    "\t//evil.example",
    "javascript:alert(1)",
    "",
    None,
]


def test_sign_in_only_redirects_to_paths_on_this_site(client: FlaskClient) -> None:
    assert _safe_next("/plans/3") == "/plans/3"
    assert _safe_next("/wishes/early_signs?plan=3") == "/wishes/early_signs?plan=3"
    for hostile in OPEN_REDIRECTS:
        assert _safe_next(hostile) is None, repr(hostile)


@pytest.mark.parametrize("target", ["/%09/evil.example", "/%0d%0a/evil.example"])
def test_a_hostile_next_is_never_kept_for_after_sign_in(client: FlaskClient, target: str) -> None:
    client.get(f"/auth/sign-in?next={target}")
    with client.session_transaction() as session:
        assert "after_sign_in" not in session


def test_other_host_names_are_sent_to_the_configured_one(client: FlaskClient) -> None:
    response = client.get("/plans?x=1", base_url="http://127.0.0.1")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/plans?x=1"
    assert client.get("/healthz", base_url="http://10.0.0.7").status_code == 200


def test_signing_in_again_ends_the_previous_server_session(
    client: FlaskClient, db: Session, demo: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh sign-in (e.g. before giving a power of attorney) must not leave the
    earlier session alive for whoever still holds its cookie."""
    mette = demo["demo-mette"]
    old_token = sign_in(client, db, mette)
    identity = auth_services.VerifiedIdentity(
        subject="demo-mette",
        cpr=next(p.cpr for p in PERSONAS if p.subject == "demo-mette"),
        given_name=mette.given_name,
        family_name=mette.family_name,
        acr=None,
        auth_time=int(utcnow().timestamp()),
    )
    monkeypatch.setattr(auth_services, "complete_sign_in", lambda: identity)
    assert client.get("/auth/callback").status_code == 302
    old = db.scalars(
        select(UserSession).where(
            UserSession.token_hash == hashlib.sha256(old_token.encode()).hexdigest()
        )
    ).one()
    db.refresh(old)
    assert old.ended_at is not None
    # Whoever kept the old cookie's token is sent to sign in.
    with client.session_transaction() as session:
        session["_user_id"] = old_token
    assert client.get("/plans").status_code == 302
