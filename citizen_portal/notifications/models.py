"""Messages to a person in the app: what happened to their powers of attorney and consents,
and which organisations' systems have read what they wrote."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from citizen_portal.db import Base, UTCDateTime, enum_column, utcnow


class NotificationKind(StrEnum):
    """``resource:event``; each kind is sent at most once per person and resource."""

    REPRESENTATION_OFFERED = "representation:offered"  # to the representative: accept it
    REPRESENTATION_REGISTERED = "representation:registered"  # from an authority, to both
    REPRESENTATION_CREATED = "representation:created"  # to the citizen who gave it
    REPRESENTATION_ACCEPTED = "representation:accepted"  # to the citizen
    REPRESENTATION_FIRST_USED = "representation:first_used"  # to the citizen
    REPRESENTATION_EXPIRING = "representation:expiring"  # to both, before it ends
    CONSENT_EXPIRING = "consent:expiring"  # to the citizen, before it lapses
    CITIZEN_INPUT_FIRST_READ = "citizen_input:first_read"  # an organisation's system read it
    # To the citizen, for every change a representative made for them (its audit event).
    REPRESENTATIVE_CHANGED = "representative:changed"


class Notification(Base):
    __tablename__ = "notifications"
    __table_args__ = (
        UniqueConstraint("person_id", "kind", "resource_type", "resource_id"),
        Index("ix_notifications_person_read", "person_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))  # who is told
    kind: Mapped[NotificationKind] = mapped_column(enum_column(NotificationKind, length=60))
    resource_type: Mapped[str] = mapped_column(String(60))
    resource_id: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
