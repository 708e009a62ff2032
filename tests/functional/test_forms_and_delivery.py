"""Forms that say what happened (issue 16): check your answer, a confirmation with
what happens next, success banners, error pages that say why; the menu; the
accessibility statement; compressed, cache-busted delivery."""

from __future__ import annotations

import gzip
import re

from bs4 import BeautifulSoup
from flask import Flask, render_template_string
from flask.testing import FlaskClient
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from wtforms import StringField

from citizen_portal.people.models import Person
from citizen_portal.wishes.models import PlanStance
from tests.conftest import check_page, sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, csrf, one, page, text_of


def test_approving_a_plan_asks_to_check_the_answer_then_confirms_what_happens_next(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    path = f"/plans/{plan.id}/stance"
    answer = {"choice": "agree_with_comments", "comment": "Godt <b>nok</b>.", "version": 1}
    check = client.post(path, data={"csrf_token": csrf(client, f"/plans/{plan.id}"), **answer})
    assert check.status_code == 200
    shown = text_of(check.get_data(as_text=True))
    assert "Check your answer before you send it" in shown
    assert "I agree, with comments" in shown
    assert "Godt <b>nok</b>." in shown
    assert "When you send this, you approve the plan." in shown
    assert db.scalar(select(func.count(PlanStance.id))) == 0, "nothing stored before sending"

    # "Change your answer" goes back to the question, filled in.
    back = client.post(
        path, data={"csrf_token": csrf(client, f"/plans/{plan.id}"), "change": "yes", **answer}
    )
    assert back.status_code == 200
    form = check_page(back.get_data(as_text=True))
    assert one(form, "input[value=agree_with_comments]").has_attr("checked")
    assert one(form, "textarea[name=comment]").get_text() == "Godt <b>nok</b>."
    assert db.scalar(select(func.count(PlanStance.id))) == 0

    sent = client.post(
        path, data={"csrf_token": csrf(client, f"/plans/{plan.id}"), "confirm": "yes", **answer}
    )
    assert sent.status_code == 302
    assert sent.headers["Location"].endswith(f"/plans/{plan.id}/stance/sent")
    panel = page(client, f"/plans/{plan.id}/stance/sent")
    assert text_of(one(panel, ".panel h1")) == "You have approved the plan"
    assert "What happens next" in text_of(panel)
    assert db.scalar(select(PlanStance.approves_plan)) is True


def test_a_representatives_confirmation_never_says_approved(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    answer = {"choice": "agree", "version": 1}
    check = client.post(
        f"/plans/{plan.id}/stance", data={"csrf_token": csrf(client, f"/plans/{plan.id}"), **answer}
    )
    assert "you approve the plan" not in check.get_data(as_text=True)
    client.post(
        f"/plans/{plan.id}/stance",
        data={"csrf_token": csrf(client, f"/plans/{plan.id}"), "confirm": "yes", **answer},
    )
    panel = text_of(page(client, f"/plans/{plan.id}/stance/sent"))
    assert "Your answer has been sent" in panel
    assert "approved" not in panel


def test_the_confirmation_of_another_citizens_plan_is_not_found(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    sign_in(client, db, demo["demo-mette"])
    assert client.get(f"/plans/{plan.id}/stance/sent").status_code == 404


def test_a_saved_wish_shows_a_success_banner_once(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    path = "/wishes/early_signs"
    saved = client.post(
        path, data={"csrf_token": csrf(client, path), "text": "Jeg sover dårligt.", "based_on": 0}
    )
    assert saved.status_code == 302
    banner = page(client, saved.headers["Location"]).select_one(".banner-success")
    assert banner is not None
    assert banner["role"] == "alert"
    assert text_of(banner).startswith("Saved: ")
    assert page(client, "/wishes").select_one(".banner-success") is None


def test_the_error_summary_lists_errors_in_the_order_asked(app: Flask) -> None:
    class Two(FlaskForm):  # type: ignore[misc]
        second = StringField()
        first = StringField()

    with app.test_request_context("/", method="POST"):
        form = Two(meta={"csrf": False})
        form.second.errors = ["Second is wrong"]
        form.first.errors = ["First is wrong"]
        form._errors = {"second": ["Second is wrong"], "first": ["First is wrong"]}
        html = render_template_string(
            '{% from "forms.html" import error_summary %}'
            "{{ error_summary(form, order=['first', 'second']) }}",
            form=form,
        )
    assert html.index("First is wrong") < html.index("Second is wrong")
    assert "data-focus-on-load" in html


def test_403_says_why_and_404_text_and_link_agree(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    refused = client.post("/wishes/early_signs/sharing", data={"csrf_token": csrf(client)})
    assert refused.status_code == 403
    shown = text_of(refused.get_data(as_text=True))
    assert "this page is not for you" in shown
    assert "power of attorney may have ended" in shown

    missing = check_page(client.get("/no-such-page").get_data(as_text=True))
    link = missing.select_one("main a[href='/plans']")
    assert link is not None
    assert text_of(link) == "Go to your plans"
    assert "go to your plans" in text_of(one(missing, "main"))


def test_the_menu_has_at_most_five_items_and_the_header_holds_who_is_signed_in(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    shown = page(client, "/plans")
    assert 1 <= len(shown.select("nav.bottom-nav a")) <= 5
    assert shown.select_one("header .signed-in-as") is not None
    assert shown.select_one("header .acting-for") is not None
    more = page(client, "/more")
    hrefs = {a["href"] for a in more.select("main a")}
    assert {"/access-log", "/acting-for", "/powers-of-attorney"} <= hrefs


def test_accessibility_statement_and_feedback_link_on_every_page(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    statement = page(client, "/accessibility")
    text = text_of(statement)
    assert "Digitaliseringsstyrelsen" in text
    assert "What does not work yet" in text
    assert "What we test" in text
    assert statement.select_one("#feedback") is not None
    for path in ("/", "/glossary", "/accessibility"):
        assert page(client, path).select_one("footer a[href='/accessibility#feedback']")
    sign_in(client, db, demo["demo-mette"])
    assert page(client, "/plans").select_one("footer a[href='/accessibility#feedback']")


def test_pages_and_static_files_are_compressed_and_static_urls_carry_a_hash(
    client: FlaskClient,
) -> None:
    plain = client.get("/")
    assert "Content-Encoding" not in plain.headers
    packed = client.get("/", headers={"Accept-Encoding": "gzip, br"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.get_data()) == plain.get_data()
    assert packed.headers["Cache-Control"] == "no-store"

    for kind in ("css/app.css", "js/app.js"):
        url = re.search(rf'"(/static/{kind}\?v=[0-9a-f]{{12}})"', plain.get_data(as_text=True))
        assert url is not None, kind
        hashed = client.get(url.group(1), headers={"Accept-Encoding": "gzip"})
        assert hashed.status_code == 200
        assert "immutable" in hashed.headers["Cache-Control"]
        assert "max-age=31536000" in hashed.headers["Cache-Control"]
        assert hashed.headers["Content-Encoding"] == "gzip"
        # An old or made-up hash is not cached for a year.
        stale = client.get(f"/static/{kind}?v=000000000000")
        assert "immutable" not in stale.headers.get("Cache-Control", "")


def test_the_power_of_attorney_errors_are_listed_in_the_order_of_the_fields(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"], fresh=True)
    token = csrf(client, "/powers-of-attorney/new")
    sent = client.post(
        "/powers-of-attorney/new",
        data={"csrf_token": token, "representative_name": "", "representative_cpr": "12"},
    )
    soup = BeautifulSoup(sent.get_data(as_text=True), "html.parser")
    summary = soup.select_one(".error-summary")
    assert summary is not None
    linked = [str(a["href"]).lstrip("#") for a in summary.select("a[href^='#']")]
    assert len(linked) >= 2
    on_page = [str(field["id"]) for field in soup.select("main [id]") if field["id"] in linked]
    assert linked == on_page, "the summary follows the fields' order"
