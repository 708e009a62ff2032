"""Giving consent in functional tests, as a citizen does it."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from citizen_portal.db import utcnow
from tests.support.pages import csrf


def give_consent(
    client: FlaskClient,
    *,
    purpose: str = "involve_relative",
    recipient: str = "",
    recipient_organisation: int | None = None,
    plan: str = "",
    days: int = 30,
) -> TestResponse:
    """The consent form sent from "Check your answers" (confirmed), lasting ``days``."""
    data = {
        "csrf_token": csrf(client, "/consents/new"),
        "confirmed": "yes",
        "purpose": purpose,
        "recipient": recipient,
        "plan": plan,
        "expires_on": (utcnow().date() + timedelta(days=days)).isoformat(),
    }
    if recipient_organisation is not None:
        data["recipient_organisation"] = str(recipient_organisation)
    return client.post("/consents/new", data=data)
