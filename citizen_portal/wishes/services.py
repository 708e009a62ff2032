"""Saving wishes as versions (never overwriting), and stances on plan versions."""

from __future__ import annotations

from sqlalchemy import bindparam, func, literal, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from citizen_portal.db import utcnow
from citizen_portal.plans.models import Plan, PlanSeen, PlanVersion
from citizen_portal.plans.services import SEEN_BY_READER
from citizen_portal.plans.types import PlanType
from citizen_portal.security.actors import Actor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.wishes.models import (
    PlanStance,
    StanceChoice,
    WishEntry,
    WishSection,
    WishSharing,
    scope_key,
)


class WishConflict(Exception):
    """Someone saved the section after this form was opened."""

    def __init__(self, current: WishEntry | None) -> None:
        super().__init__("the section changed since the form was opened")
        self.current = current


def latest(
    session: Session, citizen_id: int, plan_id: int | None, section: WishSection
) -> WishEntry | None:
    return session.scalar(
        select(WishEntry)
        .where(
            WishEntry.citizen_id == citizen_id,
            WishEntry.scope_key == scope_key(plan_id),
            WishEntry.section == section,
        )
        .order_by(WishEntry.number.desc())
        .limit(1)
    )


def current_wishes(
    session: Session, citizen_id: int, plan_id: int | None
) -> dict[WishSection, WishEntry]:
    """The newest version of each section that has any."""
    newest = (
        select(WishEntry.section, func.max(WishEntry.number).label("number"))
        .where(WishEntry.citizen_id == citizen_id, WishEntry.scope_key == scope_key(plan_id))
        .group_by(WishEntry.section)
        .subquery()
    )
    rows = session.scalars(
        select(WishEntry)
        .join(
            newest,
            (WishEntry.section == newest.c.section) & (WishEntry.number == newest.c.number),
        )
        .where(WishEntry.citizen_id == citizen_id, WishEntry.scope_key == scope_key(plan_id))
    )
    return {row.section: row for row in rows}


def history(
    session: Session, citizen_id: int, plan_id: int | None, section: WishSection
) -> list[WishEntry]:
    return list(
        session.scalars(
            select(WishEntry)
            .where(
                WishEntry.citizen_id == citizen_id,
                WishEntry.scope_key == scope_key(plan_id),
                WishEntry.section == section,
            )
            .order_by(WishEntry.number.desc())
        )
    )


def save_wish(
    session: Session,
    actor: Actor,
    plan_id: int | None,
    section: WishSection,
    text: str,
    based_on: int,
) -> WishEntry | None:
    """Store ``text`` as the next version, if the form was opened on the newest one.

    ``based_on`` is the version number the form showed (0: none yet). Returns the
    new entry, or None when the text is unchanged. Raises WishConflict.
    """
    citizen_id = actor.subject_person_id
    current = latest(session, citizen_id, plan_id, section)
    number = current.number if current else 0
    if number != based_on:
        raise WishConflict(current)
    if (current.text if current else "") == text:
        return None
    entry = WishEntry(
        citizen_id=citizen_id,
        plan_id=plan_id,
        scope_key=scope_key(plan_id),
        section=section,
        number=number + 1,
        text=text,
        author_person_id=actor.person_id,
        author_kind=actor.kind,
    )
    try:
        with session.begin_nested():  # another device may take the same number now
            session.add(entry)
    except IntegrityError:
        raise WishConflict(latest(session, citizen_id, plan_id, section)) from None
    return entry


def stance_approves(actor: Actor, plan: Plan, choice: StanceChoice) -> bool:
    """The citizen agreeing to a coordinated action plan approves it (the guidelines
    ask for it); a representative's agreement is their own view, never the approval."""
    return (
        plan.plan_type is PlanType.COORDINATED_ACTION_PLAN
        and choice in (StanceChoice.AGREE, StanceChoice.AGREE_WITH_COMMENTS)
        and can(actor, Permission.PLANS_APPROVE, plan)
    )


def record_stance(
    session: Session,
    actor: Actor,
    plan: Plan,
    version: PlanVersion,
    choice: StanceChoice,
    comment: str,
) -> PlanStance:
    approves = stance_approves(actor, plan, choice)
    stance = PlanStance(
        plan_id=plan.id,
        version_id=version.id,
        version_number=version.number,
        citizen_id=plan.citizen_id,
        choice=choice,
        comment=comment,
        approves_plan=approves,
        author_person_id=actor.person_id,
        author_kind=actor.kind,
    )
    session.add(stance)
    session.flush()
    return stance


def stances(session: Session, plan_id: int) -> list[PlanStance]:
    return list(
        session.scalars(
            select(PlanStance)
            .where(PlanStance.plan_id == plan_id)
            .order_by(PlanStance.created_at.desc(), PlanStance.id.desc())
        )
    )


_SEEN_NUMBER = select(PlanSeen.version_number).where(SEEN_BY_READER).scalar_subquery()
_NEWEST_STANCE_ID = (
    select(PlanStance.id)
    .where(
        PlanStance.plan_id == bindparam("plan_id"),
        PlanStance.version_number == bindparam("version_number"),
    )
    .order_by(PlanStance.created_at.desc(), PlanStance.id.desc())
    .limit(1)
    .scalar_subquery()
)
# One row whether or not there is a stance: (what was seen, the stance or None).
_SEEN_AND_STANCE = select(_SEEN_NUMBER, PlanStance).select_from(
    select(literal(1).label("one"))
    .subquery()
    .outerjoin(PlanStance.__table__, PlanStance.id == _NEWEST_STANCE_ID)
)


def seen_and_stance(
    session: Session, person_id: int, plan_id: int, version_number: int
) -> tuple[int | None, PlanStance | None]:
    """In one query for the plan page: the newest version of the plan ``person_id``
    has seen (None: never looked), and the newest stance on version ``version_number``."""
    row = session.execute(
        _SEEN_AND_STANCE,
        {"person_id": person_id, "plan_id": plan_id, "version_number": version_number},
    ).one()
    return row[0], row[1]


def only_for_me(session: Session, citizen_id: int, plan_id: int | None) -> set[WishSection]:
    """The sections of this scope the citizen keeps to themself."""
    return set(
        session.scalars(
            select(WishSharing.section).where(
                WishSharing.citizen_id == citizen_id,
                WishSharing.scope_key == scope_key(plan_id),
                WishSharing.only_for_me.is_(True),
            )
        )
    )


def set_only_for_me(
    session: Session, actor: Actor, plan_id: int | None, section: WishSection, private: bool
) -> bool:
    """Keep a section to the citizen, or share it again. True if it changed.

    Who may widen sharing is the policy's (``Permission.WISHES_SHARE``); the view asks.
    """
    citizen_id = actor.subject_person_id
    row = session.scalar(
        select(WishSharing).where(
            WishSharing.citizen_id == citizen_id,
            WishSharing.scope_key == scope_key(plan_id),
            WishSharing.section == section,
        )
    )
    if (row.only_for_me if row else False) == private:
        return False
    if row is None:
        try:
            with session.begin_nested():  # two tabs may choose at the same moment
                session.add(
                    WishSharing(
                        citizen_id=citizen_id,
                        scope_key=scope_key(plan_id),
                        section=section,
                        only_for_me=private,
                        changed_by_person_id=actor.person_id,
                    )
                )
        except IntegrityError:
            return set_only_for_me(session, actor, plan_id, section, private)
        return True
    row.only_for_me = private
    row.changed_by_person_id = actor.person_id
    row.changed_at = utcnow()
    session.flush()
    return True
