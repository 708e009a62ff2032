"""Telling people, in the app, what happened to the powers that concern them.

Each (person, kind, resource) is told once: the unique constraint makes
sending idempotent, so callers may send whenever the event might have happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.notifications.models import Notification, NotificationKind
from citizen_portal.notifications.rules import (
    CONSENT_NOTICE,
    ConsentFacts,
    Notice,
    PlanFacts,
    Task,
    consent_notices,
    plan_notices,
)
from citizen_portal.organisations.models import Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan, PlanSeen, PlanVersion
from citizen_portal.representation.models import Representation
from citizen_portal.representation.rules import ends_on, in_effect
from citizen_portal.representation.services import facts_of
from citizen_portal.security.actors import ActorKind

# How long before a representation ends both people are reminded.
EXPIRY_NOTICE = timedelta(days=14)


def notify(
    session: Session,
    person_id: int,
    kind: NotificationKind,
    row: Representation | Consent | Organisation | AuditEvent,
) -> bool:
    """Tell ``person_id`` about ``row`` unless they were told already. True if sent."""
    if isinstance(row, Organisation):
        resource_type = "organisation"
    elif isinstance(row, AuditEvent):
        resource_type = "audit_event"
    else:
        resource_type = "consent" if isinstance(row, Consent) else "representation"
    return send_notice(session, Notice(person_id, kind, resource_type, str(row.id)))


def send_notice(session: Session, notice: Notice) -> bool:
    """Store ``notice`` as an in-app message unless its key is stored already."""
    person_id, kind = notice.person_id, notice.kind
    resource_type, resource_id = notice.resource_type, notice.resource_id
    exists = session.scalar(
        select(Notification.id).where(
            Notification.person_id == person_id,
            Notification.kind == kind,
            Notification.resource_type == resource_type,
            Notification.resource_id == resource_id,
        )
    )
    if exists is not None:
        return False
    try:
        with session.begin_nested():  # another request may send the same one now
            session.add(
                Notification(
                    person_id=person_id,
                    kind=kind,
                    resource_type=resource_type,
                    resource_id=resource_id,
                )
            )
    except IntegrityError:
        return False
    return True


def representation_created(session: Session, row: Representation) -> None:
    if row.kind.from_authority:
        notify(session, row.represented_id, NotificationKind.REPRESENTATION_REGISTERED, row)
        notify(session, row.representative_id, NotificationKind.REPRESENTATION_REGISTERED, row)
    else:
        notify(session, row.represented_id, NotificationKind.REPRESENTATION_CREATED, row)
        notify(session, row.representative_id, NotificationKind.REPRESENTATION_OFFERED, row)


def representation_used(session: Session, rows: list[Representation]) -> None:
    for row in rows:
        notify(session, row.represented_id, NotificationKind.REPRESENTATION_FIRST_USED, row)


def citizen_input_read(
    session: Session, citizen_id: int, organisations: list[Organisation]
) -> None:
    """The first time an organisation's system reads what the citizen wrote, tell them."""
    for organisation in organisations:
        notify(session, citizen_id, NotificationKind.CITIZEN_INPUT_FIRST_READ, organisation)


# Everything a representative can change for the citizen. Each change is told to the
# citizen, naming the representative (its audit event says who did what).
REPRESENTATIVE_CHANGES = frozenset(
    {
        AuditTag.WISH_SAVED,
        AuditTag.WISH_SHARING_CHANGED,
        AuditTag.PLAN_STANCE_RECORDED,
        AuditTag.CONSENT_GIVEN,
        AuditTag.CONSENT_WITHDRAWN,
    }
)


def representative_changed(session: Session, event: AuditEvent) -> bool:
    """Tell the citizen when ``event`` is a change a representative made for them."""
    if (
        event.actor_kind is not ActorKind.REPRESENTATIVE
        or event.tag not in REPRESENTATIVE_CHANGES
        or event.subject_person_id is None
    ):
        return False
    return notify(session, event.subject_person_id, NotificationKind.REPRESENTATIVE_CHANGED, event)


def send_expiry_reminders(session: Session, today: date, person_id: int | None = None) -> int:
    """Remind both sides of representations, and citizens of consents, that end within
    EXPIRY_NOTICE. Returns how many messages were sent. Run daily (``flask send-reminders``)
    and at each sign-in."""
    query = select(Representation).where(Representation.revoked_at.is_(None))
    if person_id is not None:
        query = query.where(
            (Representation.represented_id == person_id)
            | (Representation.representative_id == person_id)
        )
    sent = 0
    for row in session.scalars(query):
        facts = facts_of(row)
        end = ends_on(facts)
        if end is None or not in_effect(facts, today) or end - today > EXPIRY_NOTICE:
            continue
        for recipient in (row.represented_id, row.representative_id):
            sent += notify(session, recipient, NotificationKind.REPRESENTATION_EXPIRING, row)
    return sent + _consent_reminders(session, today, person_id)


