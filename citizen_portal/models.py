"""Every model, imported once so the metadata is complete (for Alembic and tests)."""

from citizen_portal.api.models import ApiClient, ApiToken
from citizen_portal.audit.models import AuditEvent
from citizen_portal.auth.models import FormDraft, SentForm, UserSession
from citizen_portal.consents.models import Consent
from citizen_portal.db import Base
from citizen_portal.devidp.models import DevAuthorizationCode, DevSigningKey
from citizen_portal.notifications.models import (
    Notification,
    PushDelivery,
    PushSetting,
    PushSubscription,
)
from citizen_portal.organisations.models import DirectoryRevision, Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans.models import (
    Action,
    Appointment,
    Challenge,
    ExistingPlanSummary,
    Goal,
    Participant,
    Plan,
    PlanSeen,
    PlanVersion,
)
from citizen_portal.representation.models import Representation
from citizen_portal.wishes.models import PlanStance, WishEntry, WishSharing

metadata = Base.metadata

__all__ = [
    "Action",
    "ApiClient",
    "ApiToken",
    "Appointment",
    "AuditEvent",
    "Challenge",
    "Consent",
    "DevAuthorizationCode",
    "DevSigningKey",
    "DirectoryRevision",
    "ExistingPlanSummary",
    "FormDraft",
    "Function",
    "Goal",
    "Notification",
    "Organisation",
    "Participant",
    "Person",
    "Plan",
    "PlanSeen",
    "PlanStance",
    "PlanVersion",
    "PushDelivery",
    "PushSetting",
    "PushSubscription",
    "Representation",
    "SentForm",
    "UserSession",
    "WishEntry",
    "WishSharing",
    "metadata",
]
