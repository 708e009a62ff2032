"""What a representative may see of a plan version: the only way the page reads one.

Professionals can mark actions, appointments and whole sections as not for
representatives (profile extension ``not-for-representatives``). The citizen
always sees everything; a representative sees the rest, and is told that
something is held back, never what.

A version is read through a ``VersionReader``, which turns it into the page's
plain values and leaves out what the rule hides, field by field: a withheld
section also takes its text off the items that point into it (an action's
goal), and withheld ``participants`` take every person's name off the plan
(the coordinator's name, an action's contact person, who comes to an
appointment). What the newest version withholds stays withheld in older
versions and in "what changed", so going back in history shows nothing more.

Items are matched across versions by the partner's activity id, else by their
text, and an appointment by its kind and description, so a withheld item whose
text changed cannot be recognised in older versions. So, fail-safe: once the
newest version withholds an action (or appointment), an older version shows a
representative only the actions (appointments) it can match to one the newest
version shows. An unmatched one may be the withheld one; leaving it out also
keeps "what changed" from telling it as removed or cancelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from citizen_portal.organisations.models import Function
from citizen_portal.plans import services
from citizen_portal.plans.models import Action, Appointment, PlanVersion
from citizen_portal.plans.page.model import (
    ActionItem,
    AppointmentItem,
    ChallengeItem,
    Contact,
    Details,
    ExistingPlanItem,
    GoalItem,
    ParticipantItem,
    Responsible,
    ResponsibleGroup,
    Summary,
)

# The profile's section codes (``WITHHOLDABLE_SECTIONS``); a test keeps the two lists equal.
REASON = "reason"
TREATMENT_OFFERS = "treatment-offers"
SOCIAL_OFFERS = "social-offers"
CURRENT_NEEDS = "current-needs"
EXPECTED_NEEDS = "expected-needs"
PATIENT_WISHES = "patient-wishes"
MISSED_APPOINTMENT_RESPONSE = "missed-appointment-response"
GOALS = "goals"
CHALLENGES = "challenges"
EXISTING_PLANS = "existing-plans"
PARTICIPANTS = "participants"
SECTIONS = (
    REASON,
    TREATMENT_OFFERS,
    SOCIAL_OFFERS,
    CURRENT_NEEDS,
    EXPECTED_NEEDS,
    PATIENT_WISHES,
    MISSED_APPOINTMENT_RESPONSE,
    GOALS,
    CHALLENGES,
    EXISTING_PLANS,
    PARTICIPANTS,
)


# Opening hours are the team's own clock.
LOCAL_TIME = ZoneInfo("Europe/Copenhagen")


def appointment_key(appointment: Appointment | AppointmentItem) -> tuple[str, str]:
    """Ties "the same appointment" across versions (they have no id of their own)."""
    return (appointment.kind.value, appointment.description or "")


@dataclass(frozen=True)
class Withholding:
    """What the reader may not see besides each item's own mark.

    ``applies`` is False for the citizen. For a representative reading an older
    version, the newest version's marks come along (matched by section code,
    action key and appointment key).
    """

    applies: bool
    sections: frozenset[str] = frozenset()
    action_keys: frozenset[str] = frozenset()
    appointment_keys: frozenset[tuple[str, str]] = frozenset()
    # When the newest version withholds any: only these may show (None: no limit).
    shown_action_keys: frozenset[str] | None = None
    shown_appointment_keys: frozenset[tuple[str, str]] | None = None

    @classmethod
    def for_reader(
        cls, version: PlanVersion, newest: PlanVersion, for_representative: bool
    ) -> Withholding:
        if not for_representative:
            return cls(applies=False)
        if version.number == newest.number:
            return cls(applies=True)  # its own marks are all there is
        action_keys = frozenset(a.key for a in newest.actions if a.withheld)
        appointment_keys = frozenset(appointment_key(a) for a in newest.appointments if a.withheld)
        return cls(
            applies=True,
            sections=frozenset(newest.withheld_sections or ()),
            action_keys=action_keys,
            appointment_keys=appointment_keys,
            shown_action_keys=(
                frozenset(a.key for a in newest.actions if not a.withheld) if action_keys else None
            ),
            shown_appointment_keys=(
                frozenset(appointment_key(a) for a in newest.appointments if not a.withheld)
                if appointment_keys
                else None
            ),
        )


class VersionReader:
    """One version as one reader may see it, as the page's values."""

    def __init__(
        self,
        version: PlanVersion,
        withholding: Withholding,
        now: datetime,
        functions: Mapping[int, Function] | None = None,
    ) -> None:
        """``functions``: the functions the version names, as loaded for this
        request (a stored version's content is shared between requests, a
        function's phone number is not); None: the version's own relationships."""
        self._version = version
        self.withholding = withholding
        self.now = now
        self.today = now.date()
        self._functions = functions

    def _function(self, function_id: int | None, related: Function | None) -> Function | None:
        if self._functions is None:
            return related
        return None if function_id is None else self._functions[function_id]

    def _responsible(self, action: Action) -> Function | None:
        if self._functions is None:
            return action.responsible_function
        return self._function(action.responsible_function_id, None)

    def _version_function(self, kind: str) -> Function | None:
        """``kind``: coordinator, review_responsible or follow_up_responsible."""
        v = self._version
        if self._functions is None:
            related: Function | None = getattr(v, f"{kind}_function")
            return related
        return self._function(getattr(v, f"{kind}_function_id"), None)

    def shows(self, section: str) -> bool:
        """``section`` is a profile code, e.g. ``goals`` or ``patient-wishes``."""
        w = self.withholding
        return not w.applies or (
            section not in (self._version.withheld_sections or ()) and section not in w.sections
        )

    @property
    def review_date(self) -> date | None:
        return self._version.review_date  # never withheld: every reader needs the date

    def _in(self, section: str, text: str | None) -> str | None:
        return text if self.shows(section) else None

    @cached_property
    def _actions(self) -> list[Action]:
        w = self.withholding
        return [
            a
            for a in self._version.actions
            if not w.applies
            or not (
                a.withheld
                or a.key in w.action_keys
                or (w.shown_action_keys is not None and a.key not in w.shown_action_keys)
            )
        ]

    @cached_property
    def _appointments(self) -> list[Appointment]:
        w = self.withholding
        return [
            a
            for a in self._version.appointments
            if not w.applies
            or not (
                a.withheld
                or appointment_key(a) in w.appointment_keys
                or (
                    w.shown_appointment_keys is not None
                    and appointment_key(a) not in w.shown_appointment_keys
                )
            )
        ]

    @property
    def something_withheld(self) -> bool:
        w = self.withholding
        if not w.applies:
            return False
        return (
            bool(w.sections or self._version.withheld_sections)
            or len(self._actions) < len(self._version.actions)
            or len(self._appointments) < len(self._version.appointments)
        )

    def _action_item(self, action: Action) -> ActionItem:
        function = None if action.citizen_responsible else self._responsible(action)
        return ActionItem(
            key=action.key,
            description=action.description,
            responsible=Responsible(_contact(function)),
            status=action.status,
            due_date=action.due_date,
            timeline=action.timeline,
            named_person=self._in(PARTICIPANTS, action.named_person),
            goal=action.goal.description if self.shows(GOALS) and action.goal else None,
            late=services.is_overdue(action, self.today),
        )

    def action_items(self) -> tuple[ActionItem, ...]:
        return tuple(self._action_item(a) for a in self._actions)

    def groups(self) -> tuple[ResponsibleGroup, ...]:
        return tuple(
            ResponsibleGroup(
                _contact(group.function), tuple(self._action_item(a) for a in group.actions)
            )
            for group in services.group_by_responsible(self._actions, self._responsible)
        )

    def _appointment_item(self, appointment: Appointment) -> AppointmentItem:
        return AppointmentItem(
            kind=appointment.kind,
            starts_at=appointment.starts_at,
            description=appointment.description,
            place=appointment.place,
            who_comes=self._in(PARTICIPANTS, appointment.participants),
        )

    def appointment_items(self) -> tuple[AppointmentItem, ...]:
        return tuple(self._appointment_item(a) for a in self._appointments)

    def next_appointment(self) -> AppointmentItem | None:
        upcoming = services.next_appointment(self._appointments, self.now)
        return self._appointment_item(upcoming) if upcoming else None

    def summary(self) -> Summary:
        v = self._version
        call = _contact(
            self._version_function("coordinator")
            or self._version_function("follow_up_responsible")
            or self._version_function("review_responsible")
        )
        return Summary(
            late=tuple(services.what_is_late(v, self._actions, self.today)),
            overdue_count=sum(services.is_overdue(a, self.today) for a in self._actions),
            next_appointment=self.next_appointment(),
            review_date=v.review_date,
            review_date_passed=v.review_date is not None and v.review_date < self.today,
            who_to_call=call,
            open_now=call.open_at(self.now.astimezone(LOCAL_TIME)) if call else None,
        )

    def goals(self) -> tuple[GoalItem, ...]:
        if not self.shows(GOALS):
            return ()
        return tuple(GoalItem(g.description, g.success_criteria) for g in self._version.goals)

    def patient_wishes(self) -> str | None:
        return self._in(PATIENT_WISHES, self._version.patient_wishes)

    def patient_wishes_declined(self) -> bool:
        return self.shows(PATIENT_WISHES) and self._version.patient_wishes_declined

    def missed_appointment_response(self) -> str | None:
        return self._in(MISSED_APPOINTMENT_RESPONSE, self._version.missed_appointment_response)

    def details(self) -> Details:
        v = self._version
        return Details(
            reason=self._in(REASON, v.reason),
            current_needs=self._in(CURRENT_NEEDS, v.current_needs),
            expected_needs=self._in(EXPECTED_NEEDS, v.expected_needs),
            treatment_offers=self._in(TREATMENT_OFFERS, v.treatment_offers),
            social_offers=self._in(SOCIAL_OFFERS, v.social_offers),
            review_responsible=_contact(self._version_function("review_responsible")),
            follow_up_responsible=_contact(self._version_function("follow_up_responsible")),
            coordinator=_contact(self._version_function("coordinator")),
            coordinator_name=self._in(PARTICIPANTS, v.coordinator_name),
            # The ticked grounds say why the plan was made, as the reason does.
            grounds=tuple(v.grounds or ()) if self.shows(REASON) else (),
            consent_given=v.consent_given,
            consent_date=v.consent_date,
            approved_by_citizen=v.approved_by_citizen,
            approved_date=v.approved_date,
            meeting_date=v.meeting_date,
        )

    def challenges(self) -> tuple[ChallengeItem, ...]:
        if not self.shows(CHALLENGES):
            return ()
        return tuple(
            ChallengeItem(c.description, c.agreements, c.desired_outcome)
            for c in self._version.challenges
        )

    def existing_plans(self) -> tuple[ExistingPlanItem, ...]:
        if not self.shows(EXISTING_PLANS):
            return ()
        return tuple(
            ExistingPlanItem(p.kind, p.status, p.goal, p.effort)
            for p in self._version.existing_plans
        )

    def participants(self) -> tuple[ParticipantItem, ...]:
        if not self.shows(PARTICIPANTS):
            return ()
        return tuple(
            ParticipantItem(p.name, p.job_title, p.organisation_name, p.contact)
            for p in self._version.participants
        )


def _contact(function: Function | None) -> Contact | None:
    return Contact.of(function) if function is not None else None
