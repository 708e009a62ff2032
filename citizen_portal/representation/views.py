"""Choosing whom to act for: yourself, or someone you represent."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.auth.sessions import session_row
from citizen_portal.db import get_session, utcnow
from citizen_portal.notifications import services as notifications
from citizen_portal.notifications.models import NotificationKind
from citizen_portal.people.models import Person
from citizen_portal.people.services import find_or_create_by_cpr
from citizen_portal.representation.forms import SCOPE_LABELS, GrantForm
from citizen_portal.representation.models import Representation
from citizen_portal.representation.rules import RepresentationRefused, ends_on, in_effect
from citizen_portal.representation.services import (
    facts_of,
    grant_power_of_attorney,
    involving,
    represented_by,
    rows_between,
)
from citizen_portal.security.actors import ActorKind, Scope
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import from_url, parse_id, requires, signed_in_actor, switch_to
from citizen_portal.text import plain

blueprint = Blueprint("representation", __name__)


@blueprint.get("/acting-for")
@requires(Permission.REPRESENTATION_ACT)
def choose() -> Any:
    db = get_session()
    options = represented_by(db, current_user.person_id, utcnow().date())
    actor = signed_in_actor()
    _audit_list_read(current_user.person_id)
    return render_template(
        "representation/choose.html",
        options=options,
        current_subject=actor.subject_person_id,
    )


@blueprint.post("/acting-for")
@requires(Permission.REPRESENTATION_ACT)
def switch() -> Any:
    subject = parse_id(request.form.get("subject", ""))
    if subject is None:
        abort(400)
    person_id: int = current_user.person_id
    actor = switch_to(person_id, subject)
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
        today = utcnow().date()
        notifications.representation_used(
            db,
            [
                r
                for r in rows_between(db, person_id, actor.subject_person_id)
                if in_effect(facts_of(r), today)
            ],
        )
    return redirect(url_for("plans.my_plans"))


def _audit_list_read(person_id: int) -> None:
    """The person's own list of powers of attorney: theirs, read by themself."""
    db = get_session()
    record_event(
        db,
        tag=AuditTag.REPRESENTATIONS_VIEWED,
        actor_kind=ActorKind.CITIZEN,
        actor_person_id=person_id,
        subject_person_id=person_id,
        resource_type="representation_list",
    )


@blueprint.get("/powers-of-attorney")
@requires(Permission.REPRESENTATION_ACT)
def overview() -> Any:
    db = get_session()
    person_id: int = current_user.person_id
    rows = involving(db, person_id)
    today = utcnow().date()
    _audit_list_read(person_id)
    return render_template(
        "representation/overview.html",
        given=[r for r in rows if r.represented_id == person_id],
        received=[r for r in rows if r.representative_id == person_id],
        in_effect=lambda r: in_effect(facts_of(r), today),
        ends_on=lambda r: ends_on(facts_of(r)),
        may_revoke=lambda r: can(signed_in_actor(), Permission.REPRESENTATION_GRANT, r),
        may_accept=lambda r: (
            can(signed_in_actor(), Permission.REPRESENTATION_ACT, r)
            and r.accepted_at is None
            and r.revoked_at is None
        ),
        scope_labels=SCOPE_LABELS,
        Scope=Scope,
        can_grant=can(signed_in_actor(), Permission.REPRESENTATION_GRANT),
    )


@blueprint.route("/powers-of-attorney/new", methods=["GET", "POST"])
@requires(Permission.REPRESENTATION_GRANT, fresh=True)
def grant() -> Any:
    form = GrantForm()
    error: object | None = None
    if form.is_submitted() and request.form.get("change"):  # back from "Check your answers"
        return render_template("representation/grant.html", form=form, error=None)
    if form.validate_on_submit() and request.form.get("confirmed") != "yes":
        # "Check your answers": nothing is stored (nor any person looked up) until confirmed.
        return render_template("representation/check.html", form=form, scope_labels=SCOPE_LABELS)
    if form.validate_on_submit():
        db = get_session()
        settings = current_app.config["SETTINGS"]
        citizen = db.get(Person, current_user.person_id)
        assert citizen is not None
        name = plain(form.representative_name.data)[:200]
        try:
            # A person the portal has not met yet gets no name from the grantor: their
            # stored name comes from the identity provider when they sign in.
            representative = find_or_create_by_cpr(
                db, form.representative_cpr.data, settings.cpr_hash_key, "", ""
            )
            row = grant_power_of_attorney(
                db,
                citizen,
                representative,
                [Scope(s) for s in form.scopes.data],
                form.valid_until.data,
                typed_name=name,
            )
        except RepresentationRefused as refused:
            db.rollback()
            error = refused.message
        else:
            notifications.representation_created(db, row)
            _record_change(
                AuditTag.REPRESENTATION_GRANTED,
                row,
                by=citizen.id,
                details={
                    "scopes": ",".join(row.scopes),
                    "until": row.valid_until.isoformat() if row.valid_until else "",
                },
            )
            return redirect(url_for("representation.given", representation_id=row.id), code=303)
    status = 400 if form.errors or error else 200
    return render_template("representation/grant.html", form=form, error=error), status


