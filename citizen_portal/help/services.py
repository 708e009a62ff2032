"""Who to call now: the contacts of the citizen's active plans, each open or closed
at this moment, and the emergency lines of the regions their plans are in."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from citizen_portal.config import EmergencyLine
from citizen_portal.help.hours import is_open
from citizen_portal.plans import services as plan_services
from citizen_portal.plans.models import Plan
from citizen_portal.plans.page.model import Contact
from citizen_portal.plans.types import PlanStatus


@dataclass(frozen=True)
class PlanContacts:
    contacts: tuple[Contact, ...]
    # The organisations of the citizen's active plans: authors and contacts.
    organisations: frozenset[str]


def plan_contacts(
    session: Session, citizen_id: int, plans: Sequence[Plan] | None = None
) -> PlanContacts:
    """The contact function of each active plan, once each, in the plans' order.
    ``plans``: the citizen's plans if the page has them already. The functions
    come in one query, however many plans."""
    if plans is None:
        plans = plan_services.plans_for_citizen(session, citizen_id, appointments=False)
    active = [p for p in plans if p.current_version.status is PlanStatus.ACTIVE]
    ids = [plan_services.contact_function_id(p.current_version) for p in active]
    functions = plan_services.functions_by_id(session, {i for i in ids if i is not None})
    found: dict[int, Contact] = {}
    organisations: set[str] = set()
    for plan, function_id in zip(active, ids, strict=True):
        organisations.add(plan.author_organisation.identifier)
        if function_id is not None:
            function = functions[function_id]
            organisations.add(function.organisation.identifier)
            found.setdefault(function.id, Contact.of(function))
    return PlanContacts(tuple(found.values()), frozenset(organisations))


def lines_for(
    lines: Sequence[EmergencyLine], organisations: Iterable[str]
) -> tuple[EmergencyLine, ...]:
    """The lines of the regions the citizen's plans are in; if none is known, all."""
    organisations = list(organisations)
    chosen = tuple(line for line in lines if any(line.serves(o) for o in organisations))
    return chosen or tuple(lines)


@dataclass(frozen=True)
class ContactNow:
    contact: Contact
    open: bool | None  # None: the opening hours cannot be read


@dataclass(frozen=True)
class HelpNow:
    """The help page in its order: contacts open now, the regions' lines, 112, and
    the contacts that are closed now (with what to call instead)."""

    open_contacts: tuple[ContactNow, ...]
    lines: tuple[EmergencyLine, ...]
    closed_contacts: tuple[ContactNow, ...]

    @property
    def instead(self) -> str:
        """What to call when a contact is closed: the region's line, else 112."""
        return self.lines[0].phone if self.lines else "112"


def help_now(
    contacts: PlanContacts | None, lines: Sequence[EmergencyLine], moment: datetime
) -> HelpNow:
    if contacts is None:
        return HelpNow((), tuple(lines), ())
    now = [ContactNow(c, is_open(c.available_times, moment)) for c in contacts.contacts]
    return HelpNow(
        open_contacts=tuple(c for c in now if c.open is not False),
        lines=lines_for(lines, contacts.organisations),
        closed_contacts=tuple(c for c in now if c.open is False),
    )
