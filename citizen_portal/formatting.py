"""Turn structured contact data into plain, localised text."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import time
from typing import Any, Protocol

from babel.dates import format_time, get_day_names
from flask_babel import get_locale
from markupsafe import Markup

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


_RIGHT_TO_LEFT_LETTER = re.compile(r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def left_to_right(value: object) -> Markup:
    """A phone number, date, time or CPR number isolated as left-to-right text
    (`|ltr` in templates): in an Arabic sentence "+45 38 64 00 00" would otherwise
    be reordered by the bidi algorithm. The value is escaped.

    A value that is itself written in Arabic (a date such as "29 نوفمبر 2026", a
    time such as "10:30 ص") is isolated too, but keeps its own right-to-left
    direction (``<bdi>`` without ``dir`` takes it from its first letter): forced
    left to right, its words would be read in the wrong order."""
    if _RIGHT_TO_LEFT_LETTER.search(str(value)):
        return Markup("<bdi>{}</bdi>").format(value)
    return Markup('<bdi dir="ltr">{}</bdi>').format(value)


def in_danish(value: object) -> Markup:
    """Text a professional wrote in the plan, marked as Danish (`|da` in templates),
    so screen readers and read-aloud use a Danish voice on an English or Arabic page
    (WCAG 3.1.2), and the text keeps its left-to-right order. The value is escaped
    (markup from `|explain_terms` is kept)."""
    return Markup('<span lang="da" dir="ltr">{}</span>').format(value)


def _day_ranges(days: list[str], names: Mapping[int, str]) -> str:
    """["mon", "tue", "wed", "fri"] -> "man.–ons., fre." (consecutive days joined)."""
    indexes = sorted(DAYS.index(d) for d in days if d in DAYS)
    parts: list[str] = []
    start = previous = None
    for index in [*indexes, None]:
        if index is not None and previous is not None and index == previous + 1:
            previous = index
            continue
        if start is not None and previous is not None:
            parts.append(names[start] if start == previous else f"{names[start]}–{names[previous]}")
        start = previous = index
    return ", ".join(parts)


class HasOpeningHours(Protocol):
    """A function, or the page's contact card made from one."""

    @property
    def available_times(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def opening_hours(self) -> str | None: ...


def opening_hours(function: HasOpeningHours) -> str | None:
    """E.g. "man.–tors. 08.00–15.00; fre. 08.00–13.00", plus any free text."""
    locale = get_locale() or "da"
    names = get_day_names("abbreviated", locale=locale)
    parts = []
    for slot in function.available_times or []:
        days = _day_ranges(list(slot.get("days") or []), names)
        if slot.get("start") and slot.get("end"):
            start = format_time(_clock(slot["start"]), "short", locale=locale)
            end = format_time(_clock(slot["end"]), "short", locale=locale)
            parts.append(f"{days} {start}–{end}".strip())
        elif days:
            parts.append(days)
    if function.opening_hours:
        parts.append(function.opening_hours)
    return "; ".join(parts) or None


def _clock(value: str) -> time:

    hours, minutes = value.split(":")[:2]
    return time(int(hours), int(minutes))
