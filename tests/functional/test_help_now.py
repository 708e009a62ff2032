"""Get help now: who to call at this moment, for anyone; the offline page; the
crisis card the citizen may keep on their phone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.config import EmergencyLine
from citizen_portal.people.models import Person
from citizen_portal.plans import views as plan_views
from citizen_portal.security.actors import ActorKind
from citizen_portal.wishes.models import WishEntry, WishSection
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, csrf, page, text_of

# Copenhagen is UTC+1 in November.
TUESDAY_MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # 10:00 in Denmark
SATURDAY_NIGHT = datetime(2026, 11, 28, 22, 30, tzinfo=UTC)  # 23:30 in Denmark
SJAELLAND = EmergencyLine(
    "sjaelland", "Akuttelefon Sjælland (demo)", "+45 00 00 00 11", ("sor:", "kommune:259")
)
HOVEDSTADEN = EmergencyLine("hovedstaden", "Akuttelefon Hovedstaden (demo)", "+45 00 00 00 22")


@pytest.fixture
def lines(app: Flask) -> Iterator[None]:
    """Two regions; the demo's plans are all in the first."""
    settings = app.config["SETTINGS"]
    app.config["SETTINGS"] = replace(settings, emergency_lines=(HOVEDSTADEN, SJAELLAND))
    yield
    app.config["SETTINGS"] = settings


@pytest.fixture
def clock(app: Flask) -> Iterator[list[datetime]]:
    moment = [TUESDAY_MORNING]
    app.config["PORTAL_CLOCK"] = lambda: moment[0]
    yield moment
    app.config.pop("PORTAL_CLOCK")


def _items(soup: BeautifulSoup) -> list[str]:
    return [text_of(li) for li in soup.select("main ol.help-list > li")]


def _tel(soup: BeautifulSoup) -> list[str]:
    return [str(a["href"]) for a in soup.select("main ol.help-list a.phone")]


def test_an_anonymous_visitor_sees_every_region_s_line_then_112_and_nobody_s_contacts(
    client: FlaskClient, db: Session, demo: dict[str, Person], lines: None
) -> None:
    soup = page(client, "/help")
    assert _tel(soup) == ["tel:+4500000022", "tel:+4500000011", "tel:112"]
    assert soup.select_one("main ol.help-list bdi[dir=ltr]") is not None
    assert "Lokalpsykiatri" not in soup.get_text()
    assert (
        db.scalar(select(AuditEvent).where(AuditEvent.tag == AuditTag.HELP_CONTACTS_VIEWED)) is None
    )


def test_on_a_weekday_morning_the_citizen_s_open_contact_comes_first(
    client: FlaskClient, db: Session, demo: dict[str, Person], lines: None, clock: list[datetime]
) -> None:
    mette = demo["demo-mette"]
    sign_in(client, db, mette)
    soup = page(client, "/help")
    items = _items(soup)
    assert "Open now" in items[0], items
    # Only the line of the region her plans are in, then 112.
    assert _tel(soup)[1:] == ["tel:+4500000011", "tel:112"]
    assert "Closed now" not in soup.get_text()
    read = db.scalars(
        select(AuditEvent).where(AuditEvent.tag == AuditTag.HELP_CONTACTS_VIEWED)
    ).all()
    assert [(e.actor_person_id, e.subject_person_id) for e in read] == [(mette.id, mette.id)]


def test_on_a_saturday_night_closed_contacts_come_last_and_say_what_to_call_instead(
    client: FlaskClient, db: Session, demo: dict[str, Person], lines: None, clock: list[datetime]
) -> None:
    clock[0] = SATURDAY_NIGHT
    sign_in(client, db, demo["demo-mette"])
    soup = page(client, "/help")
    items = _items(soup)
    assert "Akuttelefon Sjælland" in items[0], items
    assert "112" in items[1]
    assert "Closed now – call +45 00 00 00 11 instead" in items[2]
    assert "Open now" not in soup.get_text()


