"""A hostile or broken provider is refused: a clear page, no session, an audit record.

Each test changes exactly one thing from a well-behaved answer; the first test
shows that the well-behaved answer signs in, so each refusal is for its defect.
"""

from __future__ import annotations

import pytest
import requests
from sqlalchemy import func, select

from citizen_portal.audit.models import AuditEvent, AuditTag
from tests.e2e.conftest import HostileSetup


def _refusals(setup: HostileSetup) -> int:
    with setup.portal.engine.connect() as conn:
        count = conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.tag == AuditTag.ACCOUNT_SIGN_IN_REFUSED)
        )
    return count or 0


def _attempt(setup: HostileSetup, defect: str) -> tuple[requests.Session, requests.Response]:
    setup.provider.defect = defect
    session = requests.Session()
    session.headers["Accept-Language"] = "en"
    response = session.get(f"{setup.portal.url}/auth/sign-in", timeout=10)
    return session, response


def test_well_behaved_answer_signs_in(hostile: HostileSetup) -> None:
    _session, response = _attempt(hostile, "none")
    assert response.status_code == 200
    assert response.url == f"{hostile.portal.url}/plans"
    assert "Signed in as Mette Nielsen" in response.text


@pytest.mark.parametrize(
    ("defect", "reason"),
    [
        ("wrong_state", "oauth: mismatching_state"),
        ("wrong_nonce", "id token: invalid_claim"),
        ("wrong_issuer", "id token: invalid_claim"),
        ("wrong_audience", "id token: invalid_claim"),
        ("wrong_audience_with_azp", "id token: invalid_claim"),
        ("expired", "id token: expired_token"),
        ("alg_none", "id token: unsupported_algorithm"),
        ("tampered_signature", "id token: bad_signature"),
        ("unknown_kid", "id token: invalid_key_id"),
        ("wrong_issuer_in_response", "authorization response from another issuer"),
    ],
)
def test_defective_answer_is_refused_with_no_session(
    hostile: HostileSetup, defect: str, reason: str
) -> None:
    before = _refusals(hostile)
    session, response = _attempt(hostile, defect)
    assert response.status_code == 400
    assert response.url.startswith(f"{hostile.portal.url}/auth/callback")
    assert "We could not sign you in" in response.text
    assert "You are not signed in." in response.text
    assert "Sign out" not in response.text
    follow = session.get(f"{hostile.portal.url}/plans", allow_redirects=False, timeout=10)
    assert follow.status_code == 302, "no session was created"
    assert _refusals(hostile) == before + 1
    assert _last_refusal_reason(hostile) == reason


def _last_refusal_reason(setup: HostileSetup) -> str:
    with setup.portal.engine.connect() as conn:
        details = conn.scalars(
            select(AuditEvent.details)
            .where(AuditEvent.tag == AuditTag.ACCOUNT_SIGN_IN_REFUSED)
            .order_by(AuditEvent.id.desc())
        ).first()
    assert details is not None
    return str(details["reason"])
