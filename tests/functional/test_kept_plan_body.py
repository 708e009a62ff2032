"""The plan page's body is kept rendered (citizen_portal/fragments.py), and a reader
never notices: what changes shows at once, what one reader may not see never
reaches another, and each glossary term is still explained once per page."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.fragments import kept_renderings
from citizen_portal.organisations.models import Function
from citizen_portal.people.models import Person
from citizen_portal.plans import services as plan_services
from citizen_portal.plans.models import Plan
from citizen_portal.security.web import FOR_SUBJECT_FIELD, ONCE_FIELD
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, page, shown_text

WITHHELD_ACTION = "Tilbyde en første samtale om alkoholbehandling."


def _body(html: str) -> str:
    start = html.index('<section aria-labelledby="who-heading">')
    return html[start : html.index('<section aria-labelledby="your-stance"')]


def test_the_same_page_twice_is_rendered_once_and_reads_the_same(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    first = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    with app.app_context():
        count = len(kept_renderings())
    assert count >= 1
    second = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    with app.app_context():
        assert len(kept_renderings()) == count, "the second look is taken from the kept one"
    assert _body(first) == _body(second)


def test_a_representative_never_gets_the_citizens_kept_body(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    for _ in range(2):  # in both orders, so each one's rendering is kept first once
        sign_in(client, db, peter)
        assert WITHHELD_ACTION in shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
        sign_in(client, db, hanne)
        act_for(client, peter.id)
        seen = client.get(f"/plans/{plan.id}").get_data(as_text=True)
        assert WITHHELD_ACTION not in shown_text(seen)


def test_a_new_phone_number_shows_on_the_next_look(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    before = page(client, f"/plans/{plan.id}?lang=en")
    calls = [a["href"] for a in before.select("#who-heading ~ section a.phone")]
    assert calls, "the teams in the plan can be called"
    function_id = next(
        a.responsible_function_id
        for a in plan.current_version.actions
        if a.responsible_function_id is not None
    )
    function = db.get(Function, function_id)
    assert function is not None
    assert function.phone != "+45 11 22 33 44"
    function.phone = "+45 11 22 33 44"
    db.flush()
    after = page(client, f"/plans/{plan.id}?lang=en")
    assert "tel:+4511223344" in [a["href"] for a in after.select("#who-heading ~ section a.phone")]


def test_the_language_of_the_body_follows_the_reader(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    danish = page(client, f"/plans/{plan.id}?lang=da")
    english = page(client, f"/plans/{plan.id}?lang=en")
    assert english.select_one("#who-heading").get_text() == "Who does what"  # type: ignore[union-attr]
    assert danish.select_one("#who-heading").get_text() != "Who does what"  # type: ignore[union-attr]
    assert english.select_one("#details-heading").get_text() == "More about the plan"  # type: ignore[union-attr]


def test_each_term_is_explained_once_whether_the_body_is_kept_or_not(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    for _ in range(2):  # rendered, then kept
        soup = page(client, f"/plans/{plan.id}?lang=en")
        ids = [e["id"] for e in soup.select(".term-explanation")]
        assert ids, "the plan's terms are explained"
        assert len(ids) == len(set(ids)), "each term once per page"


def test_each_form_on_a_kept_page_carries_its_own_guard_on_every_look(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The content is kept, but a form's one-time token is never shared: not between
    the two forms of one page, and not between two looks at the same page."""
    mette = demo["demo-mette"]
    plan = db.scalars(select(Plan).where(Plan.citizen_id == mette.id)).first()
    assert plan is not None
    assert plan.current_version.number == 2
    plan_services.mark_seen(db, mette.id, plan.id, 1)  # so "what changed" has its form
    db.flush()
    sign_in(client, db, mette)
    tokens = []
    for _ in range(2):
        shown = page(client, f"/plans/{plan.id}")
        forms = shown.select("main form[method=post]")
        actions = [form["action"] for form in forms]
        assert actions == [f"/plans/{plan.id}/changes-seen", f"/plans/{plan.id}/stance"]
        for form in forms:
            fields = {field["name"]: field["value"] for field in form.select("input[type=hidden]")}
            assert fields["csrf_token"]
            assert fields[FOR_SUBJECT_FIELD] == str(mette.id)
            tokens.append(fields[ONCE_FIELD])
        assert "<!--slot:" not in str(shown)
    assert len(set(tokens)) == 4


def test_the_kept_header_and_menu_follow_each_reader_and_page(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The site's header and the end of the page are kept too: who is signed in,
    for whom they act, the page in the menu and the unread count still change."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    as_hanne = page(client, "/plans?lang=en")
    assert "Signed in as Hanne Sørensen" in shown_text(str(as_hanne))
    assert "You are acting for Peter Sørensen." in shown_text(str(as_hanne))
    assert as_hanne.select_one("nav.bottom-nav [aria-current=page]").get_text() == "Plans"  # type: ignore[union-attr]
    sign_in(client, db, peter)
    as_peter = page(client, "/wishes?lang=en")
    assert "Signed in as Peter Sørensen" in shown_text(str(as_peter))
    assert "You are acting for" not in shown_text(str(as_peter))
    assert as_peter.select_one("nav.bottom-nav [aria-current=page]").get_text() == "Wishes"  # type: ignore[union-attr]
    guards = [
        form.select_one("input[name=once]")["value"]  # type: ignore[index]
        for form in (
            as_hanne.select_one("form.inline-form"),
            as_peter.select_one("form.inline-form"),
        )
        if form is not None
    ]
    assert len(guards) == 2
    assert guards[0] != guards[1]


def test_acting_for_someone_without_a_stored_name_still_says_so(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Found by a review: a partner may send a patient without a name, and the
    kept header took an empty name for "not acting for anyone"."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    peter.given_name = peter.family_name = ""
    db.flush()
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    header = page(client, "/plans?lang=en").select_one("header.site-header")
    assert header is not None
    assert "You are acting for another person." in shown_text(str(header))
    assert header.select('form[action="/acting-for"] button')