def test_a_representative_sees_the_contacts_of_the_person_they_act_for_and_it_is_logged(
    client: FlaskClient, db: Session, demo: dict[str, Person], lines: None, clock: list[datetime]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, peter)
    own = _items(page(client, "/help"))
    sign_in(client, db, hanne)
    alone = _items(page(client, "/help"))
    act_for(client, peter.id)
    assert _items(page(client, "/help")) == own
    assert alone != own, "Hanne's own help lists none of Peter's contacts"
    read = db.scalars(
        select(AuditEvent).where(
            AuditEvent.tag == AuditTag.HELP_CONTACTS_VIEWED, AuditEvent.actor_person_id == hanne.id
        )
    ).all()
    assert peter.id in {e.subject_person_id for e in read}


def test_the_help_button_is_on_pages_signed_in_or_not_in_every_language(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    names = {"da": "Få hjælp nu", "en": "Get help now", "ar": "احصل على المساعدة الآن"}
    for lang, name in names.items():
        for path in ("/", "/glossary", "/help"):
            link = page(client, f"{path}?lang={lang}").select_one("header a.help-now")
            assert link is not None
            assert link["href"] == "/help"
            assert link.get_text(strip=True) == name
    sign_in(client, db, demo["demo-peter"])
    for path in ("/plans", "/wishes", "/consents", "/messages"):
        assert page(client, f"{path}?lang=en").select_one("header a.help-now") is not None


@pytest.mark.parametrize(
    ("lang", "heading", "direction"),
    [("da", "Du er ikke på nettet", "ltr"), ("en", "You are offline", "ltr"), ("ar", None, "rtl")],
)
def test_the_offline_page_answers_in_each_language_with_numbers_to_tap(
    client: FlaskClient,
    db: Session,
    demo: dict[str, Person],
    lang: str,
    heading: str | None,
    direction: str,
) -> None:
    sign_in(client, db, demo["demo-mette"])
    for path in (f"/offline/{lang}", f"/offline?lang={lang}"):
        response = client.get(path)
        assert response.status_code == 200
        soup = BeautifulSoup(response.get_data(as_text=True), "html.parser")
        assert soup.html is not None
        assert soup.html["lang"] == lang
        assert soup.html["dir"] == direction
        if heading:
            assert soup.h1 is not None
            assert soup.h1.get_text() == heading
        assert "tel:112" in _tel(soup)
        assert "tel:+4500000000" in _tel(soup), "the configured (demo) line"
        assert soup.select_one("main form button") is not None, "try again"
        # Kept by the service worker: nobody's name or plans, though someone is signed in.
        assert "Mette" not in soup.get_text()
        assert "Lokalpsykiatri" not in soup.get_text()
    assert client.get("/offline/xx").status_code == 404


def test_the_wishes_crisis_box_reads_the_same_lines(
    client: FlaskClient, db: Session, demo: dict[str, Person], lines: None
) -> None:
    sign_in(client, db, demo["demo-mette"])
    box = page(client, "/wishes").select_one("aside.crisis")
    assert box is not None
    assert "tel:+4500000011" in [a["href"] for a in box.select("a.phone")]
    assert "tel:+4500000022" not in [a["href"] for a in box.select("a.phone")]


# The crisis card.


def _write(db: Session, person: Person, section: WishSection, text: str) -> None:
    db.add(
        WishEntry(
            citizen_id=person.id,
            author_person_id=person.id,
            scope_key="general",
            section=section,
            number=1,
            text=text,
            author_kind=ActorKind.CITIZEN,
        )
    )
    db.commit()


def _keep(client: FlaskClient, statement: bool = False) -> None:
    data = {"csrf_token": csrf(client, "/crisis-card")}
    form = page(client, "/crisis-card").select_one("form[action='/crisis-card/keep']")
    assert form is not None
    for field in form.select("input[type=hidden]"):
        data[str(field["name"])] = str(field["value"])
    if statement:
        data["statement"] = "yes"
    response = client.post("/crisis-card/keep", data=data)
    assert response.status_code == 303


def test_the_card_for_the_phone_is_handed_out_only_once_after_keep_on_this_phone(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    _write(db, peter, WishSection.EARLY_SIGNS, "Jeg sover dårligt.")
    _write(db, peter, WishSection.ADVANCE_STATEMENT, "Ingen tvang, tak.")
    sign_in(client, db, peter)
    shown = page(client, "/crisis-card")
    assert "Jeg sover dårligt." in shown.get_text()
    assert "tel:112" in _tel(shown)
    assert shown.select_one("[data-keep-card]") is None, "nothing is kept before the choice"
    assert client.get("/crisis-card/for-this-phone").status_code == 404

    _keep(client)
    assert page(client, "/crisis-card").select_one("[data-keep-card]") is not None
    card = client.get("/crisis-card/for-this-phone")
    assert card.status_code == 200
    assert card.headers["Cache-Control"] == "no-store"
    # The phone drops the card when the session would have ended (8 hours here).
    ends = datetime.fromisoformat(card.headers["X-Card-Ends"])
    assert timedelta(hours=7, minutes=59) < ends - datetime.now(UTC) <= timedelta(hours=8)
    text = text_of(card.get_data(as_text=True))
    assert "Jeg sover dårligt." in text
    assert "Kept on this phone on" in text
    assert "Ingen tvang" not in text, "the advance statement only if they ask for it"
    assert "Peter" not in text, "no name: the card is read by whoever holds the phone"
    assert client.get("/crisis-card/for-this-phone").status_code == 404, "once per choice"
    kept = db.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.CRISIS_CARD_KEPT)).all()
    assert [(e.actor_person_id, e.subject_person_id) for e in kept] == [(peter.id, peter.id)]

    _keep(client, statement=True)
    assert "Ingen tvang, tak." in client.get("/crisis-card/for-this-phone").get_data(as_text=True)


