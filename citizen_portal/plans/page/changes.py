"""What changed between two versions of a plan, in terms a citizen cares about.

Both versions are compared as the reader may see them (``VersionReader``), so
"what changed" can say nothing about what is withheld from them: an action
withheld since is neither "removed" nor "reworded", it is simply not there.

Actions are matched across versions by their key (the partner's activity id,
else the text). A change of responsible party is a hand-over, shown first:
that is where citizens fall "between two chairs".
"""

from __future__ import annotations

from citizen_portal.plans.page.model import (
    ActionItem,
    AppointmentItem,
    Change,
    ChangeKind,
    Responsible,
)
from citizen_portal.plans.page.redaction import VersionReader, appointment_key


def _responsible_key(responsible: Responsible) -> int | None:
    return None if responsible.function is None else responsible.function.id


def compare(old: VersionReader, new: VersionReader) -> tuple[Change, ...]:
    changes: list[Change] = []
    before = {a.key: a for a in old.action_items()}
    after = {a.key: a for a in new.action_items()}
    for key, action in after.items():
        previous = before.get(key)
        if previous is None:
            changes.append(
                Change(ChangeKind.ACTION_ADDED, action.description, after=action.responsible)
            )
        else:
            changes.extend(_action_changes(previous, action))
    for key, action in before.items():
        if key not in after:
            changes.append(
                Change(ChangeKind.ACTION_REMOVED, action.description, before=action.responsible)
            )
    if old.review_date != new.review_date:
        changes.append(Change(ChangeKind.REVIEW_DATE_MOVED, "", old.review_date, new.review_date))
    changes.extend(_appointment_changes(old.appointment_items(), new.appointment_items()))
    # Hand-overs first: a new responsible party is what a citizen most needs to know.
    return tuple(sorted(changes, key=lambda c: c.kind is not ChangeKind.HANDED_OVER))


def _action_changes(previous: ActionItem, action: ActionItem) -> list[Change]:
    changes = []
    if _responsible_key(previous.responsible) != _responsible_key(action.responsible):
        changes.append(
            Change(
                ChangeKind.HANDED_OVER,
                action.description,
                previous.responsible,
                action.responsible,
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
            Change(ChangeKind.STATUS_CHANGED, action.description, previous.status, action.status)
        )
    if previous.due_date != action.due_date:
        changes.append(
            Change(
                ChangeKind.DUE_DATE_MOVED, action.description, previous.due_date, action.due_date
            )
        )
    return changes


def _appointment_changes(
    old: tuple[AppointmentItem, ...], new: tuple[AppointmentItem, ...]
) -> list[Change]:
    before = {appointment_key(a): a for a in old}
    after = {appointment_key(a): a for a in new}
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
