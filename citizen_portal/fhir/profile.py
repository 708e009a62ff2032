"""The portal's FHIR R4 profile: identifier systems, code systems and extensions.

Documented in docs/fhir-profile.md. The canonical base is a placeholder until
the project has its own domain; partners must use these exact URIs.
"""

from __future__ import annotations

from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.plans.types import (
    ActionStatus,
    AppointmentKind,
    ExistingPlanKind,
    PlanGround,
    PlanStatus,
    PlanType,
    Sequencing,
)

CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
BASE = "https://citizen-portal.example/fhir"
CS = f"{BASE}/CodeSystem"
EXT = f"{BASE}/StructureDefinition"

PLAN_TYPE_SYSTEM = f"{CS}/plan-type"
ORGANISATION_KIND_SYSTEM = f"{CS}/organisation-kind"
SECTOR_SYSTEM = f"{CS}/sector"
CARE_TEAM_ROLE_SYSTEM = f"{CS}/care-team-role"
APPOINTMENT_KIND_SYSTEM = f"{CS}/appointment-kind"
PLAN_GROUND_SYSTEM = f"{CS}/plan-ground"
EXISTING_PLAN_SYSTEM = f"{CS}/existing-plan-kind"

EXT_REVIEW_DATE = f"{EXT}/review-date"
EXT_MEETING_DATE = f"{EXT}/meeting-date"
EXT_CITIZEN_PARTICIPATED = f"{EXT}/citizen-participated"
# valueBoolean true: the patient did not wish to state their wishes (§13a/§13b).
EXT_PATIENT_WISHES_DECLINED = f"{EXT}/patient-wishes-declined"
EXT_CONSENT = f"{EXT}/citizen-consent"  # sub-extensions: given, date
EXT_APPROVAL = f"{EXT}/citizen-approval"  # sub-extensions: approved, date
EXT_GROUND = f"{EXT}/plan-ground"
EXT_CHALLENGE = f"{EXT}/challenge"  # priority, description, agreements, desired-outcome
EXT_EXISTING_PLAN = f"{EXT}/existing-plan"  # kind, status, goal, effort, contact
EXT_TIMELINE = f"{EXT}/timeline"
EXT_SEQUENCING = f"{EXT}/sequencing"
EXT_NAMED_PERSON = f"{EXT}/named-person"
# Marks what a professional decided a representative must not see (like the NHS
# App's redaction for proxies): valueBoolean on an activity or Appointment,
# valueCode naming a whole section on the CarePlan (repeat).
EXT_NOT_FOR_REPRESENTATIVES = f"{EXT}/not-for-representatives"
WITHHOLDABLE_SECTIONS = (
    "reason",
    "treatment-offers",
    "social-offers",
    "current-needs",
    "expected-needs",
    "patient-wishes",
    "missed-appointment-response",
    "goals",
    "challenges",
    "existing-plans",
    "participants",
)
TEXT_EXTENSIONS = {
    "treatment_offers": f"{EXT}/treatment-offers",
    "social_offers": f"{EXT}/social-offers",
    "current_needs": f"{EXT}/current-needs",
    "expected_needs": f"{EXT}/expected-needs",
    "patient_wishes": f"{EXT}/patient-wishes",
    "missed_appointment_response": f"{EXT}/missed-appointment-response",
}

PLAN_TYPES = {
    "discharge-agreement": PlanType.DISCHARGE_AGREEMENT,
    "coordination-plan": PlanType.COORDINATION_PLAN,
    "coordinated-action-plan": PlanType.COORDINATED_ACTION_PLAN,
}
PLAN_STATUSES = {
    "draft": PlanStatus.DRAFT,
    "active": PlanStatus.ACTIVE,
    "on-hold": PlanStatus.ACTIVE,
    "completed": PlanStatus.ENDED,
    "revoked": PlanStatus.CANCELLED,
}
ACTIVITY_STATUSES = {
    "not-started": ActionStatus.PLANNED,
    "scheduled": ActionStatus.PLANNED,
    "in-progress": ActionStatus.IN_PROGRESS,
    "on-hold": ActionStatus.IN_PROGRESS,
    "completed": ActionStatus.DONE,
    "cancelled": ActionStatus.CANCELLED,
    "stopped": ActionStatus.CANCELLED,
}
CARE_TEAM_ROLES = (
    "coordinator",
    "review-responsible",
    "follow-up-responsible",
    "meeting-participant",
)
ORGANISATION_KINDS = {k.value.replace("_", "-"): k for k in OrganisationKind}
SECTORS = {s.value.replace("_", "-"): s for s in Sector}
APPOINTMENT_KINDS = {k.value.replace("_", "-"): k for k in AppointmentKind}
PLAN_GROUNDS = {g.value.replace("_", "-"): g for g in PlanGround}
EXISTING_PLAN_KINDS = {k.value.replace("_", "-"): k for k in ExistingPlanKind}
SEQUENCINGS = {s.value: s for s in Sequencing}


def code_of(value: object) -> str:
    """The profile's code for an enum member (hyphens, as FHIR codes usually have)."""
    return str(getattr(value, "value", value)).replace("_", "-")
