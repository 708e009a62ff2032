"""Session timeout without loss (issue 15): a form sent after the session ended
keeps what was typed, sealed on the server, for the same person only."""

from __future__ import annotations

from datetime import timedelta

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.auth.models import FormDraft, UserSession
from citizen_portal.db import utcnow
from citizen_portal.people.models import Person
from citizen_portal.wishes.models import WishEntry
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, csrf, one, page, text_of

SECRET_TEXT = "Jeg vil ikke have bælte. Ring til min søster Lise."
PATH = "/wishes/advance_statement"


def _expire(db: Session, token_person: Person) -> None:
    for row in db.scalars(select(UserSession).where(UserSession.person_id == token_person.id)):
        row.last_seen_at = utcnow() - timedelta(minutes=16)
    db.commit()


def _write_after_timeout(client: FlaskClient, db: Session, person: Person) -> str:
    """Open the form, let the session run out, then send it: where are they sent?"""
    sign_in(client, db, person)
    token = csrf(client, PATH)
    _expire(db, person)
    response = client.post(PATH, data={"csrf_token": token, "text": SECRET_TEXT, "based_on": 0})
    assert response.status_code == 303
    assert "/auth/sign-in" in response.headers["Location"]
    assert db.scalar(select(WishEntry.id)) is None, "nothing was saved while signed out"
    return response.headers["Location"]


