from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, render_template

from citizen_portal.audit.models import ActorKind, AuditTag
from citizen_portal.audit.services import record_read_or_change
from citizen_portal.db import get_session, utcnow, with_retries
from citizen_portal.plans import pdf, services, vocabulary
from citizen_portal.plans.models import Plan
from citizen_portal.plans.page import build_plan_page, plan_cards
from citizen_portal.plans.page.model import ChangeKind
from citizen_portal.representation.services import pending_offers
from citizen_portal.security.permissions import Permission, requires
from citizen_portal.security.policy import Actor, authorize, can, current_actor
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
    actor = current_actor()
    assert actor is not None  # @requires guarantees a signed-in actor
    db = get_session()
    plans = services.plans_for_citizen(db, actor.subject_person_id)
    cards = plan_cards(plans, utcnow(), actor.kind is ActorKind.REPRESENTATIVE)
    seen = services.seen_versions(db, actor.person_id)
    _audit(actor, AuditTag.PLANS_LISTED)
    # Someone who was given a power of attorney sees it here, right after signing in.
    offers = (
        pending_offers(db, actor.person_id) if actor.person_id == actor.subject_person_id else []
    )
    return render_template(
        "plans/my_plans.html", cards=cards, seen=seen, vocabulary=vocabulary, offers=offers
    )


def _plan_page(plan_id: int, number: int | None) -> Any:
    db = get_session()
    plan = services.get_plan(db, plan_id)
    if plan is None:
        abort(404)
    actor = authorize(Permission.PLANS_READ, plan)
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
        with_retries(db, lambda: services.mark_seen(db, actor.person_id, plan.id, version.number))
    page = build_plan_page(version, actor.kind is ActorKind.REPRESENTATIVE, seen_version, utcnow())
    return render_template(
        "plans/plan.html",
        page=page,
        vocabulary=vocabulary,
        ChangeKind=ChangeKind,
        Late=services.Late,
        stances=stance_services.stances(db, plan.id),
        stance_names=STANCE_NAMES,
        may_state=can(actor, Permission.WISHES_WRITE, plan),
        stance_form_data=StanceForm(formdata=None),
    )


@blueprint.get("/<int:plan_id>")
@requires(Permission.PLANS_READ)
def plan(plan_id: int) -> Any:
    return _plan_page(plan_id, None)


@blueprint.get("/<int:plan_id>/versions/<int:number>")
@requires(Permission.PLANS_READ)
def plan_version(plan_id: int, number: int) -> Any:
    return _plan_page(plan_id, number)


@blueprint.get("/<int:plan_id>/versions/<int:number>/pdf")
@requires(Permission.PLANS_READ)
def plan_pdf(plan_id: int, number: int) -> Any:
    db = get_session()
    plan = services.get_plan(db, plan_id)
    if plan is None:
        abort(404)
    actor = authorize(Permission.PLANS_READ, plan)
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
