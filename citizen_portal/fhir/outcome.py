"""FHIR OperationOutcome: every problem with its path and a plain message, and
the responses that carry them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Response, current_app

FHIR_JSON = "application/fhir+json"


@dataclass(frozen=True)
class Issue:
    path: str
    message: Any  # a lazy translated string, rendered in the caller's language
    code: str = "invalid"  # an OperationOutcome issue type
    severity: str | None = None  # None: the outcome's severity


class InvalidBundle(Exception):
    """A resource that could not be read, with every problem found."""

    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = issues


def outcome(issues: list[Issue], severity: str = "error") -> dict[str, Any]:
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": issue.severity or severity,
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
