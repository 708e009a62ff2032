"""Reading plans for the citizen's pages."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from citizen_portal.db import LARGEST_STORED_INTEGER, utcnow
from citizen_portal.organisations.models import Function
from citizen_portal.plans.models import Action, Appointment, Plan, PlanSeen, PlanVersion
from citizen_portal.plans.types import PlanType

_VERSION_CONTENT = (
    selectinload(PlanVersion.goals),
    selectinload(PlanVersion.actions)
    .selectinload(Action.responsible_function)
    .selectinload(Function.organisation),
    selectinload(PlanVersion.appointments)
    .selectinload(Appointment.function)
    .selectinload(Function.organisation),
    selectinload(PlanVersion.participants),
    selectinload(PlanVersion.challenges),
    selectinload(PlanVersion.existing_plans),
)


@dataclass
class ResponsibleGroup:
    """Actions sharing one responsible party: a function, or the citizen."""

    function: Function | None
    actions: list[Action] = field(default_factory=list)

    @property
    def is_citizen(self) -> bool:
        return self.function is None


def plans_for_citizen(session: Session, person_id: int, appointments: bool = True) -> list[Plan]:
    """The citizen's plans with their versions and authors (and the versions'
    appointments): three queries however many plans and versions."""
    versions = selectinload(Plan.versions)
    return list(
        session.scalars(
            select(Plan)
            .where(Plan.citizen_id == person_id)
            .options(
                versions.selectinload(PlanVersion.appointments) if appointments else versions,
                joinedload(Plan.author_organisation),
            )
            .order_by(Plan.created_at.desc(), Plan.id.desc())
        )
    )


def get_plan(session: Session, plan_id: int) -> Plan | None:
    return session.get(Plan, plan_id)


def get_version(session: Session, plan: Plan, number: int | None) -> PlanVersion | None:
    if number is not None and not 0 < number <= LARGEST_STORED_INTEGER:
        return None
    query = select(PlanVersion).where(PlanVersion.plan_id == plan.id).options(*_VERSION_CONTENT)
    if number is None:
        query = query.order_by(PlanVersion.number.desc()).limit(1)
    else:
        query = query.where(PlanVersion.number == number)
    return session.scalar(query)


def next_appointment(appointments: list[Appointment], now: datetime) -> Appointment | None:
    upcoming = [a for a in appointments if a.starts_at >= now]
    return min(upcoming, key=lambda a: a.starts_at, default=None)


def group_by_responsible(
    actions: list[Action], function_of: Callable[[Action], Function | None] | None = None
) -> list[ResponsibleGroup]:
    """Group actions by who is responsible; the citizen's own come first,
    then functions in the order they first appear in the plan. ``function_of``:
    an action's function (default: its relationship)."""
    citizen = ResponsibleGroup(function=None)
    by_function: dict[int, ResponsibleGroup] = {}
    for action in actions:
        if action.citizen_responsible:
            citizen.actions.append(action)
        else:
            function = (
                function_of(action) if function_of is not None else action.responsible_function
            )
            assert function is not None  # guaranteed by the has_responsible constraint
            by_function.setdefault(function.id, ResponsibleGroup(function=function))
            by_function[function.id].actions.append(action)
    groups = list(by_function.values())
    return [citizen, *groups] if citizen.actions else groups


def contact_function(version: PlanVersion) -> Function | None:
    """Who to call first: the coordinator, else whoever follows up after discharge."""
    return (
        version.coordinator_function
        or version.follow_up_responsible_function
        or version.review_responsible_function
    )


def contact_function_id(version: PlanVersion) -> int | None:
    """``contact_function``'s id, without loading it."""
    return (
        version.coordinator_function_id
        or version.follow_up_responsible_function_id
        or version.review_responsible_function_id
    )


# Built once ("expanding": the list of ids is spread into the IN when it runs).
_FUNCTIONS_BY_ID = (
    select(Function)
    .where(Function.id.in_(bindparam("ids", expanding=True)))
    .options(joinedload(Function.organisation))
)


def functions_by_id(session: Session, ids: set[int]) -> dict[int, Function]:
    """Functions with their organisations, as they are now: one query (none for no ids)."""
    if not ids:
        return {}
    return {f.id: f for f in session.scalars(_FUNCTIONS_BY_ID, {"ids": list(ids)})}


def is_overdue(action: Action, today: date) -> bool:
    return (
        action.due_date is not None
        and action.due_date < today
        and action.status not in ("done", "cancelled")
    )


# Follow-up meetings on a coordinated action plan are at most about six months apart.
FOLLOW_UP_GAP = timedelta(days=183)


class Late(StrEnum):
    REVIEW_DATE_PASSED = "review_date_passed"
    FOLLOW_UP_TOO_FAR = "follow_up_too_far"
    ACTIONS_OVERDUE = "actions_overdue"


def what_is_late(version: PlanVersion, actions: list[Action], today: date) -> list[Late]:
    """What the citizen should know is late, most urgent first."""
    late = []
    if version.review_date is not None and version.review_date < today:
        late.append(Late.REVIEW_DATE_PASSED)
    if version.plan.plan_type is PlanType.COORDINATED_ACTION_PLAN:
        last = version.meeting_date or version.period_start
        next_meeting = version.review_date
        if (next_meeting is not None and next_meeting - last > FOLLOW_UP_GAP) or (
            next_meeting is None and today - last > FOLLOW_UP_GAP
        ):
            late.append(Late.FOLLOW_UP_TOO_FAR)
    if any(is_overdue(a, today) for a in actions):
        late.append(Late.ACTIONS_OVERDUE)
    return late


def seen_versions(session: Session, person_id: int) -> dict[int, int]:
    """Plan id -> the newest version number this person has seen."""
    rows = session.execute(
        select(PlanSeen.plan_id, PlanSeen.version_number).where(PlanSeen.person_id == person_id)
    )
    return {row.plan_id: row.version_number for row in rows}


# One reader's row of one plan (bound parameters person_id and plan_id); also read
# by the plan page's seen-and-stance query (wishes.services).
SEEN_BY_READER = and_(
    PlanSeen.person_id == bindparam("person_id"), PlanSeen.plan_id == bindparam("plan_id")
)
_SEEN_ROW = select(PlanSeen).where(SEEN_BY_READER)


def seen_row(session: Session, person_id: int, plan_id: int) -> PlanSeen | None:
    """The newest version of the plan ``person_id`` has seen, as its row."""
    return session.scalar(_SEEN_ROW, {"person_id": person_id, "plan_id": plan_id})


def mark_seen(
    session: Session,
    person_id: int,
    plan_id: int,
    number: int,
    row: PlanSeen | None = None,
    looked_up: bool = False,
) -> None:
    """Remember the newest version ``person_id`` has seen of the plan (``row``:
    its row when already ``looked_up``; nothing is written if it is not newer).

    Two tabs may insert the first row at once: the loser's savepoint rolls back
    and it updates the winner's row instead (no commit: the request's own).
    """
    for attempt in range(2):
        if attempt or not looked_up:
            row = seen_row(session, person_id, plan_id)
        if row is not None:
            if row.version_number < number:
                row.version_number = number
                row.seen_at = utcnow()
            return
        try:
            with session.begin_nested():
                session.add(PlanSeen(person_id=person_id, plan_id=plan_id, version_number=number))
            return
        except IntegrityError:
            if attempt:  # the row exists now, so a second clash is something else
                raise
