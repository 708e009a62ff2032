"""Plain language: the glossary, explained terms in professionals' text, the
explainer pages, readability (LIX), what is late, and the plan on paper (PDF)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy.orm import Session

from citizen_portal.glossary.explainers import EXPLAINERS
from citizen_portal.glossary.terms import TERMS
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.services import Late, what_is_late
from citizen_portal.plans.types import PlanType
from citizen_portal.readability import EASY, LONGEST_SENTENCE, score
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, page, shown_text


def test_the_glossary_has_at_least_60_terms_explained_easily_in_danish(app: Flask) -> None:
    assert len(TERMS) >= 60
    assert len({t.slug for t in TERMS}) == len(TERMS)
    with app.test_request_context(), force_locale("da"):
        for term in TERMS:
            explanation = str(term.explanation)
            found = score(explanation)
            assert found.lix <= EASY, (term.slug, found, explanation)
            assert found.longest_sentence <= LONGEST_SENTENCE, (term.slug, explanation)
    with app.test_request_context(), force_locale("en"):
        english = {t.slug: str(t.explanation) for t in TERMS}
    with app.test_request_context(), force_locale("da"):
        danish = {t.slug: str(t.explanation) for t in TERMS}
    assert all(english[s] != danish[s] for s in english), "every entry is translated"


def test_each_explainer_page_reads_easily(client: FlaskClient) -> None:
    for plan_type in EXPLAINERS:
        slug = plan_type.value.replace("_", "-")
        main = page(client, f"/about/{slug}?lang=da").select_one("main")
        assert main is not None
        blocks = "\n".join(" ".join(b.get_text(" ").split()) for b in main.select("h1, h2, p"))
        found = score(blocks)
        assert found.lix <= EASY, (slug, found)
        assert found.longest_sentence <= LONGEST_SENTENCE, (slug, found)
        assert main.select("h2"), "what it is, why, rights, if something is wrong"
    assert client.get("/about/nonsense").status_code == 404


def test_the_first_use_of_a_term_is_explained_and_the_wording_is_kept(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    html = client.get(f"/plans/{plan.id}?lang=en").get_data(as_text=True)
    soup = page(client, f"/plans/{plan.id}?lang=en")
    explained = soup.select("span.term")
    slugs = [t.select_one(".term-explanation")["id"] for t in explained]  # type: ignore[index]
    assert len(slugs) == len(set(slugs)), "only the first use of each term"
    alcohol = soup.select_one("#explain-alcohol-treatment")
    assert alcohol is not None
    assert alcohol.has_attr("hidden")
    assert "Help to drink less or to stop." in alcohol.get_text(), "in the reader's language"
    link = alcohol.find_previous_sibling("a")
    assert link is not None
    assert link["href"] == "/glossary#alcohol-treatment", "works without JavaScript"
    assert link.get_text() == "alkoholbehandling", "the professional's own words"
    assert "Tilbyde en første samtale om alkoholbehandling." in shown_text(html)
    glossary = page(client, "/glossary?lang=en")
    assert glossary.select_one("dt#alcohol-treatment") is not None


def test_the_plan_links_to_its_explainer(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    soup = page(client, f"/plans/{plan.id}?lang=en")
    link = soup.find("a", string="Read more about this plan and your rights")
    assert link is not None
    assert link["href"] == "/about/coordinated-action-plan"


def _version(plan_type: PlanType, **fields: object) -> PlanVersion:
    version = PlanVersion(plan=Plan(plan_type=plan_type), period_start=date(2026, 1, 1), **fields)
    return version


def test_what_is_late_is_said_plainly() -> None:
    today = date(2026, 11, 28)
    kip = PlanType.COORDINATED_ACTION_PLAN
    on_time = _version(kip, meeting_date=date(2026, 10, 1), review_date=date(2027, 3, 1))
    assert what_is_late(on_time, [], today) == []
    too_far = _version(kip, meeting_date=date(2026, 10, 1), review_date=date(2027, 6, 1))
    assert what_is_late(too_far, [], today) == [Late.FOLLOW_UP_TOO_FAR]
    none_planned = _version(kip, meeting_date=today - timedelta(days=200), review_date=None)
    assert what_is_late(none_planned, [], today) == [Late.FOLLOW_UP_TOO_FAR]
    passed = _version(PlanType.DISCHARGE_AGREEMENT, review_date=date(2026, 11, 1))
    assert what_is_late(passed, [], today) == [Late.REVIEW_DATE_PASSED]


def test_the_plan_page_says_what_is_late(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    sign_in(client, db, peter)
    text = shown_text(
        client.get(f"/plans/{action_plan_of(db, peter).id}?lang=en").get_data(as_text=True)
    )
    assert "Something is late" in text
    assert "1 task is late. It is marked below." in text


def _pdf_text(response: object) -> str:
    data = response.get_data()  # type: ignore[attr-defined]
    assert data.startswith(b"%PDF")
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


def test_the_plan_downloads_as_pdf_and_a_representative_gets_only_their_part(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    response = client.get(f"/plans/{plan.id}/versions/1/pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    own = " ".join(_pdf_text(response).split())
    assert "Peter Sørensen" in own
    assert "Tilbyde en første samtale om alkoholbehandling." in own
    assert "Samtaler om angst hver 14. dag." in own

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    theirs = " ".join(_pdf_text(client.get(f"/plans/{plan.id}/versions/1/pdf")).split())
    assert "Samtaler om angst hver 14. dag." in theirs
    # The withheld action; the plan's challenges (shown to her on the page and now
    # in the PDF too) still mention alcohol treatment.
    assert "Tilbyde en første samtale om alkoholbehandling." not in theirs
    assert "Peter går selv ud og handler." in theirs
    other = demo["demo-mette"]
    sign_in(client, db, other)
    assert client.get(f"/plans/{plan.id}/versions/1/pdf").status_code == 404
