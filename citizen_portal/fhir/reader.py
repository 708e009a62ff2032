"""Read a plan Bundle: FHIR structure (fhir.resources) plus the profile's rules.

Every problem is collected with its path, so a partner gets the whole list in
one answer. Nothing is stored here: the result is a ``ParsedPlan`` or
``InvalidBundle``.
"""

from __future__ import annotations

from typing import Any

from fhir.resources.R4B.bundle import Bundle
from flask_babel import lazy_gettext as _l
from pydantic import ValidationError

from citizen_portal.fhir.careplan import read_careplan
from citizen_portal.fhir.parsed import ParsedPlan
from citizen_portal.fhir.reading import BundleReader, InvalidBundle, Issue

__all__ = ["InvalidBundle", "Issue", "read_plan_bundle"]


def read_plan_bundle(data: Any) -> ParsedPlan:
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
    return plan


def _path(loc: tuple[Any, ...]) -> str:
    path = "Bundle"
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path