def test_another_citizen_never_gets_someone_s_card(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _write(db, demo["demo-peter"], WishSection.EARLY_SIGNS, "Peters tegn.")
    sign_in(client, db, demo["demo-peter"])
    _keep(client)  # Peter chose, then Mette signs in on the same browser
    sign_in(client, db, demo["demo-mette"])
    own = client.get("/crisis-card")
    assert own.status_code == 200, "Mette gets her own card"
    assert "Peters tegn." not in own.get_data(as_text=True)
    for_phone = client.get("/crisis-card/for-this-phone")
    assert "Peters tegn." not in for_phone.get_data(as_text=True)


def test_a_representative_cannot_keep_the_card_of_the_person_they_act_for(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    _write(db, peter, WishSection.EARLY_SIGNS, "Peters tegn.")
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    refused = client.get("/crisis-card")
    assert refused.status_code == 403
    assert "Peters tegn." not in refused.get_data(as_text=True)
    token = csrf(client, "/wishes")
    assert client.post("/crisis-card/keep", data={"csrf_token": token}).status_code == 403
    assert client.get("/crisis-card/for-this-phone").status_code == 403
    assert "/crisis-card" not in str(page(client, "/help").select("main a"))


def test_an_anonymous_visitor_is_sent_to_sign_in_for_the_card(client: FlaskClient) -> None:
    for path in ("/crisis-card", "/crisis-card/for-this-phone"):
        response = client.get(path)
        assert response.status_code == 302
        assert "/auth/sign-in" in response.headers["Location"]


def test_a_closed_contact_on_the_plan_page_says_what_to_call_instead(
    client: FlaskClient, db: Session, demo: dict[str, Person], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a Sunday night the plan's first screen offered only a closed office line
    (fifth outside review): it now says what to call instead, as a link."""
    sunday_night = datetime(2026, 11, 29, 4, 0, tzinfo=UTC)  # 05:00 in Copenhagen
    monkeypatch.setattr(plan_views, "utcnow", lambda: sunday_night)
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    soup = page(client, f"/plans/{plan.id}")
    call = soup.select_one(".answer-call")
    assert call is not None
    assert "call +45 00 00 00 00 instead" in text_of(call).replace("Closed now – ", "")
    assert call.select_one("a[href='tel:+4500000000']") is not None
