"""A representative acts for a citizen: within the representation, visibly, audited."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from citizen_portal.security.actors import ActorKind
from tests.conftest import NOT_DEMO, sign_in

GUARDIAN_CPR = "0101701234"


def _csrf(client: FlaskClient, path: str = "/acting-for") -> str:
    page = BeautifulSoup(client.get(path).get_data(as_text=True), "html.parser")
    field = page.select_one("input[name=csrf_token]")
    assert field is not None
    return str(field["value"])


def _appoint_guardian(app: Flask, scopes: tuple[str, ...] = ("read_plans",)) -> str:
    args = [
        "add-representation",
        "--kind",
        "guardian",
        "--represented-cpr",
        "1403881234",
        "--represented-name",
        "Mette Nielsen",
        "--representative-cpr",
        GUARDIAN_CPR,
        "--representative-name",
        "Hans Berg",
        "--from",
        "2026-01-01",
        "--reference",
        "Familieretshuset 2026-114",
    ]
    for scope in scopes:
        args += ["--scope", scope]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return result.output


def _guardian(db: Session) -> Person:
    row = db.scalars(select(Representation).where(NOT_DEMO)).one()
    return row.representative


def test_guardian_acts_for_the_citizen_with_a_banner_and_is_audited_as_representative(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _appoint_guardian(app)
    sign_in(client, db, _guardian(db))
    assert "You have no plans here yet." in client.get("/plans").get_data(as_text=True)

    response = client.post(
        "/acting-for", data={"csrf_token": _csrf(client), "subject": demo["demo-mette"].id}
    )
    assert response.status_code == 302
    page = client.get("/plans").get_data(as_text=True)
    assert "You are acting for Mette Nielsen." in page
    assert "Discharge agreement" in page

    listed = db.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.PLANS_LISTED)).all()[-1]
    assert listed.actor_kind is ActorKind.REPRESENTATIVE
    assert listed.actor_person_id == _guardian(db).id
    assert listed.subject_person_id == demo["demo-mette"].id


def test_revocation_takes_effect_on_the_next_request(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _appoint_guardian(app)
    sign_in(client, db, _guardian(db))
    client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": demo["demo-mette"].id})
    assert "Discharge agreement" in client.get("/plans").get_data(as_text=True)

    row = db.scalars(select(Representation).where(NOT_DEMO)).one()
    row.revoked_at = utcnow()
    db.commit()
    page = client.get("/plans").get_data(as_text=True)
    assert "You are acting for" not in page
    assert "Discharge agreement" not in page


def test_without_the_read_scope_no_plans_are_shown(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _appoint_guardian(app, scopes=("record_wishes",))
    sign_in(client, db, _guardian(db))
    client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": demo["demo-mette"].id})
    assert client.get("/plans").status_code == 403


def test_cannot_act_for_someone_not_represented(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _appoint_guardian(app)
    sign_in(client, db, _guardian(db))
    response = client.post(
        "/acting-for", data={"csrf_token": _csrf(client), "subject": demo["demo-peter"].id}
    )
    assert response.status_code == 403
    assert (
        client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": "x"}).status_code
        == 400
    )


def test_citizen_sees_the_representative_on_her_behalf_and_the_log_is_hers_alone(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _appoint_guardian(app)
    guardian = _guardian(db)
    sign_in(client, db, guardian)
    client.post("/acting-for", data={"csrf_token": _csrf(client), "subject": demo["demo-mette"].id})
    client.get("/plans")
    assert client.get("/access-log").status_code == 403, "not the representative's to read"

    sign_in(client, db, demo["demo-mette"])
    log = BeautifulSoup(client.get("/access-log").get_data(as_text=True), "html.parser")
    entries = [" ".join(li.get_text(" ").split()) for li in log.select("li.log-entry")]
    assert "Hans Berg, on your behalf, looked at the list of your plans." in entries[0]
    assert "Hans Berg, on your behalf, started acting for you." in entries[1]


def test_authority_representation_for_a_minor_representative_is_refused(
    app: Flask, connection: object
) -> None:
    result = app.test_cli_runner().invoke(
        args=[
            "add-representation",
            "--kind",
            "guardian",
            "--represented-cpr",
            "1403881234",
            "--represented-name",
            "Mette Nielsen",
            "--representative-cpr",
            "0101154234",  # seventh digit 4, year 15: born 2015
            "--representative-name",
            "Young Person",
            "--from",
            "2026-01-01",
        ]
    )
    assert result.exit_code != 0
    # Commands speak the default language, Danish.
    assert "skal være mindst 18 år" in result.output
