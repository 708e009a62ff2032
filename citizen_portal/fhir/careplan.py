"""Reading the CarePlan and what it holds; then what the law requires of the plan
(``plans.rules``), told at its place in the bundle."""

from __future__ import annotations

from typing import Any

from citizen_portal.fhir import profile as p
from citizen_portal.fhir.bundle_reader import (
    PERSON_NAME,
    PLACE,
    PLAN_IDENTIFIER,
    BundleReader,
    as_date,
    as_utc,
    code_in,
    extension_value,
    extensions,
)
from citizen_portal.fhir.plan_sections import (
    SHARED_RESPONSIBILITY,
    read_challenges,
    read_existing_plans,
    read_grounds,
    report_missing_content,
)
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.plans.parsed import (
    ParsedAction,
    ParsedAppointment,
    ParsedParticipant,
    ParsedPlan,
)
from citizen_portal.plans.types import AppointmentKind, PlanStatus, PlanType


def read_careplan(r: BundleReader, cp: Any, at: str) -> ParsedPlan | None:
    plan_type = p.PLAN_TYPES.get(code_in(cp.category, p.PLAN_TYPE_SYSTEM) or "")
    if plan_type is None:
        r.problem(
            f"{at}.category",
            _l(
                "Say which plan this is: a category code from %(system)s.",
                system=p.PLAN_TYPE_SYSTEM,
            ),
            "required",
        )
    identifiers = [i for i in cp.identifier or [] if i.system and i.value]
    if not identifiers:
        r.problem(
            f"{at}.identifier",
            _l("Add the plan's business identifier (system and value)."),
            "required",
        )
    elif r.too_long(identifiers[0].system, f"{at}.identifier", PLAN_IDENTIFIER) or r.too_long(
        identifiers[0].value, f"{at}.identifier", PLAN_IDENTIFIER
    ):
        identifiers = []
    status = p.PLAN_STATUSES.get(cp.status or "")
    if status is None:
        r.problem(
            f"{at}.status",
            _l("Use a plan status: draft, active, on-hold, completed or revoked."),
            "code-invalid",
        )
    period_start = as_date(cp.period.start) if cp.period else None
    if period_start is None:
        r.problem(f"{at}.period.start", _l("Add the date the plan starts."), "required")

    cpr, given, family = r.patient(r.resolve(cp.subject, f"{at}.subject", "Patient"))
    author = r.resolve(cp.author, f"{at}.author", "Organization")
    author_id = r.organisation(author) if author else None

    goals, goals_by_url = _goals(r, cp, at)
    actions = [
        a
        for a in (
            _action(r, act, f"{at}.activity[{i}]", plan_type, goals_by_url)
            for i, act in enumerate(cp.activity or [])
        )
        if a
    ]
    roles, participants = _care_team(r, cp, at)
    consent = extensions(cp, p.EXT_CONSENT)
    approval = extensions(cp, p.EXT_APPROVAL)
    review_date = as_date(extension_value(cp, p.EXT_REVIEW_DATE, "valueDate"))
    consent_given = extension_value(consent[0], "given", "valueBoolean") if consent else None
    consent_date = as_date(extension_value(consent[0], "date", "valueDate")) if consent else None
    grounds = read_grounds(r, cp, at)
    texts = {
        name: r.text(extension_value(cp, url, "valueString"), f"{at}.extension")
        for name, url in p.TEXT_EXTENSIONS.items()
    }

    if plan_type is None or period_start is None:
        return None
    participated = extension_value(cp, p.EXT_CITIZEN_PARTICIPATED, "valueBoolean")
    coordinator = roles.get("coordinator", (None, None))
    # Built even when the citizen, author, identifier or status could not be read
    # (with blanks there), so that what the law requires is checked, and every
    # problem told, in the same answer; such a plan is then not returned.
    plan = ParsedPlan(
        plan_type=plan_type,
        identifier_system=str(identifiers[0].system) if identifiers else "",
        identifier_value=str(identifiers[0].value) if identifiers else "",
        author=author_id or "",
        cpr=cpr or "",
        given_name=given,
        family_name=family,
        status=status or PlanStatus.DRAFT,
        period_start=period_start,
        period_end=as_date(cp.period.end) if cp.period else None,
        reason=r.text(cp.description, f"{at}.description"),
        # A coordination plan is made because the citizen did not take part.
        citizen_participated=(
            participated
            if participated is not None
            else plan_type is not PlanType.COORDINATION_PLAN
        ),
        coordinator=coordinator[0],
        coordinator_name=coordinator[1],
        review_responsible=roles.get("review-responsible", (None, None))[0],
        follow_up_responsible=roles.get("follow-up-responsible", (None, None))[0],
        meeting_date=as_date(extension_value(cp, p.EXT_MEETING_DATE, "valueDate")),
        approved_by_citizen=extension_value(approval[0], "approved", "valueBoolean")
        if approval
        else None,
        approved_date=as_date(extension_value(approval[0], "date", "valueDate"))
        if approval
        else None,
        goals=goals,
        actions=actions,
        appointments=_appointments(r),
        participants=participants,
        challenges=read_challenges(r, cp, at),
        existing_plans=read_existing_plans(r, cp, at),
        organisations=r.organisations,
        functions=r.functions,
        authored_at=as_utc(cp.created),
        review_date=review_date,
        consent_given=consent_given,
        consent_date=consent_date,
        grounds=grounds,
        treatment_offers=texts["treatment_offers"],
        social_offers=texts["social_offers"],
        current_needs=texts["current_needs"],
        expected_needs=texts["expected_needs"],
        patient_wishes=texts["patient_wishes"],
        patient_wishes_declined=extension_value(cp, p.EXT_PATIENT_WISHES_DECLINED, "valueBoolean")
        is True,
        missed_appointment_response=texts["missed_appointment_response"],
        withheld_sections=_withheld_sections(r, cp, at),
    )
    report_missing_content(r, at, plan)
    if status is None or not identifiers or cpr is None or author_id is None:
        return None
    return plan


