"""What the plan page shows, as plain values, in the order it shows them.

The page and the PDF render only these. They are built once per request
(``build.py``) by reading the version through the representatives' rule
(``redaction.py``), so something withheld is simply not here: no template can
show it, and no new template can forget to hide it. Nothing here refers back to
the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from citizen_portal.formatting import DAYS
from citizen_portal.organisations.models import Function
from citizen_portal.plans.services import Late
from citizen_portal.plans.types import (
    ActionStatus,
    AppointmentKind,
    ExistingPlanKind,
    PlanStatus,
    PlanType,
)


@dataclass(frozen=True)
class Contact:
    """A function as the citizen reaches it (responsibility sits on functions, not people)."""

    id: int
    title: str
    organisation: str
    phone: str | None = None
    address: str | None = None
    # FHIR availableTime and the free text beside it, read by ``formatting.opening_hours``.
    available_times: tuple[Mapping[str, Any], ...] = ()
    opening_hours: str | None = None

    @property
    def structured_hours(self) -> Contact:
        """The same contact without the free-text hours (shown apart, as Danish)."""
        return replace(self, opening_hours=None)

    def open_at(self, moment: datetime) -> bool | None:
        """Open at ``moment`` (local time) by the structured opening hours; None
        when there are none (free text alone cannot be read reliably)."""
        if not self.available_times:
            return None
        day = DAYS[moment.weekday()]
        clock = moment.strftime("%H:%M")
        for slot in self.available_times:
            if day not in (slot.get("days") or ()):
                continue
            start, end = slot.get("start"), slot.get("end")
            if not start or not end or start[:5] <= clock < end[:5]:
                return True
        return False

    @classmethod
    def of(cls, function: Function) -> Contact:
        return cls(
            id=function.id,
            title=function.title,
            organisation=function.organisation.name,
            phone=function.phone,
            address=function.address,
            available_times=tuple(function.available_times or ()),
            opening_hours=function.opening_hours,
        )


@dataclass(frozen=True)
class Responsible:
    """A function, or the citizen (function None)."""

    function: Contact | None

    @property
    def is_citizen(self) -> bool:
        return self.function is None


@dataclass(frozen=True)
class ActionItem:
    key: str  # ties "the same action" across versions
    description: str
    responsible: Responsible
    status: ActionStatus
    due_date: date | None
    timeline: str | None
    named_person: str | None  # None when the people in the plan are withheld
    goal: str | None  # the goal's text; None when the goals are withheld
    late: bool


@dataclass(frozen=True)
class ResponsibleGroup:
    """Actions sharing one responsible party: a function, or the citizen."""

    function: Contact | None
    actions: tuple[ActionItem, ...]

    @property
    def is_citizen(self) -> bool:
        return self.function is None


@dataclass(frozen=True)
class AppointmentItem:
    kind: AppointmentKind
    starts_at: datetime
    description: str | None
    place: str | None
    who_comes: str | None  # None when the people in the plan are withheld


@dataclass(frozen=True)
class GoalItem:
    description: str
    success_criteria: str | None


@dataclass(frozen=True)
class ChallengeItem:
    description: str
    agreements: str | None
    desired_outcome: str | None


@dataclass(frozen=True)
class ExistingPlanItem:
    kind: ExistingPlanKind
    status: str | None
    goal: str | None
    effort: str | None


@dataclass(frozen=True)
class ParticipantItem:
    name: str | None
    job_title: str | None
    organisation_name: str | None
    contact: str | None


@dataclass(frozen=True)
class Details:
    """ "Show everything written in the plan": each field is None (or empty) when not shown."""

    reason: str | None
    current_needs: str | None
    expected_needs: str | None
    treatment_offers: str | None
    social_offers: str | None
    review_responsible: Contact | None
    follow_up_responsible: Contact | None
    coordinator: Contact | None
    coordinator_name: str | None
    grounds: tuple[str, ...]  # PlanGround values
    consent_given: bool | None
    consent_date: date | None
    approved_by_citizen: bool | None
    approved_date: date | None
    meeting_date: date | None
    # The consent above was withdrawn in the portal on this day (consents/services.py,
    # set by plans/views.py): the page must not say it is in effect.
    consent_withdrawn_on: date | None = None


@dataclass(frozen=True)
class Summary:
    """ "In short": what is late, the next appointment, the review date, who to call."""

    late: tuple[Late, ...]
    overdue_count: int
    next_appointment: AppointmentItem | None
    review_date: date | None
    review_date_passed: bool
    who_to_call: Contact | None
    open_now: bool | None = None  # who_to_call, by its opening hours (None: not known)


class ChangeKind(StrEnum):
    HANDED_OVER = "handed_over"
    ACTION_ADDED = "action_added"
    ACTION_REMOVED = "action_removed"
    ACTION_REWORDED = "action_reworded"
    STATUS_CHANGED = "status_changed"
    DUE_DATE_MOVED = "due_date_moved"
    REVIEW_DATE_MOVED = "review_date_moved"
    APPOINTMENT_ADDED = "appointment_added"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_REMOVED = "appointment_removed"


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    subject: str  # the action's or appointment's description
    before: Responsible | date | datetime | ActionStatus | str | None = None
    after: Responsible | date | datetime | ActionStatus | str | None = None


@dataclass(frozen=True)
class ChangesSince:
    """What changed since the version the reader last saw (never empty)."""

    number: int
    issued_at: datetime
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class VersionLink:
    number: int
    issued_at: datetime


@dataclass(frozen=True)
class PlanPage:
    plan_id: int
    plan_type: PlanType
    citizen_name: str
    author_organisation: str
    number: int
    newest_number: int
    issued_at: datetime
    status: PlanStatus
    something_withheld: bool  # for a representative: say so, never what
    changes: ChangesSince | None
    summary: Summary
    groups: tuple[ResponsibleGroup, ...]
    goals: tuple[GoalItem, ...]
    patient_wishes: str | None
    patient_wishes_declined: bool  # the plan says the citizen did not wish to state them
    missed_appointment_response: str | None
    appointments: tuple[AppointmentItem, ...]
    details: Details
    challenges: tuple[ChallengeItem, ...]
    existing_plans: tuple[ExistingPlanItem, ...]
    participants: tuple[ParticipantItem, ...]
    versions: tuple[VersionLink, ...]  # newest first
    # Handed over to this organisation, which has not accepted yet: the author stays
    # responsible until it does.
    handover_to: str | None = None
    # An older version: when the next version replaced it (its teams may no longer
    # be responsible, so the page shows no call buttons for it).
    replaced_on: datetime | None = None

    @property
    def is_latest(self) -> bool:
        return self.number == self.newest_number

    @property
    def own_actions(self) -> tuple[ActionItem, ...]:
        """The tasks the citizen does themself ("What you do yourself")."""
        return tuple(a for g in self.groups if g.is_citizen for a in g.actions)

    @property
    def is_action_plan(self) -> bool:
        """A coordinated action plan: follow-up meetings, and agreeing approves the plan."""
        return self.plan_type is PlanType.COORDINATED_ACTION_PLAN


@dataclass(frozen=True)
class PlanCard:
    """One line on "My plans", from the newest version, redacted like the page."""

    plan_id: int
    plan_type: PlanType
    author_organisation: str
    status: PlanStatus
    number: int
    next_appointment: AppointmentItem | None
    review_date: date | None
