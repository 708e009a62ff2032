from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citizen_portal.db import Base, UTCDateTime, enum_column, utcnow
from citizen_portal.security.actors import ActorKind


class AuditTag(StrEnum):
    """What happened, as ``resource:action`` (Warehouse style)."""

    ACCOUNT_SIGNED_IN = "account:signed_in"
    ACCOUNT_SIGNED_OUT = "account:signed_out"
    ACCOUNT_SIGN_IN_REFUSED = "account:sign_in_refused"
    ACCOUNT_SESSION_EXPIRED = "account:session_expired"
    PLANS_LISTED = "plans:listed"
    PLAN_VIEWED = "plan:viewed"
    PLAN_VERSION_VIEWED = "plan_version:viewed"
    PLAN_DOWNLOADED = "plan:downloaded"  # as PDF
    API_TOKEN_ISSUED = "api_token:issued"  # noqa: S105 (an event name, not a secret)
    API_TOKEN_REFUSED = "api_token:refused"  # noqa: S105
    API_PLAN_RECEIVED = "api_plan:received"
    API_PLAN_REJECTED = "api_plan:rejected"
    API_CALL_REFUSED = "api_call:refused"
    API_CALL_RATE_LIMITED = "api_call:rate_limited"
    AUDIT_LOG_VIEWED = "audit_log:viewed"
    REPRESENTATION_USED = "representation:used"
    REPRESENTATION_GRANTED = "representation:granted"
    REPRESENTATION_ACCEPTED = "representation:accepted"
    REPRESENTATION_REVOKED = "representation:revoked"
    REPRESENTATION_DECLINED = "representation:declined"
    REPRESENTATION_REGISTERED = "representation:registered"  # from an authority
    REPRESENTATIONS_VIEWED = "representations:viewed"
    MESSAGES_VIEWED = "messages:viewed"
    WISHES_VIEWED = "wishes:viewed"
    WISH_SAVED = "wish:saved"
    WISH_SHARING_CHANGED = "wish_sharing:changed"
    PLAN_STANCE_RECORDED = "plan_stance:recorded"
    HELP_CONTACTS_VIEWED = "help_contacts:viewed"  # the help page with the plans' contacts
    CRISIS_CARD_VIEWED = "crisis_card:viewed"
    CRISIS_CARD_KEPT = "crisis_card:kept"  # sent to the phone to keep offline
    CONSENTS_VIEWED = "consents:viewed"
    CONSENT_GIVEN = "consent:given"
    CONSENT_WITHDRAWN = "consent:withdrawn"
    API_CITIZEN_INPUT_READ = "api_citizen_input:read"
    PLAN_IMPORTED = "plan:imported"
    PLANS_EXPORTED = "plans:exported"
    # An organisation's own trail (subject_organisation_id), not a citizen's.
    REFERENCE_DATA_CHANGED = "reference_data:changed"  # a name, title, phone or hours
    PLAN_HANDOVER_REQUESTED = "plan_handover:requested"
    PLAN_HANDOVER_ACCEPTED = "plan_handover:accepted"


class AuditEvent(Base):
    """Append-only: who did what to whose data, and when."""

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_subject_time", "subject_person_id", "occurred_at"),
        Index("ix_audit_events_organisation_time", "subject_organisation_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    tag: Mapped[AuditTag] = mapped_column(enum_column(AuditTag, length=60))
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, length=20))
    actor_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Whose data was touched; the citizen's own log (a later issue) filters on it.
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # Whose reference data was changed: the owning organisation's trail.
    subject_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    resource_type: Mapped[str | None] = mapped_column(String(60))
    resource_id: Mapped[str | None] = mapped_column(String(100))
    request_id: Mapped[str | None] = mapped_column(String(64))
    details: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)


class RefusedCalls(Base):
    """Refused API calls, counted: one row per minute, kind, status, client
    and address, however many calls were refused. The first refusal of each
    also writes one AuditEvent (with ``window``); the rest only count here, so
    no caller can flood the audit log."""

    __tablename__ = "refused_calls"
    __table_args__ = (UniqueConstraint("window_start", "tag", "status", "client_id", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime)
    tag: Mapped[AuditTag] = mapped_column(enum_column(AuditTag, length=60))
    status: Mapped[str] = mapped_column(String(3))
    # A registered client's id; "" for none or an unknown one (so that made-up
    # ids cannot add rows either).
    client_id: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(64))
    count: Mapped[int] = mapped_column(Integer)
    last_at: Mapped[datetime] = mapped_column(UTCDateTime)
