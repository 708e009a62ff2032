"""The hand-over operations' input: a FHIR ``Parameters`` resource.

``plan`` (valueIdentifier: the CarePlan's business identifier) and, to hand over,
``receiver`` (valueIdentifier: the receiving Organization's identifier, as in its
``Organization.identifier[0]``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from citizen_portal.fhir.outcome import InvalidBundle, Issue
from citizen_portal.i18n import lazy_gettext as _l

_LONGEST = 200  # characters of a system or value (the plan identifier's columns)


@dataclass(frozen=True)
class HandoverParameters:
    plan_system: str
    plan_value: str
    receiver: str | None  # "system|value", as organisations are stored


def read_handover_parameters(data: Any, *, receiver: bool) -> HandoverParameters:
    """Read ``Parameters``; raises InvalidBundle naming every problem."""
    if not isinstance(data, dict) or data.get("resourceType") != "Parameters":
        raise InvalidBundle(
            [Issue("Parameters", _l("Send a FHIR Parameters resource."), "structure")]
        )
    parameters = data.get("parameter")
    found: dict[str, tuple[str, str]] = {}
    problems: list[Issue] = []
    for parameter in parameters if isinstance(parameters, list) else []:
        if not isinstance(parameter, dict) or not isinstance(parameter.get("name"), str):
            continue
        identifier = _identifier(parameter.get("valueIdentifier"))
        if identifier is None:
            problems.append(
                Issue(
                    f"Parameters.parameter.where(name='{parameter['name'][:40]}')",
                    _l("Give a valueIdentifier with a system and a value."),
                    "value",
                )
            )
        else:
            found[parameter["name"]] = identifier
    wanted = ["plan", "receiver"] if receiver else ["plan"]
    problems.extend(
        Issue(
            f"Parameters.parameter.where(name='{name}')",
            _l("The parameter %(name)s is missing.", name=name),
            "required",
        )
        for name in wanted
        if name not in found and not any(name in str(p.path) for p in problems)
    )
    if problems:
        raise InvalidBundle(problems)
    system, value = found["plan"]
    to = "|".join(found["receiver"]) if receiver else None
    return HandoverParameters(system, value, to)


def _identifier(value: Any) -> tuple[str, str] | None:
    if not isinstance(value, dict):
        return None
    system, code = value.get("system"), value.get("value")
    if not (isinstance(system, str) and isinstance(code, str)):
        return None
    system, code = system.strip(), code.strip()
    if not system or not code or len(system) > _LONGEST or len(code) > _LONGEST:
        return None
    if "\x00" in system or "\x00" in code:
        return None
    return system, code
