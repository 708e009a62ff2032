"""The consent a coordinated action plan records appears on the citizen's consents
page with its date and is withdrawn there like any other; the plan's organisations
then read it as withdrawn, and the plan page's model says so (issue 13)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

from babel.dates import format_date
from flask import Flask, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.fhir.profile import EXT_CONSENT
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.representation.models import Representation
from citizen_portal.security.actors import ActorKind
from tests.conftest import sign_in
from tests.support.consents import give_consent
from tests.support.demo import action_plan_of
from tests.support.fhir import (
    DISTRICT_PSYCHIATRY,
    REGION,
    api_token,
    example,
    post_bundle,
    resource,
)
from tests.support.pages import act_for, csrf, page, text_of

PETER = "0911843456"  # the demo's CPR number for Peter, as in the profile's example


def _read_back(client: FlaskClient, token: str, plan: Plan) -> list[dict[str, Any]]:
    response = client.get(
        f"/api/fhir/citizen-input?plan={plan.identifier_system}|{plan.identifier_value}",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 200
    return [
        e["resource"]
        for e in response.get_json()["entry"]
        if e["resource"]["resourceType"] == "Consent"
    ]


def _withdraw(client: FlaskClient, plan: Plan) -> int:
    form = page(client, "/consents").select_one(
        f"form[action='/consents/plans/{plan.id}/withdraw']"
    )
    assert form is not None
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    return client.post(f"/consents/plans/{plan.id}/withdraw", data=data).status_code


def _page_model(app: Flask, client: FlaskClient, path: str) -> Any:
    seen: list[Any] = []

    def record(sender: Flask, template: Any, context: dict[str, Any], **extra: Any) -> None:
        if "page" in context:
            seen.append(context["page"])

    with template_rendered.connected_to(record, app):
        assert client.get(path).status_code == 200
    return seen[-1]


def _withdrawals(db: Session) -> int:
    db.expire_all()
    return int(
        db.scalar(select(func.count(Consent.id)).where(Consent.withdrawn_at.is_not(None))) or 0
    )


def test_the_plans_consent_is_listed_withdrawn_and_read_back_as_withdrawn(
    app: Flask, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    given_on = plan.current_version.consent_date
    assert plan.current_version.consent_given
    assert given_on is not None
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=("api:citizen-input:read",))
    assert _read_back(client, token, plan) == []
    sign_in(client, db, peter)
    shown = page(client, "/consents")
    item = shown.select_one(f"#plan-consent-{plan.id}")
    assert item is not None
    assert "Given at a meeting about your coordinated action plan" in text_of(item)
    assert str(given_on.year) in text_of(item)
    assert _page_model(app, client, f"/plans/{plan.id}").details.consent_withdrawn_on is None

    assert _withdraw(client, plan) == 303
    shown = page(client, "/consents")
    assert shown.select_one(f"#plan-consent-{plan.id}") is None, "no longer in effect"
    assert "Withdrawn by you" in text_of(shown), "it is in the history"
    consents = _read_back(client, token, plan)
    assert len(consents) == 1
    assert consents[0]["status"] == "inactive"
    assert consents[0]["provision"]["period"]["end"] == utcnow().date().isoformat()
    assert consents[0]["provision"]["purpose"][0]["code"] == "share-for-action-plan"
    model = _page_model(app, client, f"/plans/{plan.id}")
    assert model.details.consent_withdrawn_on == utcnow().date()
    plan_page = text_of(page(client, f"/plans/{plan.id}"))
    assert "and withdrawn" in plan_page, "the plan page says so"
    assert "You gave consent" not in plan_page


def test_a_double_submit_withdraws_once(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    form = page(client, "/consents").select_one(
        f"form[action='/consents/plans/{plan.id}/withdraw']"
    )
    assert form is not None
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    for _ in range(2):
        assert client.post(f"/consents/plans/{plan.id}/withdraw", data=data).status_code in (
            302,
            303,
        )
    assert _withdrawals(db) == 1


def test_another_citizen_cannot_withdraw_it(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    sign_in(client, db, demo["demo-mette"])
    answer = client.post(
        f"/consents/plans/{plan.id}/withdraw", data={"csrf_token": csrf(client, "/consents")}
    )
    assert answer.status_code == 404
    assert _withdrawals(db) == 0


def test_a_representative_without_the_consent_right_cannot_and_with_it_the_citizen_is_told(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    shown = page(client, "/consents")
    assert shown.select_one(f"#plan-consent-{plan.id}") is not None, "she reads it"
    assert shown.select_one(f"form[action='/consents/plans/{plan.id}/withdraw']") is None
    answer = client.post(
        f"/consents/plans/{plan.id}/withdraw", data={"csrf_token": csrf(client, "/consents")}
    )
    assert answer.status_code == 403
    assert _withdrawals(db) == 0

    power = db.scalars(
        select(Representation).where(Representation.representative_id == hanne.id)
    ).one()
    power.scopes = [*power.scopes, "manage_consents"]
    db.commit()
    assert _withdraw(client, plan) == 303
    assert _withdrawals(db) == 1
    told = db.scalars(
        select(Notification).where(
            Notification.person_id == peter.id,
            Notification.kind == NotificationKind.REPRESENTATIVE_CHANGED,
        )
    ).all()
    assert len(told) == 1


def _withdraw_forms(client: FlaskClient, plan: Plan, tabs: int) -> list[dict[str, str]]:
    """The withdrawal form as ``tabs`` open tabs show it (each with its own one-time token)."""
    forms = []
    for _ in range(tabs):
        form = page(client, "/consents").select_one(
            f"form[action='/consents/plans/{plan.id}/withdraw']"
        )
        assert form is not None
        forms.append({str(i["name"]): str(i["value"]) for i in form.select("input[type=hidden]")})
    return forms


def test_withdrawing_again_from_a_second_tab_changes_nothing(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Peter has the consents page open in two tabs and withdraws in both: the
    consent is withdrawn once, listed once, and the log tells it once."""
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    for data in _withdraw_forms(client, plan, tabs=2):
        answer = client.post(f"/consents/plans/{plan.id}/withdraw", data=data)
        assert answer.status_code in (302, 303)
    assert _withdrawals(db) == 1
    shown = text_of(page(client, "/consents"))
    assert shown.count("Withdrawn by you") == 1
    assert text_of(page(client, "/access-log")).count("withdrew consent") == 1


