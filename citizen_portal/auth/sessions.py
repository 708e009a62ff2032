"""Server-side sessions behind Flask-Login.

Flask-Login keeps only an opaque token in the signed session cookie; the
token's hash finds a ``UserSession`` row. Idle and absolute timeouts are
checked on every request, and signing out ends the row, not just the cookie.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_login import LoginManager, UserMixin
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.auth.models import UserSession
from citizen_portal.config import Settings
from citizen_portal.db import get_session, utcnow
from citizen_portal.notifications.models import Notification
from citizen_portal.people.models import Person
from citizen_portal.security.actors import ActorKind

# Writing last_seen on every request would cost a write per page; a minute of
# slack on a 15-minute idle timeout is harmless.
TOUCH_INTERVAL = timedelta(seconds=60)


@dataclass
class SignedInUser(UserMixin):
    token: str
    person_id: int
    display_name: str
    acting_for_id: int | None = None
    acting_for_name: str | None = None
    # The signed-in person's unread messages when the request began (the menu's badge).
    unread_messages: int = 0

    def get_id(self) -> str:
        return self.token


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


FRESH_SIGN_IN = timedelta(minutes=5)


def start_session(
    person: Person, acr: str | None, authenticated_at: datetime | None
) -> SignedInUser:
    token = secrets.token_urlsafe(32)
    db = get_session()
    db.add(
        UserSession(
            token_hash=_hash(token),
            person_id=person.id,
            acr=acr,
            authenticated_at=authenticated_at,
        )
    )
    db.flush()
    return SignedInUser(token=token, person_id=person.id, display_name=person.full_name)


def signed_in_recently(token: str) -> bool:
    """Did the person prove who they are at the provider within FRESH_SIGN_IN?"""
    row = session_row(token)
    return bool(row and row.authenticated_at and utcnow() - row.authenticated_at <= FRESH_SIGN_IN)


def session_row(token: str) -> UserSession | None:
    return get_session().scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))


def end_session(token: str) -> UserSession | None:
    db = get_session()
    row = db.scalar(select(UserSession).where(UserSession.token_hash == _hash(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
    return row


def keep_alive(token: str) -> None:
    """The person is still here ("Stay signed in"): the idle timeout starts again."""
    row = session_row(token)
    if row is not None and row.ended_at is None:
        row.last_seen_at = utcnow()


# Built once: the session, both names and the number of unread messages (shown on
# every page) in one query. A statement built per request costs as much as running it.
# Of the two people, only their names are read here (every column costs on every
# page; anything else is loaded if some later code asks for it).
_UNREAD = (
    select(func.count(Notification.id))
    .where(Notification.person_id == UserSession.person_id, Notification.read_at.is_(None))
    .scalar_subquery()
)
_SESSION_BY_TOKEN_HASH = (
    select(UserSession, _UNREAD)
    .where(UserSession.token_hash == bindparam("token_hash"))
    .options(
        joinedload(UserSession.person).load_only(Person.given_name, Person.family_name),
        joinedload(UserSession.acting_for).load_only(Person.given_name, Person.family_name),
    )
)


def load_user(token: str) -> SignedInUser | None:
    settings: Settings = current_app.config["SETTINGS"]
    db = get_session()
    found = db.execute(_SESSION_BY_TOKEN_HASH, {"token_hash": _hash(token)}).first()
    if found is None:
        return None
    row, unread_messages = found
    if row.ended_at is not None:
        return None
    now = utcnow()
    idle = now - row.last_seen_at > settings.session_idle
    too_old = now - row.created_at > timedelta(hours=settings.session_absolute_hours)
    if idle or too_old:
        row.ended_at = now
        record_event(
            db,
            tag=AuditTag.ACCOUNT_SESSION_EXPIRED,
            actor_kind=ActorKind.CITIZEN,
            actor_person_id=row.person_id,
            subject_person_id=row.person_id,
            details={"reason": "idle" if idle else "absolute"},
        )
        return None  # stored with the request's commit, like the touch below
    if now - row.last_seen_at > min(TOUCH_INTERVAL, settings.session_idle / 4):
        row.last_seen_at = now
    acting_for = row.acting_for
    return SignedInUser(
        token=token,
        person_id=row.person_id,
        display_name=row.person.full_name,
        acting_for_id=acting_for.id if acting_for else None,
        acting_for_name=acting_for.full_name if acting_for else None,
        unread_messages=int(unread_messages or 0),
    )


def init_login(login_manager: LoginManager) -> None:
    login_manager.user_loader(load_user)
    # Flask-Login's own "remember me" cookie would outlive the server session.
    login_manager.session_protection = None
