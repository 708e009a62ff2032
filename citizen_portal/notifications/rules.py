"""Which event makes which notice, exactly once, at the right time: pure functions.

The rules read plain facts (no database, no clock of their own: ``now`` is given)
and answer notices. A notice's dedupe key is (person, kind, resource type,
resource id), where the resource id names the subject *and* its due date, so the
same appointment moved to another day is a new notice, and the same one seen again
by the next run is not. The unique constraint on ``notifications`` keeps them once.

A notice is an in-app message first. Push only says "You have news" and links to
the messages page; which kinds may reach the lock screen is the person's choice,
per category (``category_of``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from citizen_portal.notifications.models import NotificationKind

# The citizens live in Denmark: "tomorrow" and the quiet hours are Danish days.
LOCAL = ZoneInfo("Europe/Copenhagen")
# An event older than this makes no notice (a first run on old data tells nothing stale).
LOOK_BACK = timedelta(days=14)
# How long before a consent lapses the citizen is told.
CONSENT_NOTICE = timedelta(days=14)
# No phone buzzes with a notice at night: pushes wait until morning.
QUIET_FROM = time(22, 0)
QUIET_UNTIL = time(7, 0)


class Category(StrEnum):
    """What a person can turn on or off for push, one switch each."""

    PLANS = "plans"  # a new plan, a new version, a new team
    APPOINTMENTS = "appointments"  # an appointment tomorrow
    LATE = "late"  # a review or follow-up date passed, a task overdue
    CONSENTS = "consents"  # a consent about to lapse
    OTHERS = "others"  # what representatives, powers of attorney and systems did


_CATEGORIES = {
    NotificationKind.PLAN_NEW: Category.PLANS,
    NotificationKind.PLAN_VERSION: Category.PLANS,
    NotificationKind.PLAN_HANDED_OVER: Category.PLANS,
    NotificationKind.APPOINTMENT_TOMORROW: Category.APPOINTMENTS,
    NotificationKind.REVIEW_PASSED: Category.LATE,
    NotificationKind.TASK_OVERDUE: Category.LATE,
    NotificationKind.CONSENT_EXPIRING: Category.CONSENTS,
}


def category_of(kind: NotificationKind | str) -> Category:
    """Every other kind, present or added later (a representative's act on the
    citizen's behalf, a power of attorney, a system's first read), is OTHERS: any
    in-app message is a notice, none is left out of push."""
    for known, category in _CATEGORIES.items():
        if kind == known:
            return category
    return Category.OTHERS


@dataclass(frozen=True)
class Notice:
    person_id: int
    kind: NotificationKind
    resource_type: str
    resource_id: str  # the subject and its due date: the dedupe key with person and kind


@dataclass(frozen=True)
class Task:
    key: str  # ties the same action across versions
    due_date: date | None
    finished: bool  # done or cancelled


@dataclass(frozen=True)
class PlanFacts:
    """One plan of one citizen, as of its newest version."""

    plan_id: int
    citizen_id: int
    newest_version: int
    newest_received_at: datetime
    seen_version: int | None  # the newest the citizen opened, if any
    review_date: date | None  # §13a/§13b review; the KIP's follow-up meeting
    appointments: tuple[datetime, ...] = ()
    tasks: tuple[Task, ...] = ()
    accepted_handovers: tuple[tuple[int, datetime], ...] = ()  # (id, accepted at)


@dataclass(frozen=True)
class ConsentFacts:
    consent_id: int
    citizen_id: int
    expires_on: date
    withdrawn: bool


def local_date(moment: datetime) -> date:
    return moment.astimezone(LOCAL).date()


def _short(text: str) -> str:
    """A task's key may be its text: only a digest of it goes into the dedupe key."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def plan_notices(plan: PlanFacts, now: datetime) -> list[Notice]:
    """The notices one plan makes at ``now`` (each again on every run; stored once)."""
    today = local_date(now)
    notices: list[Notice] = []

    def add(kind: NotificationKind, key: str) -> None:
        notices.append(Notice(plan.citizen_id, kind, "plan", f"{plan.plan_id}:{key}"))

    seen = plan.seen_version or 0
    if plan.newest_version > seen and now - plan.newest_received_at <= LOOK_BACK:
        kind = (
            NotificationKind.PLAN_NEW
            if seen == 0 and plan.newest_version == 1
            else (NotificationKind.PLAN_VERSION)
        )
        add(kind, f"version:{plan.newest_version}")
    for handover_id, accepted_at in plan.accepted_handovers:
        if now - accepted_at <= LOOK_BACK:
            add(NotificationKind.PLAN_HANDED_OVER, f"handover:{handover_id}")
    for starts_at in plan.appointments:
        if local_date(starts_at) == today + timedelta(days=1):
            add(NotificationKind.APPOINTMENT_TOMORROW, f"appointment:{starts_at.isoformat()}")
    if _passed_lately(plan.review_date, today):
        add(NotificationKind.REVIEW_PASSED, f"review:{plan.review_date}")
    for task in plan.tasks:
        if not task.finished and _passed_lately(task.due_date, today):
            add(NotificationKind.TASK_OVERDUE, f"task:{_short(task.key)}:{task.due_date}")
    return notices


def _passed_lately(day: date | None, today: date) -> bool:
    return day is not None and day < today and today - day <= LOOK_BACK


def consent_notices(consents: Iterable[ConsentFacts], today: date) -> list[Notice]:
    """A consent in force that lapses within CONSENT_NOTICE (once per consent: a
    consent given again is a new consent, with its own end)."""
    return [
        Notice(c.citizen_id, NotificationKind.CONSENT_EXPIRING, "consent", str(c.consent_id))
        for c in consents
        if not c.withdrawn and today <= c.expires_on <= today + CONSENT_NOTICE
    ]


# Retrying a push the service could not take (5xx, 429, a timeout): then given up.
BACK_OFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)


def next_attempt(attempts: int, now: datetime) -> datetime | None:
    """When to try again after ``attempts`` failed tries; None: give up (the in-app
    message stays)."""
    if attempts > len(BACK_OFF):
        return None
    return not_before(now + BACK_OFF[attempts - 1])


def not_before(moment: datetime) -> datetime:
    """The moment itself, or the end of the quiet hours if it falls in them."""
    local = moment.astimezone(LOCAL)
    if QUIET_UNTIL <= local.time() < QUIET_FROM:
        return moment
    day = local.date() if local.time() < QUIET_UNTIL else local.date() + timedelta(days=1)
    return datetime.combine(day, QUIET_UNTIL, tzinfo=LOCAL).astimezone(moment.tzinfo)
