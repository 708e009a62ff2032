"""'Open now' on the plan's first screen, read from the team's structured hours."""

from __future__ import annotations

from datetime import datetime

from citizen_portal.plans.page.model import Contact

HOURS = (
    {"days": ["mon", "tue", "wed", "thu"], "start": "08:00:00", "end": "15:00:00"},
    {"days": ["fri"], "start": "08:00", "end": "13:00"},
    {"days": ["sat"], "start": None, "end": None},  # all day
)
TEAM = Contact(id=1, title="Opsøgende team", organisation="Køge", available_times=HOURS)


def test_open_within_the_hours_of_the_day_and_closed_outside() -> None:
    monday = datetime(2026, 11, 30, 8, 0)
    assert TEAM.open_at(monday) is True
    assert TEAM.open_at(monday.replace(hour=14, minute=59)) is True
    assert TEAM.open_at(monday.replace(hour=15, minute=0)) is False
    assert TEAM.open_at(monday.replace(hour=7, minute=59)) is False
    friday = datetime(2026, 12, 4, 13, 30)
    assert TEAM.open_at(friday) is False
    assert TEAM.open_at(friday.replace(hour=12)) is True
    assert TEAM.open_at(datetime(2026, 12, 5, 23, 0)) is True  # Saturday, all day
    assert TEAM.open_at(datetime(2026, 12, 6, 12, 0)) is False  # Sunday


def test_free_text_hours_alone_say_nothing_about_now() -> None:
    team = Contact(id=2, title="Læge", organisation="Køge", opening_hours="Man-fre 8-15")
    assert team.open_at(datetime(2026, 11, 30, 9, 0)) is None
