"""Escaping by construction: every name, recipient, title and free text the portal
stores (people, organisations, functions, plans and every text a partner's bundle
brings, wishes, stances, consent recipients, typed names of representatives, API
client names that appear in the access log) is set to a hostile payload, and every
GET page the citizen, a representative and a partner can reach is parsed: no element
or attribute of a payload is in the DOM, and the plan's PDF holds the payloads only
as literal text.

The stored text is written straight into the database, past the forms' and the
API's own checks, so the test is about rendering alone. A new text column must be
put in FREE_TEXT or NOT_TEXT below (a test keeps the lists complete).
"""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from pypdf.generic import DictionaryObject
from sqlalchemy import Enum, String, Text, select, update
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from citizen_portal import models
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.representation.models import Representation
from citizen_portal.wishes.models import WishSection
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.fhir import DISTRICT_PSYCHIATRY, api_token
from tests.support.pages import act_for, page

PAYLOADS = [
    '<meta http-equiv=refresh content="0;url=https://evil.example">',
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "'><a href=javascript:alert(1)>x</a>",
    "javascript:alert(1)",
    "{{7*7}}${7*7}",
    "\u202eevil\u202c<b onclick=alert(1)>",
    "<script>alert(1)</script>",
    "<iframe src=//evil.example>",
    "<form action=javascript:alert(1)><button>ok</button></form>",
]
# Every text column a person, an organisation or a partner writes.
FREE_TEXT = {
    "api_clients": {"name"},
    "organisations": {"name"},
    "people": {"given_name", "family_name", "address", "phone"},
    "functions": {"title", "phone", "email", "opening_hours", "address"},
    "representations": {"typed_name"},
    "consents": {"recipient"},
    "plan_handovers": {"requested_by", "accepted_by"},
    "plan_versions": {
        "reason", "treatment_offers", "social_offers", "current_needs", "expected_needs",
        "patient_wishes", "missed_appointment_response", "coordinator_name", "received_from",
    },
    "wish_entries": {"text"},
    "appointments": {"place", "description", "participants"},
    "challenges": {"description", "agreements", "desired_outcome"},
    "existing_plan_summaries": {"status", "goal", "effort", "contact"},
    "goals": {"description", "success_criteria"},
    "participants": {"name", "job_title", "organisation_name", "contact"},
    "plan_stances": {"comment"},
    "actions": {"description", "named_person", "timeline"},
}  # fmt: skip
# Text columns that are identifiers, hashes, codes or addresses the portal makes.
NOT_TEXT = {
    "api_clients": {"client_id", "secret_hash", "scopes"},
    "organisations": {"identifier"},
    "people": {"cpr_hash"},
    "refused_calls": {"status", "client_id", "address"},
    "api_tokens": {"token_hash", "scope"},
    "audit_events": {"resource_type", "resource_id", "request_id"},
    "functions": {"identifier"},
    "notifications": {"resource_type", "resource_id"},
    "plans": {"identifier_system", "identifier_value"},
    "representations": {"source_reference"},
    "sent_forms": {"token", "location"},
    "user_sessions": {"token_hash", "acr"},
    "wish_sharing": {"scope_key"},
    "wish_entries": {"scope_key"},
    "plan_versions": {"content_hash"},
    "actions": {"key"},
    # Never shown on a page: a sealed draft's page path, the development provider's
    # state, a device's push endpoint and keys, a notice category's name, the
    # directory's revision (a random value the database gives it).
    "form_drafts": {"page"},
    "directory_revision": {"revision"},
    "dev_idp_codes": {"code_hash", "client_id", "redirect_uri", "scope", "subject", "nonce",
                      "code_challenge", "code_challenge_method"},
    "dev_idp_keys": {"name", "private_jwk"},
    "push_subscriptions": {"endpoint", "p256dh", "auth", "language"},
    "push_settings": {"category"},
}  # fmt: skip
SCRIPTED = {"script", "img", "svg", "iframe", "meta", "object", "embed", "base", "form"}
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data")


def _text_columns() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for table in models.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, String | Text) and not isinstance(column.type, Enum):
                found.setdefault(table.name, set()).add(column.name)
    return found


