"""Read a plan Bundle: FHIR structure (fhir.resources) plus the profile's rules.

Every problem is collected with its path, so a partner gets the whole list in
one answer. Nothing is stored here: the result is a ``ParsedPlan`` (which
``plans.ingest`` stores) or ``InvalidBundle``. A plan the domain refuses to
store is told back in the bundle's terms by ``refusal_issues``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.organization import Organization
from fhir.resources.R4B.practitionerrole import PractitionerRole
from fhir_core.fhirabstractmodel import FHIRAbstractModel
from pydantic import ValidationError

from citizen_portal.fhir.bundle_reader import BundleReader
from citizen_portal.fhir.careplan import read_careplan
from citizen_portal.fhir.outcome import InvalidBundle, Issue
from citizen_portal.fhir.plan_sections import content_path
from citizen_portal.fhir.raw_json import raw_json_issues
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.people.services import birth_date_from_cpr, normalise_cpr
from citizen_portal.plans.ingest import IngestRefused, PlanPart, ReferredRecord, RefusalKind
from citizen_portal.plans.parsed import ParsedPlan
from citizen_portal.plans.rules import ContentPart, ContentProblem
from citizen_portal.text import map_strings, plain


def read_plan_bundle(data: Any) -> ParsedPlan:
    if not isinstance(data, dict) or data.get("resourceType") != "Bundle":
        raise InvalidBundle([Issue("Bundle", _l("Send a FHIR Bundle as a JSON object."))])
    raw_issues = raw_json_issues(data, "Bundle")
    if raw_issues:
        raise InvalidBundle(raw_issues)
    # Partners' text is text: in one normal form, without characters that reorder or
    # hide it (a bidi override shows "+45 70 00 00 00" for another number), as
    # citizens' text is (text.plain).
    data = map_strings(data, plain)
    try:
        bundle = Bundle.model_validate(_with_shared_resources_validated(data))
    except ValidationError as error:
        raise InvalidBundle(
            [
                Issue(_path(e["loc"]), _l("Not valid FHIR: %(detail)s", detail=e["msg"]))
                for e in error.errors()
            ]
        ) from None
    except (KeyError, TypeError, ValueError):
        # fhir.resources raises KeyError for an unknown resourceType. Its text is
        # Python's, not a sentence for a partner's integrator.
        raise InvalidBundle(
            [Issue("Bundle.entry", _l("Not valid FHIR: each entry needs a known resourceType."))]
        ) from None

    reader = BundleReader(bundle.entry or [])
    if bundle.type not in ("collection", "transaction"):
        reader.problem("Bundle.type", _l("The bundle type must be collection or transaction."))
    careplans = reader.of_type("CarePlan")
    plan = None
    if len(careplans) == 1:
        plan = read_careplan(reader, careplans[0][1], careplans[0][0])
    else:
        reader.problem("Bundle.entry", _l("The bundle must hold exactly one CarePlan."), "required")
    if reader.issues or plan is None:
        raise InvalidBundle(reader.issues)
    others = other_cpr_numbers(data, plan.cpr)
    if others:
        raise InvalidBundle(others)
    return plan


# A stretch of digits and separators, bounded by letters or the ends of the text.
_DIGIT_RUN = re.compile(r"[0-9][0-9_]*")


# The same shaping for plain ASCII, the usual case, in one call.
_ASCII_SHAPE = str.maketrans(
    {chr(c): ("x" if chr(c).isalpha() else "_") for c in range(128) if not chr(c).isdigit()}
)


def _shape(text: str) -> str:
    """The text as digits (of any script, as ASCII), "x" for letters and "_" for
    anything else, with combining marks and invisible characters left out: a CPR
    number written with odd separators, other digits or hidden characters is
    still ten digits in a row here."""
    if text.isascii():
        return text.translate(_ASCII_SHAPE)
    shaped = []
    for char in unicodedata.normalize("NFKC", text):
        category = unicodedata.category(char)
        if category in ("Mn", "Me", "Cf"):
            continue
        if char.isdecimal():
            shaped.append(str(unicodedata.decimal(char)))
        else:
            shaped.append("x" if char.isalpha() else "_")
    return "".join(shaped)


def _cpr_numbers_in(text: str) -> list[str]:
    """Every ten digits, in groups that follow each other (whatever separates
    them), whose first six are a date, as in every CPR number."""
    found: list[str] = []
    # Most strings hold far fewer than ten digits (isdigit counts every script's,
    # superscript and circled ones too): only the others are read character by character.
    if sum(map(str.isdigit, text)) < 10:
        return found
    for run in _DIGIT_RUN.finditer(_shape(text)):
        groups = [g for g in run.group().split("_") if g]
        start = 0
        while start < len(groups):
            digits, end = "", start
            while end < len(groups) and len(digits) < 10:
                digits += groups[end]
                end += 1
            if len(digits) == 10 and birth_date_from_cpr(digits) is not None:
                found.append(digits)
                start = end
            else:
                start += 1
    return found


def other_cpr_numbers(data: Any, citizen_cpr: str) -> list[Issue]:
    """Where the bundle holds a CPR number that would rest in clear: another person's
    (a plan carries only its own citizen's), or the citizen's own written in a form
    other than the two that are kept as its keyed hash. A number counts as a CPR
    number when its first six digits are a date, as in every CPR number."""
    own = normalise_cpr(citizen_cpr)
    if not any(_cpr_problem(text, own) for text in _strings(data)):
        return []  # the usual case: paths are only worth building for a problem
    issues: list[Issue] = []
    stack: list[tuple[str, Any]] = [("Bundle", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, dict):
            stack.extend((f"{path}.{key}", item) for key, item in value.items())
            stack.extend((f"{path}.{key}", key) for key in value if isinstance(key, str))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
        elif isinstance(value, str):
            problem = _cpr_problem(value, own)
            if problem is not None:
                issues.append(Issue(path, problem, "business-rule"))
    return sorted(issues, key=lambda issue: issue.path)


def _strings(data: Any) -> list[str]:
    """Every string in a JSON document, keys included."""
    found: list[str] = []
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
            found.extend(key for key in value if isinstance(key, str))
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, str):
            found.append(value)
    return found


def _cpr_problem(text: str, own: str) -> Any | None:
    numbers = _cpr_numbers_in(text)
    if not numbers:
        return None
    if any(number != own for number in numbers):
        return _l(
            "This looks like a CPR number that is not the citizen's. "
            "A plan carries only its own citizen's CPR number."
        )
    # Only the two plain forms, as written, are replaced by the keyed hash.
    plain_forms = len(re.findall(rf"(?<![0-9])(?:{own}|{own[:6]}-{own[6:]})(?![0-9])", text))
    if len(numbers) > plain_forms:
        return _l("Write the citizen's CPR number as ten digits, or with a dash after the sixth.")
    return None


# Where in the bundle each part of a plan the domain refuses is, and the
# OperationOutcome issue type of each kind of refusal.
_PATHS = {
    PlanPart.AUTHOR: "CarePlan.author",
    PlanPart.IDENTIFIER: "CarePlan.identifier",
    PlanPart.CITIZEN: "CarePlan.subject",
    PlanPart.PLAN_TYPE: "CarePlan.category",
}
_ISSUE_TYPES = {
    RefusalKind.FORBIDDEN: "forbidden",
    RefusalKind.CONFLICT: "business-rule",
    RefusalKind.INCOMPLETE: "required",
}


def refusal_issues(refused: IngestRefused) -> list[Issue]:
    """Why the domain refused a plan, as OperationOutcome issues with bundle paths."""
    return [
        Issue(_path_of(issue.part), issue.message, _ISSUE_TYPES[refused.kind])
        for issue in refused.issues
    ]


def _path_of(part: PlanPart | ContentPart) -> str:
    if isinstance(part, PlanPart):
        return _PATHS[part]
    return content_path("CarePlan", ContentProblem(part, ""))


def reference_issues(referred: Sequence[ReferredRecord]) -> list[Issue]:
    """Each of another organisation's resources a plan referred to: not changed by it."""
    return [
        Issue(
            f"{_RESOURCE_TYPES[r.kind]}?identifier={r.identifier}",
            _l(
                "%(name)s belongs to another organisation, so this bundle did not change it: "
                "it is used as stored, or, when new, stored without contact details "
                "until its own organisation sends it.",
                name=r.name,
            ),
            "informational",
            severity="warning",
        )
        for r in referred
    ]


_RESOURCE_TYPES = {"organisation": "Organization", "function": "PractitionerRole"}


# Organisations and functions (PractitionerRole) repeat in nearly every bundle a
# system sends. Each distinct one is validated once and its model reused, which
# saves about a third of validation time (bench/ingest.py). The models are only
# ever read. lru_cache is thread-safe; with the size cap on what is kept, the
# cache holds at most 512 x 8 KiB of JSON and its models, whatever is sent.
_SHARED: dict[str, type[FHIRAbstractModel]] = {
    "Organization": Organization,
    "PractitionerRole": PractitionerRole,
}


_LARGEST_SHARED = 8 * 1024  # characters of JSON; real ones are under 2 KiB


@lru_cache(maxsize=512)
def _validated_shared(resource_type: str, canonical_json: str) -> FHIRAbstractModel:
    return _SHARED[resource_type].model_validate_json(canonical_json)


def forget_validated_resources() -> None:
    """Empty the cache of validated shared resources (benchmarks start cold)."""
    _validated_shared.cache_clear()


def _with_shared_resources_validated(data: dict[str, Any]) -> dict[str, Any]:
    """The bundle with each valid shared resource replaced by its validated model."""
    entries = data.get("entry")
    if not isinstance(entries, list):
        return data
    replaced = []
    for entry in entries:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") in _SHARED:
            model = _shared_model(resource)
            if model is not None:
                entry = {**entry, "resource": model}
        replaced.append(entry)
    return {**data, "entry": replaced}


def _shared_model(resource: dict[str, Any]) -> FHIRAbstractModel | None:
    """The validated model, or None where the bundle's own validation must see the
    resource: not valid (so the problem keeps its path), or too large to keep."""
    try:
        canonical = json.dumps(resource, sort_keys=True)
    except (TypeError, ValueError):  # not JSON data (a caller's Python objects)
        return None
    if len(canonical) > _LARGEST_SHARED:
        return None
    try:
        return _validated_shared(resource["resourceType"], canonical)
    except ValidationError:
        return None


def _path(loc: tuple[Any, ...]) -> str:
    path = "Bundle"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
