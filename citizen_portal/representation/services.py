"""Loading and creating representations."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, joinedload

from citizen_portal.db import get_session, utcnow
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.people.models import Person
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.representation.rules import (
    RepresentationFacts,
    RepresentationRefused,
    check_new_representation,
    in_effect,
)
from citizen_portal.security.actors import Scope


def facts_of(row: Representation) -> RepresentationFacts:
    return RepresentationFacts(
        kind=row.kind,
        represented_id=row.represented_id,
        representative_id=row.representative_id,
        scopes=frozenset(Scope(s) for s in row.scopes),
        valid_from=row.valid_from,
        valid_until=row.valid_until,
        accepted=row.accepted_at is not None,
        revoked_at=row.revoked_at,
        represented_birth_date=row.represented.birth_date,
    )


def facts_between(representative_id: int, represented_id: int) -> list[RepresentationFacts]:
    if representative_id == represented_id:
        return []
    rows = rows_between(get_session(), representative_id, represented_id)
    return [facts_of(row) for row in rows]


def rows_between(
    session: Session, representative_id: int, represented_id: int
) -> list[Representation]:
    return list(
        session.scalars(
            select(Representation).where(
                Representation.representative_id == representative_id,
                Representation.represented_id == represented_id,
            )
        )
    )


def pending_offers(session: Session, person_id: int) -> list[Representation]:
    """Powers of attorney given to ``person_id`` that wait for them to accept or decline."""
    return list(
        session.scalars(
            select(Representation)
            .where(
                Representation.representative_id == person_id,
                Representation.kind == RepresentationKind.POWER_OF_ATTORNEY,
                Representation.accepted_at.is_(None),
                Representation.revoked_at.is_(None),
            )
            .order_by(Representation.id)
        )
    )


def represented_by(session: Session, person_id: int, today: date) -> list[Representation]:
    """Representations in effect in which ``person_id`` acts for someone."""
    rows = session.scalars(
        select(Representation)
        .where(Representation.representative_id == person_id)
        .order_by(Representation.id)
    )
    return [row for row in rows if in_effect(facts_of(row), today)]


def as_representative(
    session: Session, person_id: int, today: date
) -> tuple[list[Representation], list[Representation]]:
    """A representative's start page in one query: the powers of attorney waiting
    for ``person_id`` to answer, and the representations in effect in which they
    act for someone (with the person they act for)."""
    rows = list(
        session.scalars(
            select(Representation)
            .where(Representation.representative_id == person_id)
            .options(joinedload(Representation.represented))
            .order_by(Representation.id)
        )
    )
    offers = [
        row
        for row in rows
        if row.kind is RepresentationKind.POWER_OF_ATTORNEY
        and row.accepted_at is None
        and row.revoked_at is None
    ]
    return offers, [row for row in rows if in_effect(facts_of(row), today)]


def involving(session: Session, person_id: int) -> list[Representation]:
    return list(
        session.scalars(
            select(Representation).where(
                or_(
                    Representation.representative_id == person_id,
                    Representation.represented_id == person_id,
                )
            )
        )
    )


def add_from_authority(
    session: Session,
    kind: RepresentationKind,
    represented: Person,
    representative: Person,
    scopes: list[Scope],
    valid_from: date,
    valid_until: date | None,
    source_reference: str | None,
) -> Representation:
    """A representation an authority decided (custody, guardian, lasting power)."""
    if not kind.from_authority:
        raise ValueError("a power of attorney is granted by the citizen, not imported")
    check_new_representation(
        kind,
        represented.id,
        represented.birth_date,
        representative.id,
        representative.birth_date,
        valid_from,
        valid_until,
        utcnow().date(),
    )
    row = Representation(
        kind=kind,
        represented=represented,
        representative=representative,
        scopes=[s.value for s in scopes],
        valid_from=valid_from,
        valid_until=valid_until,
        accepted_at=utcnow(),
        source_reference=source_reference,
    )
    session.add(row)
    session.flush()
    return row


GRANTS_PER_DAY = 10


def grant_power_of_attorney(
    session: Session,
    citizen: Person,
    representative: Person,
    scopes: list[Scope],
    valid_until: date | None,
    typed_name: str | None = None,
) -> Representation:
    """A citizen's own grant; in effect once the representative accepts it."""
    today = utcnow().date()
    given_today = session.scalar(
        select(func.count(Representation.id)).where(
            Representation.represented_id == citizen.id,
            Representation.kind == RepresentationKind.POWER_OF_ATTORNEY,
            Representation.created_at >= utcnow() - timedelta(days=1),
        )
    )
    if (given_today or 0) >= GRANTS_PER_DAY:
        # Each grant looks a CPR number up: many would make the form a search tool.
        raise RepresentationRefused(
            _l(
                "You have given %(count)s powers of attorney in the last day. Try again tomorrow.",
                count=GRANTS_PER_DAY,
            )
        )
    check_new_representation(
        RepresentationKind.POWER_OF_ATTORNEY,
        citizen.id,
        citizen.birth_date,
        representative.id,
        representative.birth_date,
        today,
        valid_until,
        today,
    )
    for row in involving(session, citizen.id):
        if (
            row.kind is RepresentationKind.POWER_OF_ATTORNEY
            and row.represented_id == citizen.id
            and row.representative_id == representative.id
            and row.revoked_at is None
            and (row.valid_until is None or row.valid_until >= today)
        ):
            raise RepresentationRefused(
                _l(
                    "This person already has a power of attorney from you. Take it back first "
                    "if you want to change it."
                )
            )
    row = Representation(
        kind=RepresentationKind.POWER_OF_ATTORNEY,
        represented=citizen,
        representative=representative,
        scopes=[s.value for s in scopes],
        valid_from=today,
        valid_until=valid_until,
        typed_name=typed_name,
    )
    session.add(row)
    session.flush()
    return row
