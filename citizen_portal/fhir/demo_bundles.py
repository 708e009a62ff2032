"""The demo plans (``demo.data``) written as FHIR bundles, so demo data enters
through the same path as a partner's plans (and the profile's examples come
from here: ``python -m citizen_portal.fhir.demo_bundles`` writes them)."""

from __future__ import annotations

import hashlib
import json
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from citizen_portal.demo.data import (
    DEMO_PLANS,
    DEMO_SYSTEM,
    FUNCTIONS,
    ORGANISATIONS,
    PERSONAS,
    DemoPlan,
    DemoVersion,
    at,
)
from citizen_portal.fhir import profile as p
from citizen_portal.plans.types import ActionStatus, PlanStatus

ORG_SYSTEM = "urn:demo:organisation"
ROLE_SYSTEM = "urn:demo:practitioner-role"

_STATUS = {
    PlanStatus.DRAFT: "draft",
    PlanStatus.ACTIVE: "active",
    PlanStatus.ENDED: "completed",
    PlanStatus.CANCELLED: "revoked",
}
_ACTIVITY = {
    ActionStatus.PLANNED: "not-started",
    ActionStatus.IN_PROGRESS: "in-progress",
    ActionStatus.DONE: "completed",
    ActionStatus.CANCELLED: "cancelled",
}
# The demo's opening hours, as FHIR availableTime.
_HOURS: dict[str, list[dict[str, Any]]] = {
    "Hele døgnet": [
        {"daysOfWeek": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "allDay": True}
    ],
    "Man-ons 10-14, tor 10-17": [
        {
            "daysOfWeek": ["mon", "tue", "wed"],
            "availableStartTime": "10:00:00",
            "availableEndTime": "14:00:00",
        },
        {"daysOfWeek": ["thu"], "availableStartTime": "10:00:00", "availableEndTime": "17:00:00"},
    ],
    "Man-fre 8-15": [
        {
            "daysOfWeek": ["mon", "tue", "wed", "thu", "fri"],
            "availableStartTime": "08:00:00",
            "availableEndTime": "15:00:00",
        }
    ],
    "Man-tor 8-15, fre 8-13": [
        {
            "daysOfWeek": ["mon", "tue", "wed", "thu"],
            "availableStartTime": "08:00:00",
            "availableEndTime": "15:00:00",
        },
        {"daysOfWeek": ["fri"], "availableStartTime": "08:00:00", "availableEndTime": "13:00:00"},
    ],
}


def _uuid(kind: str, key: str) -> str:
    return f"urn:uuid:{kind}-{key}"


def _ref(kind: str, key: str) -> dict[str, str]:
    return {"reference": _uuid(kind, key)}


def _ext(name: str, **value: Any) -> dict[str, Any]:
    return {"url": name, **value}


