"""Read a plan Bundle: FHIR structure (fhir.resources) plus the profile's rules.

Every problem is collected with its path, so a partner gets the whole list in
one answer. Nothing is stored here: the result is a ``ParsedPlan`` or
``InvalidBundle``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from citizen_portal.fhir import profile as p
from citizen_portal.fhir.parsed import (
    AvailableTime,
    ParsedAction,
    ParsedAppointment,
    ParsedChallenge,
    ParsedExistingPlan,
    ParsedFunction,
    ParsedOrganisation,
    ParsedParticipant,
    ParsedPlan,
)
from citizen_portal.organisations.models import OrganisationKind, Sector
from citizen_portal.people.services import InvalidCpr, normalise_cpr
from citizen_portal.plans.models import AppointmentKind, PlanType

MAX_TEXT = 10_000


@dataclass(frozen=True)
class Issue:
    path: str
    message: Any  # a lazy translated string, rendered in the caller's language
    code: str = "invalid"  # an OperationOutcome issue type


class InvalidBundle(Exception):
    def __init__(self, issues: list[Issue]) -> None:
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = issues


def _as_utc(value: Any) -> datetime | None:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return None


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def _ext(element: Any, url: str) -> list[Any]:
    return [e for e in (getattr(element, "extension", None) or []) if e.url == url]


def _ext_value(element: Any, url: str, kind: str) -> Any:
    found = _ext(element, url)
    return getattr(found[0], kind) if found else None


def _sub(extension: Any, name: str, kind: str) -> Any:
    return _ext_value(extension, name, kind)


def _coding(concepts: Any, system: str) -> str | None:
    for concept in concepts or []:
        for coding in concept.coding or []:
            if coding.system == system:
                return str(coding.code) if coding.code is not None else None
    return None


class _Reader:
    def __init__(self) -> None:
        self.issues: list[Issue] = []
        self.by_url: dict[str, tuple[int, Any]] = {}

    def problem(self, path: str, message: Any, code: str = "invalid") -> None:
        self.issues.append(Issue(path, message, code))

    def text(self, value: Any, path: str) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if len(text) > MAX_TEXT:
            self.problem(path, _l("This text is longer than %(n)s characters.", n=MAX_TEXT))
            return text[:MAX_TEXT]
        return text or None

    def resolve(self, reference: Any, path: str, *types: str) -> tuple[str, Any] | None:
        """The bundle entry a reference points to, which must be of ``types``."""
        target = getattr(reference, "reference", None)
        if not target:
            self.problem(path, _l("Add a reference to a resource in the bundle."), "required")
            return None
        found = self.by_url.get(target)
        if found is None:
            self.problem(path, _l("The reference %(ref)s is not in the bundle.", ref=target))
            return None
        resource = found[1]
        if resource.get_resource_type() not in types:
            self.problem(
                path,
                _l("The reference must point to a %(types)s.", types=" or ".join(types)),
            )
            return None
        return target, resource


def read_plan_bundle(data: Any, today: date | None = None) -> ParsedPlan:
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InvalidBundle([Issue("Bundle", _l("Send a FHIR Bundle as a JSON object."))])
    try:
        bundle = Bundle.model_validate(data)
    except ValidationError as error:
        raise InvalidBundle(
            [
                Issue(_path(e["loc"]), _l("Not valid FHIR: %(detail)s", detail=e["msg"]))
                for e in error.errors()
            ]
        ) from None
    except (KeyError, TypeError, ValueError) as error:
        # fhir.resources raises KeyError for an unknown resourceType.
        raise InvalidBundle(
            [Issue("Bundle.entry", _l("Not valid FHIR: %(detail)s", detail=str(error)))]
        ) from None
    reader = _Reader()
    plan = _read(reader, bundle, today or datetime.now(UTC).date())
    if reader.issues or plan is None:
        raise InvalidBundle(reader.issues)
    return plan


def _path(loc: tuple[Any, ...]) -> str:
    path = "Bundle"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _read(r: _Reader, bundle: Any, today: date) -> ParsedPlan | None:
    if bundle.type not in ("collection", "transaction"):
        r.problem("Bundle.type", _l("The bundle type must be collection or transaction."))
    entries = bundle.entry or []
    for index, entry in enumerate(entries):
        if entry.resource is None:
            r.problem(f"Bundle.entry[{index}]", _l("Each entry needs a resource."), "required")
            continue
        if not entry.fullUrl:
            r.problem(
                f"Bundle.entry[{index}].fullUrl", _l("Each entry needs a fullUrl."), "required"
            )
            continue
        if entry.fullUrl in r.by_url:
            r.problem(f"Bundle.entry[{index}].fullUrl", _l("This fullUrl is used twice."))
        r.by_url[entry.fullUrl] = (index, entry.resource)

    careplans = [
        (i, e.resource)
        for i, e in enumerate(entries)
        if e.resource is not None and e.resource.get_resource_type() == "CarePlan"
    ]
    if len(careplans) != 1:
        r.problem("Bundle.entry", _l("The bundle must hold exactly one CarePlan."), "required")
        return None
    index, careplan = careplans[0]
    at = f"Bundle.entry[{index}].resource"
    return _read_careplan(r, careplan, at, today)


def _read_careplan(r: _Reader, cp: Any, at: str, today: date) -> ParsedPlan | None:
    plan_type = p.PLAN_TYPES.get(_coding(cp.category, p.PLAN_TYPE_SYSTEM) or "")
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
    status = p.PLAN_STATUSES.get(cp.status or "")
    if status is None:
        r.problem(
            f"{at}.status",
            _l("Use a plan status: draft, active, on-hold, completed or revoked."),
            "code-invalid",
        )
    period_start = _as_date(cp.period.start) if cp.period else None
    if period_start is None:
        r.problem(f"{at}.period.start", _l("Add the date the plan starts."), "required")

    patient = r.resolve(cp.subject, f"{at}.subject", "Patient")
    cpr, given, family = _read_patient(r, patient)
    author = r.resolve(cp.author, f"{at}.author", "Organization")
    organisations: dict[str, ParsedOrganisation] = {}
    author_id = _read_organisation(r, author, organisations) if author else None

    functions: dict[str, ParsedFunction] = {}
    function_by_url: dict[str, str] = {}

    def function_at(reference: Any, path: str) -> str | None:
        found = r.resolve(reference, path, "PractitionerRole")
        if found is None:
            return None
        url, role = found
        if url not in function_by_url:
            parsed = _read_role(r, role, f"{path}", organisations)
            if parsed is None:
                return None
            functions[parsed.identifier] = parsed
            function_by_url[url] = parsed.identifier
        return function_by_url[url]

    review_date = _as_date(_ext_value(cp, p.EXT_REVIEW_DATE, "valueDate"))
    texts = {
        name: r.text(_ext_value(cp, url, "valueString"), f"{at}.extension")
        for name, url in p.TEXT_EXTENSIONS.items()
    }
    participated = _ext_value(cp, p.EXT_CITIZEN_PARTICIPATED, "valueBoolean")
    consent = _ext(cp, p.EXT_CONSENT)
    approval = _ext(cp, p.EXT_APPROVAL)

    goals_by_url: dict[str, int] = {}
    goals: list[tuple[str, str | None]] = []
    for g_index, goal_ref in enumerate(cp.goal or []):
        found = r.resolve(goal_ref, f"{at}.goal[{g_index}]", "Goal")
        if found:
            url, goal = found
            description = r.text(
                goal.description.text if goal.description else None, f"{at}.goal[{g_index}]"
            )
            if not description:
                r.problem(f"{at}.goal[{g_index}]", _l("A goal needs a description."), "required")
                continue
            criteria = None
            for target in goal.target or []:
                criteria = r.text(target.detailString, f"{at}.goal[{g_index}]") or criteria
            goals_by_url[url] = len(goals)
            goals.append((description, criteria))

    actions: list[ParsedAction] = []
    for a_index, activity in enumerate(cp.activity or []):
        path = f"{at}.activity[{a_index}]"
        detail = activity.detail
        if detail is None or not detail.description:
            r.problem(f"{path}.detail.description", _l("Describe what will be done."), "required")
            continue
        performers = detail.performer or []
        function: str | None = None
        responsible_known = False
        if len(performers) > 1:
            r.problem(
                f"{path}.detail.performer",
                _l("Name one responsible function or the citizen, not several."),
            )
        elif performers:
            found = r.resolve(
                performers[0], f"{path}.detail.performer[0]", "PractitionerRole", "Patient"
            )
            if found and found[1].get_resource_type() == "Patient":
                responsible_known = True
            elif found:
                function = function_at(performers[0], f"{path}.detail.performer[0]")
                responsible_known = function is not None
        elif plan_type in (PlanType.DISCHARGE_AGREEMENT, PlanType.COORDINATION_PLAN):
            r.problem(
                f"{path}.detail.performer",
                _l("Say who is responsible for this action."),
                "required",
            )
        if not performers and plan_type is PlanType.COORDINATED_ACTION_PLAN:
            r.problem(
                f"{path}.detail.performer",
                _l("Say who is responsible, including the citizen's own part."),
                "required",
            )
        action_status = p.ACTIVITY_STATUSES.get(detail.status or "")
        if action_status is None:
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
        sequencing_code = _ext_value(activity, p.EXT_SEQUENCING, "valueCode")
        sequencing = p.SEQUENCINGS.get(sequencing_code) if sequencing_code else None
        if sequencing_code and sequencing is None:
            r.problem(
                f"{path}.extension",
                _l("Sequencing must be parallel or sequential."),
                "code-invalid",
            )
        if not responsible_known or action_status is None:
            continue
        due = detail.scheduledPeriod.end if detail.scheduledPeriod else None
        actions.append(
            ParsedAction(
                key=activity.id or str(detail.description).strip(),
                description=r.text(detail.description, path) or "",
                function=function,
                status=action_status,
                named_person=r.text(_ext_value(activity, p.EXT_NAMED_PERSON, "valueString"), path),
                due_date=_as_date(due),
                timeline=r.text(
                    detail.scheduledString or _ext_value(activity, p.EXT_TIMELINE, "valueString"),
                    path,
                ),
                sequencing=sequencing,
                goal=goal_index,
            )
        )

    roles: dict[str, tuple[str | None, str | None]] = {}
    participants: list[ParsedParticipant] = []
    for t_index, team_ref in enumerate(cp.careTeam or []):
        found = r.resolve(team_ref, f"{at}.careTeam[{t_index}]", "CareTeam")
        if not found:
            continue
        for m_index, member in enumerate(found[1].participant or []):
            path = f"{at}.careTeam[{t_index}].participant[{m_index}]"
            role = _coding(member.role, p.CARE_TEAM_ROLE_SYSTEM)
            if role not in p.CARE_TEAM_ROLES:
                r.problem(
                    f"{path}.role",
                    _l("Use a care team role from %(system)s.", system=p.CARE_TEAM_ROLE_SYSTEM),
                    "code-invalid",
                )
                continue
            function = function_at(member.member, f"{path}.member")
            name = r.text(member.member.display if member.member else None, path)
            if function is None:
                continue
            if role == "meeting-participant":
                parsed_function = functions[function]
                org = organisations.get(parsed_function.organisation)
                participants.append(
                    ParsedParticipant(
                        name=name,
                        job_title=parsed_function.title,
                        organisation_name=org.name if org else None,
                        contact=parsed_function.phone or parsed_function.email,
                    )
                )
            else:
                roles[role] = (function, name)

    appointments = _read_appointments(r, function_at)

    grounds: list[str] = []
    for ext in _ext(cp, p.EXT_GROUND):
        code = ext.valueCoding.code if ext.valueCoding else None
        ground = p.PLAN_GROUNDS.get(code or "")
        if ground is None:
            r.problem(
                f"{at}.extension", _l("Unknown plan ground %(code)s.", code=code), "code-invalid"
            )
        else:
            grounds.append(ground.value)
    challenges: list[ParsedChallenge] = []
    for ext in _ext(cp, p.EXT_CHALLENGE):
        description = r.text(_sub(ext, "description", "valueString"), f"{at}.extension")
        if not description:
            r.problem(f"{at}.extension", _l("A challenge needs a description."), "required")
            continue
        challenges.append(
            ParsedChallenge(
                priority=_sub(ext, "priority", "valuePositiveInt") or len(challenges) + 1,
                description=description,
                agreements=r.text(_sub(ext, "agreements", "valueString"), f"{at}.extension"),
                desired_outcome=r.text(
                    _sub(ext, "desired-outcome", "valueString"), f"{at}.extension"
                ),
            )
        )
    challenges.sort(key=lambda c: c.priority)
    existing: list[ParsedExistingPlan] = []
    for ext in _ext(cp, p.EXT_EXISTING_PLAN):
        kind = p.EXISTING_PLAN_KINDS.get(_sub(ext, "kind", "valueCode") or "")
        if kind is None:
            r.problem(f"{at}.extension", _l("Unknown kind of existing plan."), "code-invalid")
            continue
        existing.append(
            ParsedExistingPlan(
                kind=kind,
                status=r.text(_sub(ext, "status", "valueString"), f"{at}.extension"),
                goal=r.text(_sub(ext, "goal", "valueString"), f"{at}.extension"),
                effort=r.text(_sub(ext, "effort", "valueString"), f"{at}.extension"),
                contact=r.text(_sub(ext, "contact", "valueString"), f"{at}.extension"),
            )
        )

    consent_given = _sub(consent[0], "given", "valueBoolean") if consent else None
    consent_date = _as_date(_sub(consent[0], "date", "valueDate")) if consent else None

    # The profile's rules for each plan type.
    if (
        plan_type in (PlanType.DISCHARGE_AGREEMENT, PlanType.COORDINATION_PLAN)
        and review_date is None
    ):
        r.problem(
            f"{at}.extension",
            _l(
                "A discharge agreement or coordination plan must say when it will be "
                "reviewed (extension %(url)s).",
                url=p.EXT_REVIEW_DATE,
            ),
            "required",
        )
    if plan_type is PlanType.COORDINATED_ACTION_PLAN:
        if review_date is None:
            r.problem(
                f"{at}.extension",
                _l(
                    "A coordinated action plan needs a follow-up date (extension %(url)s).",
                    url=p.EXT_REVIEW_DATE,
                ),
                "required",
            )
        elif period_start and review_date > period_start + timedelta(days=p.KIP_MAX_FOLLOW_UP_DAYS):
            r.problem(
                f"{at}.extension",
                _l("The follow-up date must be at most 6 months after the plan starts."),
                "business-rule",
            )
        if consent_given is not True or consent_date is None:
            r.problem(
                f"{at}.extension",
                _l(
                    "A coordinated action plan can only be made with the citizen's consent: "
                    "record it, with its date (extension %(url)s).",
                    url=p.EXT_CONSENT,
                ),
                "business-rule",
            )
        if not grounds:
            r.problem(f"{at}.extension", _l("Give at least one ground for the plan."), "required")
    if review_date and period_start and review_date < period_start:
        r.problem(
            f"{at}.extension", _l("The review date is before the plan starts."), "business-rule"
        )

    if (
        plan_type is None
        or status is None
        or period_start is None
        or not identifiers
        or cpr is None
        or author_id is None
    ):
        return None
    coordinator = roles.get("coordinator", (None, None))
    return ParsedPlan(
        plan_type=plan_type,
        identifier_system=str(identifiers[0].system),
        identifier_value=str(identifiers[0].value),
        author=author_id,
        cpr=cpr,
        given_name=given,
        family_name=family,
        status=status,
        period_start=period_start,
        period_end=_as_date(cp.period.end) if cp.period else None,
        review_date=review_date,
        reason=r.text(cp.description, f"{at}.description"),
        citizen_participated=(
            participated
            if participated is not None
            else plan_type is not PlanType.COORDINATION_PLAN
        ),
        coordinator=coordinator[0],
        coordinator_name=coordinator[1],
        review_responsible=roles.get("review-responsible", (None, None))[0],
        follow_up_responsible=roles.get("follow-up-responsible", (None, None))[0],
        meeting_date=_as_date(_ext_value(cp, p.EXT_MEETING_DATE, "valueDate")),
        consent_given=consent_given,
        consent_date=consent_date,
        approved_by_citizen=_sub(approval[0], "approved", "valueBoolean") if approval else None,
        approved_date=_as_date(_sub(approval[0], "date", "valueDate")) if approval else None,
        grounds=grounds,
        goals=goals,
        actions=actions,
        appointments=appointments,
        participants=participants,
        challenges=challenges,
        existing_plans=existing,
        organisations=organisations,
        functions=functions,
        authored_at=_as_utc(cp.created),
        **texts,
    )


def _read_patient(r: _Reader, found: tuple[str, Any] | None) -> tuple[str | None, str, str]:
    if found is None:
        return None, "", ""
    url, patient = found
    index = r.by_url[url][0]
    path = f"Bundle.entry[{index}].resource"
    cprs = [i.value for i in patient.identifier or [] if i.system == p.CPR_SYSTEM and i.value]
    cpr = None
    if not cprs:
        r.problem(
            f"{path}.identifier",
            _l("Identify the citizen by CPR number (system %(system)s).", system=p.CPR_SYSTEM),
            "required",
        )
    else:
        try:
            cpr = normalise_cpr(str(cprs[0]))
        except InvalidCpr:
            r.problem(f"{path}.identifier", _l("A CPR number has ten digits."))
    name = (patient.name or [None])[0]
    given = " ".join(name.given or []) if name else ""
    family = (name.family or "") if name else ""
    return cpr, given, family


def _read_organisation(
    r: _Reader, found: tuple[str, Any], organisations: dict[str, ParsedOrganisation]
) -> str | None:
    url, org = found
    path = f"Bundle.entry[{r.by_url[url][0]}].resource"
    identifiers = [i for i in org.identifier or [] if i.system and i.value]
    if not identifiers or not org.name:
        r.problem(path, _l("An organisation needs an identifier and a name."), "required")
        return None
    identifier = f"{identifiers[0].system}|{identifiers[0].value}"
    kind = p.ORGANISATION_KINDS.get(_coding(org.type, p.ORGANISATION_KIND_SYSTEM) or "")
    sector = p.SECTORS.get(_coding(org.type, p.SECTOR_SYSTEM) or "")
    organisations[identifier] = ParsedOrganisation(
        identifier=identifier,
        name=str(org.name),
        kind=kind or OrganisationKind.OTHER,
        sector=sector or Sector.OTHER,
    )
    return identifier


def _read_role(
    r: _Reader, role: Any, path: str, organisations: dict[str, ParsedOrganisation]
) -> ParsedFunction | None:
    title = None
    for concept in role.code or []:
        title = concept.text or title
    if not title:
        r.problem(
            f"{path}.code",
            _l("Name the function, e.g. 'Forløbskoordinator', in code.text."),
            "required",
        )
        return None
    org_found = r.resolve(role.organization, f"{path}.organization", "Organization")
    if org_found is None:
        return None
    org_id = _read_organisation(r, org_found, organisations)
    if org_id is None:
        return None
    identifiers = [i for i in role.identifier or [] if i.system and i.value]
    identifier = (
        f"{identifiers[0].system}|{identifiers[0].value}" if identifiers else f"{org_id}|{title}"
    )
    phone = next((t.value for t in role.telecom or [] if t.system == "phone"), None)
    email = next((t.value for t in role.telecom or [] if t.system == "email"), None)
    times = tuple(
        AvailableTime(
            days=tuple(t.daysOfWeek or ()),
            start=t.availableStartTime.strftime("%H:%M") if t.availableStartTime else None,
            end=t.availableEndTime.strftime("%H:%M") if t.availableEndTime else None,
        )
        for t in role.availableTime or []
    )
    location = (role.location or [None])[0]
    return ParsedFunction(
        identifier=identifier,
        organisation=org_id,
        title=str(title),
        phone=phone,
        email=email,
        available_times=times,
        opening_hours=r.text(role.availabilityExceptions, path),
        address=r.text(location.display, path) if location else None,
    )


def _read_appointments(r: _Reader, function_at: Any) -> list[ParsedAppointment]:
    appointments = []
    for _url, (index, resource) in r.by_url.items():
        if resource.get_resource_type() != "Appointment":
            continue
        path = f"Bundle.entry[{index}].resource"
        kind = p.APPOINTMENT_KINDS.get(
            _coding(resource.serviceType, p.APPOINTMENT_KIND_SYSTEM) or "", AppointmentKind.OTHER
        )
        if resource.start is None:
            r.problem(f"{path}.start", _l("An appointment needs a start time."), "required")
            continue
        start = resource.start
        if start.tzinfo is None:
            r.problem(f"{path}.start", _l("Give the time with a time zone."))
            continue
        place = function = None
        for p_index, participant in enumerate(resource.participant or []):
            actor = participant.actor
            if actor is None:
                continue
            if actor.type == "Location" and not actor.reference:
                place = r.text(actor.display, path)
            elif actor.reference:
                found = r.resolve(
                    actor, f"{path}.participant[{p_index}].actor", "PractitionerRole", "Patient"
                )
                if found and found[1].get_resource_type() == "PractitionerRole":
                    function = function_at(actor, f"{path}.participant[{p_index}].actor")
        appointments.append(
            ParsedAppointment(
                kind=kind,
                starts_at=start.astimezone(UTC),
                place=place,
                function=function,
                description=r.text(resource.description, f"{path}.description"),
                participants=r.text(resource.comment, f"{path}.comment"),
            )
        )
    appointments.sort(key=lambda a: a.starts_at)
    return appointments
