"""Representations decided by authorities, as their registries send them: a FHIR
RelatedPerson, read into a ``Registration`` that ``representation.registry`` stores.

Parental custody (the CPR register), a court-appointed guardian (værge) and a
lasting power of attorney (fremtidsfuldmagt) arrive here, not from the citizen.
``active: false`` ends one.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.relatedperson import RelatedPerson
from pydantic import ValidationError

from citizen_portal.fhir import profile as p
from citizen_portal.fhir.bundle_reader import PERSON_NAME, as_date, code_in, extensions
from citizen_portal.fhir.outcome import InvalidBundle, Issue
from citizen_portal.fhir.raw_json import raw_json_issues
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.people.services import InvalidCpr, normalise_cpr
from citizen_portal.representation.models import RepresentationKind
from citizen_portal.representation.registry import Registration
from citizen_portal.security.actors import Scope

KIND_SYSTEM = f"{p.CS}/representation-kind"
KINDS = {
    "parental-custody": RepresentationKind.PARENTAL_CUSTODY,
    "guardian": RepresentationKind.GUARDIAN,
    "lasting-power-of-attorney": RepresentationKind.LASTING_POWER_OF_ATTORNEY,
}
EXT_SCOPE = f"{p.EXT}/representation-scope"  # valueCode, repeat; default: every scope
EXT_SOURCE = f"{p.EXT}/source-reference"  # valueString: the authority's case number
SCOPES = {s.value.replace("_", "-"): s for s in Scope}


def _too_long(*texts: tuple[str, str]) -> list[Issue]:
    """Names longer than the columns that keep them."""
    message = _l("This text is longer than %(n)s characters.", n=PERSON_NAME)
    return [Issue(path, message) for path, text in texts if len(text) > PERSON_NAME]


def read_registration(data: Any) -> Registration:
    """The registration in the portal's terms, or InvalidBundle listing every problem."""
    if not isinstance(data, dict) or data.get("resourceType") != "RelatedPerson":
        raise InvalidBundle([Issue("RelatedPerson", _l("Send a FHIR RelatedPerson as JSON."))])
    raw_issues = raw_json_issues(data, "RelatedPerson")
    if raw_issues:
        raise InvalidBundle(raw_issues)
    try:
        resource = RelatedPerson.model_validate(data)
    except ValidationError as error:
        raise InvalidBundle(
            [
                Issue(
                    "RelatedPerson." + ".".join(str(x) for x in e["loc"]),
                    _l("Not valid FHIR: %(detail)s", detail=e["msg"]),
                )
                for e in error.errors()
            ]
        ) from None
    issues: list[Issue] = []
    kind = KINDS.get(code_in(resource.relationship, KIND_SYSTEM) or "")
    if kind is None:
        issues.append(
            Issue(
                "RelatedPerson.relationship",
                _l("Say which kind: a code from %(system)s.", system=KIND_SYSTEM),
                "required",
            )
        )
    representative_cpr = _cpr(
        [i for i in resource.identifier or [] if i.system == p.CPR_SYSTEM],
        "RelatedPerson.identifier",
        issues,
    )
    patient_identifier = resource.patient.identifier if resource.patient else None
    represented_cpr = _cpr(
        [patient_identifier]
        if patient_identifier and patient_identifier.system == p.CPR_SYSTEM
        else [],
        "RelatedPerson.patient.identifier",
        issues,
    )
    start = as_date(resource.period.start) if resource.period else None
    if start is None:
        issues.append(
            Issue("RelatedPerson.period.start", _l("Add the date it starts."), "required")
        )
    scopes: list[Scope] = []
    for ext in extensions(resource, EXT_SCOPE):
        scope = SCOPES.get(ext.valueCode or "")
        if scope is None:
            issues.append(
                Issue(
                    "RelatedPerson.extension",
                    _l("A scope is one of: %(codes)s.", codes=", ".join(SCOPES)),
                    "code-invalid",
                )
            )
        elif scope not in scopes:
            scopes.append(scope)
    name = resource.name[0] if resource.name else None
    display = (resource.patient.display or "").strip() if resource.patient else ""
    given, _, family = display.rpartition(" ")
    representative_given = " ".join(str(g) for g in name.given or [] if g) if name else ""
    representative_family = str(name.family or "") if name else ""
    issues += _too_long(
        ("RelatedPerson.patient.display", given),
        ("RelatedPerson.patient.display", family),
        ("RelatedPerson.name.given", representative_given),
        ("RelatedPerson.name.family", representative_family),
    )
    if issues or kind is None or start is None or not representative_cpr or not represented_cpr:
        raise InvalidBundle(issues)
    source = extensions(resource, EXT_SOURCE)
    return Registration(
        kind=kind,
        represented=(represented_cpr, given or family, family if given else ""),
        representative=(
            representative_cpr,
            representative_given,
            representative_family,
        ),
        scopes=tuple(scopes) or tuple(Scope),
        valid_from=start,
        valid_until=as_date(resource.period.end) if resource.period else None,
        active=resource.active is not False,
        source_reference=str(source[0].valueString)[:200] if source else None,
    )


def _cpr(identifiers: list[Any], path: str, issues: list[Issue]) -> str | None:
    values = [i.value for i in identifiers if i is not None and i.value]
    if not values:
        issues.append(
            Issue(
                path, _l("Give a CPR number (system %(system)s).", system=p.CPR_SYSTEM), "required"
            )
        )
        return None
    try:
        return normalise_cpr(str(values[0]))
    except InvalidCpr:
        issues.append(Issue(path, _l("A CPR number has ten digits.")))
        return None
