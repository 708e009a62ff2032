"""What changed between two versions of a plan, in terms a citizen cares about.

Actions are matched across versions by their key (the partner's activity id,
else the text). A change of responsible party is a hand-over, shown first:
that is where citizens fall "between two chairs".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from citizen_portal.organisations.models import Function
from citizen_portal.plans.models import Action, Appointment, PlanVersion
from citizen_portal.plans.types import ActionStatus


class ChangeKind(StrEnum):
    HANDED_OVER = "handed_over"
    ACTION_ADDED = "action_added"
    ACTION_REMOVED = "action_removed"
    ACTION_REWORDED = "action_reworded"
    STATUS_CHANGED = "status_changed"
    DUE_DATE_MOVED = "due_date_moved"
    REVIEW_DATE_MOVED = "review_date_moved"
    APPOINTMENT_ADDED = "appointment_added"
    APPOINTMENT_MOVED = "appointment_moved"
    APPOINTMENT_REMOVED = "appointment_removed"


@dataclass(frozen=True)
class Responsible:
    """A function, or the citizen (function None)."""

    function: Function | None

    @property
    def is_citizen(self) -> bool:
        return self.function is None


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    subject: str  # the action's or appointment's description
    before: Responsible | date | datetime | ActionStatus | str | None = None
    after: Responsible | date | datetime | ActionStatus | str | None = None


def _responsible(action: Action) -> Responsible:
    return Responsible(None if action.citizen_responsible else action.responsible_function)


def _responsible_key(action: Action) -> int | None:
    return None if action.citizen_responsible else action.responsible_function_id


def compare(old: PlanVersion, new: PlanVersion, for_representative: bool = False) -> list[Change]:
    """What changed; for a representative, nothing about what is withheld from them."""
    changes: list[Change] = []
    before = {a.key: a for a in old.actions if not (for_representative and a.withheld)}
    after = {a.key: a for a in new.actions if not (for_representative and a.withheld)}
    for key, action in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append(
                Change(ChangeKind.ACTION_ADDED, action.description, after=_responsible(action))
            )
            continue
        if _responsible_key(previous) != _responsible_key(action):
            changes.append(
                Change(
                    ChangeKind.HANDED_OVER,
                    action.description,
                    _responsible(previous),
                    _responsible(action),
                )
            )
        if previous.description != action.description:
            changes.append(
                Change(
                    ChangeKind.ACTION_REWORDED,
                    action.description,
                    previous.description,
                    action.description,
                )
            )
        if previous.status != action.status:
            changes.append(
                Change(
                    ChangeKind.STATUS_CHANGED, action.description, previous.status, action.status
                )
            )
        if previous.due_date != action.due_date:
            changes.append(
                Change(
                    ChangeKind.DUE_DATE_MOVED,
                    action.description,
                    previous.due_date,
                    action.due_date,
                )
            )
    for key, action in before.items():
        if key not in after:
            changes.append(
                Change(ChangeKind.ACTION_REMOVED, action.description, before=_responsible(action))
            )
    if old.review_date != new.review_date:
        changes.append(Change(ChangeKind.REVIEW_DATE_MOVED, "", old.review_date, new.review_date))
    changes.extend(
        _appointment_changes(
            [a for a in old.appointments if not (for_representative and a.withheld)],
            [a for a in new.appointments if not (for_representative and a.withheld)],
        )
    )
    # Hand-overs first: a new responsible party is what a citizen most needs to know.
    return sorted(changes, key=lambda c: c.kind is not ChangeKind.HANDED_OVER)


def _appointment_changes(old: list[Appointment], new: list[Appointment]) -> list[Change]:
    def key(a: Appointment) -> tuple[str, str]:
        return (a.kind.value, a.description or "")

    before = {key(a): a for a in old}
    after = {key(a): a for a in new}
    changes = []
    for k, appointment in after.items():
        previous = before.get(k)
        label = appointment.description or ""
        if previous is None:
            changes.append(Change(ChangeKind.APPOINTMENT_ADDED, label, after=appointment.starts_at))
        elif previous.starts_at != appointment.starts_at:
            changes.append(
                Change(
                    ChangeKind.APPOINTMENT_MOVED, label, previous.starts_at, appointment.starts_at
                )
            )
    for k, appointment in before.items():
        if k not in after:
            changes.append(
                Change(
                    ChangeKind.APPOINTMENT_REMOVED,
                    appointment.description or "",
                    before=appointment.starts_at,
                )
            )
    return changes
