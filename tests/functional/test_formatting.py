from __future__ import annotations

from flask import Flask

from citizen_portal.formatting import opening_hours
from citizen_portal.organisations.models import Function


def test_opening_hours_join_consecutive_days_in_the_readers_language(app: Flask) -> None:
    function = Function(
        available_times=[
            {"days": ["mon", "tue", "wed", "thu"], "start": "08:00", "end": "15:00"},
            {"days": ["fri"], "start": "08:00", "end": "13:00"},
            {"days": ["mon", "wed", "sat"]},
        ],
        opening_hours="Telefontid 8-9",
    )
    with app.test_request_context("/?lang=da"):
        assert opening_hours(function) == (
            "man.–tors. 08.00–15.00; fre. 08.00–13.00; man., ons., lør.; Telefontid 8-9"
        )
    assert opening_hours(Function(available_times=[], opening_hours=None)) is None