def test_every_text_column_is_either_free_text_or_not() -> None:
    columns = _text_columns()
    listed = {t: FREE_TEXT.get(t, set()) | NOT_TEXT.get(t, set()) for t in columns}
    assert columns == listed


def _payload(row: int, column: int, length: int | None) -> str:
    """Payloads in turn, so each column gets several; joined in long text columns."""
    if length is None:
        return " ".join(PAYLOADS[(row + column) % len(PAYLOADS) :] + PAYLOADS)
    fitting = [p for p in PAYLOADS if len(p) <= length]
    return fitting[(row + column) % len(fitting)]


def _poison(db: Session) -> None:
    for table in models.metadata.sorted_tables:
        names = sorted(FREE_TEXT.get(table.name, ()))
        if not names:
            continue
        key = next(iter(table.primary_key.columns))
        for row, (pk,) in enumerate(db.execute(select(key)).all()):
            values = {
                name: _payload(row, n, getattr(table.c[name].type, "length", None))
                for n, name in enumerate(names)
            }
            db.execute(update(table).where(key == pk).values(values))
    db.commit()


def _assert_inert(html: str, where: str) -> None:
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(True):
        shown = (where, str(tag)[:100])
        assert not [a for a in tag.attrs if a.lower().startswith("on")], shown
        if tag.name in SCRIPTED:
            # Only the app's own script, from its own files, and its own form posts.
            assert tag.name in {"script", "meta", "form"}, shown
            if tag.name == "script":
                assert str(tag.get("src", "")).startswith("/static/"), shown
            if tag.name == "meta":
                assert "http-equiv" not in tag.attrs, shown
            if tag.name == "form":
                action = str(tag.get("action", ""))  # none: to the page itself
                assert not action or action.startswith("/"), shown
        for attribute in URL_ATTRIBUTES:
            value = re.sub(r"[\s\x00-\x1f]", "", str(tag.get(attribute, ""))).lower()
            assert not value.startswith(("javascript:", "data:", "//evil")), shown
            # A phone or mail link carries the partner's text after its scheme, escaped:
            # it dials or writes, it never opens a page.
            if not value.startswith(("tel:", "mailto:")):
                assert "evil.example" not in value, shown


def _hidden_fields(client: FlaskClient, path: str) -> dict[str, str]:
    form = page(client, path).select_one("form[method=post]:not(.inline-form)")
    assert form is not None
    return {
        str(i["name"]): str(i.get("value", ""))
        for i in form.select("input[type=hidden]")
        if i.get("name")
    }


def _write_some_of_everything(
    client: FlaskClient, db: Session, peter: Person, hanne: Person, plan: Plan
) -> None:
    """Wishes by Peter and by Hanne for him, a stance, consents, and so messages."""
    expires = (utcnow().date() + timedelta(days=30)).isoformat()
    sign_in(client, db, peter)
    for section in (WishSection.EARLY_SIGNS, WishSection.WHAT_HELPS):
        path = f"/wishes/{section.value}"
        saved = client.post(path, data={**_hidden_fields(client, path), "text": "Tekst."})
        assert saved.status_code == 302
    for plan_field in ("", str(plan.id)):
        fields = _hidden_fields(client, "/consents/new")
        given = client.post(
            "/consents/new",
            data={
                **fields,
                "purpose": "inform_gp",
                "recipient": "Lægen",
                "plan": plan_field,
                "expires_on": expires,
                "confirmed": "yes",  # sent from "Check your answers"
            },
        )
        assert given.status_code in (302, 303)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    path = "/wishes/early_signs"
    saved = client.post(path, data={**_hidden_fields(client, path), "text": "Hannes tekst."})
    assert saved.status_code == 302


def _real_values(db: Session, peter: Person) -> list[dict[str, str]]:
    """Path values for every one of Peter's plans and versions."""
    power = db.scalars(
        select(Representation).where(Representation.represented_id == peter.id)
    ).first()
    assert power is not None
    values = []
    for plan in db.scalars(select(Plan).where(Plan.citizen_id == peter.id)):
        for version in plan.versions:
            for section in WishSection:
                values.append(
                    {
                        "plan_id": str(plan.id),
                        "number": str(version.number),
                        "representation_id": str(power.id),
                        "name": section.value,
                        "slug": "discharge-agreement",
                    }
                )
    return values


