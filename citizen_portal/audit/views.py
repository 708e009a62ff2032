"""The citizen's own log: who has read or changed their information."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select

from citizen_portal.audit.descriptions import describe
from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.db import get_session
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan
from citizen_portal.plans.vocabulary import PLAN_TYPE_NAMES
from citizen_portal.representation.models import Representation
from citizen_portal.security.actors import ActorKind
from citizen_portal.security.permissions import Permission
from citizen_portal.security.web import requires, signed_in_actor

blueprint = Blueprint("audit", __name__)
PAGE_SIZE = 50
FILTERS = {
    "all": None,
    "you": (ActorKind.CITIZEN,),
    "representatives": (ActorKind.REPRESENTATIVE,),
    "systems": (ActorKind.SYSTEM,),
}


@blueprint.get("/access-log")
@requires(Permission.AUDIT_READ)
def access_log() -> Any:
    show = request.args.get("show", "all")
    page = request.args.get("page", "1")
    if show not in FILTERS or not page.isdigit() or int(page) < 1:
        abort(400)
    actor = signed_in_actor()
    db = get_session()
    query = select(AuditEvent).where(AuditEvent.subject_person_id == actor.subject_person_id)
    kinds = FILTERS[show]
    if kinds:
        query = query.where(AuditEvent.actor_kind.in_(kinds))
    events = list(
        db.scalars(
            query.order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
            .offset((int(page) - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE + 1)
        )
    )
    plan_ids = {int(e.resource_id) for e in events if e.resource_type == "plan" and e.resource_id}
    plan_names = {
        plan.id: PLAN_TYPE_NAMES[plan.plan_type]
        for plan in db.scalars(select(Plan).where(Plan.id.in_(plan_ids)))
    }
    # Representatives, and the person a power of attorney was given to (accepting it).
    representative_ids = {
        e.actor_person_id
        for e in events
        if e.actor_person_id and e.actor_person_id != actor.person_id
    }
    names = {
        p.id: p.full_name
        for p in db.scalars(select(Person).where(Person.id.in_(representative_ids)))
    }
    # Someone the citizen gave a power of attorney: by the name the citizen knows
    # them by, as everywhere else the citizen sees them.
    names.update(
        (row.representative_id, row.representative_name)
        for row in db.scalars(
            select(Representation)
            .where(
                Representation.represented_id == actor.subject_person_id,
                Representation.representative_id.in_(representative_ids),
            )
            .order_by(Representation.id)
        )
    )
    record_event(
        db,
        tag=AuditTag.AUDIT_LOG_VIEWED,
        actor_kind=actor.kind,
        actor_person_id=actor.person_id,
        subject_person_id=actor.subject_person_id,
        resource_type="audit_log",
    )
    return render_template(
        "audit/access_log.html",
        events=events[:PAGE_SIZE],
        has_more=len(events) > PAGE_SIZE,
        page=int(page),
        show=show,
        plan_names=plan_names,
        names=names,
        me=actor.person_id,
        ActorKind=ActorKind,
        describe=describe,
    )
