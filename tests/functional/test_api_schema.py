"""schemathesis generates requests from the OpenAPI description: no 500s, and
every response matches the documented status codes, content types and schemas.

Driven through each operation's Hypothesis strategy (schemathesis' pytest
fixture loader relies on a pytest-private attribute that pytest 9 removed).
"""

from __future__ import annotations

from typing import Any

import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy.orm import Session

from tests.support.fhir import REGION, api_token

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
