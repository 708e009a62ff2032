"""Is a place open now? FHIR availableTime read in Danish time.

Pure: the moment is given (the views take it from an injectable clock), so a test
can ask about a Saturday night."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _clock(value: str) -> time:
    hours, minutes = value.split(":")[:2]
    return time(int(hours), int(minutes))


def is_open(available_times: Sequence[Mapping[str, Any]], moment: datetime) -> bool | None:
    """True or False from the opening hours; None when there are none to read (free
    text only), so nobody is told a place is open when nobody knows."""
    local = moment.astimezone(COPENHAGEN)
    today, yesterday = DAYS[local.weekday()], DAYS[(local - timedelta(days=1)).weekday()]
    now = local.time()
    known = False
    for slot in available_times or ():
        days = [str(day) for day in slot.get("days") or ()]
        if not days:
            continue
        known = True
        start, end = slot.get("start"), slot.get("end")
        if not start or not end:
            if today in days:  # the whole day (FHIR allDay, or no times given)
                return True
            continue
        opens, closes = _clock(start), _clock(end)
        if opens < closes:
            if today in days and opens <= now < closes:
                return True
        elif (today in days and now >= opens) or (yesterday in days and now < closes):
            return True  # open past midnight, e.g. 20:00-02:00
    return False if known else None
