"""A citizen gives, and takes back, a power of attorney; the representative accepts."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.auth import services as auth_services
from citizen_portal.demo.data import PERSONAS
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from tests.conftest import NOT_DEMO, sign_in

SISTER_CPR = "0505851234"


def _page(client: FlaskClient, path: str) -> BeautifulSoup:
    return BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")


def _csrf(client: FlaskClient, path: str = "/powers-of-attorney") -> str:
    field = _page(client, path).select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _grant(client: FlaskClient, **fields: object) -> object:
    data: dict[str, object] = {
        "csrf_token": _csrf(client, "/powers-of-attorney/new"),
        "representative_name": "Lene Nielsen",
        "representative_cpr": SISTER_CPR,
        "scopes": ["read_plans"],
        "confirmed": "yes",
    }
    data.update(fields)
    return client.post("/powers-of-attorney/new", data=data)


def test_giving_a_power_of_attorney_needs_a_fresh_sign_in(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    response = client.get("/powers-of-attorney/new")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/sign-in?fresh=1&next=")


def test_empty_form_lists_every_problem_plainly(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    response = _grant(client, representative_name="", representative_cpr="", scopes=[])
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")  # type: ignore[attr-defined]
    assert page.title is not None
    assert page.title.get_text().startswith("Error:")
    links = {a["href"]: a.get_text() for a in page.select(".error-summary a")}
    assert links == {
        "#representative_cpr": "Enter the person's CPR number",
        "#representative_name": "Enter the person's full name",
        "#scopes": "Choose at least one thing the person may do",
    }
    assert db.scalars(select(Representation).where(NOT_DEMO)).first() is None


def test_a_cpr_number_in_other_digits_is_refused_plainly(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in SISTER_CPR)
    response = _grant(client, representative_cpr=arabic_indic)
    assert response.status_code == 400  # type: ignore[attr-defined]
    page = BeautifulSoup(response.get_data(as_text=True), "html.parser")  # type: ignore[attr-defined]
    links = {a["href"]: a.get_text() for a in page.select(".error-summary a")}
    assert links == {"#representative_cpr": "Enter a CPR number with 10 digits, like 010190-1234"}
    assert db.scalars(select(Representation).where(NOT_DEMO)).first() is None


def test_the_rules_are_explained_when_they_refuse(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    cases = {
        "0101154234": "must be 18 or older",  # born 2015
        "1403881234": "to yourself",
        "12345": "Enter a CPR number with 10 digits",
    }
    for cpr, message in cases.items():
        response = _grant(client, representative_cpr=cpr)
        assert response.status_code == 400  # type: ignore[attr-defined]
        assert message in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert _grant(client).status_code == 303  # type: ignore[attr-defined]
    again = _grant(client)
    assert "already has a power of attorney from you" in again.get_data(as_text=True)  # type: ignore[attr-defined]
    assert len(db.scalars(select(Representation).where(NOT_DEMO)).all()) == 1


def test_grant_accept_act_and_revoke(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette, fresh=True)
    assert _grant(client).status_code == 303  # type: ignore[attr-defined]
    row = db.scalars(select(Representation).where(NOT_DEMO)).one()
    assert row.accepted_at is None
    assert "Waiting for them to accept." in _page(client, "/powers-of-attorney").get_text()

    sister = row.representative
    sign_in(client, db, sister)
    assert (
        client.post(
            "/acting-for", data={"csrf_token": _csrf(client), "subject": mette.id}
        ).status_code
        == 403
    ), "not before accepting"
    client.post(f"/powers-of-attorney/{row.id}/accept", data={"csrf_token": _csrf(client)})
    client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": mette.id})
    assert "You are acting for Mette Nielsen." in client.get("/plans").get_data(as_text=True)
    # A representative cannot pass the power on.
    assert client.get("/powers-of-attorney/new").status_code == 403

    sign_in(client, db, mette)
    client.post(f"/powers-of-attorney/{row.id}/revoke", data={"csrf_token": _csrf(client)})
    sign_in(client, db, sister)
    page = client.get("/plans").get_data(as_text=True)
    assert "You are acting for" not in page

    tags = [e.tag for e in db.scalars(select(AuditEvent).order_by(AuditEvent.id))]
    for tag in (
        AuditTag.REPRESENTATION_GRANTED,
        AuditTag.REPRESENTATION_ACCEPTED,
        AuditTag.REPRESENTATION_USED,
        AuditTag.REPRESENTATION_REVOKED,
    ):
        assert tag in tags


def test_only_the_citizen_may_revoke_and_only_the_representative_may_accept(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    _grant(client)
    row = db.scalars(select(Representation).where(NOT_DEMO)).one()
    sign_in(client, db, demo["demo-peter"])
    csrf = _csrf(client)
    # Not theirs: answered like something that does not exist.
    assert (
        client.post(f"/powers-of-attorney/{row.id}/revoke", data={"csrf_token": csrf}).status_code
        == 404
    )
    assert (
        client.post(f"/powers-of-attorney/{row.id}/accept", data={"csrf_token": csrf}).status_code
        == 404
    )
    db.refresh(row)
    assert row.revoked_at is None
    assert row.accepted_at is None


def _cpr_of(subject: str) -> str:
    return next(p.cpr for p in PERSONAS if p.subject == subject)


def test_giving_a_power_never_tells_whose_cpr_number_it_is(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Found by the second outside review: typing a CPR number showed the real name
    of the portal user behind it (and so that they are a psychiatric patient)."""
    sign_in(client, db, demo["demo-mette"], fresh=True)
    response = _grant(
        client, representative_cpr=_cpr_of("demo-peter"), representative_name="Guess Whoever"
    )
    assert response.status_code == 303  # type: ignore[attr-defined]
    overview = _page(client, "/powers-of-attorney").get_text(" ")
    messages = _page(client, "/messages").get_text(" ")
    for shown in (overview, messages):
        assert "Guess Whoever" in shown
        assert "Sørensen" not in shown
    db.refresh(demo["demo-peter"])
    assert demo["demo-peter"].full_name == "Peter Sørensen"  # and nobody renamed him


def test_a_typed_name_never_becomes_a_persons_name(
    client: FlaskClient, db: Session, demo: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The person's stored name comes from the identity provider at their own sign-in."""
    sign_in(client, db, demo["demo-mette"], fresh=True)
    _grant(client, representative_name="Name Chosen-By-Mette")
    row = db.scalars(select(Representation).where(NOT_DEMO)).one()
    assert row.representative.full_name == ""
    identity = auth_services.VerifiedIdentity(
        subject="lene",
        cpr=SISTER_CPR,
        given_name="Lene",
        family_name="Nielsen",
        acr=None,
        auth_time=None,
    )
    monkeypatch.setattr(auth_services, "complete_sign_in", lambda: identity)
    assert client.get("/auth/callback").status_code == 302
    db.refresh(row.representative)
    assert row.representative.full_name == "Lene Nielsen"


def test_a_citizen_gives_at_most_ten_powers_a_day(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Each grant looks a CPR number up: without a limit the form is a search tool."""
    sign_in(client, db, demo["demo-mette"], fresh=True)
    for year in range(60, 70):
        response = _grant(client, representative_cpr=f"0101{year}1234")
        assert response.status_code == 303  # type: ignore[attr-defined]
    refused = _grant(client, representative_cpr="0101701234")
    assert refused.status_code == 400  # type: ignore[attr-defined]
    assert "in the last day" in refused.get_data(as_text=True)  # type: ignore[attr-defined]
    assert len(db.scalars(select(Representation).where(NOT_DEMO)).all()) == 10
