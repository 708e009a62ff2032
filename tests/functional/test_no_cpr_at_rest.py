"""No CPR number rests in clear: not in any column of any table, not in the log.

The test runs the demo load, the partner API (plans in, an authority's
registration, read-back), a real sign-in through the built-in provider (its
HTTP calls answered by the app itself) and sign-out, then scans every column of
every table, the captured log records and every redirect the portal sent, for
each fixture CPR number in any form: ten digits, with the dash, base64 and
base64url of the digits and of the JSON ``"cpr":"..."`` (as inside a JWT
payload, at any byte offset), and inside any JWT-looking string, decoded.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from sqlalchemy import Connection, inspect, select, text
from sqlalchemy.orm import Session

from citizen_portal.demo.data import PERSONAS
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan, PlanVersion
from tests.functional.test_registry_api import GUARDIAN_CPR, _related_person
from tests.support.fhir import DISTRICT_PSYCHIATRY, REGION, api_token, example, post_bundle

FIXTURE_CPRS = sorted({p.cpr.replace("-", "") for p in PERSONAS} | {GUARDIAN_CPR})
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*")


def _base64_forms(fragment: bytes) -> set[str]:
    """The fragment's base64 and base64url text at each of the three byte
    offsets it can have inside a longer encoded payload (edges dropped)."""
    forms = set()
    for offset in range(3):
        encoded = base64.b64encode(b"\0" * offset + fragment).decode().rstrip("=")
        start = -(-8 * offset // 6)
        end = 8 * (offset + len(fragment)) // 6
        core = encoded[start:end]
        forms |= {core, core.replace("+", "-").replace("/", "_")}
    return forms


def cpr_forms(cpr: str) -> set[str]:
    dashed = f"{cpr[:6]}-{cpr[6:]}"
    forms = {cpr, dashed}
    for fragment in (cpr, dashed, f'"cpr":"{cpr}"', f'"cpr": "{cpr}"'):
        forms |= _base64_forms(fragment.encode())
    return forms


def _decoded_jwts(value: str) -> Iterator[str]:
    for match in _JWT.finditer(value):
        payload = match.group(1)
        try:
            yield base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode("latin-1")
        except (binascii.Error, ValueError):
            continue


def hits(where: str, value: str) -> list[str]:
    found = []
    for candidate in (value, *_decoded_jwts(value)):
        for cpr in FIXTURE_CPRS:
            for form in cpr_forms(cpr):
                if form in candidate:
                    found.append(f"{where}: {form!r} (CPR {cpr})")
    return found


def _as_text(value: Any) -> str:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("latin-1")
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def scan_database(connection: Connection) -> list[str]:
    found = []
    for table in inspect(connection).get_table_names():
        result = connection.execute(text(f'SELECT * FROM "{table}"'))  # noqa: S608
        columns = list(result.keys())
        for row in result:
            for column, value in zip(columns, row, strict=True):
                if value is not None:
                    found += hits(f"{table}.{column}", _as_text(value))
    return found


def test_forms_cover_what_a_jwt_payload_would_hold() -> None:
    payload = json.dumps({"sub": "demo-mette", "cpr": FIXTURE_CPRS[0]}, separators=(",", ":"))
    for prefix in ("", "x", "xy"):
        encoded = base64.urlsafe_b64encode((prefix + payload).encode()).decode().rstrip("=")
        assert hits("payload", encoded), prefix
    token = "eyJhbGciOiJSUzI1NiJ9." + encoded + ".c2ln"
    assert hits("jwt", token)
    assert not hits("clean", "nothing here but 1403881235")


class _AppAdapter(HTTPAdapter):
    """Answers requests to the portal's own base URL with the app, so that the
    relying party's calls to the built-in provider need no server."""

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        url = urlsplit(request.url or "")
        with self.app.test_client() as idp:
            answer = idp.open(
                url.path + (f"?{url.query}" if url.query else ""),
                method=request.method or "GET",
                headers=dict(request.headers),
                data=request.body,
            )
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response._content = answer.get_data()
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response


