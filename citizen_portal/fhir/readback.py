"""What the citizen said, back to the professionals, as FHIR R4.

- Wishes: a QuestionnaireResponse per scope (for every plan, and for this plan),
  one item per section, with the newest text.
- Stances: a QuestionnaireResponse per stance, tied to the plan version.
- Consents in effect: Consent resources. A withdrawn or lapsed consent is left
  out at once: the professional system must not rely on it.

Text written by citizens goes into ``valueString`` as typed, and into the
XHTML narrative only after bleach has escaped it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from citizen_portal.consents import services as consent_services
from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.fhir import profile as p
from citizen_portal.plans.models import Plan
from citizen_portal.security.actors import ActorKind
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


def _author(kind: ActorKind, name: str) -> dict[str, Any]:
    # Written by the citizen (Patient) or by a representative on their behalf (RelatedPerson).
    return {
        "type": "RelatedPerson" if kind is ActorKind.REPRESENTATIVE else "Patient",
        "display": name,
    }


def _wishes(plan: Plan, entries: dict[WishSection, WishEntry], scope: str) -> dict[str, Any] | None:
    written = [e for e in entries.values() if e.text]
    if not written:
        return None
    newest = max(written, key=lambda e: e.created_at)
    sections = [s for s in WishSection if s in entries and entries[s].text]
    items = [
        {"linkId": _code(s.value), "answer": [{"valueString": entries[s].text}]} for s in sections
    ]
    text = "\n".join(f"{_code(s.value)}: {entries[s].text}" for s in sections)
    return {
        "resourceType": "QuestionnaireResponse",
        "id": f"wishes-{scope}-{plan.citizen_id}",
        "text": {"status": "generated", "div": narrative(text)},
        "questionnaire": WISHES_QUESTIONNAIRE,
        "status": "completed",
        "basedOn": [_plan_reference(plan)],
        "authored": newest.created_at.isoformat(),
        "author": _author(newest.author_kind, newest.author.full_name),
        "extension": [
            {
                "url": f"{p.EXT}/wish-scope",
                "valueCoding": {"system": WISH_SCOPE_SYSTEM, "code": scope},
            }
        ],
        "item": items,
    }


def _stance(plan: Plan, stance: PlanStance) -> dict[str, Any]:
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
        "author": _author(stance.author_kind, stance.author.full_name),
        "item": items,
    }


def _consent(consent: Consent) -> dict[str, Any]:
    return {
        "resourceType": "Consent",
        "id": f"consent-{consent.id}",
        "text": {"status": "generated", "div": narrative(consent.recipient)},
        "status": "active",
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
                "end": consent.expires_on.isoformat(),
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
                    "reference": {"display": consent.recipient},
                }
            ],
            "purpose": [{"system": CONSENT_PURPOSE_SYSTEM, "code": _code(consent.purpose.value)}],
        },
    }


def citizen_input_bundle(session: Session, plan: Plan) -> dict[str, Any]:
    resources: list[dict[str, Any]] = []
    for scope, plan_id in (("general", None), ("plan", plan.id)):
        found = _wishes(
            plan, wish_services.current_wishes(session, plan.citizen_id, plan_id), scope
        )
        if found:
            resources.append(found)
    resources += [_stance(plan, s) for s in wish_services.stances(session, plan.id)]
    today = utcnow().date()
    resources += [
        _consent(c)
        for c in consent_services.in_effect(session, plan.citizen_id, today)
        if c.plan_id in (None, plan.id)
    ]
    return {
        "resourceType": "Bundle",
        "type": "collection",
        "timestamp": utcnow().isoformat(),
        "entry": [{"fullUrl": f"urn:citizen-portal:{r['id']}", "resource": r} for r in resources],
    }
