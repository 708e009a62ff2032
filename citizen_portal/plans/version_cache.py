"""What the plan page reads of a stored version, loaded once per process.

A stored plan version never changes (``plans.models``: an ORM hook refuses it),
so its content (goals, actions, appointments, participants, challenges, existing
plans) is loaded once and kept, keyed by the version's id, instead of six
queries on every page (one ``VersionContents`` per app: plans/views.py). Kept
unredacted and detached from any session: each request redacts it for its own
reader (``plans.page.redaction``).

Nothing that changes is kept here: the functions and organisations a version
names (their phone numbers and opening hours are updated by their owners) are
loaded per request (``functions_named_by``), and so are the plan, its list of
versions, hand-overs, stances, what the reader has seen and consents.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from threading import Lock

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from citizen_portal.organisations.models import Function
from citizen_portal.plans.models import Action, PlanVersion
from citizen_portal.plans.services import functions_by_id

_CONTENT = (
    joinedload(PlanVersion.plan),  # for its type only, which never changes either
    selectinload(PlanVersion.goals),
    selectinload(PlanVersion.actions).selectinload(Action.goal),
    selectinload(PlanVersion.appointments),
    selectinload(PlanVersion.participants),
    selectinload(PlanVersion.challenges),
    selectinload(PlanVersion.existing_plans),
)


class VersionContents:
    """At most ``size`` versions' content, the least recently used dropped first."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._lock = Lock()
        self._items: OrderedDict[int, PlanVersion] = OrderedDict()

    def get(self, session: Session, version_ids: Iterable[int]) -> dict[int, PlanVersion]:
        """Version id -> its content; what is not kept yet is read in ``session``'s
        transaction (a session of its own on the same connection, so nothing of
        the request's is detached) and kept."""
        found: dict[int, PlanVersion] = {}
        missing = []
        with self._lock:
            for version_id in set(version_ids):
                version = self._items.get(version_id)
                if version is None:
                    missing.append(version_id)
                else:
                    self._items.move_to_end(version_id)
                    found[version_id] = version
        if missing:
            loader = Session(bind=session.connection())
            try:
                loaded = list(
                    loader.scalars(
                        select(PlanVersion).where(PlanVersion.id.in_(missing)).options(*_CONTENT)
                    )
                )
                loader.expunge_all()
            finally:
                loader.close()
            with self._lock:
                for version in loaded:
                    self._items[version.id] = version
                    found[version.id] = version
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def functions_named_by(session: Session, versions: Iterable[PlanVersion]) -> dict[int, Function]:
    """The functions (with their organisations) that ``versions`` name, as they
    are now: one query."""
    ids: set[int] = set()
    for version in versions:
        ids.update(
            i
            for i in (
                version.coordinator_function_id,
                version.review_responsible_function_id,
                version.follow_up_responsible_function_id,
                *(a.responsible_function_id for a in version.actions),
            )
            if i is not None
        )
    return functions_by_id(session, ids)
