"""What the plan page reads of a stored version, loaded once per process.

A stored plan version never changes (``plans.models``: an ORM hook refuses it),
so its content (goals, actions, appointments, participants, challenges, existing
plans) is loaded once and kept, keyed by the version's id, instead of six
queries on every page (one ``VersionContents`` per app: plans/views.py). Kept
unredacted and detached from any session: each request redacts it for its own
reader (``plans.page.redaction``).

The functions and organisations a version names do change (their owners update
phone numbers and opening hours), and the page shows them as they are now. They
are kept too, with the directory's revision they were read under: a random value
the database replaces in every transaction that changes either table (triggers,
migration 0021; ``DirectoryRevision``). The plan page reads it in its plan's own
query; while it is the one kept, the kept functions are what is stored, and
another revision reads them again (``functions_named_by``). What is read after
the revision is at least as new as it, so what is kept under a revision is never
older than it.

Nothing else that changes is kept: the plan, its list of versions, hand-overs,
stances, what the reader has seen and consents are read on every request.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterable
from threading import Lock
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from citizen_portal.organisations.models import Function
from citizen_portal.plans.models import Action, PlanVersion
from citizen_portal.plans.services import functions_by_id

T = TypeVar("T")

_CONTENT = (
    joinedload(PlanVersion.plan),  # for its type only, which never changes either
    selectinload(PlanVersion.goals),
    selectinload(PlanVersion.actions).selectinload(Action.goal),
    selectinload(PlanVersion.appointments),
    selectinload(PlanVersion.participants),
    selectinload(PlanVersion.challenges),
    selectinload(PlanVersion.existing_plans),
)


# At most this many functions are kept (then it starts afresh).
FUNCTIONS_KEPT = 4096


class VersionContents:
    """At most ``size`` versions' content, the least recently used dropped first."""

    def __init__(self, size: int = 2048) -> None:
        self.size = size
        self._lock = Lock()
        self._items: OrderedDict[int, PlanVersion] = OrderedDict()
        # The functions shown, as stored under the directory's revision _revision.
        self._revision: str | None = None
        self._functions: dict[int, Function] = {}

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
            loaded = _read_detached(
                session,
                lambda loader: list(
                    loader.scalars(
                        select(PlanVersion).where(PlanVersion.id.in_(missing)).options(*_CONTENT)
                    )
                ),
            )
            with self._lock:
                for version in loaded:
                    self._items[version.id] = version
                    found[version.id] = version
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return found

    def functions_named_by(
        self, session: Session, versions: Iterable[PlanVersion], revision: str | None
    ) -> dict[int, Function]:
        """The functions (with their organisations) that ``versions`` name, as they
        are now: kept ones when ``revision`` (the directory's, read in this
        request) is the one they were read under, else one query. ``revision``
        None (not read): always the query."""
        ids = function_ids_named_by(versions)
        if not ids:
            return {}
        with self._lock:
            if revision is not None and revision == self._revision:
                kept = {i: self._functions[i] for i in ids if i in self._functions}
                if len(kept) == len(ids):
                    return kept
        loaded = _read_detached(session, lambda loader: functions_by_id(loader, ids))
        if revision is not None:
            with self._lock:
                # Another revision (newer, or a slower request's older one) starts
                # afresh: either way what was just read is at least as new as it.
                if revision != self._revision or len(self._functions) > FUNCTIONS_KEPT:
                    self._revision, self._functions = revision, {}
                self._functions.update(loaded)
        return loaded

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._revision, self._functions = None, {}


def _read_detached(session: Session, read: Callable[[Session], T]) -> T:
    """What ``read`` loads in ``session``'s transaction, detached with everything it
    loaded: read in a session of its own on the same connection, so nothing of the
    request's is detached, and kept objects are shared by requests."""
    loader = Session(bind=session.connection())
    try:
        loaded = read(loader)
        loader.expunge_all()
    finally:
        loader.close()
    return loaded


def function_ids_named_by(versions: Iterable[PlanVersion]) -> set[int]:
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
    return ids