def test_the_same_person_signing_in_again_finds_the_form_filled_in(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    location = _write_after_timeout(client, db, mette)
    assert "next=/wishes/advance_statement" in location
    sign_in(client, db, mette)
    form = page(client, PATH)
    assert one(form, "textarea").get_text() == SECRET_TEXT
    assert "We kept what you wrote." in text_of(form)
    # Given back once: the draft is gone after that.
    assert db.scalar(select(FormDraft.id)) is None
    assert SECRET_TEXT not in page(client, PATH).get_text()


def test_the_text_is_sealed_at_rest(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _write_after_timeout(client, db, demo["demo-mette"])
    sealed = db.scalars(select(FormDraft.sealed)).one()
    assert b"Lise" not in sealed
    assert "Lise".encode("utf-16-le") not in sealed
    assert b"b\\u00e6lte" not in sealed
    assert "bælte".encode() not in sealed


def test_someone_else_signing_in_on_the_same_browser_gets_nothing(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette, peter = demo["demo-mette"], demo["demo-peter"]
    _write_after_timeout(client, db, mette)
    sign_in(client, db, peter)  # the same browser, the same cookie jar
    shown = page(client, PATH)
    assert SECRET_TEXT not in shown.get_text()
    assert "We kept what you wrote." not in text_of(shown)
    # Still kept for Mette: she gets it when she signs in.
    sign_in(client, db, mette)
    assert one(page(client, PATH), "textarea").get_text() == SECRET_TEXT


def test_drafts_expire(client: FlaskClient, db: Session, demo: dict[str, Person]) -> None:
    mette = demo["demo-mette"]
    _write_after_timeout(client, db, mette)
    draft = db.scalars(select(FormDraft)).one()
    draft.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    sign_in(client, db, mette)
    assert SECRET_TEXT not in page(client, PATH).get_text()


def test_without_a_session_cookie_nothing_is_kept(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """An anonymous visitor's post names nobody: there is no one to keep it for."""
    sign_in(client, db, demo["demo-mette"])
    token = csrf(client, PATH)
    with client.session_transaction() as session:
        session.pop("_user_id")
    response = client.post(PATH, data={"csrf_token": token, "text": SECRET_TEXT, "based_on": 0})
    assert response.status_code == 303
    assert db.scalar(select(FormDraft.id)) is None


def test_a_representatives_text_comes_back_only_when_acting_for_that_person_again(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Hanne writes Peter's early signs; she signs in again acting for herself: her
    own page is not filled with what she wrote for him."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    path = "/wishes/early_signs"
    token = csrf(client, path)
    _expire(db, hanne)
    response = client.post(
        path,
        data={
            "csrf_token": token,
            "text": "Peter sover dårligt.",
            "based_on": 0,
            "for_subject": str(peter.id),
        },
    )
    assert response.status_code == 303
    sign_in(client, db, hanne)
    assert "Peter sover dårligt." not in page(client, path).get_text()
    act_for(client, peter.id)
    assert one(page(client, path), "textarea").get_text() == "Peter sover dårligt."


def test_a_stance_sent_after_the_timeout_comes_back_on_the_plan_page(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    token = csrf(client, f"/plans/{plan.id}")
    _expire(db, peter)
    response = client.post(
        f"/plans/{plan.id}/stance",
        data={
            "csrf_token": token,
            "choice": "disagree",
            "comment": "Jobbet er for meget.",
            "version": 1,
        },
        headers={"Referer": f"http://localhost/plans/{plan.id}"},
    )
    assert response.status_code == 303
    assert f"next=/plans/{plan.id}" in response.headers["Location"]
    sign_in(client, db, peter)
    shown = page(client, f"/plans/{plan.id}")
    assert one(shown, "textarea[name=comment]").get_text() == "Jobbet er for meget."
    assert one(shown, "input[name=choice][value=disagree]").has_attr("checked")
    # Given back once, and never kept with the page (citizen_portal/fragments.py):
    # the next look has the blank form again.
    again = page(client, f"/plans/{plan.id}")
    assert one(again, "textarea[name=comment]").get_text() == ""
    assert not again.select("input[name=choice][checked]")


def test_stay_signed_in_starts_the_idle_time_again(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    token = csrf(client)
    row = db.scalars(select(UserSession)).one()
    row.last_seen_at = utcnow() - timedelta(minutes=14)
    db.commit()
    assert client.post("/auth/keep-alive", data={"csrf_token": token}).status_code == 204
    db.refresh(row)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)
    # Without the CSRF token it is refused, and after the timeout it answers a redirect.
    assert client.post("/auth/keep-alive").status_code == 400
    row.last_seen_at = utcnow() - timedelta(minutes=16)
    db.commit()
    assert client.post("/auth/keep-alive", data={"csrf_token": token}).status_code == 303
    assert db.scalar(select(FormDraft.id)) is None


def test_a_form_with_nothing_typed_keeps_nothing(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Signing out, or choosing whom to act for, after the timeout: no draft."""
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    token = csrf(client)
    _expire(db, mette)
    client.post("/auth/sign-out", data={"csrf_token": token, "once": "x" * 20})
    client.post("/acting-for", data={"csrf_token": token, "subject": str(mette.id)})
    assert db.scalar(select(FormDraft.id)) is None


def test_a_form_sent_long_after_the_timeout_is_not_kept(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Whoever holds the phone an hour later cannot plant text that comes back to
    the person as their own (fifth outside review)."""
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    token = csrf(client, PATH)
    for row in db.scalars(select(UserSession).where(UserSession.person_id == mette.id)):
        row.last_seen_at = utcnow() - timedelta(hours=1)
    db.commit()
    planted = "I refuse all medication."
    response = client.post(PATH, data={"csrf_token": token, "text": planted, "based_on": 0})
    assert response.status_code == 303
    assert db.scalar(select(FormDraft.id)) is None
    sign_in(client, db, mette)
    assert planted not in page(client, PATH).get_text()


def test_a_cpr_number_is_never_kept(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette, fresh=True)
    token = csrf(client, "/powers-of-attorney/new")
    _expire(db, mette)
    client.post(
        "/powers-of-attorney/new",
        data={
            "csrf_token": token,
            "representative_name": "Hanne Sørensen",
            "representative_cpr": "0101701234",
        },
    )
    assert db.scalar(select(FormDraft.id)) is None
    sign_in(client, db, mette, fresh=True)
    assert "0101701234" not in page(client, "/powers-of-attorney/new").decode()