def _withheld(element: Any) -> bool:
    return extension_value(element, p.EXT_NOT_FOR_REPRESENTATIVES, "valueBoolean") is True


def _withheld_sections(r: BundleReader, cp: Any, at: str) -> list[str]:
    sections: list[str] = []
    for index, ext in enumerate(cp.extension or []):
        if ext.url != p.EXT_NOT_FOR_REPRESENTATIVES:
            continue
        if ext.valueCode in p.WITHHOLDABLE_SECTIONS:
            if ext.valueCode not in sections:
                sections.append(str(ext.valueCode))
        else:
            r.problem(
                f"{at}.extension[{index}]",
                _l(
                    "Name a section to keep from representatives: %(codes)s.",
                    codes=", ".join(p.WITHHOLDABLE_SECTIONS),
                ),
                "code-invalid",
            )
    return sorted(sections)


def _goals(
    r: BundleReader, cp: Any, at: str
) -> tuple[list[tuple[str, str | None]], dict[str, int]]:
    goals: list[tuple[str, str | None]] = []
    by_url: dict[str, int] = {}
    for index, reference in enumerate(cp.goal or []):
        path = f"{at}.goal[{index}]"
        found = r.resolve(reference, path, "Goal")
        if not found:
            continue
        url, goal = found
        description = r.text(goal.description.text if goal.description else None, path)
        if not description:
            r.problem(path, _l("A goal needs a description."), "required")
            continue
        criteria = None
        for target in goal.target or []:
            criteria = r.text(target.detailString, path) or criteria
        by_url[url] = len(goals)
        goals.append((description, criteria))
    return goals, by_url


