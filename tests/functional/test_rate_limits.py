"""The token endpoint and the API are rate limited per client and per address;
refusals are counted in bounded form, never one audit record per attempt.

Limits are off in the rest of the suite (tests/conftest.py); here each test
builds its own app with low limits and fresh in-memory counters, on the test's
rolled-back connection.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session, sessionmaker

from citizen_portal import create_app
from citizen_portal.api.oauth import register_client
from citizen_portal.audit import services as audit_services
from citizen_portal.audit.models import AuditEvent, AuditTag, RefusedCalls
from citizen_portal.audit.services import record_refusal
from citizen_portal.config import ConfigurationError, load_settings
from tests.conftest import CheckingClient, make_settings
from tests.support.fhir import REGION, basic_auth, example, post_bundle

AppFactory = Callable[..., Flask]


@pytest.fixture
def limited_app(database_url: str, connection: Connection) -> AppFactory:
    """An app with rate limits on, sharing the test's connection (rolled back)."""

    def build(**env: str) -> Flask:
        app = create_app(make_settings(database_url, PORTAL_RATE_LIMITS="1", **env))
        app.test_client_class = CheckingClient  # English, as in the rest of the suite
        app.extensions["database"].session_factory = sessionmaker(
            bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
        )
        return app

    return build


def _token(client: FlaskClient, client_id: str, secret: str, address: str = "10.0.0.1") -> Any:
    return client.post(
        "/api/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic_auth(client_id, secret)},
        environ_base={"REMOTE_ADDR": address},
    )


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_too_many_token_requests_get_429_with_retry_after_and_an_outcome(
    limited_app: AppFactory, db: Session
) -> None:
    app = limited_app(PORTAL_RATE_LIMIT_TOKEN="3 per minute")
    secret = register_client(db, "region-epj", "Region", [REGION], ["api:plans:write"])
    db.commit()
    client = app.test_client()
    assert [_token(client, "region-epj", secret).status_code for _ in range(3)] == [200] * 3
    refused = _token(client, "region-epj", secret)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert re.search(r"Wait \d+ seconds", refused.get_data(as_text=True))
    body = refused.get_json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"][0]["code"] == "throttled"
    assert "Too many calls" in body["issue"][0]["diagnostics"]


def test_the_limit_is_per_client_and_per_address(limited_app: AppFactory, db: Session) -> None:
    app = limited_app(PORTAL_RATE_LIMIT_TOKEN="2 per minute")
    one = register_client(db, "one", "One", [REGION], ["api:plans:write"])
    two = register_client(db, "two", "Two", [REGION], ["api:plans:write"])
    db.commit()
    client = app.test_client()
    # Per client: "one" from two addresses uses up its own allowance.
    assert _token(client, "one", one, "10.0.0.1").status_code == 200
    assert _token(client, "one", one, "10.0.0.2").status_code == 200
    assert _token(client, "one", one, "10.0.0.3").status_code == 429
    # Another client is not held back by it...
    assert _token(client, "two", two, "10.0.0.3").status_code == 200
    # ...but per address: 10.0.0.3 has now made two calls, and is refused whoever it claims.
    assert _token(client, "two", two, "10.0.0.3").status_code == 200
    assert _token(client, "two", two, "10.0.0.3").status_code == 429
    assert _token(client, "two", two, "10.0.0.4").status_code == 429


def test_wrong_secrets_in_a_clients_name_do_not_lock_the_client_out(
    limited_app: AppFactory, db: Session
) -> None:
    """Found by the second outside review: a few token requests with a partner's
    client id and a wrong secret used up that partner's own allowance, so whoever
    knew the id could keep a hospital from sending plans."""
    app = limited_app(PORTAL_RATE_LIMIT_TOKEN="2 per minute")
    secret = register_client(db, "one", "One", [REGION], ["api:plans:write"])
    db.commit()
    client = app.test_client()
    for address in ("10.9.9.1", "10.9.9.2", "10.9.9.3", "10.9.9.4"):
        assert _token(client, "one", "guessed", address).status_code == 401
    assert _token(client, "one", secret, "10.0.0.1").status_code == 200


def test_unknown_and_known_client_ids_get_the_same_refusal(
    limited_app: AppFactory, db: Session
) -> None:
    app = limited_app(PORTAL_RATE_LIMIT_TOKEN="2 per minute")
    register_client(db, "known", "Known", [REGION], ["api:plans:write"])
    db.commit()
    client = app.test_client()
    answers = {}
    for client_id, address in (("known", "10.0.1.1"), ("made-up", "10.0.2.1")):
        statuses = []
        for _ in range(3):
            response = _token(client, client_id, "wrong", address)
            statuses.append(response.status_code)
        # The same words, with the seconds to wait left out (they tick).
        body = re.sub(r"\d+", "N", json.dumps(response.get_json()))
        answers[client_id] = (statuses, body, "Retry-After" in response.headers)
    assert answers["known"] == answers["made-up"]
    assert answers["known"][0] == [401, 401, 429]


