from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, abort, make_response, render_template

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_read_or_change
from citizen_portal.consents.services import withdrawn_plan_consent
from citizen_portal.db import get_session, utcnow
from citizen_portal.plans import pdf, services, vocabulary
from citizen_portal.plans.models import Plan
from citizen_portal.plans.page import build_plan_page, plan_cards
from citizen_portal.plans.page.model import ChangeKind
from citizen_portal.representation.services import pending_offers, represented_by
from citizen_portal.security.actors import Actor, ActorKind
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import from_url, requires, signed_in_actor
from citizen_portal.wishes import services as stance_services
from citizen_portal.wishes.forms import StanceForm
from citizen_portal.wishes.vocabulary import STANCE_NAMES

blueprint = Blueprint("plans", __name__, url_prefix="/plans")


def _audit(
    actor: Actor, tag: AuditTag, plan: Plan | None = None, version: int | None = None
) -> None:
    record_read_or_change(
        actor,
        tag,
        "plan" if plan else "plan_list",
        plan.id if plan else None,
        {"version": str(version)} if version is not None else None,
    )


@blueprint.get("")
@requires(Permission.PLANS_READ)
def my_plans() -> Any:
    actor = signed_in_actor()
    db = get_session()
    plans = services.plans_for_citizen(db, actor.subject_person_id)
    cards = plan_cards(plans, utcnow(), actor.kind is ActorKind.REPRESENTATIVE)
    seen = services.seen_versions(db, actor.person_id)
    _audit(actor, AuditTag.PLANS_LISTED)
    # Someone who was given a power of attorney sees it here, right after signing in.
    for_self = actor.person_id == actor.subject_person_id
    offers = pending_offers(db, actor.person_id) if for_self else []
    # A relative finds whose plans they can open here, one tap from signing in.
    represented = represented_by(db, actor.person_id, utcnow().date()) if for_self else []
    return render_template(
        "plans/my_plans.html",
        cards=cards,
        seen=seen,
        vocabulary=vocabulary,
        offers=offers,
        represented=represented,
    )


def _plan_page(plan: Plan, number: int | None) -> Any:
    db = get_session()
    actor = signed_in_actor()
    version = services.get_version(db, plan, number)
    if version is None:
        abort(404)
    seen_version = None
    if number is None:
        seen = services.seen_versions(db, actor.person_id).get(plan.id)
        if seen is not None and seen < version.number:
            seen_version = services.get_version(db, plan, seen)
    _audit(
        actor,
        AuditTag.PLAN_VIEWED if number is None else AuditTag.PLAN_VERSION_VIEWED,
        plan,
        version.number,
    )
    if number is None:
        # Shown once: the next visit highlights only what changes after this.
        services.mark_seen(db, actor.person_id, plan.id, version.number)
    page = build_plan_page(version, actor.kind is ActorKind.REPRESENTATIVE, seen_version, utcnow())
    withdrawn = withdrawn_plan_consent(db, plan)
    if (
        withdrawn is not None
        and withdrawn.withdrawn_at
        and version.consent_date == withdrawn.starts_on
    ):
        details = replace(page.details, consent_withdrawn_on=withdrawn.withdrawn_at.date())
        page = replace(page, details=details)
    return render_template(
        "plans/plan.html",
        page=page,
        vocabulary=vocabulary,
        ChangeKind=ChangeKind,
        Late=services.Late,
        stances=stance_services.stances(db, plan.id),
        stance_names=STANCE_NAMES,
        may_state=can(actor, Permission.WISHES_WRITE, plan),
        may_approve=can(actor, Permission.PLANS_APPROVE, plan),
        stance_form_data=StanceForm(formdata=None),
    )


# The plan is loaded and authorized by @requires; a version is looked up only
# within that plan, so its number needs no check of its own.
THE_PLAN = from_url(Plan, "plan_id", as_="plan")


@blueprint.get("/<int:plan_id>")
@requires(Permission.PLANS_READ, load=THE_PLAN)
def plan(plan: Plan) -> Any:
    return _plan_page(plan, None)


@blueprint.get("/<int:plan_id>/versions/<int:number>")
@requires(Permission.PLANS_READ, load=THE_PLAN)
def plan_version(plan: Plan, number: int) -> Any:
    return _plan_page(plan, number)


@blueprint.get("/<int:plan_id>/versions/<int:number>/pdf")
@requires(Permission.PLANS_READ, load=THE_PLAN)
def plan_pdf(plan: Plan, number: int) -> Any:
    db = get_session()
    actor = signed_in_actor()
    version = services.get_version(db, plan, number)
    if version is None:
        abort(404)
    _audit(actor, AuditTag.PLAN_DOWNLOADED, plan, version.number)
    page = build_plan_page(version, actor.kind is ActorKind.REPRESENTATIVE, None, utcnow())
    response = make_response(pdf.plan_pdf(page))
    response.mimetype = "application/pdf"
    filename = f"plan-{plan.id}-version-{version.number}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
