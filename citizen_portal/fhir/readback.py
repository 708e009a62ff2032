"""What the citizen said, back to the professionals, as FHIR R4.

- Wishes: a QuestionnaireResponse per section (for every plan, or for this plan)
  with its newest text, its own time and its own author: the citizen (Patient), or a
  representative (RelatedPerson, with the kind of representation).
- Stances: a QuestionnaireResponse per stance, tied to the plan version.
- Consents in effect: Consent resources. A withdrawn or lapsed consent is left
  out at once: the professional system must not rely on it. The one exception:
  the consent the plan itself records (given at the meeting that made a coordinated
  action plan), which the plan's organisations sent and hold. Once the citizen
  withdraws it, they read it back as an inactive Consent, with the day it ended.

Only what ``security.policy`` lets this client read is included: the rule is
there; this module loads the facts (``plans.relations``) and asks for each piece.

Text written by citizens goes into ``valueString`` as typed, and into the
XHTML narrative only after bleach has escaped it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.consents import services as consent_services
from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.fhir import profile as p
from citizen_portal.fhir.related_person import KIND_SYSTEM
from citizen_portal.plans.models import Plan
from citizen_portal.plans.relations import PlanRelationFacts, plan_relations
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.security.actors import ActorKind, ClientActor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import InputKind, can
from citizen_portal.text import narrative
from citizen_portal.wishes import services as wish_services
from citizen_portal.wishes.models import PlanStance, WishEntry, WishSection

WISHES_QUESTIONNAIRE = f"{p.BASE}/Questionnaire/citizen-wishes"
STANCE_QUESTIONNAIRE = f"{p.BASE}/Questionnaire/plan-stance"
CONSENT_PURPOSE_SYSTEM = f"{p.CS}/consent-purpose"
STANCE_SYSTEM = f"{p.CS}/plan-stance"
WISH_SCOPE_SYSTEM = f"{p.CS}/wish-scope"


def _code(value: str) -> str:
    return value.replace("_", "-")


def _plan_reference(plan: Plan) -> dict[str, Any]:
    return {
        "type": "CarePlan",
        "identifier": {"system": plan.identifier_system, "value": plan.identifier_value},
    }


@dataclass(frozen=True)
class InputItem:
    """One piece of the citizen's input with its relation facts, for the policy."""

    kind: InputKind
    citizen_id: int
    plan_id: int | None
    plans: Sequence[PlanRelationFacts]
    only_for_me: bool = False
    recipient_organisation: str | None = None


@dataclass(frozen=True)
class Authors:
    """Who wrote what: the citizen, or a representative of a known kind."""

    roles: dict[int, RepresentationKind]  # representative's person id -> kind

    @classmethod
    def of(cls, session: Session, citizen_id: int) -> Authors:
        rows = session.scalars(
            select(Representation)
            .where(Representation.represented_id == citizen_id)
            .order_by(Representation.created_at, Representation.id)
        )
        return cls({r.representative_id: r.kind for r in rows})  # the newest wins

    def reference(self, kind: ActorKind, person_id: int, name: str) -> dict[str, Any]:
        # Written by the citizen (Patient) or by a representative on their behalf
        # (RelatedPerson, with the kind of representation they act under).
        if kind is not ActorKind.REPRESENTATIVE:
            return {"type": "Patient", "display": name}
        author: dict[str, Any] = {"type": "RelatedPerson", "display": name}
        role = self.roles.get(person_id)
        if role is not None:
            author["extension"] = [
                {
                    "url": f"{p.EXT}/representation-kind",
                    "valueCoding": {"system": KIND_SYSTEM, "code": _code(role.value)},
                }
            ]
        return author


def _wish(plan: Plan, entry: WishEntry, scope: str, authors: Authors) -> dict[str, Any]:
    """One section, with its own author and time (never another section's)."""
    link = _code(entry.section.value)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"wish-{entry.id}",
        "text": {"status": "generated", "div": narrative(f"{link}: {entry.text}")},
        "questionnaire": WISHES_QUESTIONNAIRE,
        "status": "completed",
        "basedOn": [_plan_reference(plan)],
        "authored": entry.created_at.isoformat(),
        "author": authors.reference(
            entry.author_kind, entry.author_person_id, entry.author.full_name
        ),
        "extension": [
            {
                "url": f"{p.EXT}/wish-scope",
                "valueCoding": {"system": WISH_SCOPE_SYSTEM, "code": scope},
            }
        ],
        "item": [{"linkId": link, "answer": [{"valueString": entry.text}]}],
    }


def _stance(plan: Plan, stance: PlanStance, authors: Authors) -> dict[str, Any]:
    items: list[dict[str, Any]] = [
        {"linkId": "version", "answer": [{"valueInteger": stance.version_number}]},
        {
            "linkId": "stance",
            "answer": [
                {"valueCoding": {"system": STANCE_SYSTEM, "code": _code(stance.choice.value)}}
            ],
        },
        {"linkId": "approved", "answer": [{"valueBoolean": stance.approves_plan}]},
    ]
    if stance.comment:
        items.append({"linkId": "comment", "answer": [{"valueString": stance.comment}]})
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"stance-{stance.id}",
        "text": {
            "status": "generated",
            "div": narrative(f"{stance.choice.value}: {stance.comment}"),
        },
        "questionnaire": STANCE_QUESTIONNAIRE,
        "status": "completed",
        "basedOn": [_plan_reference(plan)],
        "authored": stance.created_at.isoformat(),
        "author": authors.reference(
            stance.author_kind, stance.author_person_id, stance.author.full_name
        ),
        "item": items,
    }


