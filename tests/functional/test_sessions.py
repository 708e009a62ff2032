"""Server-side sessions: sign-out and timeouts end them everywhere."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal import create_app
from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.auth.models import UserSession
from citizen_portal.auth.views import _safe_next
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


def test_sign_in_only_redirects_to_paths_on_this_site(client: FlaskClient) -> None:
    assert _safe_next("/plans/3") == "/plans/3"
    for hostile in ("https://evil.example/", "//evil.example", "/\\evil.example", "", None):
        assert _safe_next(hostile) is None


def test_other_host_names_are_sent_to_the_configured_one(client: FlaskClient) -> None:
    response = client.get("/plans?x=1", base_url="http://127.0.0.1")
    assert response.status_code == 308
    assert response.headers["Location"] == "http://localhost/plans?x=1"
    assert client.get("/healthz", base_url="http://10.0.0.7").status_code == 200