LEFT_OUT = {
    "static",  # the app's own files
    "dev_idp.authorize",  # the development provider: shows no stored text
    "dev_idp.end_session",
    "auth.callback",  # needs a provider's answer
    "auth.sign_in",
}


def _get_rules(app: Flask) -> list[Rule]:
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in (r.methods or set())
            and r.endpoint not in LEFT_OUT
            and not r.rule.startswith("/api/")
        ),
        key=lambda r: r.rule,
    )


def _filled(rule: str, real: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: real.get(m[1], "1"), rule)


def _walk(app: Flask, client: FlaskClient, db: Session, peter: Person, who: str) -> int:
    pages = set()
    for real in _real_values(db, peter):
        for rule in _get_rules(app):
            pages.add(_filled(rule.rule, real))
    seen = 0
    for path in sorted(pages):
        response = client.get(path)
        if response.mimetype == "text/html":
            _assert_inert(response.get_data(as_text=True), f"{who} {path}")
            seen += response.status_code == 200
        elif response.mimetype == "application/pdf":
            _assert_literal_in_pdf(response.data, f"{who} {path}")
    return seen


def _assert_literal_in_pdf(data: bytes, where: str) -> None:
    reader = PdfReader(io.BytesIO(data))
    text = " ".join(p.extract_text() for p in reader.pages)
    flat = " ".join(text.split())
    assert "<img src=x onerror=alert(1)>" in flat or "<meta http-equiv" in flat, where
    assert "49" not in re.findall(r"\b49\b", flat.replace("{{7*7}}", "")), where
    for number, page_ in enumerate(reader.pages):
        # No links, scripts or actions come from the text: a PDF of plain text.
        annotations = page_.get("/Annots") or []
        for annotation in annotations:
            action = annotation.get_object().get("/A") or {}
            uri = str(action.get("/URI", ""))
            assert not uri.lower().startswith("javascript:"), (where, number, uri)
            assert "evil.example" not in uri, (where, number, uri)
    catalog = reader.trailer["/Root"].get_object()
    assert isinstance(catalog, DictionaryObject)
    assert "/JavaScript" not in str(catalog), where
    assert "/AA" not in catalog, where
    # fpdf2 opens the first page (a destination list); never an action.
    assert not isinstance(catalog.get("/OpenAction"), DictionaryObject), where


def test_hostile_stored_text_is_only_ever_text_on_every_page_and_in_the_pdf(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    _write_some_of_everything(client, db, peter, hanne, plan)
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=("api:citizen-input:read",))
    _poison(db)

    sign_in(client, db, peter)
    citizen_pages = _walk(app, client, db, peter, "citizen")
    # The access log now tells of every read above, by hostile names.
    _assert_inert(client.get("/access-log").get_data(as_text=True), "citizen /access-log")
    # The payloads are kept, as text (names in the header and in the messages).
    messages = BeautifulSoup(client.get("/messages").data, "html.parser").get_text()
    shown = " ".join(messages.split())
    assert any(" ".join(p.split()) in shown for p in PAYLOADS), shown[:300]

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    representative_pages = _walk(app, client, db, peter, "representative")
    assert citizen_pages >= 15, citizen_pages
    assert representative_pages >= 10, representative_pages

    # The partner reads the citizen's input back: its narrative is inert XHTML.
    for plan_ in db.scalars(select(Plan).where(Plan.citizen_id == peter.id)):
        body: dict[str, Any] = client.get(
            f"/api/fhir/citizen-input?plan={plan_.identifier_system}|{plan_.identifier_value}",
            headers={"Authorization": f"Bearer {token}"},
        ).get_json()
        for entry in body.get("entry", []):
            div = entry["resource"]["text"]["div"]
            narrative = BeautifulSoup(div, "html.parser")
            assert {t.name for t in narrative.find_all(True)} <= {"div", "p"}, div[:120]