def _consent_reminders(session: Session, today: date, person_id: int | None) -> int:
    query = select(Consent).where(
        Consent.withdrawn_at.is_(None),
        Consent.expires_on >= today,
        Consent.expires_on <= today + CONSENT_NOTICE,
    )
    if person_id is not None:
        query = query.where(Consent.citizen_id == person_id)
    facts = [
        ConsentFacts(c.id, c.citizen_id, c.expires_on, c.withdrawn_at is not None)
        for c in session.scalars(query)
    ]
    return sum(send_notice(session, n) for n in consent_notices(facts, today))


def plan_facts(session: Session) -> list[PlanFacts]:
    """Every plan as of its newest version: the facts the notice rules read."""
    newest = (
        select(PlanVersion.plan_id, func.max(PlanVersion.number).label("number"))
        .group_by(PlanVersion.plan_id)
        .subquery()
    )
    versions = session.scalars(
        select(PlanVersion)
        .join(
            newest,
            (PlanVersion.plan_id == newest.c.plan_id) & (PlanVersion.number == newest.c.number),
        )
        .options(
            selectinload(PlanVersion.appointments),
            selectinload(PlanVersion.actions),
            joinedload(PlanVersion.plan).selectinload(Plan.handovers),
        )
    )
    seen = {
        (row.person_id, row.plan_id): row.version_number
        for row in session.execute(
            select(PlanSeen.person_id, PlanSeen.plan_id, PlanSeen.version_number)
        )
    }
    return [
        PlanFacts(
            plan_id=v.plan_id,
            citizen_id=v.plan.citizen_id,
            newest_version=v.number,
            newest_received_at=v.issued_at,
            seen_version=seen.get((v.plan.citizen_id, v.plan_id)),
            review_date=v.review_date,
            appointments=tuple(a.starts_at for a in v.appointments),
            tasks=tuple(
                Task(a.key, a.due_date, a.status in ("done", "cancelled")) for a in v.actions
            ),
            accepted_handovers=tuple(
                (h.id, h.accepted_at) for h in v.plan.handovers if h.accepted_at is not None
            ),
        )
        for v in versions
    ]


def send_plan_notices(session: Session, now: datetime) -> int:
    """The notices the plans make now (run by ``send-notices``). How many were new."""
    return sum(
        send_notice(session, notice)
        for plan in plan_facts(session)
        for notice in plan_notices(plan, now)
    )


@dataclass(frozen=True)
class Message:
    notification: Notification
    representation: Representation | None
    consent: Consent | None = None
    organisation: Organisation | None = None
    plan: Plan | None = None  # a notice from the plans (notifications/rules.py)
    event: AuditEvent | None = None  # a representative's change
    actor: Person | None = None  # the representative who made it


def messages_for(session: Session, person_id: int) -> list[Message]:
    notifications = list(
        session.scalars(
            select(Notification)
            .where(Notification.person_id == person_id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(100)
        )
    )

    def ids(kind: str) -> set[int]:
        return {int(n.resource_id) for n in notifications if n.resource_type == kind}

    rows = {
        r.id: r
        for r in session.scalars(
            select(Representation).where(Representation.id.in_(ids("representation")))
        )
    }
    consents = {
        c.id: c for c in session.scalars(select(Consent).where(Consent.id.in_(ids("consent"))))
    }
    organisations = {
        o.id: o
        for o in session.scalars(
            select(Organisation).where(Organisation.id.in_(ids("organisation")))
        )
    }

    plan_ids = {
        int(n.resource_id.split(":")[0]) for n in notifications if n.resource_type == "plan"
    }
    plans = {p.id: p for p in session.scalars(select(Plan).where(Plan.id.in_(plan_ids)))}
    events = {
        e.id: e
        for e in session.scalars(select(AuditEvent).where(AuditEvent.id.in_(ids("audit_event"))))
    }
    acting = {e.actor_person_id for e in events.values()}
    people = {p.id: p for p in session.scalars(select(Person).where(Person.id.in_(acting)))}

    def message(n: Notification) -> Message:
        if n.resource_type == "plan":
            return Message(n, None, plan=plans.get(int(n.resource_id.split(":")[0])))
        key = int(n.resource_id)
        if n.resource_type == "representation":
            return Message(n, rows.get(key))
        if n.resource_type == "organisation":
            return Message(n, None, organisation=organisations.get(key))
        if n.resource_type == "audit_event":
            event = events.get(key)
            actor = people.get(event.actor_person_id or 0) if event else None
            return Message(n, None, event=event, actor=actor)
        return Message(n, None, consents.get(key))

    return [message(n) for n in notifications]


def unread_count(session: Session, person_id: int) -> int:
    return int(
        session.scalar(
            select(func.count(Notification.id)).where(
                Notification.person_id == person_id, Notification.read_at.is_(None)
            )
        )
        or 0
    )


def mark_read(session: Session, person_id: int, notification_id: int | None = None) -> None:
    """Mark the person's messages read: all of them, or the one named."""
    query = update(Notification).where(
        Notification.person_id == person_id, Notification.read_at.is_(None)
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    session.execute(query.values(read_at=utcnow()))


def ends(row: Representation) -> date | None:
    return ends_on(facts_of(row))
