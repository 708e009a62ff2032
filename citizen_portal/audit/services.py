"""Typed audit events, written in the caller's transaction."""

from __future__ import annotations

from flask import g, has_request_context
from sqlalchemy.orm import Session

from citizen_portal.audit.models import ActorKind, AuditEvent, AuditTag


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
