from __future__ import annotations

from datetime import UTC, date, datetime

from citizen_portal.organisations.models import Function
from citizen_portal.plans.models import Action, Appointment, PlanVersion
from citizen_portal.plans.services import group_by_responsible, is_overdue, next_appointment
from citizen_portal.plans.types import ActionStatus, AppointmentKind


def _function(id_: int, title: str) -> Function:
    return Function(id=id_, title=title)


def _action(description: str, function: Function | None, **kw: object) -> Action:
    return Action(
        description=description,
        citizen_responsible=function is None,
        responsible_function=function,
        status=kw.get("status", ActionStatus.PLANNED),
        due_date=kw.get("due_date"),
    )


def test_groups_keep_first_appearance_order_with_citizen_first() -> None:
    gp, team = _function(1, "GP"), _function(2, "Team")
    actions = [
        _action("a", team),
        _action("b", gp),
        _action("c", None),
        _action("d", team),
    ]
    groups = group_by_responsible(actions)
    assert [g.function.title if g.function else "citizen" for g in groups] == [
        "citizen",
        "Team",
        "GP",
    ]
    assert [a.description for a in groups[1].actions] == ["a", "d"]


def test_no_citizen_group_when_the_citizen_has_no_actions() -> None:
    groups = group_by_responsible([_action("a", _function(1, "GP"))])
    assert [g.is_citizen for g in groups] == [False]


def test_overdue_only_when_due_date_passed_and_not_finished() -> None:
    today = date(2026, 11, 28)
    assert is_overdue(_action("x", None, due_date=date(2026, 11, 27)), today)
    assert not is_overdue(_action("x", None, due_date=date(2026, 11, 28)), today)
    assert not is_overdue(
        _action("x", None, due_date=date(2026, 11, 1), status=ActionStatus.DONE), today
    )
    assert not is_overdue(_action("x", None), today)


def test_next_appointment_is_the_earliest_still_to_come() -> None:
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    version = PlanVersion(
        appointments=[
            Appointment(kind=AppointmentKind.OTHER, starts_at=datetime(2026, 11, 20, tzinfo=UTC)),
            Appointment(kind=AppointmentKind.OTHER, starts_at=datetime(2026, 12, 9, tzinfo=UTC)),
            Appointment(kind=AppointmentKind.OTHER, starts_at=datetime(2026, 12, 2, tzinfo=UTC)),
        ]
    )
    upcoming = next_appointment(version.appointments, now)
    assert upcoming is not None
    assert upcoming.starts_at == datetime(2026, 12, 2, tzinfo=UTC)
    assert next_appointment([], now) is None