def _action(
    r: BundleReader,
    activity: Any,
    path: str,
    plan_type: PlanType | None,
    goals_by_url: dict[str, int],
) -> ParsedAction | None:
    detail = activity.detail
    if detail is None or not detail.description:
        r.problem(f"{path}.detail.description", _l("Describe what will be done."), "required")
        return None
    performers = detail.performer or []
    function: str | None = None
    responsible_known = False
    if len(performers) > 1:
        r.problem(
            f"{path}.detail.performer",
            _l("Name one responsible function or the citizen, not several."),
        )
    elif performers:
        at = f"{path}.detail.performer[0]"
        found = r.resolve(performers[0], at, "PractitionerRole", "Patient")
        if found and found[1].get_resource_type() == "Patient":
            responsible_known = True  # the citizen's own action
        elif found:
            function = r.function_at(performers[0], at)
            responsible_known = function is not None
    elif plan_type in SHARED_RESPONSIBILITY:
        r.problem(
            f"{path}.detail.performer", _l("Say who is responsible for this action."), "required"
        )
    elif plan_type is PlanType.COORDINATED_ACTION_PLAN:
        r.problem(
            f"{path}.detail.performer",
            _l("Say who is responsible, including the citizen's own part."),
            "required",
        )
    status = p.ACTIVITY_STATUSES.get(detail.status or "")
    if status is None:
        r.problem(
            f"{path}.detail.status",
            _l("Use an activity status such as not-started, in-progress or completed."),
            "code-invalid",
        )
    goal_index = None
    for goal_ref in detail.goal or []:
        goal_index = goals_by_url.get(goal_ref.reference or "")
        if goal_index is None:
            r.problem(f"{path}.detail.goal", _l("The goal must be one of the plan's goals."))
    sequencing_code = extension_value(activity, p.EXT_SEQUENCING, "valueCode")
    sequencing = p.SEQUENCINGS.get(sequencing_code) if sequencing_code else None
    if sequencing_code and sequencing is None:
        r.problem(
            f"{path}.extension", _l("Sequencing must be parallel or sequential."), "code-invalid"
        )
    if not responsible_known or status is None:
        return None
    return ParsedAction(
        key=activity.id or str(detail.description).strip(),
        description=r.text(detail.description, path) or "",
        function=function,
        status=status,
        named_person=r.text(
            extension_value(activity, p.EXT_NAMED_PERSON, "valueString"), path, PERSON_NAME
        ),
        due_date=as_date(detail.scheduledPeriod.end if detail.scheduledPeriod else None),
        timeline=r.text(
            detail.scheduledString or extension_value(activity, p.EXT_TIMELINE, "valueString"),
            path,
        ),
        sequencing=sequencing,
        goal=goal_index,
        withheld=_withheld(activity),
    )


def _care_team(
    r: BundleReader, cp: Any, at: str
) -> tuple[dict[str, tuple[str | None, str | None]], list[ParsedParticipant]]:
    """Named roles (coordinator, review- and follow-up-responsible) and meeting participants."""
    roles: dict[str, tuple[str | None, str | None]] = {}
    participants: list[ParsedParticipant] = []
    for t_index, team_ref in enumerate(cp.careTeam or []):
        found = r.resolve(team_ref, f"{at}.careTeam[{t_index}]", "CareTeam")
        if not found:
            continue
        for m_index, member in enumerate(found[1].participant or []):
            path = f"{at}.careTeam[{t_index}].participant[{m_index}]"
            role = code_in(member.role, p.CARE_TEAM_ROLE_SYSTEM)
            if role not in p.CARE_TEAM_ROLES:
                r.problem(
                    f"{path}.role",
                    _l("Use a care team role from %(system)s.", system=p.CARE_TEAM_ROLE_SYSTEM),
                    "code-invalid",
                )
                continue
            function = r.function_at(member.member, f"{path}.member")
            if function is None:
                continue
            name = r.text(member.member.display if member.member else None, path, PERSON_NAME)
            if role != "meeting-participant":
                roles[role] = (function, name)
                continue
            parsed = r.functions[function]
            org = r.organisations.get(parsed.organisation)
            participants.append(
                ParsedParticipant(
                    name=name,
                    job_title=parsed.title,
                    organisation_name=org.name if org else None,
                    contact=parsed.phone or parsed.email,
                )
            )
    return roles, participants


def _appointments(r: BundleReader) -> list[ParsedAppointment]:
    appointments = []
    for path, resource in r.of_type("Appointment"):
        if resource.start is None:
            r.problem(f"{path}.start", _l("An appointment needs a start time."), "required")
            continue
        starts_at = as_utc(resource.start)
        if starts_at is None:
            r.problem(f"{path}.start", _l("Give the time with a time zone."))
            continue
        place = function = None
        for index, participant in enumerate(resource.participant or []):
            actor = participant.actor
            if actor is None:
                continue
            if actor.type == "Location" and not actor.reference:
                place = r.text(actor.display, path, PLACE)
            elif actor.reference:
                at = f"{path}.participant[{index}].actor"
                found = r.resolve(actor, at, "PractitionerRole", "Patient")
                if found and found[1].get_resource_type() == "PractitionerRole":
                    function = r.function_at(actor, at)
        kind = p.APPOINTMENT_KINDS.get(
            code_in(resource.serviceType, p.APPOINTMENT_KIND_SYSTEM) or "", AppointmentKind.OTHER
        )
        appointments.append(
            ParsedAppointment(
                kind=kind,
                starts_at=starts_at,
                place=place,
                function=function,
                description=r.text(resource.description, f"{path}.description"),
                participants=r.text(resource.comment, f"{path}.comment"),
                withheld=_withheld(resource),
            )
        )
    return sorted(appointments, key=lambda a: a.starts_at)