def build_bundle(demo: DemoPlan, v: DemoVersion, today: date) -> dict[str, Any]:
    persona = next(x for x in PERSONAS if x.subject == demo.citizen)
    orgs = {o.identifier: o for o in ORGANISATIONS}
    fns = {f.key: f for f in FUNCTIONS}

    def days(n: int | None) -> str | None:
        return None if n is None else (today + timedelta(days=n)).isoformat()

    used_fns: set[str] = set()

    def role_ref(key: str, display: str | None = None) -> dict[str, str]:
        used_fns.add(key)
        ref = _ref("role", key)
        return {**ref, "display": display} if display else ref

    entries: list[dict[str, Any]] = []
    entries.append(
        {
            "fullUrl": _uuid("patient", persona.subject),
            "resource": {
                "resourceType": "Patient",
                "identifier": [{"system": p.CPR_SYSTEM, "value": persona.cpr}],
                "name": [{"family": persona.family_name, "given": [persona.given_name]}],
            },
        }
    )

    goals = []
    for i, (description, criteria) in enumerate(v.goals):
        goal: dict[str, Any] = {
            "resourceType": "Goal",
            "lifecycleStatus": "active",
            "description": {"text": description},
            "subject": _ref("patient", persona.subject),
        }
        if criteria:
            goal["target"] = [{"detailString": criteria}]
        entries.append({"fullUrl": _uuid("goal", str(i)), "resource": goal})
        goals.append(_ref("goal", str(i)))

    activities = []
    for a in v.actions:
        detail: dict[str, Any] = {
            "status": _ACTIVITY[a.status],
            "description": a.description,
            "performer": [role_ref(a.function) if a.function else _ref("patient", persona.subject)],
        }
        if a.due_in_days is not None:
            detail["scheduledPeriod"] = {"end": days(a.due_in_days)}
        if a.goal is not None:
            detail["goal"] = [_ref("goal", str(a.goal))]
        activity: dict[str, Any] = {
            "id": f"action-{_action_key(demo, a.description)}",
            "detail": detail,
        }
        extensions = []
        if a.timeline:
            extensions.append(_ext(p.EXT_TIMELINE, valueString=a.timeline))
        if a.sequencing:
            extensions.append(_ext(p.EXT_SEQUENCING, valueCode=a.sequencing.value))
        if a.named_person:
            extensions.append(_ext(p.EXT_NAMED_PERSON, valueString=a.named_person))
        if a.withheld:
            extensions.append(_ext(p.EXT_NOT_FOR_REPRESENTATIVES, valueBoolean=True))
        if extensions:
            activity["extension"] = extensions
        activities.append(activity)

    team: list[dict[str, Any]] = []
    for role, key, name in (
        ("coordinator", v.coordinator, v.coordinator_name),
        ("review-responsible", v.review_responsible, None),
        ("follow-up-responsible", v.follow_up_responsible, None),
    ):
        if key:
            team.append(
                {
                    "role": [{"coding": [{"system": p.CARE_TEAM_ROLE_SYSTEM, "code": role}]}],
                    "member": role_ref(key, name),
                }
            )
    for i, (name, title, org_name, contact) in enumerate(v.participants):
        key = f"participant-{demo.identifier}-{i}"
        org_key = next(
            (o.identifier for o in ORGANISATIONS if o.name.startswith(org_name)), demo.author
        )
        entries.append(
            {
                "fullUrl": _uuid("role", key),
                "resource": {
                    "resourceType": "PractitionerRole",
                    "code": [{"text": title}],
                    "organization": _ref("org", org_key),
                    "telecom": [{"system": "phone", "value": contact}],
                },
            }
        )
        team.append(
            {
                "role": [
                    {"coding": [{"system": p.CARE_TEAM_ROLE_SYSTEM, "code": "meeting-participant"}]}
                ],
                "member": dict(_ref("role", key), display=str(name)),
            }
        )
    if team:
        entries.append(
            {
                "fullUrl": _uuid("careteam", demo.identifier),
                "resource": {
                    "resourceType": "CareTeam",
                    "participant": team,
                    "subject": _ref("patient", persona.subject),
                },
            }
        )

    careplan_ext: list[dict[str, Any]] = []
    if v.review_in_days is not None:
        careplan_ext.append(_ext(p.EXT_REVIEW_DATE, valueDate=days(v.review_in_days)))
    if v.meeting_days_ago is not None:
        careplan_ext.append(_ext(p.EXT_MEETING_DATE, valueDate=days(-v.meeting_days_ago)))
    careplan_ext.append(_ext(p.EXT_CITIZEN_PARTICIPATED, valueBoolean=v.citizen_participated))
    if v.patient_wishes_declined:
        careplan_ext.append(_ext(p.EXT_PATIENT_WISHES_DECLINED, valueBoolean=True))
    for section in v.withheld_sections:
        careplan_ext.append(_ext(p.EXT_NOT_FOR_REPRESENTATIVES, valueCode=section))
    for name, url in p.TEXT_EXTENSIONS.items():
        value = getattr(v, name)
        if value:
            careplan_ext.append(_ext(url, valueString=value))
    if v.consent_given is not None and v.meeting_days_ago is not None:
        careplan_ext.append(
            _ext(
                p.EXT_CONSENT,
                extension=[
                    _ext("given", valueBoolean=v.consent_given),
                    _ext("date", valueDate=days(-v.meeting_days_ago - 7)),
                ],
            )
        )
    if v.approved_by_citizen is not None and v.meeting_days_ago is not None:
        careplan_ext.append(
            _ext(
                p.EXT_APPROVAL,
                extension=[
                    _ext("approved", valueBoolean=v.approved_by_citizen),
                    _ext("date", valueDate=days(-v.meeting_days_ago)),
                ],
            )
        )
    for ground in v.grounds:
        careplan_ext.append(
            _ext(
                p.EXT_GROUND,
                valueCoding={"system": p.PLAN_GROUND_SYSTEM, "code": p.code_of(ground)},
            )
        )
    for i, (description, agreements, outcome) in enumerate(v.challenges, start=1):
        parts = [_ext("priority", valuePositiveInt=i), _ext("description", valueString=description)]
        if agreements:
            parts.append(_ext("agreements", valueString=agreements))
        if outcome:
            parts.append(_ext("desired-outcome", valueString=outcome))
        careplan_ext.append(_ext(p.EXT_CHALLENGE, extension=parts))
    for kind, status, goal_text, effort in v.existing_plans:
        parts = [_ext("kind", valueCode=p.code_of(kind)), _ext("status", valueString=status)]
        if goal_text:
            parts.append(_ext("goal", valueString=goal_text))
        if effort:
            parts.append(_ext("effort", valueString=effort))
        careplan_ext.append(_ext(p.EXT_EXISTING_PLAN, extension=parts))

    careplan: dict[str, Any] = {
        "resourceType": "CarePlan",
        "identifier": [{"system": DEMO_SYSTEM, "value": demo.identifier}],
        "status": _STATUS[v.status],
        "intent": "plan",
        "category": [
            {"coding": [{"system": p.PLAN_TYPE_SYSTEM, "code": p.code_of(demo.plan_type)}]}
        ],
        "subject": _ref("patient", persona.subject),
        "period": {"start": days(-v.period_start_days_ago)},
        "created": at(today - timedelta(days=v.issued_days_ago), time(9, 0)).isoformat(),
        "author": _ref("org", demo.author),
        "extension": careplan_ext,
        "activity": activities,
    }
    if v.reason:
        careplan["description"] = v.reason
    if goals:
        careplan["goal"] = goals
    if team:
        careplan["careTeam"] = [_ref("careteam", demo.identifier)]
    entries.insert(0, {"fullUrl": _uuid("careplan", demo.identifier), "resource": careplan})

    for i, ap in enumerate(v.appointments):
        participants: list[dict[str, Any]] = [
            {"actor": {"type": "Location", "display": ap.place}, "status": "accepted"}
        ]
        if ap.function:
            participants.append({"actor": role_ref(ap.function), "status": "accepted"})
        appointment: dict[str, Any] = {
            "resourceType": "Appointment",
            "status": "booked",
            "serviceType": [
                {"coding": [{"system": p.APPOINTMENT_KIND_SYSTEM, "code": p.code_of(ap.kind)}]}
            ],
            "start": at(today + timedelta(days=ap.in_days), ap.at).isoformat(),
            "participant": participants,
            "supportingInformation": [_ref("careplan", demo.identifier)],
        }
        if ap.description:
            appointment["description"] = ap.description
        if ap.participants:
            appointment["comment"] = ap.participants
        entries.append(
            {"fullUrl": _uuid("appointment", f"{demo.identifier}-{i}"), "resource": appointment}
        )

    used_orgs = {demo.author}
    for key in sorted(used_fns):
        f = fns[key]
        used_orgs.add(f.org)
        practitioner_role: dict[str, Any] = {
            "resourceType": "PractitionerRole",
            "identifier": [{"system": ROLE_SYSTEM, "value": f.key}],
            "code": [{"text": f.title}],
            "organization": _ref("org", f.org),
        }
        telecom = [{"system": "phone", "value": f.phone}] if f.phone else []
        if f.email:
            telecom.append({"system": "email", "value": f.email})
        if telecom:
            practitioner_role["telecom"] = telecom
        if f.opening_hours in _HOURS:
            practitioner_role["availableTime"] = _HOURS[f.opening_hours]
        elif f.opening_hours:
            practitioner_role["availabilityExceptions"] = f.opening_hours
        if f.address:
            practitioner_role["location"] = [{"display": f.address}]
        entries.append({"fullUrl": _uuid("role", key), "resource": practitioner_role})
    for e in entries:
        res = e["resource"]
        if res["resourceType"] == "PractitionerRole":
            used_orgs.add(res["organization"]["reference"].removeprefix("urn:uuid:org-"))
    for identifier in sorted(used_orgs):
        o = orgs[identifier]
        entries.append(
            {
                "fullUrl": _uuid("org", identifier),
                "resource": {
                    "resourceType": "Organization",
                    "identifier": [{"system": ORG_SYSTEM, "value": o.identifier}],
                    "name": o.name,
                    "type": [
                        {
                            "coding": [
                                {"system": p.ORGANISATION_KIND_SYSTEM, "code": p.code_of(o.kind)}
                            ]
                        },
                        {"coding": [{"system": p.SECTOR_SYSTEM, "code": p.code_of(o.sector)}]},
                    ],
                },
            }
        )
    return {"resourceType": "Bundle", "type": "collection", "entry": entries}