def test_api_calls_are_limited_per_client(limited_app: AppFactory, db: Session) -> None:
    app = limited_app(PORTAL_RATE_LIMIT_API="2 per minute")
    secret = register_client(db, "region-epj", "Region", [REGION], ["api:plans:write"])
    db.commit()
    client = app.test_client()
    token = _token(client, "region-epj", secret).get_json()["access_token"]
    statuses = [post_bundle(client, token, example("discharge-agreement")).status_code]
    statuses.append(post_bundle(client, token, example("discharge-agreement")).status_code)
    refused = post_bundle(client, token, example("discharge-agreement"))
    assert statuses == [201, 200]
    assert refused.status_code == 429
    assert refused.headers["Retry-After"]
    assert refused.get_json()["resourceType"] == "OperationOutcome"
    # The refusal is counted under the client it came from.
    row = db.scalars(select(RefusedCalls).where(RefusedCalls.status == "429")).one()
    assert (row.client_id, row.count) == ("region-epj", 1)


def _within_one_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The refused calls' clock stands still mid-minute: a hundred calls could
    otherwise straddle a minute's end and rightly fill two summary rows."""
    still = datetime(2026, 11, 29, 12, 0, 30, tzinfo=UTC)
    monkeypatch.setattr(audit_services, "utcnow", lambda: still)


def test_a_hundred_refused_calls_in_a_minute_write_one_summary_row(
    limited_app: AppFactory, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _within_one_minute(monkeypatch)
    app = limited_app(PORTAL_RATE_LIMIT_API="1000 per minute")
    client = app.test_client()
    before = _count(db, AuditEvent)
    for _ in range(100):
        response = post_bundle(client, "made-up-token", example("discharge-agreement"))
        assert response.status_code == 401
    rows = db.scalars(select(RefusedCalls)).all()
    assert [(r.tag, r.status, r.count) for r in rows] == [(AuditTag.API_CALL_REFUSED, "401", 100)]
    assert _count(db, AuditEvent) == before + 1
    event = db.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event is not None
    assert event.details["counted_in"] == "refused_calls"


def test_a_hundred_rate_limited_calls_write_one_summary_row(
    limited_app: AppFactory, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    _within_one_minute(monkeypatch)
    app = limited_app(PORTAL_RATE_LIMIT_TOKEN="1 per minute")
    client = app.test_client()
    statuses = [_token(client, f"guess-{n}", "x").status_code for n in range(101)]
    assert statuses == [401] + [429] * 100
    limited = db.scalars(
        select(RefusedCalls).where(RefusedCalls.tag == AuditTag.API_CALL_RATE_LIMITED)
    ).all()
    assert [(r.client_id, r.address, r.count) for r in limited] == [("", "10.0.0.1", 100)]
    events = db.scalars(
        select(AuditEvent).where(AuditEvent.tag == AuditTag.API_CALL_RATE_LIMITED)
    ).all()
    assert len(events) == 1


def test_summary_rows_are_per_minute(db: Session, app: Flask) -> None:
    with app.test_request_context():
        for minute, second in ((1, 0), (1, 59), (2, 0)):
            at = datetime(2026, 11, 29, 10, minute, second, tzinfo=UTC)
            record_refusal(
                db, tag=AuditTag.API_CALL_REFUSED, status=401, client_id="", address="a", now=at
            )
    counts = db.scalars(select(RefusedCalls.count).order_by(RefusedCalls.window_start)).all()
    assert counts == [2, 1]


def test_limits_are_configurable_and_checked() -> None:
    settings = load_settings(
        {
            "PORTAL_ENV": "test",
            "PORTAL_RATE_LIMIT_TOKEN": "5 per minute",
            "PORTAL_RATE_LIMIT_API": "100 per minute;2000 per hour",
            "REDIS_URL": "redis://127.0.0.1:6379/15",
            "PORTAL_SECRET_KEY": "k" * 40,
            "PORTAL_CPR_HASH_KEY": "c",
        }
    )
    assert settings.rate_limit_token == "5 per minute"
    assert settings.rate_limit_api == "100 per minute;2000 per hour"
    assert settings.redis_url == "redis://127.0.0.1:6379/15"
    assert settings.rate_limits_enabled
    with pytest.raises(ConfigurationError):
        create_app(make_settings("sqlite://", PORTAL_RATE_LIMIT_API="lots"))


def _redis_available() -> bool:
    try:
        return bool(redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_timeout=1).ping())
    except redis.RedisError:
        return False


def test_counters_are_shared_through_redis_when_it_is_configured(
    limited_app: AppFactory, db: Session
) -> None:
    if not _redis_available():
        pytest.fail("A Redis server on 127.0.0.1:6379 is needed for this test.")
    url = "redis://127.0.0.1:6379/15"
    # Names of this run only: counters in Redis outlive the test by a minute.
    name, address = str(uuid.uuid4()), f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.9"
    # Two apps (two workers) share one allowance.
    first = limited_app(PORTAL_RATE_LIMIT_TOKEN="2 per minute", REDIS_URL=url).test_client()
    second = limited_app(PORTAL_RATE_LIMIT_TOKEN="2 per minute", REDIS_URL=url).test_client()
    assert _token(first, name, "y", address).status_code == 401
    assert _token(second, name, "y", address).status_code == 401
    assert _token(first, name, "y", address).status_code == 429


def test_unreadable_credentials_are_counted_and_refused_not_500(
    limited_app: AppFactory, db: Session
) -> None:
    """The limiter reads the claimed client id before the view: it must not fail on
    credentials that cannot be read (fourth outside review)."""
    client = limited_app().test_client()
    for authorization in ("Basic \u00e9", "Basic ", "Foo "):
        response = client.post(
            "/api/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": authorization},
            environ_base={"REMOTE_ADDR": "10.7.7.7"},
        )
        assert response.status_code == 401, authorization
