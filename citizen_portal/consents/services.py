"""Giving and withdrawing consents; the full history is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from citizen_portal.consents.models import Consent, ConsentPurpose
from citizen_portal.db import utcnow
from citizen_portal.plans.models import Plan
from citizen_portal.plans.types import PlanType
from citizen_portal.security.actors import Actor, ActorKind


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


@dataclass(frozen=True)
class PlanConsent:
    """The consent a coordinated action plan records: given by the citizen at the
    meeting that made the plan, sent by the professionals with the plan's newest
    version. Withdrawing it stores a ``Consent`` row (``given_by_kind`` SYSTEM: recorded
    on the plan) that is withdrawn at once; a later version with a new consent date is
    a new consent."""

    plan: Plan
    given_on: date
    withdrawal: Consent | None

    @property
    def in_effect(self) -> bool:
        return self.withdrawal is None


def plan_consents(session: Session, citizen_id: int) -> list[PlanConsent]:
    """The consents recorded on the citizen's coordinated action plans."""
    withdrawals = {
        (c.plan_id, c.starts_on): c
        for c in session.scalars(
            select(Consent).where(
                Consent.citizen_id == citizen_id, Consent.given_by_kind == ActorKind.SYSTEM
            )
        )
    }
    found = []
    plans = session.scalars(
        select(Plan)
        .where(Plan.citizen_id == citizen_id, Plan.plan_type == PlanType.COORDINATED_ACTION_PLAN)
        .options(selectinload(Plan.versions))
        .order_by(Plan.id)
    )
    for plan in plans:
        version = plan.current_version
        if version.consent_given and version.consent_date is not None:
            given_on = version.consent_date
            found.append(PlanConsent(plan, given_on, withdrawals.get((plan.id, given_on))))
    return found


def plan_consent(session: Session, plan: Plan) -> PlanConsent | None:
    """The consent ``plan`` records now (from its newest version), and its withdrawal:
    no query for other kinds of plan, one for an action plan."""
    if plan.plan_type is not PlanType.COORDINATED_ACTION_PLAN:
        return None
    version = plan.current_version
    if not version.consent_given or version.consent_date is None:
        return None
    withdrawal = session.scalar(
        select(Consent).where(
            Consent.citizen_id == plan.citizen_id,
            Consent.plan_id == plan.id,
            Consent.given_by_kind == ActorKind.SYSTEM,
            Consent.starts_on == version.consent_date,
        )
    )
    return PlanConsent(plan, version.consent_date, withdrawal)


def withdraw_plan_consent(session: Session, actor: Actor, plan: Plan) -> Consent | None:
    """Withdraw the consent recorded on ``plan``; None if there is none in effect."""
    recorded = plan_consent(session, plan)
    if recorded is None or not recorded.in_effect:
        return None
    now = utcnow()
    consent = Consent(
        citizen_id=plan.citizen_id,
        purpose=ConsentPurpose.SHARE_FOR_ACTION_PLAN,
        recipient=plan.author_organisation.name,
        plan_id=plan.id,
        starts_on=recorded.given_on,
        expires_on=max(recorded.given_on + timedelta(days=365), now.date()),
        given_at=datetime.combine(recorded.given_on, time(), UTC),
        given_by_person_id=plan.citizen_id,
        given_by_kind=ActorKind.SYSTEM,
        withdrawn_at=now,
        withdrawn_by_person_id=actor.person_id,
        withdrawn_by_kind=actor.kind,
    )
    session.add(consent)
    session.flush()
    return consent


def withdrawn_plan_consent(session: Session, plan: Plan) -> Consent | None:
    """The withdrawal of the consent ``plan`` records now, if it was withdrawn."""
    recorded = plan_consent(session, plan)
    return recorded.withdrawal if recorded is not None else None
