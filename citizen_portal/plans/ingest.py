"""Store a plan bundle: the one path by which plans enter the portal.

The API, the import command and the demo data all come through here. Sending
the same content again creates nothing; changed content becomes a new version.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from citizen_portal.fhir.parsed import ParsedFunction, ParsedOrganisation, ParsedPlan
from citizen_portal.fhir.reader import Issue, read_plan_bundle
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.people.services import birth_date_from_cpr, find_by_cpr, hash_cpr
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.version_writer import insert_version
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import ClientActor, can

T = TypeVar("T")


class IngestRefused(Exception):
    """The bundle is valid FHIR but may not be stored (403) or conflicts (422)."""

    def __init__(self, status: int, issue: Issue) -> None:
        super().__init__(str(issue.message))
        self.status = status
        self.issue = issue


@dataclass(frozen=True)
class IngestResult:
    plan_id: int
    citizen_id: int
    version_number: int
    created: bool  # False: this content is already stored (see version_number)


def ingest_bundle(
    session: Session,
    data: Any,
    *,
    cpr_key: bytes,
    client: ClientActor | None,
) -> IngestResult:
    """Read, check and store one bundle; commits. ``client`` None: a trusted import."""
    parsed = read_plan_bundle(data)
    if client is not None and not can(client, Permission.API_PLANS_WRITE, parsed):
        raise IngestRefused(
            403,
            Issue(
                "CarePlan.author",
                _l("This system may not write plans for that organisation."),
                "forbidden",
            ),
        )
    return with_retries(
        session,
        lambda: _store(session, parsed, data, cpr_key, client),
    )


def with_retries(session: Session, work: Callable[[], T], attempts: int = 5) -> T:
    """Run ``work`` and commit; when a concurrent writer won a race (a unique
    constraint, or SQLite's lock), roll back and run it again."""
    for attempt in range(attempts):
        try:
            result = work()
            session.commit()
            return result
        except (IntegrityError, OperationalError) as error:
            session.rollback()
            retryable = isinstance(error, IntegrityError) or "locked" in str(error)
            if not retryable or attempt == attempts - 1:
                raise
            time.sleep(0.02 * (attempt + 1))
        except BaseException:
            session.rollback()  # nothing is partly stored
            raise
    raise AssertionError("unreachable")


def _store(
    session: Session, parsed: ParsedPlan, data: Any, cpr_key: bytes, client: ClientActor | None
) -> IngestResult:
    # Look everything up first with autoflush off and one query per table; the
    # inserts then go out in a single flush (batched per table by SQLAlchemy).
    with session.no_autoflush:
        organisations = _upsert_organisations(session, list(parsed.organisations.values()))
        functions = _upsert_functions(session, list(parsed.functions.values()), organisations)
        person = find_by_cpr(session, parsed.cpr, cpr_key)
        if person is None:
            person = Person(
                cpr_hash=hash_cpr(parsed.cpr, cpr_key),
                given_name=parsed.given_name,
                family_name=parsed.family_name,
                birth_date=birth_date_from_cpr(parsed.cpr),
            )
            session.add(person)
        plan = session.scalar(
            select(Plan).where(
                Plan.identifier_system == parsed.identifier_system,
                Plan.identifier_value == parsed.identifier_value,
            )
        )
        fingerprint = parsed.fingerprint()
        if plan is None:
            plan = Plan(
                citizen=person,
                plan_type=parsed.plan_type,
                identifier_system=parsed.identifier_system,
                identifier_value=parsed.identifier_value,
                author_organisation=organisations[parsed.author],
            )
            session.add(plan)
            number = 1
        else:
            _check_may_change(plan, person, parsed, client)
            stored = _stored_version(session, plan, parsed, fingerprint)
            if isinstance(stored, PlanVersion):
                return IngestResult(plan.id, person.id, stored.number, created=False)
            number = stored + 1
    session.flush()  # ids for the plan, person and functions the rows below refer to
    insert_version(
        session,
        parsed,
        plan_id=plan.id,
        number=number,
        function_ids={key: f.id for key, f in functions.items()},
        content_hash=fingerprint,
        source_bundle=data,
        received_from=client.client_id if client else None,
    )
    return IngestResult(plan.id, person.id, number, created=True)


def _check_may_change(
    plan: Plan, person: Person, parsed: ParsedPlan, client: ClientActor | None
) -> None:
    if client is not None and not can(client, Permission.API_PLANS_WRITE, plan):
        raise IngestRefused(
            403,
            Issue(
                "CarePlan.identifier",
                _l("This plan was written by another organisation; this system may not change it."),
                "forbidden",
            ),
        )
    if plan.citizen_id != person.id:
        raise IngestRefused(
            422,
            Issue("CarePlan.subject", _l("This plan belongs to another citizen."), "business-rule"),
        )
    if plan.plan_type is not parsed.plan_type:
        raise IngestRefused(
            422,
            Issue("CarePlan.category", _l("A plan cannot change its type."), "business-rule"),
        )


def _stored_version(
    session: Session, plan: Plan, parsed: ParsedPlan, fingerprint: str
) -> PlanVersion | int:
    """The stored version this bundle repeats, or else the newest version number.

    The newest version's content again is a retry. An older version's content is a
    replay (a re-run import, a re-sent message) unless the author dated it later
    than the newest version: then it is a deliberate return, and a new version.
    """
    rows = session.execute(
        select(
            PlanVersion.id, PlanVersion.number, PlanVersion.content_hash, PlanVersion.authored_at
        )
        .where(PlanVersion.plan_id == plan.id)
        .order_by(PlanVersion.number.desc())
    ).all()
    if not rows:
        return 0
    newest = rows[0]
    for row in rows:
        if row.content_hash != fingerprint:
            continue
        is_newest = row.number == newest.number
        dated_later = (
            parsed.authored_at is not None
            and newest.authored_at is not None
            and parsed.authored_at > newest.authored_at
        )
        if is_newest or not dated_later:
            version = session.get(PlanVersion, row.id)
            assert version is not None
            return version
    return int(newest.number)


def _upsert_organisations(
    session: Session, parsed: list[ParsedOrganisation]
) -> dict[str, Organisation]:
    found = {
        o.identifier: o
        for o in session.scalars(
            select(Organisation).where(Organisation.identifier.in_([p.identifier for p in parsed]))
        )
    }
    for p in parsed:
        org = found.get(p.identifier)
        if org is None:
            org = found[p.identifier] = Organisation(identifier=p.identifier)
            session.add(org)
        # Shared reference data, kept current rather than versioned.
        org.name, org.kind, org.sector = p.name, p.kind, p.sector
    return found


def _upsert_functions(
    session: Session, parsed: list[ParsedFunction], organisations: dict[str, Organisation]
) -> dict[str, Function]:
    found = {
        f.identifier: f
        for f in session.scalars(
            select(Function).where(Function.identifier.in_([p.identifier for p in parsed]))
        )
    }
    for p in parsed:
        function = found.get(p.identifier)
        if function is None:
            function = found[p.identifier] = Function(identifier=p.identifier)
            session.add(function)
        function.organisation = organisations[p.organisation]
        function.title = p.title
        function.phone = p.phone
        function.email = p.email
        function.opening_hours = p.opening_hours
        function.address = p.address
        times = [{"days": list(t.days), "start": t.start, "end": t.end} for t in p.available_times]
        if function.available_times != times:
            function.available_times = times
    return found