def _recipient(consent: Consent) -> dict[str, Any]:
    organisation = consent.recipient_organisation
    if organisation is None:
        return {"display": consent.recipient}
    # Joined as "system|value" (bundle_reader): a system is a URI, which cannot hold
    # a "|", while a value may, so the first "|" is the one the portal put there.
    system, _, value = organisation.identifier.partition("|")
    return {
        "type": "Organization",
        "identifier": {"system": system, "value": value},
        "display": organisation.name,
    }


def _consent(consent: Consent, authors: Authors) -> dict[str, Any]:
    withdrawn = consent.withdrawn_at is not None
    resource: dict[str, Any] = {
        "resourceType": "Consent",
        "id": f"consent-{consent.id}",
        "text": {"status": "generated", "div": narrative(consent.recipient)},
        "status": "inactive" if withdrawn else "active",
        "scope": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/consentscope",
                    "code": "patient-privacy",
                }
            ]
        },
        "category": [{"coding": [{"system": "http://loinc.org", "code": "59284-0"}]}],
        "dateTime": consent.given_at.isoformat(),
        "policyRule": {
            "coding": [
                {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "OPTIN"}
            ]
        },
        "provision": {
            "type": "permit",
            "period": {
                "start": consent.starts_on.isoformat(),
                "end": (
                    consent.withdrawn_at.date() if consent.withdrawn_at else consent.expires_on
                ).isoformat(),
            },
            "actor": [
                {
                    "role": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
                                "code": "IRCP",
                            }
                        ]
                    },
                    "reference": _recipient(consent),
                }
            ],
            "purpose": [{"system": CONSENT_PURPOSE_SYSTEM, "code": _code(consent.purpose.value)}],
        },
    }
    if consent.given_by_kind in (ActorKind.CITIZEN, ActorKind.REPRESENTATIVE):
        # Who agreed: the citizen, or a representative on their behalf (never shown
        # as the citizen's own); one recorded on the plan itself names nobody.
        resource["performer"] = [
            authors.reference(
                consent.given_by_kind, consent.given_by_person_id, consent.given_by.full_name
            )
        ]
    return resource


def _wishes(
    session: Session, plan: Plan, client: ClientActor, facts: list[PlanRelationFacts]
) -> list[tuple[str, WishEntry]]:
    found = []
    for scope, plan_id in (("general", None), ("plan", plan.id)):
        private = wish_services.only_for_me(session, plan.citizen_id, plan_id)
        entries = wish_services.current_wishes(session, plan.citizen_id, plan_id)
        for section in WishSection:
            entry = entries.get(section)
            item = InputItem(
                InputKind.WISH, plan.citizen_id, plan_id, facts, only_for_me=section in private
            )
            if entry and entry.text and can(client, Permission.API_CITIZEN_INPUT_READ, item):
                found.append((scope, entry))
    return found


def _consents(
    session: Session, plan: Plan, client: ClientActor, facts: list[PlanRelationFacts]
) -> list[Consent]:
    def allowed(consent: Consent) -> bool:
        recipient = consent.recipient_organisation
        item = InputItem(
            InputKind.CONSENT,
            consent.citizen_id,
            consent.plan_id,
            facts,
            recipient_organisation=recipient.identifier if recipient else None,
        )
        return can(client, Permission.API_CITIZEN_INPUT_READ, item)

    today = utcnow().date()
    found = [
        c
        for c in consent_services.in_effect(session, plan.citizen_id, today)
        if c.plan_id in (None, plan.id) and allowed(c)
    ]
    # The plan's own consent, withdrawn by the citizen: its organisations must know.
    withdrawn = consent_services.withdrawn_plan_consent(session, plan)
    if withdrawn is not None and allowed(withdrawn):
        found.append(withdrawn)
    return found


def reading_relation(
    session: Session, plan: Plan
) -> tuple[PlanRelationFacts, list[PlanRelationFacts]]:
    """The plan's own relation facts (who takes part in it), and all the citizen's."""
    facts = plan_relations(session, plan.citizen_id)
    return next(f for f in facts if f.plan_id == plan.id), facts


def citizen_input_bundle(
    session: Session, plan: Plan, client: ClientActor, facts: list[PlanRelationFacts]
) -> dict[str, Any]:
    """What ``client`` may read of the citizen's input, reached through ``plan``."""
    authors = Authors.of(session, plan.citizen_id)
    resources = [
        _wish(plan, entry, scope, authors) for scope, entry in _wishes(session, plan, client, facts)
    ]
    stance_item = InputItem(InputKind.STANCE, plan.citizen_id, plan.id, facts)
    if can(client, Permission.API_CITIZEN_INPUT_READ, stance_item):
        resources += [_stance(plan, s, authors) for s in wish_services.stances(session, plan.id)]
    resources += [_consent(c, authors) for c in _consents(session, plan, client, facts)]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": utcnow().isoformat(),
        "entry": [{"fullUrl": f"urn:citizen-portal:{r['id']}", "resource": r} for r in resources],
    }
