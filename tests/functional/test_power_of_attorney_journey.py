"""Giving and taking back a power of attorney, GOV.UK style: "Check your answers"
(with change buttons), then the save and a confirmation panel saying what happens
next. Nothing is stored or looked up before the citizen confirms; the confirmation
exists only after the write; nobody else reaches these pages (issue 16)."""

from __future__ import annotations

from bs4 import BeautifulSoup
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation
from tests.conftest import NOT_DEMO, sign_in
from tests.support.pages import act_for, page, text_of

SISTER_CPR = "0505851234"


def _hidden(soup: BeautifulSoup) -> dict[str, list[str]]:
    form = soup.select_one("main form")
    assert form is not None
    found: dict[str, list[str]] = {}
    for field in form.select("input[type=hidden]"):
        found.setdefault(str(field["name"]), []).append(str(field.get("value", "")))
    return found


def _counts(db: Session) -> tuple[int, int]:
    db.expire_all()
    return (
        int(db.scalar(select(func.count(Representation.id))) or 0),
        int(db.scalar(select(func.count(Person.id))) or 0),
    )


def _check_page(client: FlaskClient) -> BeautifulSoup:
    data = {
        **_hidden(page(client, "/powers-of-attorney/new")),
        "representative_name": "Lene Nielsen",
        "representative_cpr": SISTER_CPR,
        "scopes": ["read_plans", "record_wishes"],
    }
    answer = client.post("/powers-of-attorney/new", data=data)
    assert answer.status_code == 200
    return BeautifulSoup(answer.get_data(as_text=True), "html.parser")


def test_grant_check_change_confirm_and_what_happens_next(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    before = _counts(db)
    check = _check_page(client)
    h1 = check.select_one("h1")
    assert h1 is not None
    assert text_of(h1) == "Check your answers before you give the power of attorney"
    assert "Lene Nielsen" in text_of(check)
    changes = {str(b["value"]) for b in check.select("button[name=change]")}
    assert changes == {"representative_name", "representative_cpr", "scopes", "valid_until"}
    assert _counts(db) == before, "no power and no person before confirming"

    back = client.post("/powers-of-attorney/new", data={**_hidden(check), "change": "scopes"})
    form = BeautifulSoup(back.get_data(as_text=True), "html.parser")
    ticked = {str(i["value"]) for i in form.select("input[name=scopes][checked]")}
    assert ticked == {"read_plans", "record_wishes"}
    assert _counts(db) == before

    data = {**_hidden(check), "confirmed": "yes"}
    done = client.post("/powers-of-attorney/new", data=data)
    assert done.status_code == 303
    again = client.post("/powers-of-attorney/new", data=data)  # a double click
    assert again.location == done.location
    assert len(db.scalars(select(Representation).where(NOT_DEMO)).all()) == 1
    panel = page(client, done.location)
    title = panel.select_one(".panel h1")
    assert title is not None
    assert text_of(title) == "Power of attorney given"
    assert "It starts when they accept it" in text_of(panel)


def test_revoke_check_then_confirmation_only_after_the_write(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    row = db.scalars(select(Representation).where(Representation.represented_id == peter.id)).one()
    sign_in(client, db, peter)
    link = page(client, "/powers-of-attorney").select_one(
        f"a[href='/powers-of-attorney/{row.id}/revoke']"
    )
    assert link is not None
    assert client.get(f"/powers-of-attorney/{row.id}/revoked").status_code == 404, "not yet"
    check = page(client, f"/powers-of-attorney/{row.id}/revoke")
    db.refresh(row)
    assert row.revoked_at is None
    done = client.post(f"/powers-of-attorney/{row.id}/revoke", data=_hidden(check))
    assert done.status_code == 303
    assert done.location == f"/powers-of-attorney/{row.id}/revoked"
    panel = page(client, done.location)
    title = panel.select_one(".panel h1")
    assert title is not None
    assert text_of(title) == "Power of attorney taken back"
    db.refresh(row)
    assert row.revoked_at is not None


def test_nobody_else_reaches_the_check_or_confirmation_pages(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    row = db.scalars(select(Representation).where(Representation.represented_id == peter.id)).one()
    paths = [f"/powers-of-attorney/{row.id}/{end}" for end in ("revoke", "given", "revoked")]
    sign_in(client, db, demo["demo-mette"])  # another citizen
    assert [client.get(p).status_code for p in paths] == [404, 404, 404]
    sign_in(client, db, hanne)  # the representative herself: not hers to take back
    assert [client.get(p).status_code for p in paths] == [404, 404, 404]
    act_for(client, peter.id)  # acting for Peter: a power is never passed on
    assert [client.get(p).status_code for p in paths] == [403, 403, 403]
    assert client.get("/powers-of-attorney/new").status_code == 403


def test_the_check_page_shows_only_what_was_typed(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """No oracle: Peter's CPR number with a made-up name shows the made-up name."""
    sign_in(client, db, demo["demo-mette"], fresh=True)
    data = {
        **_hidden(page(client, "/powers-of-attorney/new")),
        "representative_name": "Guess Whoever",
        "representative_cpr": "1206795678",  # Hanne's, in the demo
        "scopes": ["read_plans"],
    }
    shown = client.post("/powers-of-attorney/new", data=data).get_data(as_text=True)
    assert "Guess Whoever" in shown
    assert "Sørensen" not in text_of(shown)
