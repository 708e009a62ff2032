"""Example bundles and API helpers for tests."""

from __future__ import annotations

import base64
import copy
import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from citizen_portal.api.oauth import register_client

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "fhir-examples"
REGION = "urn:demo:organisation|sor:psyk-roskilde-r3"
DISTRICT_PSYCHIATRY = "urn:demo:organisation|sor:dp-naestved"
MUNICIPALITY = "urn:demo:organisation|kommune:259:social"


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text())
    return copy.deepcopy(data)


def resource(bundle: dict[str, Any], resource_type: str) -> dict[str, Any]:
    for entry in bundle["entry"]:
        if entry["resource"]["resourceType"] == resource_type:
            found: dict[str, Any] = entry["resource"]
            return found
    raise KeyError(resource_type)


def basic_auth(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def api_token(
    client: FlaskClient,
    db: Session,
    organisations: list[str],
    client_id: str = "region-sjaelland-epj",
    scopes: tuple[str, ...] = ("api:plans:write",),
) -> str:
    secret = register_client(db, client_id, "Test system", organisations, list(scopes))
    db.commit()
    response = client.post(
        "/api/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic_auth(client_id, secret)},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    token: str = response.get_json()["access_token"]
    return token


def post_bundle(client: FlaskClient, token: str, bundle: Any) -> Any:
    return client.post(
        "/api/fhir/Bundle",
        data=json.dumps(bundle),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )


PLAN_IDS = "urn:demo:citizen-portal:plan-id"


def _parameters(plan: str, receiver: str | None) -> dict[str, Any]:
    """``plan``: the identifier's value (in the examples' system), or "system|value"."""
    system, _, value = plan.rpartition("|")
    parameter: list[dict[str, Any]] = [
        {"name": "plan", "valueIdentifier": {"system": system or PLAN_IDS, "value": value}}
    ]
    if receiver is not None:
        system, _, value = receiver.rpartition("|")
        parameter.append(
            {"name": "receiver", "valueIdentifier": {"system": system, "value": value}}
        )
    return {"resourceType": "Parameters", "parameter": parameter}


def hand_over(client: FlaskClient, token: str, plan: str, receiver: str) -> Any:
    """POST /api/fhir/CarePlan/$handover: plan is the identifier value (demo system)."""
    return client.post(
        "/api/fhir/CarePlan/$handover",
        data=json.dumps(_parameters(plan, receiver)),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )


def accept_handover(client: FlaskClient, token: str, plan: str) -> Any:
    return client.post(
        "/api/fhir/CarePlan/$accept-handover",
        data=json.dumps(_parameters(plan, None)),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"},
    )
