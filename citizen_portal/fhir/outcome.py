"""FHIR OperationOutcome responses: every problem with its path and a plain message."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app

from citizen_portal.fhir.reading import Issue

FHIR_JSON = "application/fhir+json"


def outcome(issues: list[Issue], severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": severity,
                "code": issue.code,
                "diagnostics": str(issue.message),
                "expression": [issue.path],
            }
            for issue in issues
        ],
    }


def outcome_response(
    issues: list[Issue], status: int, severity: str = "error", headers: dict[str, str] | None = None
) -> Response:
    response = current_app.response_class(
        current_app.json.dumps(outcome(issues, severity)), status=status, mimetype=FHIR_JSON
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response
