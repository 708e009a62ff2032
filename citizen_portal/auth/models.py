from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citizen_portal.db import Base, UTCDateTime, utcnow
from citizen_portal.people.models import Person


class UserSession(Base):
    """A server-side sign-in session.

    The browser holds only the random ``token`` (inside Flask's signed cookie),
    so signing out or expiry ends the session on every worker at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the person last proved who they are at the provider (ID token auth_time).
    authenticated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acr: Mapped[str | None] = mapped_column(String(200))
    # Whom the signed-in person is acting for (None: themself). Checked against
    # the representation on every request, so a revocation applies at once.
    acting_for_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    # No ID token is kept: it carries the person's CPR number. Sign-out at the
    # provider names this portal by client_id instead of id_token_hint.

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    acting_for: Mapped[Person | None] = relationship(foreign_keys=[acting_for_id])


class SentForm(Base):
    """A form that was sent and did what it was for: its one-time token, and where
    the person was sent after. The same form sent again (a double click, a resend
    after a slow answer) goes there too, and writes nothing a second time."""

    __tablename__ = "sent_forms"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    location: Mapped[str] = mapped_column(String(2000))


class FormDraft(Base):
    """What a person typed into a form sent after their session had ended: kept,
    encrypted, for a short while, and given back only to the same person when they
    sign in again and open the page the form was on (auth/drafts.py)."""

    __tablename__ = "form_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The page the form is on (path and query), where the text is given back.
    page: Mapped[str] = mapped_column(String(2000))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)  # nonce + AES-GCM ciphertext
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
