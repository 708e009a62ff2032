"""The citizen's own log: who has read or changed their information."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, render_template, request
from sqlalchemy import select, tuple_

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
from citizen_portal.security.web import parse_id, requires, signed_in_actor

blueprint = Blueprint("audit", __name__)
PAGE_SIZE = 50
FILTERS = {
    "all": None,
    "you": (ActorKind.CITIZEN,),
    "representatives": (ActorKind.REPRESENTATIVE,),
    "systems": (ActorKind.SYSTEM,),
}


def _cursor(value: str | None) -> int | None:
    """A page boundary: the id of the last (or first) event shown (parse_id's rules)."""
    if value is None:
        return None
    event_id = parse_id(value)
    if event_id is None:
        abort(400)
    return event_id


@blueprint.get("/access-log")
@requires(Permission.AUDIT_READ)
def access_log() -> Any:
    """Newest first, paged by keyset (``before``/``after`` an event), never OFFSET:
    a page deep in a long log costs what the first one does."""
    show = request.args.get("show", "all")
    before = _cursor(request.args.get("before"))
    after = _cursor(request.args.get("after"))
    if show not in FILTERS or (before and after):
        abort(400)
    actor = signed_in_actor()
    db = get_session()
    query = select(AuditEvent).where(AuditEvent.subject_person_id == actor.subject_person_id)
    kinds = FILTERS[show]
    if kinds:
        query = query.where(AuditEvent.actor_kind.in_(kinds))
    boundary = before or after
    if boundary:
        # The boundary must be one of this person's events: another's id is refused
        # the same way as one that does not exist (no oracle).
        edge = db.execute(
            select(AuditEvent.occurred_at, AuditEvent.id).where(
                AuditEvent.id == boundary,
                AuditEvent.subject_person_id == actor.subject_person_id,
            )
        ).one_or_none()
        if edge is None:
            abort(400)
        key = tuple_(AuditEvent.occurred_at, AuditEvent.id)
        query = query.where(key < tuple_(*edge) if before else key > tuple_(*edge))
    newest_first = (AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
    oldest_first = (AuditEvent.occurred_at.asc(), AuditEvent.id.asc())
    events = list(
        db.scalars(query.order_by(*(oldest_first if after else newest_first)).limit(PAGE_SIZE + 1))
    )
    more_beyond = len(events) > PAGE_SIZE
    events = events[:PAGE_SIZE]
    if after:
        events.reverse()
    has_older = more_beyond if not after else True
    has_newer = bool(before) or (bool(after) and more_beyond)
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
        events=events,
        older=events[-1].id if events and has_older else None,
        newer=events[0].id if events and has_newer else None,
        show=show,
        plan_names=plan_names,
        names=names,
        me=actor.person_id,
        ActorKind=ActorKind,
        describe=describe,
    )
