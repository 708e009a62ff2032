"""Write the demo data into the database (idempotent)."""

from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.demo.data import (
    DEMO_PLANS,
    DEMO_SYSTEM,
    FUNCTIONS,
    ORGANISATIONS,
    PERSONAS,
    DemoVersion,
    at,
)
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.people.services import find_or_create_by_cpr
from citizen_portal.plans.models import (
    Action,
    Appointment,
    Challenge,
    ExistingPlanSummary,
    Goal,
    Participant,
    Plan,
    PlanVersion,
)


def load_demo_data(session: Session, cpr_key: bytes, today: date) -> int:
    """Create the demo organisations, people and plans; returns plans created."""
    organisations = {
        o.identifier: _get_or_add_organisation(session, o.identifier, o.name, o.kind, o.sector)
        for o in ORGANISATIONS
    }
    functions: dict[str, Function] = {}
    for fn in FUNCTIONS:
        org = organisations[fn.org]
        existing = session.scalar(
            select(Function).where(Function.organisation_id == org.id, Function.title == fn.title)
        )
        functions[fn.key] = existing or Function(
            organisation=org,
            title=fn.title,
            phone=fn.phone,
            opening_hours=fn.opening_hours,
            email=fn.email,
            address=fn.address,
        )
        session.add(functions[fn.key])
    people: dict[str, Person] = {}
    for persona in PERSONAS:
        people[persona.subject] = find_or_create_by_cpr(
            session, persona.cpr, cpr_key, persona.given_name, persona.family_name
        )
    session.flush()

    created = 0
    for demo in DEMO_PLANS:
        exists = session.scalar(
            select(Plan.id).where(
                Plan.identifier_system == DEMO_SYSTEM, Plan.identifier_value == demo.identifier
            )
        )
        if exists:
            continue
        plan = Plan(
            citizen=people[demo.citizen],
            plan_type=demo.plan_type,
            identifier_system=DEMO_SYSTEM,
            identifier_value=demo.identifier,
            author_organisation=organisations[demo.author],
        )
        session.add(plan)
        for number, version in enumerate(demo.versions, start=1):
            session.add(_build_version(plan, number, version, functions, today))
        created += 1
    session.flush()
    return created


def _get_or_add_organisation(session: Session, identifier: str, *args: object) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.identifier == identifier))
    if found:
        return found
    name, kind, sector = args
    org = Organisation(identifier=identifier, name=name, kind=kind, sector=sector)
    session.add(org)
    return org


def _build_version(
    plan: Plan, number: int, v: DemoVersion, functions: dict[str, Function], today: date
) -> PlanVersion:
    def fn(key: str | None) -> Function | None:
        return functions[key] if key else None

    def days(n: int | None) -> date | None:
        return None if n is None else today + timedelta(days=n)

    version = PlanVersion(
        plan=plan,
        number=number,
        issued_at=at(today - timedelta(days=v.issued_days_ago), time(9, 0)),
        status=v.status,
        period_start=today - timedelta(days=v.period_start_days_ago),
        review_date=days(v.review_in_days),
        reason=v.reason,
        treatment_offers=v.treatment_offers,
        social_offers=v.social_offers,
        current_needs=v.current_needs,
        expected_needs=v.expected_needs,
        patient_wishes=v.patient_wishes,
        citizen_participated=v.citizen_participated,
        missed_appointment_response=v.missed_appointment_response,
        coordinator_function=fn(v.coordinator),
        coordinator_name=v.coordinator_name,
        review_responsible_function=fn(v.review_responsible),
        follow_up_responsible_function=fn(v.follow_up_responsible),
        meeting_date=days(-v.meeting_days_ago if v.meeting_days_ago is not None else None),
        consent_given=v.consent_given,
        consent_date=days(-v.meeting_days_ago - 7)
        if v.consent_given and v.meeting_days_ago
        else None,
        approved_by_citizen=v.approved_by_citizen,
        approved_date=days(-v.meeting_days_ago)
        if v.approved_by_citizen and v.meeting_days_ago
        else None,
        grounds=[g.value for g in v.grounds],
    )
    goals = [
        Goal(version=version, position=i, description=d, success_criteria=s)
        for i, (d, s) in enumerate(v.goals)
    ]
    for i, a in enumerate(v.actions):
        version.actions.append(
            Action(
                position=i,
                description=a.description,
                citizen_responsible=a.function is None,
                responsible_function=fn(a.function),
                named_person=a.named_person,
                due_date=days(a.due_in_days),
                timeline=a.timeline,
                status=a.status,
                sequencing=a.sequencing,
                goal=goals[a.goal] if a.goal is not None else None,
            )
        )
    for ap in v.appointments:
        version.appointments.append(
            Appointment(
                kind=ap.kind,
                starts_at=at(today + timedelta(days=ap.in_days), ap.at),
                place=ap.place,
                function=fn(ap.function),
                description=ap.description,
                participants=ap.participants,
            )
        )
    for i, (name, title, org, contact) in enumerate(v.participants):
        version.participants.append(
            Participant(
                position=i, name=name, job_title=title, organisation_name=org, contact=contact
            )
        )
    for i, (description, agreements, outcome) in enumerate(v.challenges, start=1):
        version.challenges.append(
            Challenge(
                priority=i, description=description, agreements=agreements, desired_outcome=outcome
            )
        )
    for i, (kind, status, goal, effort) in enumerate(v.existing_plans):
        version.existing_plans.append(
            ExistingPlanSummary(position=i, kind=kind, status=status, goal=goal, effort=effort)
        )
    return version