def _follow(client: FlaskClient, response: Any, redirects: list[str]) -> Any:
    while 300 <= response.status_code < 400:
        location = response.headers["Location"]
        redirects.append(location)
        url = urlsplit(location)
        response = client.get(url.path + (f"?{url.query}" if url.query else ""))
    return response


def _form(page: Any) -> tuple[str, dict[str, str]]:
    soup = BeautifulSoup(page.get_data(as_text=True), "html.parser")
    form = soup.select("main form")[-1]
    fields = {str(i["name"]): str(i.get("value", "")) for i in form.select("input[name]")}
    return str(form["action"]), fields


def sign_in_and_out(client: FlaskClient, persona: str, redirects: list[str]) -> None:
    chooser = _follow(client, client.get("/auth/sign-in"), redirects)
    action, fields = _form(chooser)
    fields["persona"] = persona
    landed = _follow(client, client.post(action, data=fields), redirects)
    assert landed.request.path == "/plans", landed.get_data(as_text=True)[:500]
    soup = BeautifulSoup(landed.get_data(as_text=True), "html.parser")
    field = soup.select_one("form[action='/auth/sign-out'] input[name=csrf_token]")
    assert field is not None
    out = _follow(
        client, client.post("/auth/sign-out", data={"csrf_token": field["value"]}), redirects
    )
    assert out.request.path == "/auth/signed-out"
    assert any("/dev-idp/end-session" in r for r in redirects), "signed out at the provider"


@pytest.fixture
def log_everything(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Every log record, SQL statements with their parameters included (set
    before the test's database connection opens, which reads the level)."""
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    return caplog


def test_no_cpr_number_rests_in_clear_or_reaches_the_log(
    log_everything: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
    app: Flask,
    client: FlaskClient,
    connection: Connection,
    db: Session,
    demo: dict[str, Person],
) -> None:
    monkeypatch.setattr(HTTPAdapter, "send", _AppAdapter(app).send)
    redirects: list[str] = []

    # Partner API: plans in (a new version too), a registration, read-back.
    token = api_token(
        client,
        db,
        [REGION, DISTRICT_PSYCHIATRY],
        scopes=("api:plans:write", "api:citizen-input:read"),
    )
    for name in ("discharge-agreement", "coordination-plan", "coordinated-action-plan"):
        bundle = example(name)
        for entry in bundle["entry"]:
            if entry["resource"]["resourceType"] == "CarePlan":
                entry["resource"]["title"] = f"{entry['resource'].get('title', '')} (revised)"
        assert post_bundle(client, token, bundle).status_code in (200, 201)
    registry = api_token(
        client, db, [], client_id="familieretshuset", scopes=("api:representations:write",)
    )
    registered = client.post(
        "/api/fhir/RelatedPerson",
        data=json.dumps(_related_person()),
        headers={"Authorization": f"Bearer {registry}", "Content-Type": "application/fhir+json"},
    )
    assert registered.status_code in (200, 201), registered.get_data(as_text=True)
    for plan in db.scalars(select(Plan)):
        read = client.get(
            f"/api/fhir/citizen-input?plan={plan.identifier_system}|{plan.identifier_value}",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert read.status_code in (200, 403, 404)

    # Sign-in through the provider, and sign-out, for two people.
    for persona in ("demo-mette", "demo-peter"):
        sign_in_and_out(client, persona, redirects)

    assert db.scalar(select(PlanVersion.id).where(PlanVersion.source_bundle.is_not(None)))
    found = scan_database(connection)
    for record in log_everything.records:
        found += hits(f"log {record.name}", record.getMessage())
    for location in redirects:
        found += hits("redirect", location)
    assert not found, "CPR numbers in clear:\n" + "\n".join(sorted(set(found))[:40])
