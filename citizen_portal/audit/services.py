"""Typed audit events, written in the caller's transaction.

Recording never commits: the record is stored with the change or read it
describes, when the request (or command) commits as one unit of work.
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from flask import g, has_request_context
from sqlalchemy import Insert, Table, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditEvent, AuditTag, RefusedCalls
from citizen_portal.db import get_session, utcnow
from citizen_portal.security.actors import Actor, ActorKind


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
    values = {
        "tag": tag,
        "actor_kind": actor_kind,
        "actor_person_id": actor_person_id,
        "subject_person_id": subject_person_id,
        "resource_type": resource_type,
        "resource_id": None if resource_id is None else str(resource_id),
        "request_id": g.get("request_id") if has_request_context() else None,
        "details": details or {},
        "occurred_at": utcnow(),
    }
    # A plain INSERT, run now: the ORM's unit of work for one append-only row cost
    # about a tenth of a page. The row is the request's like any other write.
    event_id = session.execute(_INSERT_EVENT, values).scalar_one()
    return AuditEvent(id=event_id, **values)


_AUDIT_TABLE = cast(Table, AuditEvent.__table__)
_INSERT_EVENT = insert(_AUDIT_TABLE).returning(_AUDIT_TABLE.c.id)


def record_read_or_change(
    actor: Actor,
    tag: AuditTag,
    resource_type: str,
    resource_id: str | int | None = None,
    details: dict[str, str] | None = None,
) -> AuditEvent:
    """Audit what a signed-in actor read or changed of the data of whom they act for.

    Stored in the request's one commit, before the response leaves: nothing is
    shown or confirmed unaudited."""
    db = get_session()
    return record_event(
        db,
        tag=tag,
        actor_kind=actor.kind,
        actor_person_id=actor.person_id,
        subject_person_id=actor.subject_person_id,
        resource_type=resource_type,
        resource_id=resource_id,
        details=details,
    )


def organisation_trail(session: Session, organisation_id: int) -> list[AuditEvent]:
    """An organisation's own trail: every change of its reference data (name, functions,
    phone numbers, opening hours), newest first. Not part of any citizen's log."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject_organisation_id == organisation_id)
            .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc())
        )
    )


def record_refusal(
    session: Session,
    *,
    tag: AuditTag,
    status: int,
    client_id: str,
    address: str,
    details: dict[str, str] | None = None,
    now: datetime | None = None,
) -> int:
    """Count a refused call in its minute; the first of its kind in that minute
    also becomes an AuditEvent. Returns the count so far (bounded: one row per
    minute, kind, status, client and address, however many calls)."""
    now = now or utcnow()
    window = now.replace(second=0, microsecond=0)
    values = {
        "window_start": window,
        "tag": tag,
        "status": str(status)[:3],
        "client_id": client_id[:100],
        "address": address[:64],
        "count": 1,
        "last_at": now,
    }
    insert: Insert = (
        postgresql.insert(RefusedCalls)
        if session.get_bind().dialect.name == "postgresql"
        else sqlite.insert(RefusedCalls)
    ).values(values)
    upsert = insert.on_conflict_do_update(  # type: ignore[attr-defined]
        index_elements=["window_start", "tag", "status", "client_id", "address"],
        set_={"count": RefusedCalls.count + 1, "last_at": now},
    ).returning(RefusedCalls.count)
    count = int(session.execute(upsert).scalar_one())
    if count == 1:
        record_event(
            session,
            tag=tag,
            actor_kind=ActorKind.ANONYMOUS if not client_id else ActorKind.SYSTEM,
            details={
                **(details or {}),
                "status": str(status),
                "client_id": client_id[:100],
                "address": address[:64],
                "window": window.isoformat(),
                "counted_in": "refused_calls",
            },
        )
    return count
