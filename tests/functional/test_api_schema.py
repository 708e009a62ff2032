"""schemathesis generates requests from the OpenAPI description: no 500s, and
every response matches the documented status codes, content types and schemas.

Driven through each operation's Hypothesis strategy (schemathesis' pytest
fixture loader relies on a pytest-private attribute that pytest 9 removed).
"""

from __future__ import annotations

import json
from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from tests.functional.test_api_hostile_input import PYTHON_WORDS, replaced
from tests.functional.test_registry_api import _related_person
from tests.support.fhir import REGION, api_token, example

EXAMPLES_PER_OPERATION = 60


def test_api_keeps_its_documented_promises(app: Flask, client: FlaskClient, db: Session) -> None:
    bearer = api_token(
        client,
        db,
        [REGION],
        scopes=("api:plans:write", "api:representations:write", "api:citizen-input:read"),
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # An operation that does not load is an Err, which has no ok(): the test fails loudly.
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    # schemathesis leaves out the operation that serves the description itself.
    assert {f"{op.method.upper()} {op.path}" for op in operations} == {
        "POST /api/oauth/token",
        "POST /api/fhir/Bundle",
        "POST /api/fhir/RelatedPerson",
        "GET /api/fhir/citizen-input",
        "POST /api/fhir/CarePlan/$handover",
        "POST /api/fhir/CarePlan/$accept-handover",
    }
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case[Any]) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {bearer}"},
                # A schema-valid Bundle may still break the profile's rules (one
                # CarePlan, consent, dates...), which JSON Schema cannot express;
                # 422 with an OperationOutcome is the documented answer.
                excluded_checks=[positive_data_acceptance],
            )

        check()


def _hostile_bodies() -> list[tuple[str, Any]]:
    """The cases the profile must refuse plainly (or store), as explicit examples:
    NUL bytes, text longer than a column, calendar edges and odd offsets,
    nesting, and non-strings where strings belong (see test_api_hostile_input)."""
    bundle = example("discharge-agreement")
    careplan = ("entry", 0, "resource")
    chosen = [
        ((*careplan, "title"), "Udskrivning\x00aftale"),
        ((*careplan, "identifier", 0, "value"), "x" * 2_000),
        ((*careplan, "description"), "a" * 20_000),
        ((*careplan, "created"), "0001-01-01T00:00:00+14:00"),
        ((*careplan, "created"), "9999-12-31T23:59:59-12:00"),
        ((*careplan, "created"), "2026-03-01T10:00:00+13:45"),
        ((*careplan, "period", "start"), "9999-12-31"),
        ((*careplan, "title"), 12345678901234567890),
        ((*careplan, "title"), {"text": "a"}),
        (("entry", 1, "resource", "name", 0, "given", 0), None),
        (("meta",), {"tag": [{"extension": [{"extension": [{}]}]}]}),
    ]
    nested: Any = {}
    for _ in range(60):
        nested = {"extension": [nested]}
    chosen.append(((*careplan, "meta"), nested))
    return [(f"{path} {value!r:.40}", replaced(bundle, path, value)) for path, value in chosen]


def test_api_refuses_hostile_input_as_documented(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    bearer = api_token(
        client,
        db,
        [REGION],
        scopes=("api:plans:write", "api:representations:write", "api:citizen-input:read"),
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    operations = {
        f"{op.method.upper()} {op.path}": op
        for op in (result.ok() for result in schema.get_all_operations())  # type: ignore[union-attr]
    }
    auth = {"Authorization": f"Bearer {bearer}"}
    cases = [
        operations["POST /api/fhir/Bundle"].Case(body=body, media_type="application/fhir+json")
        for _name, body in _hostile_bodies()
    ]
    related = _related_person()
    cases += [
        operations["POST /api/fhir/RelatedPerson"].Case(
            body=replaced(related, path, value), media_type="application/fhir+json"
        )
        for path, value in [
            (("patient", "display"), "Mette\x00Nielsen"),
            (("patient", "display"), "Å" * 2_000),
            (("period", "start"), "0001-01-01"),
            (("name", 0, "family"), ["Berg"]),
        ]
    ]
    cases += [
        operations["GET /api/fhir/citizen-input"].Case(query={"plan": plan})
        for plan in ("urn:x|\x00", "x" * 5_000 + "|y")
    ]
    for case in cases:
        response = case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])
        # Stored (an odd but real offset such as +13:45), or refused plainly.
        assert response.status_code in (200, 201, 400, 404, 422), response.status_code
        outcome = json.dumps(response.json(), ensure_ascii=False)
        assert not PYTHON_WORDS.search(outcome), outcome[:300]
    token = operations["POST /api/oauth/token"].Case(
        body={"grant_type": "client_credentials", "client_id": "a\x00b", "client_secret": "x"},
        media_type="application/x-www-form-urlencoded",
    )
    assert token.call_and_validate().status_code in (400, 401)
