"""Messages to a person in the app: what happened to their powers of attorney and consents,
and which organisations' systems have read what they wrote."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
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
    # Notices from the plans (notifications/rules.py), to the citizen:
    PLAN_NEW = "plan:new"
    PLAN_VERSION = "plan:version"
    PLAN_HANDED_OVER = "plan:handed_over"  # a new team is responsible
    APPOINTMENT_TOMORROW = "appointment:tomorrow"
    REVIEW_PASSED = "plan:review_passed"  # the review or follow-up date passed
    TASK_OVERDUE = "task:overdue"
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
    # When `send-notices` queued it for the person's devices (or found none to queue for).
    push_queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PushSubscription(Base):
    """One device's Web Push subscription, for the person signed in on it."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    endpoint: Mapped[str] = mapped_column(String(1000), unique=True)
    p256dh: Mapped[str] = mapped_column(String(200))  # the browser's public key
    auth: Mapped[str] = mapped_column(String(100))  # the browser's auth secret
    language: Mapped[str] = mapped_column(String(10))  # of the words on the lock screen
    # The sign-in session it was made in: signing out there removes it.
    user_session_id: Mapped[int | None] = mapped_column(ForeignKey("user_sessions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class PushSetting(Base):
    """A person's choice for one category of notices (notifications/rules.py): pushed
    or only in the app. No row: pushed."""

    __tablename__ = "push_settings"
    __table_args__ = (UniqueConstraint("person_id", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    category: Mapped[str] = mapped_column(String(30))
    push: Mapped[bool] = mapped_column(Boolean)


class PushDelivery(Base):
    """A notice waiting to reach one device (the queue `send-notices` works through)."""

    __tablename__ = "push_deliveries"
    __table_args__ = (UniqueConstraint("notification_id", "subscription_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"))
    subscription_id: Mapped[int] = mapped_column(ForeignKey("push_subscriptions.id"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_status: Mapped[int | None] = mapped_column(Integer)  # the push service's answer
