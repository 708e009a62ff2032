"""Tools for reading one bundle: its entries, references, problems, and the
resources a plan points at (the citizen, organisations, functions)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

from citizen_portal.fhir import profile as p
from citizen_portal.fhir.outcome import Issue
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.people.models import Person
from citizen_portal.people.services import InvalidCpr, normalise_cpr
from citizen_portal.plans.models import (
    Action,
    Appointment,
    ExistingPlanSummary,
    Participant,
    Plan,
    PlanVersion,
)
from citizen_portal.plans.parsed import AvailableTime, ParsedFunction, ParsedOrganisation

MAX_TEXT = 10_000


def _length(column: Any) -> int:
    return int(column.type.length)


# The longest text each element may have: the column it is stored in, so the
# profile's limits and the database's cannot drift apart (docs/fhir-profile.md).
PLAN_IDENTIFIER = min(_length(Plan.identifier_system), _length(Plan.identifier_value))
PERSON_NAME = min(
    _length(Participant.name),
    _length(PlanVersion.coordinator_name),
    _length(Action.named_person),
    _length(Person.given_name),
    _length(Person.family_name),
)
ORGANISATION_IDENTIFIER = _length(Organisation.identifier)
ORGANISATION_NAME = min(_length(Organisation.name), _length(Participant.organisation_name))
FUNCTION_IDENTIFIER = _length(Function.identifier)
FUNCTION_TITLE = min(_length(Function.title), _length(Participant.job_title))
PHONE = _length(Function.phone)
# What a phone number may hold: digits, spaces, dashes, dots and brackets, with a
# + before a country code. Anything else would be shown (and dialled) as given.
PHONE_NUMBER = re.compile(r"\+?[0-9][0-9 ().-]{1,38}")
EMAIL = _length(Function.email)
OPENING_HOURS = _length(Function.opening_hours)
PLACE = _length(Appointment.place)
CONTACT = _length(ExistingPlanSummary.contact)


def as_utc(value: Any) -> datetime | None:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC)
    return None


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return None


def extensions(element: Any, url: str) -> list[Any]:
    return [e for e in (getattr(element, "extension", None) or []) if e.url == url]


def extension_value(element: Any, url: str, kind: str) -> Any:
    """The ``kind`` value (e.g. "valueDate") of the first extension ``url``;
    sub-extensions of a complex extension are read the same way by name."""
    found = extensions(element, url)
    return getattr(found[0], kind) if found else None


def code_in(concepts: Any, system: str) -> str | None:
    for concept in concepts or []:
        for coding in concept.coding or []:
            if coding.system == system:
                return str(coding.code) if coding.code is not None else None
    return None


class BundleReader:
    """Collects problems while reading, and the organisations and functions met."""

    def __init__(self, entries: list[Any]) -> None:
        self.issues: list[Issue] = []
        self.by_url: dict[str, tuple[int, Any]] = {}
        self.organisations: dict[str, ParsedOrganisation] = {}
        self.functions: dict[str, ParsedFunction] = {}
        self._function_by_url: dict[str, str] = {}
        for index, entry in enumerate(entries):
            path = f"Bundle.entry[{index}]"
            if entry.resource is None:
                self.problem(path, _l("Each entry needs a resource."), "required")
            elif not entry.fullUrl:
                self.problem(f"{path}.fullUrl", _l("Each entry needs a fullUrl."), "required")
            else:
                if entry.fullUrl in self.by_url:
                    self.problem(f"{path}.fullUrl", _l("This fullUrl is used twice."))
                self.by_url[entry.fullUrl] = (index, entry.resource)

    def problem(self, path: str, message: Any, code: str = "invalid") -> None:
        self.issues.append(Issue(path, message, code))

    def of_type(self, resource_type: str) -> list[tuple[str, Any]]:
        """(path, resource) of every entry of ``resource_type``, in bundle order."""
        return [
            (f"Bundle.entry[{index}].resource", resource)
            for index, resource in self.by_url.values()
            if resource.get_resource_type() == resource_type
        ]

    def text(self, value: Any, path: str, limit: int = MAX_TEXT) -> str | None:
        if value is None:
            return None
        text = str(value).strip()
        if self.too_long(text, path, limit):
            return text[:limit]
        return text or None

    def too_long(self, value: Any, path: str, limit: int) -> bool:
        """Is ``value`` longer than ``limit`` characters? (a problem if so)"""
        if value is not None and len(str(value)) > limit:
            self.problem(path, _l("This text is longer than %(n)s characters.", n=limit))
            return True
        return False

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
        if found[1].get_resource_type() not in types:
            self.problem(
                path, _l("The reference must point to a %(types)s.", types=" or ".join(types))
            )
            return None
        return target, found[1]

    def entry_path(self, url: str) -> str:
        return f"Bundle.entry[{self.by_url[url][0]}].resource"

    def patient(self, found: tuple[str, Any] | None) -> tuple[str | None, str, str]:
        """(CPR number, given name, family name) of the plan's citizen."""
        if found is None:
            return None, "", ""
        url, patient = found
        path = self.entry_path(url)
        cprs = [i.value for i in patient.identifier or [] if i.system == p.CPR_SYSTEM and i.value]
        cpr = None
        if not cprs:
            self.problem(
                f"{path}.identifier",
                _l("Identify the citizen by CPR number (system %(system)s).", system=p.CPR_SYSTEM),
                "required",
            )
        else:
            try:
                cpr = normalise_cpr(str(cprs[0]))
            except InvalidCpr:
                self.problem(f"{path}.identifier", _l("A CPR number has ten digits."))
        name = (patient.name or [None])[0]
        given = " ".join(str(g) for g in name.given or [] if g) if name else ""
        family = str(name.family or "") if name else ""
        self.too_long(given, f"{path}.name.given", PERSON_NAME)
        self.too_long(family, f"{path}.name.family", PERSON_NAME)
        return cpr, given, family

    def organisation(self, found: tuple[str, Any]) -> str | None:
        """Read an Organization; returns its identifier ("system|value")."""
        url, org = found
        identifiers = [i for i in org.identifier or [] if i.system and i.value]
        if not identifiers or not org.name:
            self.problem(
                self.entry_path(url),
                _l("An organisation needs an identifier and a name."),
                "required",
            )
            return None
        identifier = f"{identifiers[0].system}|{identifiers[0].value}"
        path = self.entry_path(url)
        too_long = self.too_long(identifier, f"{path}.identifier", ORGANISATION_IDENTIFIER)
        if self.too_long(org.name, f"{path}.name", ORGANISATION_NAME) or too_long:
            return None
        kind = p.ORGANISATION_KINDS.get(code_in(org.type, p.ORGANISATION_KIND_SYSTEM) or "")
        sector = p.SECTORS.get(code_in(org.type, p.SECTOR_SYSTEM) or "")
        self.organisations[identifier] = ParsedOrganisation(
            identifier=identifier,
            name=str(org.name),
            kind=kind or OrganisationKind.OTHER,
            sector=sector or Sector.OTHER,
        )
        return identifier

    def function_at(self, reference: Any, path: str) -> str | None:
        """Read the PractitionerRole a reference points to; returns the function's identifier."""
        found = self.resolve(reference, path, "PractitionerRole")
        if found is None:
            return None
        url, role = found
        if url not in self._function_by_url:
            parsed = self._function(role, path)
            if parsed is None:
                return None
            self.functions[parsed.identifier] = parsed
            self._function_by_url[url] = parsed.identifier
        return self._function_by_url[url]

    def _function(self, role: Any, path: str) -> ParsedFunction | None:
        title = None
        for concept in role.code or []:
            title = concept.text or title
        if not title:
            self.problem(
                f"{path}.code",
                _l("Name the function, e.g. 'Forløbskoordinator', in code.text."),
                "required",
            )
            return None
        org_found = self.resolve(role.organization, f"{path}.organization", "Organization")
        org_id = self.organisation(org_found) if org_found else None
        if org_id is None:
            return None
        identifiers = [i for i in role.identifier or [] if i.system and i.value]
        identifier = (
            f"{identifiers[0].system}|{identifiers[0].value}"
            if identifiers
            else f"{org_id}|{title}"
        )
        location = (role.location or [None])[0]
        phone = next((t.value for t in role.telecom or [] if t.system == "phone"), None)
        email = next((t.value for t in role.telecom or [] if t.system == "email"), None)
        if phone is not None and not PHONE_NUMBER.fullmatch(phone):
            self.problem(
                f"{path}.telecom",
                _l(
                    "This is not a phone number. "
                    "Use digits and spaces, with + before a country code."
                ),
            )
            return None
        checks = [
            self.too_long(identifier, f"{path}.identifier", FUNCTION_IDENTIFIER),
            self.too_long(title, f"{path}.code.text", FUNCTION_TITLE),
            self.too_long(phone, f"{path}.telecom", PHONE),
            self.too_long(email, f"{path}.telecom", EMAIL),
        ]
        if any(checks):
            return None
        return ParsedFunction(
            identifier=identifier,
            organisation=org_id,
            title=str(title),
            phone=phone,
            email=email,
            available_times=tuple(
                AvailableTime(
                    days=tuple(t.daysOfWeek or ()),
                    start=t.availableStartTime.strftime("%H:%M") if t.availableStartTime else None,
                    end=t.availableEndTime.strftime("%H:%M") if t.availableEndTime else None,
                )
                for t in role.availableTime or []
            ),
            opening_hours=self.text(role.availabilityExceptions, path, OPENING_HOURS),
            address=self.text(location.display, path) if location else None,
        )
