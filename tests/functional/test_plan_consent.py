"""The consent a coordinated action plan records appears on the citizen's consents
page with its date and is withdrawn there like any other; the plan's organisations
then read it as withdrawn, and the plan page's model says so (issue 13)."""

from __future__ import annotations

from typing import Any

from flask import Flask, template_rendered
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.representation.models import Representation
from citizen_portal.security.actors import ActorKind
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.fhir import DISTRICT_PSYCHIATRY, api_token
from tests.support.pages import act_for, csrf, page, text_of


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
