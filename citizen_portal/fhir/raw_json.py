"""Checks on a request's JSON before any FHIR model sees it.

Some input is valid JSON, and even valid FHIR, but no database should be asked
to store it and no date arithmetic should meet it: a NUL byte or another
control character (PostgreSQL refuses NUL in text), nesting deeper than any
resource of the profile, a date outside the years a plan can concern (1
January of year 1 at +14:00 is not a time in UTC). Each is one plain issue
with its path. The walk is iterative, so depth cannot exhaust Python's stack.
"""

from __future__ import annotations

import re
from typing import Any

from citizen_portal.fhir.outcome import Issue
from citizen_portal.i18n import lazy_gettext as _l

MAX_DEPTH = 40
FIRST_YEAR = 1900
LAST_YEAR = 2199
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A FHIR date, dateTime or instant with at least a day (a free text that only
# starts with a date does not match).
_DATE = re.compile(r"^(\d{4})-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$")


def raw_json_issues(data: Any, root: str) -> list[Issue]:
    issues: list[Issue] = []
    stack: list[tuple[str, Any, int]] = [(root, data, 0)]
    while stack and len(issues) < 20:
        path, value, depth = stack.pop()
        if depth > MAX_DEPTH:
            issues.append(
                Issue(path, _l("The JSON is nested more deeply than any resource needs."))
            )
            continue
        if isinstance(value, dict):
            for key, item in value.items():
                if _CONTROL.search(key):
                    issues.append(Issue(path, _l("A name holds a control character.")))
                    continue
                stack.append((f"{path}.{key}", item, depth + 1))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", item, depth + 1) for i, item in enumerate(value))
        elif isinstance(value, str):
            issues.extend(_string_issues(path, value))
    return issues


def _string_issues(path: str, value: str) -> list[Issue]:
    if _CONTROL.search(value):
        return [Issue(path, _l("The text holds a control character (such as a NUL byte)."))]
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return [Issue(path, _l("The text is not valid Unicode."))]
    date = _DATE.match(value)
    if date and not FIRST_YEAR <= int(date.group(1)) <= LAST_YEAR:
        return [
            Issue(
                path,
                _l(
                    "Dates must lie between the years %(first)s and %(last)s.",
                    first=FIRST_YEAR,
                    last=LAST_YEAR,
                ),
            )
        ]
    return []