def _action_key(demo: DemoPlan, description: str) -> str:
    return hashlib.sha256(f"{demo.identifier}:{description[:40]}".encode()).hexdigest()[:12]


def demo_bundles(today: date) -> list[dict[str, Any]]:
    """Every version of every demo plan, oldest first, as partners would send them."""
    return [build_bundle(demo, version, today) for demo in DEMO_PLANS for version in demo.versions]


EXAMPLE_DATE = date(2026, 1, 15)
EXAMPLES_DIR = "docs/fhir-examples"


def example_bundles() -> dict[str, dict[str, Any]]:
    """The profile's example bundles (docs/fhir-examples), one per plan type plus a
    second version of the discharge agreement, at a fixed date."""
    mette, jonas, peter = DEMO_PLANS
    return {
        "discharge-agreement.json": build_bundle(mette, mette.versions[0], EXAMPLE_DATE),
        "discharge-agreement.v2.json": build_bundle(mette, mette.versions[1], EXAMPLE_DATE),
        "coordination-plan.json": build_bundle(jonas, jonas.versions[0], EXAMPLE_DATE),
        "coordinated-action-plan.json": build_bundle(peter, peter.versions[0], EXAMPLE_DATE),
    }


if __name__ == "__main__":
    folder = Path(EXAMPLES_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    for name, bundle in example_bundles().items():
        (folder / name).write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n")
        print(f"wrote {folder / name}")
