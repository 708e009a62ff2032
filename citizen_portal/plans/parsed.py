"""A plan as a partner sent it, read and checked, in the portal's own terms.

This is what the domain stores (``plans.ingest``); it knows no exchange format.
The FHIR reader (``fhir.plan_bundle``) builds it from a bundle.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field, is_dataclass
from datetime import date, datetime

from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.plans.types import (
    ActionStatus,
    AppointmentKind,
    ExistingPlanKind,
    PlanStatus,
    PlanType,
    Sequencing,
)


@dataclass(frozen=True)
class ParsedOrganisation:
    identifier: str
    name: str
    kind: OrganisationKind
    sector: Sector

    @property
    def owning_organisation(self) -> str:
        """Only this organisation's own systems change it (the policy reads this)."""
        return self.identifier


@dataclass(frozen=True)
class AvailableTime:
    days: tuple[str, ...]  # day codes as partners send them: mon, tue, ...
    start: str | None  # "08:00"
    end: str | None


@dataclass(frozen=True)
class ParsedFunction:
    identifier: str  # stable across versions: the role's identifier, else org|title
    organisation: str  # organisation identifier
    title: str
    phone: str | None = None
    email: str | None = None
    available_times: tuple[AvailableTime, ...] = ()
    opening_hours: str | None = None
    address: str | None = None

    @property
    def owning_organisation(self) -> str:
        """Only its organisation's own systems change it (the policy reads this)."""
        return self.organisation


@dataclass(frozen=True)
class ParsedAction:
    key: str
    description: str
    function: str | None  # function identifier; None: the citizen's own
    status: ActionStatus
    named_person: str | None = None
    due_date: date | None = None
    timeline: str | None = None
    sequencing: Sequencing | None = None
    goal: int | None = None  # index into ParsedPlan.goals
    withheld: bool = False  # not shown to representatives


@dataclass(frozen=True)
class ParsedAppointment:
    kind: AppointmentKind
    starts_at: datetime
    place: str | None = None
    function: str | None = None
    description: str | None = None
    participants: str | None = None
    withheld: bool = False  # not shown to representatives


@dataclass(frozen=True)
class ParsedParticipant:
    name: str | None
    job_title: str | None
    organisation_name: str | None
    contact: str | None


@dataclass(frozen=True)
class ParsedChallenge:
    priority: int
    description: str
    agreements: str | None
    desired_outcome: str | None


@dataclass(frozen=True)
class ParsedExistingPlan:
    kind: ExistingPlanKind
    status: str | None
    goal: str | None
    effort: str | None
    contact: str | None


@dataclass
class ParsedPlan:
    plan_type: PlanType
    identifier_system: str
    identifier_value: str
    author: str  # organisation identifier
    cpr: str
    given_name: str
    family_name: str
    status: PlanStatus
    period_start: date
    period_end: date | None = None
    review_date: date | None = None
    reason: str | None = None
    treatment_offers: str | None = None
    social_offers: str | None = None
    current_needs: str | None = None
    expected_needs: str | None = None
    patient_wishes: str | None = None
    # The patient did not wish to state their wishes (Psychiatry Act §13a asks for
    # them "as far as possible"; a plan without them must say so).
    patient_wishes_declined: bool = False
    citizen_participated: bool = True
    missed_appointment_response: str | None = None
    coordinator: str | None = None
    coordinator_name: str | None = None
    review_responsible: str | None = None
    follow_up_responsible: str | None = None
    meeting_date: date | None = None
    consent_given: bool | None = None
    consent_date: date | None = None
    approved_by_citizen: bool | None = None
    approved_date: date | None = None
    grounds: list[str] = field(default_factory=list)
    goals: list[tuple[str, str | None]] = field(default_factory=list)
    actions: list[ParsedAction] = field(default_factory=list)
    appointments: list[ParsedAppointment] = field(default_factory=list)
    participants: list[ParsedParticipant] = field(default_factory=list)
    challenges: list[ParsedChallenge] = field(default_factory=list)
    existing_plans: list[ParsedExistingPlan] = field(default_factory=list)
    organisations: dict[str, ParsedOrganisation] = field(default_factory=dict)
    functions: dict[str, ParsedFunction] = field(default_factory=dict)
    # When the author wrote this version (CarePlan.created); tells a replay of
    # old content from a deliberate return to it.
    authored_at: datetime | None = None
    # Sections (profile codes) a professional marked as not for representatives.
    withheld_sections: list[str] = field(default_factory=list)

    @property
    def author_identifier(self) -> str:
        """The organisation writing the plan (the policy reads this)."""
        return self.author

    def fingerprint(self) -> str:
        """A hash of the plan's content. Organisation and function contact details
        are left out: they are shared and updated in place, not versioned. Nor are
        the citizen's name and the authoring time: they do not change the plan."""
        content = {k: v for k, v in vars(self).items() if k not in _NOT_CONTENT}
        if not self.withheld_sections:
            del content["withheld_sections"]  # keeps fingerprints from before the flag
        if not self.patient_wishes_declined:
            del content["patient_wishes_declined"]  # likewise
        canonical = json.dumps(content, sort_keys=True, default=_plain, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


_NOT_CONTENT = frozenset({"organisations", "functions", "given_name", "family_name", "authored_at"})


def _plain(value: object) -> object:
    """JSON for what json cannot encode: nested dataclasses as dicts, dates as text.
    (Same text as dataclasses.asdict would give, without its deep copies.)"""
    if is_dataclass(value) and not isinstance(value, type):
        fields = vars(value)
        if fields.get("withheld") is False:  # as before the flag existed
            return {k: v for k, v in fields.items() if k != "withheld"}
        return fields
    return str(value)
