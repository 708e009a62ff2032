"""What a citizen sees on "My plans" and on a plan page."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from bs4 import BeautifulSoup, Tag
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.demo.data import DEMO_PLANS
from citizen_portal.fhir.demo_bundles import build_bundle
from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.fhir.profile import EXT_REVIEW_DATE
from citizen_portal.people.models import Person
from citizen_portal.plans import services as plan_services
from citizen_portal.plans.ingest import IncomingPlan, store_plan
from citizen_portal.plans.models import ImmutableVersionError, Plan
from citizen_portal.plans.types import PlanType
from tests.conftest import CPR_KEY, sign_in
from tests.support.fhir import REGION, api_token, example, post_bundle, resource
from tests.support.pages import csrf, shown_soup, text_of


def _soup(response) -> BeautifulSoup:  # type: ignore[no-untyped-def]
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _text(node) -> str:  # type: ignore[no-untyped-def]
    return text_of(node)


def _plan_of(db: Session, person: Person, plan_type: PlanType) -> Plan:
    plan = db.scalar(select(Plan).where(Plan.citizen_id == person.id, Plan.plan_type == plan_type))
    assert plan is not None
    return plan


def _open_plan(
    client: FlaskClient, db: Session, person: Person, plan_type: PlanType
) -> tuple[Plan, BeautifulSoup]:
    """Sign in as ``person`` and open their plan of ``plan_type``."""
    plan = _plan_of(db, person, plan_type)
    sign_in(client, db, person)
    # Glossary explanations are hidden until opened: read the page as it shows.
    return plan, shown_soup(client.get(f"/plans/{plan.id}").get_data(as_text=True))


def test_signed_out_visitor_is_sent_to_sign_in(client: FlaskClient) -> None:
    response = client.get("/plans")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/sign-in?next=/plans")


def test_my_plans_lists_plan_with_status_next_appointment_and_review(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    response = client.get("/plans")
    assert response.status_code == 200
    card = _soup(response).select_one(".card")
    assert card is not None
    text = _text(card)
    assert "Discharge agreement" in text
    assert "Psykiatrisk Afdeling Roskilde" in text
    assert "Active" in text
    # The demo's follow-up meeting is 4 days ahead at 13:30 Copenhagen time.
    assert "1:30" in text or "13:30" in text
    assert "Review of the plan" in text
    link = card.select_one("a")
    assert link is not None
    assert (
        link["href"]
        == f"/plans/{_plan_of(db, demo['demo-mette'], PlanType.DISCHARGE_AGREEMENT).id}"
    )


def test_my_plans_shows_only_own_plans(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    text = _text(_soup(client.get("/plans")))
    assert "Coordinated action plan" in text
    assert "Discharge agreement" not in text
    assert "Coordination plan" not in text


def test_citizen_without_plans_is_told_plainly(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-sara"])
    text = _text(_soup(client.get("/plans")))
    assert "You have no plans here yet." in text


def test_plan_page_starts_with_summary_and_who_to_call(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    # The first blocks in main: the three answers (plain blocks, not landmarks).
    sections = soup.select("main section, main .answer")
    assert [s.get("class") for s in sections[:3]] == [
        ["answer", "answer-next"],
        ["answer", "answer-call"],
        ["answer", "answer-you"],
    ], "the three answers come first: next, who to call, what you do"
    assert "Your next appointment" in _text(sections[0])
    assert "Køge Rådhus" in _text(sections[0])
    call = sections[1].select_one("a.phone")
    assert call is not None
    assert call["href"] == "tel:+4556676767"
    summary = _text(soup.select_one("section.summary"))
    assert "before you went home" in summary
    assert "When the plan is reviewed" in summary


def test_who_does_what_groups_actions_by_responsible_function_citizen_first(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    groups = soup.select("section.responsible")
    headings = [_text(g.select_one("h3")) for g in groups]
    assert headings[0] == "What you do yourself"
    assert "responsible-citizen" in groups[0]["class"]
    assert headings[1:] == [
        "Behandlerteam, Lokalpsykiatri Køge",
        "Opsøgende team, Socialpsykiatrien",
        "Sagsbehandler, voksenområdet",
        "Praktiserende læge",
    ]
    caseworker = groups[3]
    assert len(caseworker.select("li.action")) == 2
    assert "Open: Mon–Wed 10:00 AM–2:00 PM; Thu 10:00 AM–5:00 PM" in _text(caseworker)
    assert cast(Tag, caseworker.select_one("a.phone"))["href"] == "tel:+4556676767"
    outreach = _text(groups[2])
    assert "Contact person: Lise (kontaktperson)" in outreach
    assert "In progress" in outreach


def test_overdue_action_is_flagged(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-peter"], PlanType.COORDINATED_ACTION_PLAN)
    late = [a for a in soup.select("li.action") if a.select_one(".late")]
    assert [_text(a.select_one("p")) for a in late] == [
        "Tilbyde en første samtale om alkoholbehandling."
    ]


def test_coordinated_action_plan_shows_goals_consent_and_challenges_in_order(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-peter"], PlanType.COORDINATED_ACTION_PLAN)
    text = _text(soup)
    assert "Next follow-up meeting" in text
    goals = [_text(li.select_one("strong")) for li in soup.select("ol.goals > li")]
    assert goals[0] == "Fastholdelse i psykiatrisk behandling"
    assert len(goals) == 3
    assert "You gave consent" in text
    assert "You get help from outpatient psychiatry." in text
    assert text.index("Komme stabilt til samtaler") < text.index("Ingen plan for arbejde.")


def test_coordination_plan_says_plainly_the_citizen_did_not_take_part(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-jonas"], PlanType.COORDINATION_PLAN)
    summary = _text(soup.select_one(".summary"))
    assert "You did not want to take part in a discharge agreement, and that is your right." in (
        summary
    )


def test_version_history_lists_versions_and_older_version_is_readable(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    items = soup.select("ol.versions li")
    assert [_text(i).split(",")[0] for i in items] == ["Version 2", "Version 1"]
    assert items[0].select_one("[aria-current=page]") is not None
    older = cast(Tag, items[1].select_one("a"))
    assert older["href"] == f"/plans/{plan.id}/versions/1"

    old = _soup(client.get(older["href"]))
    assert _text(old.select_one("h1")) == "Discharge agreement, version 1"
    assert "This is an older version of the plan." in _text(old)
    # In version 1 Team Øst, not the outreach team, gave housing support.
    headings = [_text(h) for h in old.select("section.responsible h3")]
    assert "Bostøtte (§85), Team Øst" in headings
    assert "Opsøgende team, Socialpsykiatrien" not in headings


def test_another_citizens_plan_is_not_found(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    others = _plan_of(db, demo["demo-peter"], PlanType.COORDINATED_ACTION_PLAN)
    sign_in(client, db, demo["demo-mette"])
    for path in (f"/plans/{others.id}", f"/plans/{others.id}/versions/1"):
        response = client.get(path)
        assert response.status_code == 404
        assert "Koordinerende" not in response.get_data(as_text=True)
    assert client.get("/plans/999999").status_code == 404
    own = _plan_of(db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    assert client.get(f"/plans/{own.id}/versions/9").status_code == 404


def _audit_count(db: Session, tag: AuditTag) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.tag == tag)) or 0


def test_every_view_of_plan_data_writes_one_audit_record(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette = demo["demo-mette"]
    plan = _plan_of(db, mette, PlanType.DISCHARGE_AGREEMENT)
    sign_in(client, db, mette)
    before = {tag: _audit_count(db, tag) for tag in AuditTag}

    client.get("/plans")
    client.get(f"/plans/{plan.id}")
    client.get(f"/plans/{plan.id}/versions/1")

    after = {tag: _audit_count(db, tag) for tag in AuditTag}
    changed = {tag: after[tag] - before[tag] for tag in AuditTag if after[tag] != before[tag]}
    assert changed == {
        AuditTag.PLANS_LISTED: 1,
        AuditTag.PLAN_VIEWED: 1,
        AuditTag.PLAN_VERSION_VIEWED: 1,
    }
    event = db.scalars(
        select(AuditEvent).where(AuditEvent.tag == AuditTag.PLAN_VERSION_VIEWED)
    ).one()
    assert event.actor_person_id == mette.id
    assert event.subject_person_id == mette.id
    assert event.resource_id == str(plan.id)
    assert event.details == {"version": "1"}
    assert event.occurred_at.date() >= date(2026, 1, 1)


def test_refused_read_is_not_logged_as_a_view(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    others = _plan_of(db, demo["demo-peter"], PlanType.COORDINATED_ACTION_PLAN)
    sign_in(client, db, demo["demo-mette"])
    client.get(f"/plans/{others.id}")
    assert _audit_count(db, AuditTag.PLAN_VIEWED) == 0


def test_pages_with_personal_data_are_never_cached(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-mette"])
    response = client.get("/plans")
    assert response.headers["Cache-Control"] == "no-store"
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_work_without_javascript(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    # Only the one deferred enhancement script; all content is in the HTML itself.
    scripts = soup.find_all("script")
    assert [str(s.get("src")).split("?")[0] for s in scripts] == ["/static/js/app.js"]
    assert all(not s.string for s in scripts)
    assert soup.select("details > summary"), "more detail opens with plain HTML"


def test_stored_plan_versions_cannot_be_changed(db: Session, demo: dict[str, Person]) -> None:
    plan = _plan_of(db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    plan.versions[0].actions[0].description = "Rewritten history"
    with pytest.raises(ImmutableVersionError):
        db.flush()
    db.rollback()


def test_what_changed_leads_with_the_hand_over_and_stays_until_marked_as_seen(
    client: FlaskClient, db: Session, today: date
) -> None:
    mette = DEMO_PLANS[0]
    bundle = build_bundle(mette, mette.versions[0], today)
    store_plan(
        db, IncomingPlan(read_plan_bundle(bundle), bundle), cpr_key=CPR_KEY.encode(), client=None
    )
    plan = db.scalars(select(Plan)).one()
    citizen = db.get(Person, plan.citizen_id)
    assert citizen is not None
    sign_in(client, db, citizen)
    assert "New" in _text(_soup(client.get("/plans")).select_one(".card"))
    first = _soup(client.get(f"/plans/{plan.id}"))
    assert first.select_one(".changes") is None, "nothing to compare on a first visit"
    assert "New" not in _text(_soup(client.get("/plans")).select_one(".card"))

    bundle = build_bundle(mette, mette.versions[1], today)
    store_plan(
        db, IncomingPlan(read_plan_bundle(bundle), bundle), cpr_key=CPR_KEY.encode(), client=None
    )
    assert "Changed since you last looked" in _text(_soup(client.get("/plans")))
    page = _soup(client.get(f"/plans/{plan.id}"))
    # The one change that matters, in plain words, and the number to call.
    lead = page.select_one(".changes .change-lead")
    assert lead is not None
    assert "change-handed_over" in lead["class"]
    assert _text(lead) == (
        "New contact: Opsøgende team, Socialpsykiatrien (Køge Kommune, Socialpsykiatrien) "
        "takes over from Bostøtte (§85), Team Øst (Køge Kommune, Socialpsykiatrien)."
    )
    call = page.select_one(".changes a.phone")
    assert call is not None
    assert str(call["href"]).startswith("tel:")
    # It comes after the three answers.
    sections = page.select("main section, main .answer")
    changes_box, you = page.select_one("section.changes"), page.select_one(".answer-you")
    assert changes_box is not None
    assert you is not None
    assert sections.index(changes_box) > sections.index(you)
    # Every change in full, a click away.
    changes = page.select(".changes li")
    texts = [_text(li) for li in changes]
    assert texts[0].startswith("Handed over:")
    assert "from Bostøtte (§85), Team Øst (Køge Kommune, Socialpsykiatrien)" in texts[0]
    assert "to Opsøgende team, Socialpsykiatrien (Køge Kommune, Socialpsykiatrien)" in texts[0]
    joined = " | ".join(texts)
    assert "New: “Hjælp til at søge om ressourceforløb.” (Sagsbehandler, voksenområdet" in joined
    assert "now Done" in joined
    assert "New appointment: Opfølgning på udskrivningsaftalen" in joined

    # Reading the page again does not clear it: only "I have seen the changes" does.
    again = _soup(client.get(f"/plans/{plan.id}"))
    assert again.select_one(".changes") is not None, "a second look still shows the changes"
    assert "Changed since you last looked" in _text(_soup(client.get("/plans")))
    form = again.select_one(".changes form")
    assert form is not None
    assert form["method"] == "post"
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    response = client.post(str(form["action"]), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert _soup(client.get(f"/plans/{plan.id}")).select_one(".changes") is None
    assert "Changed since" not in _text(_soup(client.get("/plans")))


def test_only_the_reader_of_a_plan_can_mark_its_changes_seen(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette, jonas = demo["demo-mette"], demo["demo-jonas"]
    plan = _plan_of(db, mette, PlanType.DISCHARGE_AGREEMENT)
    sign_in(client, db, jonas)
    token = csrf(client)
    response = client.post(
        f"/plans/{plan.id}/changes-seen", data={"csrf_token": token, "version": 2}
    )
    assert response.status_code == 404
    assert plan.id not in plan_services.seen_versions(db, jonas.id)

    sign_in(client, db, mette)
    token = csrf(client)
    # "١" and "２" are digits to Python's int(), not to an id (ASCII digits only).
    for bad in ("", "x", "99", "\u0661", "\uff12", " 1"):
        response = client.post(
            f"/plans/{plan.id}/changes-seen", data={"csrf_token": token, "version": bad}
        )
        assert response.status_code == 400, bad
    response = client.post(f"/plans/{plan.id}/changes-seen", data={"version": 1})
    assert response.status_code == 400, "no CSRF token, nothing written"
    assert plan.id not in plan_services.seen_versions(db, mette.id)


def test_opening_hours_from_fhir_available_times_read_plainly(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = _plan_of(db, peter, PlanType.COORDINATED_ACTION_PLAN)
    sign_in(client, db, peter)
    page = _text(_soup(client.get(f"/plans/{plan.id}")))
    assert "Open: Mon–Fri 8:00 AM–3:00 PM" in page


def test_each_action_says_by_when(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = _plan_of(db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    dated = [a for a in plan.current_version.actions if a.due_date is not None]
    assert dated, "the demo's agreement has actions with a date"
    _plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    shown = {_text(a.select_one("p")): _text(a) for a in soup.select("li.action")}
    for action in dated:
        assert action.due_date is not None
        by = f"By {format_date(action.due_date, 'long', locale='en')}"
        assert by in shown[action.description], action.description


def test_without_a_follow_up_responsible_the_reviewer_is_the_one_to_call(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """A discharge agreement must name who reviews it; who follows up it may leave
    out. Then the plan's "who to call" is the reviewer: the chief physician's ward."""
    bundle = example("discharge-agreement")
    team = resource(bundle, "CareTeam")
    team["participant"] = [
        p
        for p in team["participant"]
        if p["role"][0]["coding"][0]["code"] != "follow-up-responsible"
    ]
    answer = post_bundle(client, api_token(client, db, [REGION]), bundle)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    _plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    call = soup.select_one(".answer-call")
    assert call is not None
    assert "Overlæge, Afsnit R3" in _text(call)
    phone = call.select_one("a.phone")
    assert phone is not None
    assert phone["href"] == "tel:+4547324000"
    assert "Open now." in _text(call), "the ward answers day and night"


def test_a_review_date_that_has_passed_is_said_and_one_to_come_is_not(
    client: FlaskClient, db: Session, demo: dict[str, Person], today: date
) -> None:
    mette = demo["demo-mette"]
    plan = _plan_of(db, mette, PlanType.DISCHARGE_AGREEMENT)
    review_date = plan.current_version.review_date
    assert review_date is not None
    assert review_date >= today
    _plan, soup = _open_plan(client, db, mette, PlanType.DISCHARGE_AGREEMENT)
    assert "has passed" not in _text(soup)

    token = api_token(client, db, [REGION])

    def reviewed_on(day: date) -> str:
        bundle = example("discharge-agreement")
        for extension in resource(bundle, "CarePlan")["extension"]:
            if extension["url"] == EXT_REVIEW_DATE:
                extension["valueDate"] = day.isoformat()
        answer = post_bundle(client, token, bundle)
        assert answer.status_code == 201, answer.get_data(as_text=True)
        _plan, soup = _open_plan(client, db, mette, PlanType.DISCHARGE_AGREEMENT)
        return _text(soup)

    assert "has passed" not in reviewed_on(today), "today is the day, not past it"
    text = reviewed_on(today - timedelta(days=1))
    assert "This date has passed." in text
    assert "The date to look at the plan again has passed." in text


def test_open_now_is_read_by_the_wards_own_clock(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The ward that reviews Mette's agreement (the one to call: nobody follows up)
    answers for forty minutes around this moment, Danish time (an hour or two
    ahead of UTC): the plan says it is open now."""
    here = datetime.now(ZoneInfo("Europe/Copenhagen"))
    if here.strftime("%H:%M") == "23:59":  # no slot ends after 23:59: wait for midnight
        time.sleep(61 - here.second)
        here = datetime.now(ZoneInfo("Europe/Copenhagen"))
    start = max(here - timedelta(minutes=20), here.replace(hour=0, minute=0))
    end = min(here + timedelta(minutes=20), here.replace(hour=23, minute=59))
    bundle = example("discharge-agreement")
    team = resource(bundle, "CareTeam")
    team["participant"] = [
        p
        for p in team["participant"]
        if p["role"][0]["coding"][0]["code"] != "follow-up-responsible"
    ]
    ward = next(
        e["resource"] for e in bundle["entry"] if e["fullUrl"] == "urn:uuid:role-r3-overlaege"
    )
    ward["availableTime"] = [
        {
            "daysOfWeek": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
            "availableStartTime": start.strftime("%H:%M:00"),
            "availableEndTime": end.strftime("%H:%M:00"),
        }
    ]
    answer = post_bundle(client, api_token(client, db, [REGION]), bundle)
    assert answer.status_code == 201, answer.get_data(as_text=True)
    _plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    call = soup.select_one(".answer-call")
    assert call is not None
    assert "Overlæge, Afsnit R3" in _text(call)
    assert "Open now." in _text(call)


