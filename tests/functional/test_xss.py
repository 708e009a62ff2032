"""Known attack strings, posted into every free-text field, render as plain text:
in the pages, and in the FHIR narrative professional systems may show as HTML."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.wishes.models import WishSection
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.fhir import DISTRICT_PSYCHIATRY, api_token
from tests.support.pages import csrf

# From the OWASP XSS filter evasion cheat sheet, shortened.
ATTACKS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    '<a href="javascript:alert(1)">klik</a>',
    "</textarea><script>alert(1)</script>",
    "<iframe srcdoc='<script>alert(1)</script>'>",
    "{{ 7*7 }} <b onmouseover=alert(1)>fed</b>",
    "<<SCRIPT>alert(1);//<</SCRIPT>",
    '<div style="background:url(javascript:alert(1))">',
]
SCRIPTED = ("script", "img", "svg", "iframe")


def _assert_inert(html: str, attack: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        assert not any(name.startswith("on") for name in tag.attrs), (attack, str(tag)[:80])
        if tag.name in SCRIPTED:
            # Only the app's own script, from its own files.
            assert tag.name == "script", str(tag)[:80]
            assert str(tag.get("src", "")).startswith("/static/"), str(tag)[:80]
        href = str(tag.get("href", ""))
        assert not href.lower().startswith("javascript:"), str(tag)[:80]
    assert " ".join(attack.split()) in " ".join(soup.get_text().split()), "kept, as text"


def test_every_free_text_field_renders_attack_strings_inert(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=("api:citizen-input:read",))
    sign_in(client, db, peter)
    for number, attack in enumerate(ATTACKS):
        for section in WishSection:
            path = f"/wishes/{section.value}"
            saved = client.post(
                path, data={"csrf_token": csrf(client, path), "text": attack, "based_on": number}
            )
            assert saved.status_code == 302, (section, attack)
            _assert_inert(client.get(path).get_data(as_text=True), attack)
            _assert_inert(client.get(f"{path}/history").get_data(as_text=True), attack)
        _assert_inert(client.get("/wishes").get_data(as_text=True), attack)

        client.post(
            f"/plans/{plan.id}/stance",
            data={
                "csrf_token": csrf(client, f"/plans/{plan.id}"),
                "choice": "disagree",
                "comment": attack,
                "version": 1,
                "confirm": "yes",
            },
        )
        _assert_inert(client.get(f"/plans/{plan.id}").get_data(as_text=True), attack)

        client.post(
            "/consents/new",
            data={
                "csrf_token": csrf(client, "/consents/new"),
                "purpose": "inform_gp",
                "recipient": attack,
                "plan": "",
                "confirmed": "yes",
                "expires_on": (utcnow().date() + timedelta(days=30)).isoformat(),
            },
        )
        _assert_inert(client.get("/consents").get_data(as_text=True), attack)

        body = client.get(
            f"/api/fhir/citizen-input?plan={plan.identifier_system}|{plan.identifier_value}",
            headers={"Authorization": f"Bearer {token}"},
        ).get_json()
        for entry in body["entry"]:
            div = entry["resource"]["text"]["div"]
            narrative = BeautifulSoup(div, "html.parser")
            assert {t.name for t in narrative.find_all(True)} <= {"div", "p"}, div[:120]
