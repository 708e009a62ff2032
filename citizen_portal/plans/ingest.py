"""Store plans: the one path by which plans enter the portal.

The API, the import command and the demo data all come through here, once the
reader of their format has made each a ``ParsedPlan`` (``plans.parsed``).
Sending the same content again creates nothing; changed content becomes a new
version. The API stores one plan at a time; the import command stores a batch
in one transaction with the same outcome as storing its plans one by one, in
order. A plan that may not be stored is refused with ``IngestRefused``, which
says what is wrong in the plan's terms; the caller says it in its own format.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from flask import g, has_request_context
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, aliased, joinedload

from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.db import utcnow
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.organisations.models import Organisation
from citizen_portal.people.services import hash_cpr, without_cpr
from citizen_portal.plans.models import Plan, PlanHandover, PlanVersion
from citizen_portal.plans.parsed import ParsedFunction, ParsedOrganisation, ParsedPlan
from citizen_portal.plans.reference_writer import (
    ReferenceChange,
    citizens_by_hash,
    insert_citizens,
    upsert_functions,
    upsert_organisations,
)
from citizen_portal.plans.rules import ContentPart, missing_content
from citizen_portal.plans.types import PlanType
from citizen_portal.plans.version_writer import VersionToWrite, insert_versions, table_of
from citizen_portal.security.actors import ActorKind, ClientActor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can


class RefusalKind(StrEnum):
    FORBIDDEN = "forbidden"  # the sender may not write this plan
    CONFLICT = "conflict"  # it contradicts the plan as stored
    INCOMPLETE = "incomplete"  # it lacks what the law requires of a plan (plans.rules)


class PlanPart(StrEnum):
    """The part of a plan a refusal is about (each format names it its own way)."""

    AUTHOR = "author"
    IDENTIFIER = "identifier"
    CITIZEN = "citizen"
    PLAN_TYPE = "plan_type"


@dataclass(frozen=True)
class RefusalIssue:
    part: PlanPart | ContentPart
    message: Any  # plain and translatable: a lazy string, rendered in the caller's language


class IngestRefused(Exception):
    """The plan was read and checked, but may not be stored."""

    def __init__(self, kind: RefusalKind, *issues: RefusalIssue) -> None:
        super().__init__("; ".join(str(issue.message) for issue in issues))
        self.kind = kind
        self.issues = issues


@dataclass(frozen=True)
class ReferredRecord:
    """Another organisation's organisation or function that a plan refers to: used as
    stored (or, if new, stored without contact details), never changed by the plan."""

    kind: str  # "organisation" or "function"
    identifier: str
    name: str


@dataclass(frozen=True)
class IngestResult:
    plan_id: int
    citizen_id: int
    version_number: int
    created: bool  # False: this content is already stored (see version_number)
    referred: tuple[ReferredRecord, ...] = ()


@dataclass(frozen=True)
class IncomingPlan:
    """A plan its format's reader has read and checked, with the document it was
    read from: kept with its version as sent, for export and for the record."""

    parsed: ParsedPlan
    source: dict[str, Any]


def store_plan(
    session: Session,
    plan: IncomingPlan,
    *,
    cpr_key: bytes,
    client: ClientActor | None,
) -> IngestResult:
    """Store one plan, or raise IngestRefused. ``client`` None: a trusted import."""
    outcome = store_plans(session, [plan], cpr_key=cpr_key, client=client)[0]
    if isinstance(outcome, IngestRefused):
        raise outcome
    return outcome


def store_plans(
    session: Session,
    plans: Sequence[IncomingPlan],
    *,
    cpr_key: bytes,
    client: ClientActor | None,
) -> list[IngestResult | IngestRefused]:
    """Store plans, with the outcome of storing them one by one in order. A refused
    plan stores nothing; the others are stored, each with its audit record.

    Nothing is committed here: the caller's unit of work does that, and runs it
    again whole if a concurrent writer won a race (a unique constraint)."""
    batch = _Batch(session, plans, cpr_key, client)
    outcomes = batch.store()
    # In the same transaction: no plan is stored without its audit record.
    request_id = g.get("request_id") if has_request_context() else None
    session.add_all(_reference_event(change, client, request_id) for change in batch.changes)
    session.add_all(
        AuditEvent(
            tag=AuditTag.API_PLAN_RECEIVED if client else AuditTag.PLAN_IMPORTED,
            actor_kind=ActorKind.SYSTEM,
            subject_person_id=result.citizen_id,
            resource_type="plan",
            resource_id=str(result.plan_id),
            request_id=request_id,
            details={
                "client_id": client.client_id if client else "import",
                "version": str(result.version_number),
                "created": "yes" if result.created else "no (this content is already stored)",
            },
        )
        for result in outcomes
        if isinstance(result, IngestResult)
    )
    session.flush()
    return outcomes


def _reference_event(
    change: ReferenceChange, client: ClientActor | None, request_id: str | None
) -> AuditEvent:
    """A change of a name, title, phone number or opening hours, in the trail of the
    organisation it belongs to."""
    details = {
        "client_id": client.client_id if client else "import",
        "identifier": change.identifier[:300],
        "changed": ", ".join(sorted(change.after)),
    }
    for key in sorted(change.after):
        details[key] = f"{change.before[key]} -> {change.after[key]}"[:300]
    return AuditEvent(
        tag=AuditTag.REFERENCE_DATA_CHANGED,
        actor_kind=ActorKind.SYSTEM,
        subject_organisation_id=change.organisation_id,
        resource_type=change.resource_type,
        resource_id=str(change.resource_id),
        request_id=request_id,
        details=details,
    )


@dataclass(frozen=True)
class _StoredVersion:
    number: int
    content_hash: str
    authored_at: datetime | None


@dataclass
class _PlanSoFar:
    """A plan as the batch has left it so far: stored before, or new in this batch."""

    stored: Plan | None
    owner: int | str  # the citizen's id; a CPR hash for a citizen new in this batch
    plan_type: PlanType
    first: IncomingPlan | None = None  # for a plan new in this batch: the one creating it
    first_cpr_hash: str = ""
    versions: list[_StoredVersion] = field(default_factory=list)  # oldest first


@dataclass
class _Accepted:
    """A plan that will be stored: its ids are known once the batch is written."""

    read: IncomingPlan
    cpr_hash: str
    plan: _PlanSoFar
    version_number: int
    created: bool
    fingerprint: str


class _Batch:
    def __init__(
        self,
        session: Session,
        plans: Sequence[IncomingPlan],
        cpr_key: bytes,
        client: ClientActor | None,
    ) -> None:
        self.session = session
        self.plans = plans
        self.cpr_key = cpr_key
        self.client = client
        self.changes: list[ReferenceChange] = []
        self.handed_on: dict[tuple[str, str, str], str] = {}

    def _owns(self, record: ParsedOrganisation | ParsedFunction) -> bool:
        """The trusted import writes all reference data; a client only its own
        organisations' (a function is identified within its organisation, so naming
        another's function is a reference to it, and claiming its identifier for
        oneself makes a function of one's own: nothing is taken or squatted)."""
        return self.client is None or can(self.client, Permission.API_PLANS_WRITE, record)

    def _referred(self, parsed: ParsedPlan) -> tuple[ReferredRecord, ...]:
        return tuple(
            [
                ReferredRecord("organisation", o.identifier, o.name)
                for o in parsed.organisations.values()
                if not self._owns(o)
            ]
            + [
                ReferredRecord("function", f.identifier, f.title)
                for f in parsed.functions.values()
                if not self._owns(f)
            ]
        )

    def store(self) -> list[IngestResult | IngestRefused]:
        connection = self.session.connection()
        hashes = [hash_cpr(p.parsed.cpr, self.cpr_key) for p in self.plans]
        known_people = citizens_by_hash(connection, hashes)
        plans = self._stored_plans()

        # Decide every plan first, in order, so that a refused one writes nothing.
        decisions: list[_Accepted | IngestRefused] = []
        for read, cpr_hash in zip(self.plans, hashes, strict=True):
            owner = known_people.get(cpr_hash, cpr_hash)
            decisions.append(self._decide(read, cpr_hash, owner, plans))
        accepted = [d for d in decisions if isinstance(d, _Accepted)]

        # Shared records: what the sender owns as the last plan names it; what it
        # only refers to as stored, or as the first plan names it, without contact details.
        organisations: dict[str, ParsedOrganisation] = {}
        functions: dict[tuple[str, str], ParsedFunction] = {}
        referred_organisations: dict[str, ParsedOrganisation] = {}
        referred_functions: dict[tuple[str, str], ParsedFunction] = {}
        for a in accepted:
            for o in a.read.parsed.organisations.values():
                if self._owns(o):
                    organisations[o.identifier] = o
                else:
                    referred_organisations.setdefault(o.identifier, o)
            for f in a.read.parsed.functions.values():
                if self._owns(f):
                    functions[(f.organisation, f.identifier)] = f
                else:
                    referred_functions.setdefault((f.organisation, f.identifier), f)
        written = upsert_organisations(
            connection, list(organisations.values()), list(referred_organisations.values())
        )
        organisation_ids = written.ids
        written_functions = upsert_functions(
            connection,
            list(functions.values()),
            list(referred_functions.values()),
            organisation_ids,
        )
        function_ids = written_functions.ids
        self.changes = written.changes + written_functions.changes
        new_people: dict[str, ParsedPlan] = {}
        for a in accepted:
            if a.cpr_hash not in known_people:
                new_people.setdefault(a.cpr_hash, a.read.parsed)
        people = known_people | insert_citizens(connection, new_people)

        plan_ids = self._insert_new_plans(plans, people, organisation_ids)
        insert_versions(
            self.session,
            [
                VersionToWrite(
                    parsed=a.read.parsed,
                    plan_id=plan_ids[id(a.plan)],
                    number=a.version_number,
                    content_hash=a.fingerprint,
                    source_bundle=without_cpr(a.read.source, a.read.parsed.cpr, a.cpr_hash),
                    received_from=self.client.client_id if self.client else None,
                )
                for a in accepted
                if a.created
            ],
            function_ids,
        )
        return [
            d
            if isinstance(d, IngestRefused)
            else IngestResult(
                plan_ids[id(d.plan)],
                people[d.cpr_hash],
                d.version_number,
                d.created,
                self._referred(d.read.parsed),
            )
            for d in decisions
        ]

    def _stored_plans(self) -> dict[tuple[str, str, str], _PlanSoFar]:
        """The batch's plans that are stored already, with their versions, by (author,
        identifier system, identifier value): an identifier is its author's own."""
        values = {p.parsed.identifier_value for p in self.plans}
        stored = self.session.scalars(
            select(Plan)
            .options(joinedload(Plan.author_organisation))
            .where(Plan.identifier_value.in_(values))
        ).all()
        plans = {
            (p.author_identifier, p.identifier_system, p.identifier_value): _PlanSoFar(
                stored=p, owner=p.citizen_id, plan_type=p.plan_type
            )
            for p in stored
        }
        # Plans an author handed on: its later bundles are told, not stored as a new plan.
        giver, receiver = aliased(Organisation), aliased(Organisation)
        handed_on = self.session.execute(
            select(giver.identifier, Plan.identifier_system, Plan.identifier_value, receiver.name)
            .select_from(PlanHandover)
            .join(Plan, Plan.id == PlanHandover.plan_id)
            .join(giver, giver.id == PlanHandover.from_organisation_id)
            .join(receiver, receiver.id == PlanHandover.to_organisation_id)
            .where(Plan.identifier_value.in_(values), PlanHandover.accepted_at.is_not(None))
        )
        self.handed_on = {(row[0], row[1], row[2]): row[3] for row in handed_on}
        if plans:
            by_id = {so_far.stored.id: so_far for so_far in plans.values() if so_far.stored}
            versions = table_of(PlanVersion)
            rows = self.session.connection().execute(
                select(
                    versions.c.plan_id,
                    versions.c.number,
                    versions.c.content_hash,
                    versions.c.authored_at,
                )
                .where(versions.c.plan_id.in_(list(by_id)))
                .order_by(versions.c.plan_id, versions.c.number)
            )
            for row in rows:
                by_id[row.plan_id].versions.append(
                    _StoredVersion(row.number, row.content_hash, row.authored_at)
                )
        return plans

    def _decide(
        self,
        read: IncomingPlan,
        cpr_hash: str,
        owner: int | str,
        plans: dict[tuple[str, str, str], _PlanSoFar],
    ) -> _Accepted | IngestRefused:
        parsed = read.parsed
        if self.client is not None and not can(self.client, Permission.API_PLANS_WRITE, parsed):
            return IngestRefused(
                RefusalKind.FORBIDDEN,
                RefusalIssue(
                    PlanPart.AUTHOR, _l("This system may not write plans for that organisation.")
                ),
            )
        # Whatever format the plan came in: what the law requires of it. (The FHIR
        # reader checks the same rules first, to tell them with the rest.)
        incomplete = missing_content(parsed)
        if incomplete:
            return IngestRefused(
                RefusalKind.INCOMPLETE, *(RefusalIssue(p.part, p.message) for p in incomplete)
            )
        key = (parsed.author, parsed.identifier_system, parsed.identifier_value)
        plan = plans.get(key)
        if plan is None and key in self.handed_on:
            return IngestRefused(
                RefusalKind.FORBIDDEN,
                RefusalIssue(
                    PlanPart.IDENTIFIER,
                    _l(
                        "This plan was handed over to %(organisation)s, "
                        "which writes its new versions now.",
                        organisation=self.handed_on[key],
                    ),
                ),
            )
        if plan is None:
            plan = plans[key] = _PlanSoFar(
                stored=None,
                owner=owner,
                plan_type=parsed.plan_type,
                first=read,
                first_cpr_hash=cpr_hash,
            )
        else:
            refusal = self._refusal(plan, owner, parsed)
            if refusal is not None:
                return refusal
        fingerprint = parsed.fingerprint()
        repeated = _repeated_version(plan.versions, parsed, fingerprint)
        if repeated is not None:
            return _Accepted(read, cpr_hash, plan, repeated, created=False, fingerprint=fingerprint)
        number = plan.versions[-1].number + 1 if plan.versions else 1
        plan.versions.append(_StoredVersion(number, fingerprint, parsed.authored_at))
        return _Accepted(read, cpr_hash, plan, number, created=True, fingerprint=fingerprint)

    def _refusal(
        self, plan: _PlanSoFar, owner: int | str, parsed: ParsedPlan
    ) -> IngestRefused | None:
        # A plan new in this batch was allowed for this client when it was created.
        if (
            self.client is not None
            and plan.stored is not None
            and not can(self.client, Permission.API_PLANS_WRITE, plan.stored)
        ):
            return IngestRefused(
                RefusalKind.FORBIDDEN,
                RefusalIssue(
                    PlanPart.IDENTIFIER,
                    _l(
                        "This plan was written by another organisation; "
                        "this system may not change it."
                    ),
                ),
            )
        if plan.owner != owner:
            return IngestRefused(
                RefusalKind.CONFLICT,
                RefusalIssue(PlanPart.CITIZEN, _l("This plan belongs to another citizen.")),
            )
        if plan.plan_type is not parsed.plan_type:
            return IngestRefused(
                RefusalKind.CONFLICT,
                RefusalIssue(PlanPart.PLAN_TYPE, _l("A plan cannot change its type.")),
            )
        return None

    def _insert_new_plans(
        self,
        plans: dict[tuple[str, str, str], _PlanSoFar],
        people: dict[str, int],
        organisation_ids: dict[str, int],
    ) -> dict[int, int]:
        """Insert the plans new in this batch; returns every plan's id, by id(_PlanSoFar)."""
        ids = {id(p): p.stored.id for p in plans.values() if p.stored is not None}
        new = [(p, p.first.parsed) for p in plans.values() if p.first is not None]
        if new:
            table = table_of(Plan)
            inserted = self.session.connection().scalars(
                insert(table).returning(table.c.id, sort_by_parameter_order=True),
                [
                    {
                        "citizen_id": people[p.first_cpr_hash],
                        "plan_type": p.plan_type,
                        "identifier_system": parsed.identifier_system,
                        "identifier_value": parsed.identifier_value,
                        "author_organisation_id": organisation_ids[parsed.author],
                        "created_at": utcnow(),
                    }
                    for p, parsed in new
                ],
            )
            ids.update({id(p): plan_id for (p, _), plan_id in zip(new, inserted, strict=True)})
        return ids


def _repeated_version(
    versions: list[_StoredVersion], parsed: ParsedPlan, fingerprint: str
) -> int | None:
    """The number of the stored version this plan repeats, if any.

    The newest version's content again is a retry. An older version's content is a
    replay (a re-run import, a re-sent message) unless the author dated it later
    than the newest version: then it is a deliberate return, and a new version.
    """
    if not versions:
        return None
    newest = versions[-1]
    dated_later = (
        parsed.authored_at is not None
        and newest.authored_at is not None
        and parsed.authored_at > newest.authored_at
    )
    for version in reversed(versions):
        if version.content_hash != fingerprint:
            continue
        if version is newest or not dated_later:
            return version.number
    return None
