"""The plan page in the reader's language, with the plan's own Danish text marked
as Danish, and older versions that say they are replaced."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from bs4.element import NavigableString
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.organisations.models import Function
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.types import PlanType
from tests.conftest import sign_in
from tests.support.pages import act_for, text_of

PLANS = [
    ("demo-mette", PlanType.DISCHARGE_AGREEMENT),
    ("demo-jonas", PlanType.COORDINATION_PLAN),
    ("demo-peter", PlanType.COORDINATED_ACTION_PLAN),
]
NOTICE = "The plan is written in Danish."


def _plan(db: Session, person: Person, plan_type: PlanType) -> Plan:
    return db.scalars(
        select(Plan).where(Plan.citizen_id == person.id, Plan.plan_type == plan_type)
    ).one()


def _danish_texts(version: PlanVersion) -> set[str]:
    """Everything professionals wrote in the version (people's names aside)."""
    functions: list[Function | None] = [
        version.review_responsible_function,
        version.follow_up_responsible_function,
        version.coordinator_function,
        *(a.responsible_function for a in version.actions),
    ]
    texts = {
        version.reason,
        version.current_needs,
        version.expected_needs,
        version.treatment_offers,
        version.social_offers,
        version.patient_wishes,
        version.missed_appointment_response,
        version.plan.author_organisation.name,
        *(t for a in version.actions for t in (a.description, a.timeline)),
        *(t for g in version.goals for t in (g.description, g.success_criteria)),
        *(t for a in version.appointments for t in (a.description, a.place)),
        *(t for c in version.challenges for t in (c.description, c.agreements, c.desired_outcome)),
        *(t for f in functions if f for t in (f.title, f.organisation.name, f.opening_hours)),
    }
    return {t for t in texts if t}


def _untagged_danish(html: str, danish: set[str]) -> list[str]:
    """Pieces of Danish plan text on the page without a lang="da" element around them."""
    main = BeautifulSoup(html, "html.parser").select_one("main")
    assert main is not None
    found = []
    for node in main.find_all(string=True):
        assert isinstance(node, NavigableString)
        piece = " ".join(node.split())
        if len(piece) < 8 or not any(piece in text for text in danish):
            continue
        marked = node.find_parent(attrs={"lang": True})
        if marked is None or marked["lang"] != "da":
            found.append(piece)
    return found


@pytest.mark.parametrize(("persona", "plan_type"), PLANS)
def test_no_danish_plan_text_reaches_an_english_or_arabic_page_unmarked(
    client: FlaskClient, db: Session, demo: dict[str, Person], persona: str, plan_type: PlanType
) -> None:
    person = demo[persona]
    plan = _plan(db, person, plan_type)
    danish = _danish_texts(plan.current_version)
    sign_in(client, db, person)
    for lang in ("en", "ar"):
        html = client.get(f"/plans/{plan.id}?lang={lang}").get_data(as_text=True)
        soup = BeautifulSoup(html, "html.parser")
        assert soup.html is not None
        assert soup.html["lang"] == lang
        shown = sum(
            1 for text in danish if text_of(text) in text_of(html)
        )  # the check below is about text that is on the page
        assert shown >= 5
        assert _untagged_danish(html, danish) == [], lang
        for element in soup.select("main [lang=da]"):
            assert element.get("dir") == "ltr"
        notice = soup.select_one("#plan-language")
        assert notice is not None, "the reader is told the plan is in Danish"
        if lang == "en":
            assert NOTICE in text_of(notice)
            assert "interpreter" in text_of(notice)
        assert notice.select_one('a[href="/glossary"]') is not None
    html = client.get(f"/plans/{plan.id}?lang=da").get_data(as_text=True)
    assert BeautifulSoup(html, "html.parser").select_one("#plan-language") is None


def test_phone_numbers_are_isolated_left_to_right_in_arabic(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    plan = _plan(db, mette, PlanType.DISCHARGE_AGREEMENT)
    sign_in(client, db, mette)
    soup = BeautifulSoup(
        client.get(f"/plans/{plan.id}?lang=ar").get_data(as_text=True), "html.parser"
    )
    calls = soup.select('main a[href^="tel:"]')
    assert calls
    for call in calls:
        number = call.select_one('bdi[dir="ltr"]')
        assert number is not None, call
        assert number.get_text().startswith("+45"), call


def test_an_older_version_says_when_it_was_replaced_and_offers_no_calls(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    plan = _plan(db, mette, PlanType.DISCHARGE_AGREEMENT)
    assert len(plan.versions) == 2
    sign_in(client, db, mette)
    newest = BeautifulSoup(client.get(f"/plans/{plan.id}").get_data(as_text=True), "html.parser")
    assert newest.select('main a[href^="tel:"]')
    assert newest.select_one("main .status-active") is not None
    assert newest.select_one("#replaced") is None

    old = BeautifulSoup(
        client.get(f"/plans/{plan.id}/versions/1").get_data(as_text=True), "html.parser"
    )
    replaced = old.select_one("#replaced")
    assert replaced is not None
    replaced_on = plan.versions[1].issued_at
    assert text_of(replaced).startswith(
        f"Replaced on {replaced_on:%B} {replaced_on.day}, {replaced_on.year}."
    )
    assert old.select('main a[href^="tel:"]') == [], "no call buttons for teams that handed over"
    assert old.select_one("main .status-active") is None, "no 'Active' pill"


def test_acting_for_someone_the_first_screen_speaks_of_them(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = _plan(db, peter, PlanType.COORDINATED_ACTION_PLAN)
    sign_in(client, db, peter)
    own = BeautifulSoup(client.get(f"/plans/{plan.id}").get_data(as_text=True), "html.parser")
    headings = [text_of(h) for h in own.select(".answers h2")]
    assert headings[0] == "Your next appointment"
    assert headings[-1] == "What you do yourself"

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    soup = BeautifulSoup(client.get(f"/plans/{plan.id}").get_data(as_text=True), "html.parser")
    headings = [text_of(h) for h in soup.select(".answers h2")]
    assert headings[0] == f"Next appointment for {peter.full_name}"
    assert headings[-1] == f"What {peter.full_name} does"
    you = soup.select_one(".answer-you")
    assert you is not None
    assert "yours" not in text_of(you)


def test_the_glossary_shows_the_danish_word_beside_the_translation(client: FlaskClient) -> None:
    for lang in ("en", "ar"):
        soup = BeautifulSoup(
            client.get(f"/glossary?lang={lang}").get_data(as_text=True), "html.parser"
        )
        entry = soup.select_one("dt#discharge-agreement")
        assert entry is not None
        word = entry.select_one("[lang=da]")
        assert word is not None, lang
        assert word.get_text() == "Udskrivningsaftale", lang
    danish = BeautifulSoup(client.get("/glossary?lang=da").get_data(as_text=True), "html.parser")
    assert danish.select_one("dt#discharge-agreement [lang=da]") is None


def test_a_glossary_explanation_inside_danish_plan_text_is_in_the_readers_language(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = _plan(db, peter, PlanType.COORDINATED_ACTION_PLAN)
    sign_in(client, db, peter)
    soup = BeautifulSoup(
        client.get(f"/plans/{plan.id}?lang=ar").get_data(as_text=True), "html.parser"
    )
    explanations = soup.select("main [lang=da] .term-explanation")
    assert explanations
    for explanation in explanations:
        assert (explanation["lang"], explanation["dir"]) == ("ar", "rtl")
