"""The same bundle posted twice at the same moment yields exactly one version."""

from __future__ import annotations

import json
import threading

import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.api.oauth import register_client
from citizen_portal.plans.models import Plan, PlanVersion
from tests.e2e.conftest import LivePortal
from tests.support.fhir import REGION, basic_auth, example, resource

ROUNDS = 8


def _token(portal: LivePortal) -> str:
    with Session(portal.engine) as db:
        secret = register_client(db, "concurrency-test", "Test", [REGION], ["api:plans:write"])
        db.commit()
    response = requests.post(
        f"{portal.url}/api/oauth/token",
        data={"grant_type": "client_credentials"},
        headers={"Authorization": basic_auth("concurrency-test", secret)},
        timeout=10,
    )
    token: str = response.json()["access_token"]
    return token


def test_same_bundle_posted_twice_at_once_gives_one_version(dev_portal: LivePortal) -> None:
    token = _token(dev_portal)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/fhir+json"}
    for round_number in range(ROUNDS):
        bundle = example("discharge-agreement")
        identifier = f"race-{round_number}"
        resource(bundle, "CarePlan")["identifier"][0]["value"] = identifier
        body = json.dumps(bundle)
        start = threading.Barrier(2)
        statuses: list[int] = []

        def send(
            body: str = body, start: threading.Barrier = start, statuses: list[int] = statuses
        ) -> None:
            start.wait()
            response = requests.post(
                f"{dev_portal.url}/api/fhir/Bundle", data=body, headers=headers, timeout=30
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=send) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        assert sorted(statuses) == [200, 201], statuses
        with Session(dev_portal.engine) as db:
            versions = db.scalar(
                select(func.count())
                .select_from(PlanVersion)
                .join(Plan)
                .where(Plan.identifier_value == identifier)
            )
        assert versions == 1