def _record_change(
    tag: AuditTag, row: Representation, by: int, details: dict[str, str] | None = None
) -> None:
    """Audit a change to a representation (against the represented citizen)."""
    db = get_session()
    record_event(
        db,
        tag=tag,
        actor_kind=ActorKind.CITIZEN,
        actor_person_id=by,
        subject_person_id=row.represented_id,
        resource_type="representation",
        resource_id=row.id,
        details=details,
    )


# Only the person it was given to accepts or declines; only its giver revokes
# (the policy decides both; anyone else gets 404).
THE_REPRESENTATION = from_url(Representation, "representation_id", as_="row")


@blueprint.post("/powers-of-attorney/<int:representation_id>/accept")
@requires(Permission.REPRESENTATION_ACT, load=THE_REPRESENTATION)
def accept(row: Representation) -> Any:
    if row.accepted_at is None and row.revoked_at is None:
        row.accepted_at = utcnow()
        notifications.notify(
            get_session(), row.represented_id, NotificationKind.REPRESENTATION_ACCEPTED, row
        )
        _record_change(AuditTag.REPRESENTATION_ACCEPTED, row, by=row.representative_id)
    return redirect(url_for("representation.overview"))


@blueprint.post("/powers-of-attorney/<int:representation_id>/decline")
@requires(Permission.REPRESENTATION_ACT, load=THE_REPRESENTATION)
def decline(row: Representation) -> Any:
    if row.accepted_at is None and row.revoked_at is None:
        row.declined_at = row.revoked_at = utcnow()  # a declined offer can never be accepted
        _record_change(AuditTag.REPRESENTATION_DECLINED, row, by=row.representative_id)
    return redirect(url_for("representation.overview"))


@blueprint.post("/powers-of-attorney/<int:representation_id>/revoke")
@requires(Permission.REPRESENTATION_GRANT, load=THE_REPRESENTATION)
def revoke(row: Representation) -> Any:
    if row.revoked_at is None:
        row.revoked_at = utcnow()  # in effect at once: checked on every request
        _record_change(AuditTag.REPRESENTATION_REVOKED, row, by=row.represented_id)
    return redirect(url_for("representation.revoked", representation_id=row.id), code=303)


@blueprint.get("/powers-of-attorney/<int:representation_id>/revoke")
@requires(Permission.REPRESENTATION_GRANT, load=THE_REPRESENTATION)
def check_revocation(row: Representation) -> Any:
    """ "Do you want to take back this power of attorney?": what it is, then one button."""
    if row.revoked_at is not None:
        return redirect(url_for("representation.revoked", representation_id=row.id))
    _audit_list_read(current_user.person_id)
    return render_template(
        "representation/check_revocation.html", row=row, scope_labels=SCOPE_LABELS
    )


@blueprint.get("/powers-of-attorney/<int:representation_id>/given")
@requires(Permission.REPRESENTATION_GRANT, load=THE_REPRESENTATION)
def given(row: Representation) -> Any:
    """The confirmation of a grant that was stored, and what happens next."""
    _audit_list_read(current_user.person_id)
    return render_template("representation/done.html", row=row, revoked=False)


@blueprint.get("/powers-of-attorney/<int:representation_id>/revoked")
@requires(Permission.REPRESENTATION_GRANT, load=THE_REPRESENTATION)
def revoked(row: Representation) -> Any:
    """The confirmation of a revocation; only for one that was revoked."""
    if row.revoked_at is None or row.declined_at is not None:
        abort(404)
    _audit_list_read(current_user.person_id)
    return render_template("representation/done.html", row=row, revoked=True)
