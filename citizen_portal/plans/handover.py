"""Handing a plan's authorship to another organisation (the responsibility principle).

A coordinated action plan is jointly owned, and its coordinator may move between
region and municipality. The author organisation hands the plan over; until the
receiving organisation accepts, the old author stays responsible and may still
write versions. On acceptance the receiver becomes the author, and only it writes
new versions. Both steps are audited against the citizen.

A plan is named by its business identifier, looked up among the caller's own
plans (or the plans handed to it): a foreign identifier is "not found", the same
as one nobody has.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_event
from citizen_portal.db import utcnow
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.organisations.models import Organisation
from citizen_portal.plans.models import Plan, PlanHandover
from citizen_portal.security.actors import ActorKind, ClientActor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can


class HandoverProblem(StrEnum):
    NOT_FOUND = "not_found"  # no such plan among the caller's (never says whose it is)
    INVALID = "invalid"  # the receiver is unknown, or the author itself
    CONFLICT = "conflict"  # the receiver already has a plan with this identifier


class HandoverRefused(Exception):
    def __init__(self, problem: HandoverProblem, message: Any) -> None:
        super().__init__(str(message))
        self.problem = problem
        self.message = message


@dataclass(frozen=True)
class HandoverResult:
    handover: PlanHandover
    changed: bool  # False: it was already so (a retry)


NOT_FOUND = _l("No such plan for this system.")


def hand_over(
    session: Session, client: ClientActor, system: str, value: str, receiver_identifier: str
) -> HandoverResult:
    """The author's system hands its plan to the receiving organisation."""
    plan = session.scalars(
        select(Plan)
        .join(Plan.author_organisation)
        .where(
            Plan.identifier_system == system,
            Plan.identifier_value == value,
            Organisation.identifier.in_(client.organisations),
        )
        .order_by(Plan.id)
    ).first()
    if plan is None or not can(client, Permission.API_PLANS_WRITE, plan):
        raise HandoverRefused(HandoverProblem.NOT_FOUND, NOT_FOUND)
    receiver = session.scalar(
        select(Organisation).where(Organisation.identifier == receiver_identifier)
    )
    if receiver is None:
        raise HandoverRefused(
            HandoverProblem.INVALID,
            _l(
                "The receiving organisation is not known to the portal. "
                "It is known once a plan has named it."
            ),
        )
    if receiver.id == plan.author_organisation_id:
        raise HandoverRefused(
            HandoverProblem.INVALID, _l("The plan is already this organisation's.")
        )
    pending = plan.pending_handover
    if pending is not None and pending.to_organisation_id == receiver.id:
        return HandoverResult(pending, changed=False)
    if pending is not None:  # handed to someone else instead: the newest hand-over counts
        pending.to_organisation = receiver
        pending.requested_at = utcnow()
        pending.requested_by = client.client_id
        handover = pending
    else:
        handover = PlanHandover(
            plan=plan,
            from_organisation_id=plan.author_organisation_id,
            to_organisation=receiver,
            requested_by=client.client_id,
            requested_at=utcnow(),
        )
        session.add(handover)
    session.flush()
    _audit(session, AuditTag.PLAN_HANDOVER_REQUESTED, client, handover)
    return HandoverResult(handover, changed=True)


def accept_handover(
    session: Session, client: ClientActor, system: str, value: str
) -> HandoverResult:
    """The receiving organisation's system accepts: its organisation becomes the author."""
    pending = [
        h
        for h in session.scalars(
            select(PlanHandover)
            .join(PlanHandover.plan)
            .join(Organisation, Organisation.id == PlanHandover.to_organisation_id)
            .where(
                Plan.identifier_system == system,
                Plan.identifier_value == value,
                PlanHandover.accepted_at.is_(None),
                Organisation.identifier.in_(client.organisations),
            )
            .order_by(PlanHandover.id)
        )
        if can(client, Permission.API_PLANS_WRITE, h)
    ]
    if not pending:
        raise HandoverRefused(HandoverProblem.NOT_FOUND, NOT_FOUND)
    handover = pending[0]
    plan = handover.plan
    own = session.scalar(
        select(Plan.id).where(
            Plan.author_organisation_id == handover.to_organisation_id,
            Plan.identifier_system == system,
            Plan.identifier_value == value,
        )
    )
    if own is not None:
        raise HandoverRefused(
            HandoverProblem.CONFLICT,
            _l(
                "Your organisation already has another plan with this identifier. "
                "Give that plan another identifier first."
            ),
        )
    plan.author_organisation_id = handover.to_organisation_id
    handover.accepted_at = utcnow()
    handover.accepted_by = client.client_id
    session.flush()
    session.refresh(plan, ["author_organisation"])
    _audit(session, AuditTag.PLAN_HANDOVER_ACCEPTED, client, handover)
    return HandoverResult(handover, changed=True)


def _audit(session: Session, tag: AuditTag, client: ClientActor, handover: PlanHandover) -> None:
    record_event(
        session,
        tag=tag,
        actor_kind=ActorKind.SYSTEM,
        subject_person_id=handover.plan.citizen_id,
        resource_type="plan",
        resource_id=handover.plan_id,
        details={
            "client_id": client.client_id,
            "from": handover.from_organisation.name[:200],
            "to": handover.to_organisation.name[:200],
        },
    )
