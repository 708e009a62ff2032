"""Giving and withdrawing consents; the full history is kept."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.consents.models import Consent, ConsentPurpose
from citizen_portal.db import utcnow
from citizen_portal.security.actors import Actor


def give(
    session: Session,
    actor: Actor,
    purpose: ConsentPurpose,
    recipient: str,
    plan_id: int | None,
    expires_on: date,
    recipient_organisation_id: int | None = None,
) -> Consent:
    """``recipient`` is shown as written; ``recipient_organisation_id`` names the
    organisation whose systems may read a consent for no particular plan back."""
    consent = Consent(
        citizen_id=actor.subject_person_id,
        purpose=purpose,
        recipient=recipient,
        recipient_organisation_id=recipient_organisation_id,
        plan_id=plan_id,
        starts_on=utcnow().date(),
        expires_on=expires_on,
        given_by_person_id=actor.person_id,
        given_by_kind=actor.kind,
    )
    session.add(consent)
    session.flush()
    return consent


def withdraw(consent: Consent, actor: Actor) -> bool:
    """In effect at once: the API stops returning it on the next call. False if already done."""
    if consent.withdrawn_at is not None:
        return False
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_person_id = actor.person_id
    consent.withdrawn_by_kind = actor.kind
    return True


def for_citizen(session: Session, citizen_id: int) -> list[Consent]:
    return list(
        session.scalars(
            select(Consent)
            .where(Consent.citizen_id == citizen_id)
            .order_by(Consent.given_at.desc(), Consent.id.desc())
        )
    )


def in_effect(session: Session, citizen_id: int, today: date) -> list[Consent]:
    return [c for c in for_citizen(session, citizen_id) if c.in_effect(today)]
