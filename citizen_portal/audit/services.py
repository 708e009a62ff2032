"""Typed audit events, written in the caller's transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import g, has_request_context
from sqlalchemy.orm import Session

from citizen_portal.audit.models import ActorKind, AuditEvent, AuditTag
from citizen_portal.db import get_session

if TYPE_CHECKING:
    from citizen_portal.security.policy import Actor


def record_event(
    session: Session,
    *,
    tag: AuditTag,
    actor_kind: ActorKind,
    actor_person_id: int | None = None,
    subject_person_id: int | None = None,
    resource_type: str | None = None,
    resource_id: str | int | None = None,
    details: dict[str, str] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        tag=tag,
        actor_kind=actor_kind,
        actor_person_id=actor_person_id,
        subject_person_id=subject_person_id,
        resource_type=resource_type,
        resource_id=None if resource_id is None else str(resource_id),
        request_id=g.get("request_id") if has_request_context() else None,
        details=details or {},
    )
    session.add(event)
    session.flush()
    return event


def record_read_or_change(
    actor: Actor,
    tag: AuditTag,
    resource_type: str,
    resource_id: str | int | None = None,
    details: dict[str, str] | None = None,
) -> None:
    """Audit what a signed-in actor read or changed of the data of whom they act for,
    and commit it at once: nothing is shown or confirmed unaudited."""
    db = get_session()
    record_event(
        db,
        tag=tag,
        actor_kind=actor.kind,
        actor_person_id=actor.person_id,
        subject_person_id=actor.subject_person_id,
        resource_type=resource_type,
        resource_id=resource_id,
        details=details,
    )
    db.commit()