def _details(soup: BeautifulSoup) -> dict[str, str]:
    """ "Show everything written in the plan", term by term."""
    listing = soup.select_one("dl.details")
    assert listing is not None
    return {_text(dt): _text(dt.find_next_sibling("dd")) for dt in listing.select("dt")}


def test_everything_written_names_who_reviews_follows_up_coordinates_and_when_agreed(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-mette"], PlanType.DISCHARGE_AGREEMENT)
    details = _details(soup)
    assert details["Responsible for reviewing the plan"].startswith("Overlæge, Afsnit R3, ")
    assert details["Follows you after discharge"].startswith("Sagsbehandler, voksenområdet, ")
    assert "Coordinator" not in details, "a discharge agreement has none"

    plan, soup = _open_plan(client, db, demo["demo-peter"], PlanType.COORDINATED_ACTION_PLAN)
    version = plan.current_version
    coordinator = version.coordinator_function
    assert coordinator is not None
    details = _details(soup)
    assert details["Coordinator"] == (
        f"{coordinator.title}, {coordinator.organisation.name} (Birgitte Holm)"
    )

    def day(value: date | None) -> str:
        assert value is not None
        return format_date(value, "long", locale="en")

    assert details["Your consent to the plan"] == f"You gave consent {day(version.consent_date)}"
    assert version.approved_by_citizen
    assert details["Approved by you"] == f"Yes, {day(version.approved_date)}"
    assert details["Date of the meeting"] == day(version.meeting_date)


def test_everything_written_lists_the_other_plans_by_kind_and_who_took_part_in_full(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    _plan, soup = _open_plan(client, db, demo["demo-peter"], PlanType.COORDINATED_ACTION_PLAN)
    everything = soup.select_one("section details")
    assert everything is not None
    listings = everything.select("dl.details")
    other_plans = {_text(dt): _text(dt.find_next_sibling("dd")) for dt in listings[1].select("dt")}
    assert other_plans == {
        "Drug treatment plan": "Ikke aktuelt",
        "Alcohol treatment plan": "Findes ikke",
        "Psychiatric treatment plan": "Behandlingsplan Goal: Stabilisere angstlidelsen og "
        "justere medicinen. Help: Samtaler hver 14. dag. Kriseplan for svære situationer.",
        "Social action plan (§141)": "Handleplan (§141) Goal: En overskuelig hverdag. "
        "Help: Støtte-kontaktperson.",
        "Education or job plan": "Bør udarbejdes",
    }
    took_part = [_text(li) for li in everything.select("h3 + ul > li")]
    assert took_part[0] == (
        "Birgitte Holm, Forløbskoordinator, Distriktspsykiatrien Næstved, +45 56 51 80 00"
    )
