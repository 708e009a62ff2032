"""Choosing whom to act for: yourself, or someone you represent."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.auth.sessions import session_row
from citizen_portal.db import get_session, utcnow
from citizen_portal.representation.services import represented_by
from citizen_portal.security.permissions import Permission, requires
from citizen_portal.security.policy import current_actor, switch_to

blueprint = Blueprint("representation", __name__)


@blueprint.get("/acting-for")
@requires(Permission.REPRESENTATION_ACT)
def choose() -> Any:
    db = get_session()
    options = represented_by(db, current_user.person_id, utcnow().date())
    actor = current_actor()
    return render_template(
        "representation/choose.html",
        options=options,
        current_subject=actor.subject_person_id if actor else None,
    )


@blueprint.post("/acting-for")
@requires(Permission.REPRESENTATION_ACT)
def switch() -> Any:
    subject = request.form.get("subject", "")
    if not subject.isdigit():
        abort(400)
    person_id: int = current_user.person_id
    actor = switch_to(person_id, int(subject))
    if actor is None:
        abort(403)  # no representation in effect: the same answer whoever it is
    db = get_session()
    row = session_row(current_user.get_id())
    assert row is not None  # the request is signed in
    row.acting_for_id = None if actor.subject_person_id == person_id else actor.subject_person_id
    if row.acting_for_id is not None:
        record_event(
            db,
            tag=AuditTag.REPRESENTATION_USED,
            actor_kind=actor.kind,
            actor_person_id=person_id,
            subject_person_id=actor.subject_person_id,
            resource_type="representation",
            details={"scopes": ",".join(sorted(actor.scopes))},
        )
    db.commit()
    return redirect(url_for("plans.my_plans"))
