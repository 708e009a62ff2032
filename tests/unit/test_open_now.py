"""Open now or not: FHIR availableTime read in Danish time, whatever the server's zone."""

from __future__ import annotations

from datetime import UTC, datetime

from citizen_portal.help.hours import is_open

WEEKDAYS = [{"days": ["mon", "tue", "wed", "thu"], "start": "08:00", "end": "15:00"}]
NIGHTS = [{"days": ["fri", "sat"], "start": "20:00", "end": "02:00"}]
ALWAYS = [{"days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"], "start": None, "end": None}]


def test_a_weekday_morning_in_copenhagen_is_within_office_hours() -> None:
    # 07:30 UTC is 08:30 in Copenhagen in winter: open, though 07:30 is before 08:00.
    assert is_open(WEEKDAYS, datetime(2026, 11, 24, 7, 30, tzinfo=UTC)) is True
    assert is_open(WEEKDAYS, datetime(2026, 11, 24, 6, 30, tzinfo=UTC)) is False
    # Summer time: 06:30 UTC is 08:30 in Copenhagen.
    assert is_open(WEEKDAYS, datetime(2026, 6, 23, 6, 30, tzinfo=UTC)) is True
    # 15:00 closes.
    assert is_open(WEEKDAYS, datetime(2026, 11, 24, 14, 0, tzinfo=UTC)) is False


def test_saturday_night_office_hours_are_closed_and_a_24_7_line_is_open() -> None:
    saturday_night = datetime(2026, 11, 28, 22, 30, tzinfo=UTC)  # 23:30 Saturday in Denmark
    assert is_open(WEEKDAYS, saturday_night) is False
    assert is_open(ALWAYS, saturday_night) is True
    assert is_open(NIGHTS, saturday_night) is True


def test_hours_past_midnight_belong_to_the_day_they_started() -> None:
    sunday_early = datetime(2026, 11, 29, 0, 30, tzinfo=UTC)  # 01:30 Sunday: Saturday's night
    assert is_open(NIGHTS, sunday_early) is True
    monday_early = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)  # 01:30 Monday: Sunday had none
    assert is_open(NIGHTS, monday_early) is False


def test_without_structured_hours_nobody_is_told_it_is_open() -> None:
    assert is_open([], datetime(2026, 11, 24, 9, 0, tzinfo=UTC)) is None
    assert is_open([{"days": []}], datetime(2026, 11, 24, 9, 0, tzinfo=UTC)) is None
