"""Representations decided by authorities (custody, guardian, lasting power of
attorney), as their registries register them: stored, updated or ended.

A ``Registration`` is plain values, whatever format the registry sent it in.
The same registration sent again changes nothing; an inactive one ends the
representation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.db import utcnow
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.people.services import find_or_create_by_cpr
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.representation.rules import RepresentationRefused, check_new_representation
from citizen_portal.representation.services import add_from_authority
from citizen_portal.security.actors import Scope


@dataclass(frozen=True)
class Registration:
    kind: RepresentationKind
    represented: tuple[str, str, str]  # CPR, given name, family name
    representative: tuple[str, str, str]
    scopes: tuple[Scope, ...]
    valid_from: date
    valid_until: date | None
    active: bool
    source_reference: str | None


@dataclass(frozen=True)
class RegistrationResult:
    representation: Representation
    outcome: str  # "created", "updated", "unchanged" or "ended"


def register(session: Session, registration: Registration, cpr_key: bytes) -> RegistrationResult:
    """Store what the authority decided. Raises RepresentationRefused when the rules forbid it.

    Telling the two people is the caller's (notifications sit above representations)."""
    represented = find_or_create_by_cpr(
        session, registration.represented[0], cpr_key, *registration.represented[1:]
    )
    representative = find_or_create_by_cpr(
        session, registration.representative[0], cpr_key, *registration.representative[1:]
    )
    existing = session.scalar(
        select(Representation).where(
            Representation.kind == registration.kind,
            Representation.represented_id == represented.id,
            Representation.representative_id == representative.id,
            Representation.revoked_at.is_(None),
        )
    )
    if not registration.active:
        if existing is None:
            raise RepresentationRefused(_l("There is no such representation to end."))
        existing.revoked_at = utcnow()
        return RegistrationResult(existing, "ended")
    scopes = sorted(s.value for s in registration.scopes)
    if existing is not None:
        if (
            existing.valid_until == registration.valid_until
            and sorted(existing.scopes) == scopes
            and existing.valid_from == registration.valid_from
        ):
            return RegistrationResult(existing, "unchanged")
        check_new_representation(
            registration.kind,
            represented.id,
            represented.birth_date,
            representative.id,
            representative.birth_date,
            registration.valid_from,
            registration.valid_until,
            utcnow().date(),
        )
        existing.valid_from = registration.valid_from
        existing.valid_until = registration.valid_until
        existing.scopes = scopes
        existing.source_reference = registration.source_reference
        return RegistrationResult(existing, "updated")
    row = add_from_authority(
        session,
        registration.kind,
        represented,
        representative,
        list(registration.scopes),
        registration.valid_from,
        registration.valid_until,
        registration.source_reference,
    )
    return RegistrationResult(row, "created")
