"""No route answers 500 to hostile values in its path, query or form: huge and
negative numbers, Unicode digits, NUL, overlong text, bidi overrides. Each gets a
4xx with a page (or is handled), for an anonymous visitor and a signed-in citizen.

Walks the URL map, so a new route is covered without anyone adding it here.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, csrf

HOSTILE = [
    "99999999999999999999999999",
    str(2**62),  # a 64-bit number: ids are 32-bit columns (PostgreSQL refuses to compare)
    str(2**31),
    "-1",
    "\u0661\u0662",  # Arabic-Indic digits
    "\uff11",  # a fullwidth digit
    "a\x00b",
    "x" * 5000,
    "\u202eevil\u202c",
    "%00",
    "../../etc/passwd",
]
# Every field name a form in the portal posts (a form nobody fills sends all of them).
FIELDS = [
    "text", "based_on", "choice", "comment", "version", "purpose", "recipient", "plan",
    "expires_on", "representative_name", "representative_cpr", "scopes", "valid_until",
    "subject", "persona", "lang",
]  # fmt: skip
# Routes this walk leaves to their own tests, with the reason.
LEFT_OUT = {
    "static": "Flask's static files",
    "dev_idp.token": "the development provider's token endpoint: tested with real sign-ins",
}


def _paths(rule: Rule, value: str, real: dict[str, str]) -> set[str]:
    """The rule with every variable set to ``value``; with numbers real and the other
    variables ``value`` (past an int converter); and with every variable real, so the
    hostile values reach the form and query handling of a page that exists."""
    every = re.sub(r"<(?:\w+:)?\w+>", lambda _: value, rule.rule)
    texts_only = re.sub(r"<int:(\w+)>", lambda m: real.get(m[1], "1"), rule.rule)
    texts_only = re.sub(r"<(?:\w+:)?\w+>", lambda _: value, texts_only)
    existing = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: real.get(m[1], "1"), rule.rule)
    return {every, texts_only, existing}


def _routes(app: Flask) -> list[Rule]:
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint not in LEFT_OUT), key=lambda r: r.rule
    )


def _walk(
    app: Flask, client: FlaskClient, token: str | None, real: dict[str, str]
) -> dict[tuple[str, str, str], int]:
    server_errors = {}
    for rule in _routes(app):
        for value in HOSTILE:
            for path in _paths(rule, value, real):
                for method in sorted((rule.methods or set()) & {"GET", "POST"}):
                    data: dict[str, Any] = dict.fromkeys(FIELDS, value)
                    if token:
                        data["csrf_token"] = token
                    query = dict.fromkeys(("plan", "next", "show", "page", "lang"), value)
                    response = client.open(
                        path,
                        method=method,
                        query_string=query,
                        data=data if method == "POST" else None,
                    )
                    if response.status_code >= 500:
                        server_errors[(method, path[:60], repr(value)[:20])] = response.status_code
    return server_errors


@pytest.mark.parametrize("who", ["anonymous", "demo-peter", "demo-hanne"])
def test_no_route_answers_500_to_hostile_values(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person], who: str
) -> None:
    peter = demo["demo-peter"]
    power = db.scalars(
        select(Representation).where(Representation.represented_id == peter.id)
    ).first()
    assert power is not None
    real = {
        "plan_id": str(action_plan_of(db, peter).id),
        "number": "1",
        "representation_id": str(power.id),
        "name": "early_signs",
        "slug": "discharge-agreement",
        "filename": "css/app.css",
    }
    token = None
    if who != "anonymous":
        sign_in(client, db, demo[who], fresh=True)  # reaches the power-of-attorney form too
        if who == "demo-hanne":
            act_for(client, peter.id)
        token = csrf(client)
    assert _walk(app, client, token, real) == {}
