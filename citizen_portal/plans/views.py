from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, make_response, render_template
from flask_login import current_user

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_read_or_change
from citizen_portal.db import get_session, utcnow
from citizen_portal.plans import pdf, services, vocabulary
from citizen_portal.plans.changes import ChangeKind, compare
from citizen_portal.plans.models import Plan
from citizen_portal.plans.redaction import visible_part
from citizen_portal.plans.types import PlanType
from citizen_portal.representation.services import pending_offers
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
    cards = services.plan_cards(plans, utcnow(), actor.kind is ActorKind.REPRESENTATIVE)
    seen = services.seen_versions(db, actor.person_id)
    _audit(actor, AuditTag.PLANS_LISTED)
    # Someone who was given a power of attorney sees it here, right after signing in.
    offers = (
        pending_offers(db, actor.person_id) if actor.person_id == actor.subject_person_id else []
    )
    return render_template(
        "plans/my_plans.html", cards=cards, seen=seen, vocabulary=vocabulary, offers=offers
    )


def _plan_page(plan: Plan, number: int | None) -> Any:
    db = get_session()
    actor = signed_in_actor()
    version = services.get_version(db, plan, number)
    if version is None:
        abort(404)
    latest = plan.current_version
    changes, changed_since = [], None
    if number is None:
        seen = services.seen_versions(db, actor.person_id).get(plan.id)
        if seen is not None and seen < version.number:
            changed_since = services.get_version(db, plan, seen)
            if changed_since is not None:
                changes = compare(changed_since, version, actor.kind is ActorKind.REPRESENTATIVE)
    _audit(
        actor,
        AuditTag.PLAN_VIEWED if number is None else AuditTag.PLAN_VERSION_VIEWED,
        plan,
        version.number,
    )
    if number is None:
        # Shown once: the next visit highlights only what changes after this.
        services.mark_seen(db, actor.person_id, plan.id, version.number)
    now = utcnow()
    visible = visible_part(version, actor.kind is ActorKind.REPRESENTATIVE)
    return render_template(
        "plans/plan.html",
        plan=plan,
        version=version,
        visible=visible,
        is_latest=version.number == latest.number,
        latest=latest,
        groups=services.group_by_responsible(visible.actions),
        next_appointment=services.next_appointment(visible.appointments, now),
        contact=services.contact_function(version),
        today=now.date(),
        is_overdue=services.is_overdue,
        late=services.what_is_late(version, visible.actions, now.date()),
        overdue_count=sum(services.is_overdue(a, now.date()) for a in visible.actions),
        Late=services.Late,
        vocabulary=vocabulary,
        changes=changes,
        changed_since=changed_since,
        ChangeKind=ChangeKind,
        PlanType=PlanType,
        person_name=current_user.display_name,
        stances=stance_services.stances(db, plan.id),
        stance_names=STANCE_NAMES,
        may_state=can(actor, Permission.WISHES_WRITE, plan),
        stance_form_data=StanceForm(formdata=None),
    )


# The plan is loaded and authorized by @requires; a version is looked up only
# within that plan, so its number needs no check of its own.
@blueprint.get("/<int:plan_id>")
@requires(Permission.PLANS_READ, load=from_url(Plan, "plan_id", as_="plan"))
def plan(plan: Plan) -> Any:
    return _plan_page(plan, None)


@blueprint.get("/<int:plan_id>/versions/<int:number>")
@requires(Permission.PLANS_READ, load=from_url(Plan, "plan_id", as_="plan"))
def plan_version(plan: Plan, number: int) -> Any:
    return _plan_page(plan, number)


@blueprint.get("/<int:plan_id>/versions/<int:number>/pdf")
@requires(Permission.PLANS_READ, load=from_url(Plan, "plan_id", as_="plan"))
def plan_pdf(plan: Plan, number: int) -> Any:
    db = get_session()
    actor = signed_in_actor()
    version = services.get_version(db, plan, number)
    if version is None:
        abort(404)
    _audit(actor, AuditTag.PLAN_DOWNLOADED, plan, version.number)
    visible = visible_part(version, actor.kind is ActorKind.REPRESENTATIVE)
    response = make_response(pdf.plan_pdf(plan, version, visible))
    response.mimetype = "application/pdf"
    filename = f"plan-{plan.id}-version-{version.number}.pdf"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