def test_a_plan_that_records_no_consent_has_nothing_to_withdraw(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Mette's discharge agreement records no consent: a withdrawal sent for it
    (an old page, a typed address) leads back to her consents and stores nothing."""
    mette = demo["demo-mette"]
    plan = db.scalars(select(Plan).where(Plan.citizen_id == mette.id)).first()
    assert plan is not None
    sign_in(client, db, mette)
    answer = client.post(
        f"/consents/plans/{plan.id}/withdraw", data={"csrf_token": csrf(client, "/consents")}
    )
    assert answer.status_code in (302, 303)
    assert answer.headers["Location"].endswith("/consents")
    assert _withdrawals(db) == 0


def test_the_withdrawn_plan_consent_is_read_back_as_given_on_the_meeting_day(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The plan's organisations read the withdrawn consent back dated the day it
    was given at the meeting (not the day it was withdrawn), and ending the day
    it was withdrawn."""
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    given_on = plan.current_version.consent_date
    assert given_on is not None
    assert given_on < utcnow().date(), "the demo's meeting was some days ago"
    token = api_token(client, db, [DISTRICT_PSYCHIATRY], scopes=("api:citizen-input:read",))
    sign_in(client, db, peter)
    assert _withdraw(client, plan) == 303
    (consent,) = _read_back(client, token, plan)
    assert consent["dateTime"].startswith(given_on.isoformat())
    assert consent["provision"]["period"] == {
        "start": given_on.isoformat(),
        "end": utcnow().date().isoformat(),
    }


def test_a_representatives_withdrawal_of_the_plans_consent_is_kept_as_theirs(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Hanne, with the right to manage Peter's consents, withdraws the plan's
    consent: Peter's history says she did, on his behalf, and the record keeps
    that she acted as his representative."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    power = db.scalars(
        select(Representation).where(Representation.representative_id == hanne.id)
    ).one()
    power.scopes = [*power.scopes, "manage_consents"]
    db.commit()
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    assert _withdraw(client, plan) == 303

    db.expire_all()
    withdrawal = db.scalars(select(Consent).where(Consent.withdrawn_at.is_not(None))).one()
    assert withdrawal.withdrawn_by_person_id == hanne.id
    assert withdrawal.withdrawn_by_kind is ActorKind.REPRESENTATIVE
    sign_in(client, db, peter)
    shown = text_of(page(client, "/consents"))
    assert "Withdrawn by Hanne Sørensen on your behalf" in shown
    assert "Withdrawn by you" not in shown


def _consent_extension(bundle: dict[str, Any], given_on: date) -> None:
    careplan = resource(bundle, "CarePlan")
    careplan["extension"] = [e for e in careplan["extension"] if e["url"] != EXT_CONSENT]
    careplan["extension"].append(
        {
            "url": EXT_CONSENT,
            "extension": [
                {"url": "given", "valueBoolean": True},
                {"url": "date", "valueDate": given_on.isoformat()},
            ],
        }
    )


def _plan_consents_shown(client: FlaskClient) -> list[str]:
    return [text_of(item) for item in page(client, "/consents").select("li[id^=plan-consent-]")]


def test_the_plans_consent_is_shown_with_the_day_of_the_meeting(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    given_on = action_plan_of(db, peter).current_version.consent_date
    assert given_on is not None
    assert given_on != utcnow().date()
    sign_in(client, db, peter)
    (shown,) = _plan_consents_shown(client)
    day = format_date(given_on, "long", locale="en")
    assert f"Given at a meeting about your coordinated action plan, {day}." in shown


def test_a_consent_given_today_for_the_plan_does_not_make_the_plans_own_look_withdrawn(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The meeting that made Peter's plan was today, and he also gives a consent of
    his own for the plan today: the plan's consent is still in effect, not withdrawn."""
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    bundle = example("coordinated-action-plan")
    _consent_extension(bundle, utcnow().date())
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    assert post_bundle(client, token, bundle).status_code == 201
    sign_in(client, db, peter)
    answer = give_consent(client, recipient="Min søster", plan=str(plan.id))
    assert answer.status_code in (302, 303), answer.get_data(as_text=True)
    (shown,) = _plan_consents_shown(client)
    assert "Recorded in your coordinated action plan" in shown
    plan_page = text_of(page(client, f"/plans/{plan.id}"))
    assert "You gave consent" in plan_page
    assert "and withdrawn" not in plan_page
    reader = api_token(client, db, [DISTRICT_PSYCHIATRY], "reader", ("api:citizen-input:read",))
    (own,) = _read_back(client, reader, plan)  # his own consent, once; the plan's is not sent
    assert own["status"] == "active"
    assert own["provision"]["purpose"][0]["code"] == "involve-relative"


def test_only_the_citizens_own_coordinated_action_plans_list_a_consent(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Sara gets a coordinated action plan of her own; a discharge agreement for
    Mette that records a consent too is no coordinated action plan. Each sees only
    the consent of their own coordinated action plan, and Mette none."""
    peter, sara, mette = demo["demo-peter"], demo["demo-sara"], demo["demo-mette"]
    text = json.dumps(example("coordinated-action-plan"))
    saras = json.loads(text.replace(PETER, "0502014567").replace("kip-2026-0031", "kip-2026-0777"))
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    assert post_bundle(client, token, saras).status_code == 201
    agreement = example("discharge-agreement")
    _consent_extension(agreement, utcnow().date() - timedelta(days=3))
    answer = post_bundle(client, api_token(client, db, [REGION], "region"), agreement)
    assert answer.status_code == 201, answer.get_data(as_text=True)

    for person, plans in ((peter, 1), (sara, 1), (mette, 0)):
        sign_in(client, db, person)
        assert len(_plan_consents_shown(client)) == plans, person.full_name
    sara_plan = action_plan_of(db, sara)
    sign_in(client, db, sara)
    assert page(client, "/consents").select_one(f"#plan-consent-{sara_plan.id}") is not None


def test_a_new_meeting_records_a_new_consent_in_effect_after_the_old_was_withdrawn(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Peter withdraws the consent his plan records; at a new meeting he gives it
    again, and the next version records it with the new day: it is in effect."""
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    assert _withdraw(client, plan) == 303
    assert "and withdrawn" in text_of(page(client, f"/plans/{plan.id}"))

    bundle = example("coordinated-action-plan")
    _consent_extension(bundle, utcnow().date())
    assert (
        post_bundle(client, api_token(client, db, [DISTRICT_PSYCHIATRY]), bundle).status_code == 201
    )
    sign_in(client, db, peter)
    (shown,) = _plan_consents_shown(client)
    assert format_date(utcnow().date(), "long", locale="en") in shown
    plan_page = text_of(page(client, f"/plans/{plan.id}"))
    assert "You gave consent" in plan_page
    assert "and withdrawn" not in plan_page
    reader = api_token(client, db, [DISTRICT_PSYCHIATRY], "reader", ("api:citizen-input:read",))
    assert _read_back(client, reader, plan) == [], "in effect: the plan itself records it"


def test_withdrawing_one_plans_consent_leaves_another_plans_from_the_same_meeting(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Two coordinated action plans record consents given the same day: withdrawing
    one leaves the other in effect, and it can be withdrawn in its turn."""
    peter = demo["demo-peter"]
    plan_a = action_plan_of(db, peter)
    text = json.dumps(example("coordinated-action-plan"))
    second = json.loads(text.replace("kip-2026-0031", "kip-2026-0032"))
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    for bundle in (json.loads(text), second):  # both record the consent of 2025-12-18
        assert post_bundle(client, token, bundle).status_code == 201
    plan_b = db.scalars(select(Plan).where(Plan.identifier_value == "kip-2026-0032")).one()
    assert plan_a.current_version.consent_date == plan_b.current_version.consent_date

    sign_in(client, db, peter)
    assert _withdraw(client, plan_a) == 303
    assert len(_plan_consents_shown(client)) == 1
    assert page(client, "/consents").select_one(f"#plan-consent-{plan_b.id}") is not None
    plan_page = text_of(page(client, f"/plans/{plan_b.id}"))
    assert "You gave consent" in plan_page
    assert "and withdrawn" not in plan_page
    assert _withdraw(client, plan_b) == 303
    assert _withdrawals(db) == 2
    assert _plan_consents_shown(client) == []


def test_earlier_consents_are_listed_by_the_day_they_were_given_newest_first(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Peter withdraws a consent he gave today, then the one his plan recorded at
    the meeting weeks ago: the history lists today's first, as given, not as withdrawn."""
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    answer = give_consent(client, recipient="Min søster")
    assert answer.status_code in (302, 303)
    own = db.scalars(select(Consent).where(Consent.citizen_id == peter.id)).one()
    assert client.post(
        f"/consents/{own.id}/withdraw", data={"csrf_token": csrf(client, "/consents")}
    ).status_code in (302, 303)
    assert _withdraw(client, plan) == 303

    earlier = page(client, "/consents").select("li.consent")
    texts = [text_of(item) for item in earlier]
    assert len(texts) == 2
    assert "To: Min søster" in texts[0]
    assert "Given at a meeting about your coordinated action plan" in texts[1]
