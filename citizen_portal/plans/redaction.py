"""What a representative may see of a plan version.

Professionals can mark actions, appointments and whole sections as not for
representatives (profile extension ``not-for-representatives``). The citizen
always sees everything; a representative sees the rest, and is told that
something is held back, never what.
"""

from __future__ import annotations

from dataclasses import dataclass

from citizen_portal.plans.models import Action, Appointment, PlanVersion


@dataclass(frozen=True)
class VisiblePlan:
    version: PlanVersion
    actions: list[Action]
    appointments: list[Appointment]
    hidden_sections: frozenset[str]
    something_withheld: bool

    def shows(self, section: str) -> bool:
        """``section`` is a profile code, e.g. ``goals`` or ``patient-wishes``."""
        return section not in self.hidden_sections


def visible_part(version: PlanVersion, for_representative: bool) -> VisiblePlan:
    if not for_representative:
        return VisiblePlan(
            version, list(version.actions), list(version.appointments), frozenset(), False
        )
    actions = [a for a in version.actions if not a.withheld]
    appointments = [a for a in version.appointments if not a.withheld]
    hidden = frozenset(version.withheld_sections or ())
    withheld = (
        bool(hidden)
        or len(actions) < len(version.actions)
        or len(appointments) < len(version.appointments)
    )
    return VisiblePlan(version, actions, appointments, hidden, withheld)
