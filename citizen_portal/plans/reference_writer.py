"""Upserting the shared records plans refer to: organisations, functions, citizens.

Core statements: select what exists, insert what is missing, update only
what changed (unchanged rows are not written, so concurrent plans from the
same organisations do not queue on the same row locks).

Reference data has an owner. What the sender owns (its own organisations and
their functions; everything, for the operator's trusted import) is written as
sent, and every change is returned so it can be audited against the owning
organisation. What it only refers to is used as stored; if it is not stored yet,
it is stored as a reference without contact details until its owner sends it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from citizen_portal.db import utcnow
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.people.services import birth_date_from_cpr
from citizen_portal.plans.parsed import ParsedFunction, ParsedOrganisation, ParsedPlan
from citizen_portal.plans.version_writer import table_of


@dataclass(frozen=True)
class ReferenceChange:
    """An owned record changed in place: audited against its organisation."""

    resource_type: str  # "organisation" or "function"
    resource_id: int
    identifier: str
    organisation_id: int
    before: dict[str, Any]
    after: dict[str, Any]


@dataclass
class References:
    """What the writer did: ids (organisations by identifier, functions by their
    organisation's identifier and their own), and the changes to audit."""

    ids: dict[Any, int]
    changes: list[ReferenceChange]


def _upsert(
    connection: Connection,
    table: Table,
    owned: list[dict[str, Any]],
    referred: list[dict[str, Any]],
    key: tuple[str, ...] = ("identifier",),
) -> tuple[dict[tuple[Any, ...], int], list[tuple[Any, dict[str, Any]]]]:
    """Rows keyed by the ``key`` columns. Owned rows are inserted or updated; referred
    rows only inserted when missing. Returns key -> id, and (old row, changed values)
    for every update."""
    rows = owned + referred
    if not rows:
        return {}, []

    def key_of(row: Any) -> tuple[Any, ...]:
        return tuple(row[column] for column in key)

    existing = {
        key_of(row._mapping): row
        for row in connection.execute(
            select(table).where(table.c.identifier.in_([r["identifier"] for r in rows]))
        )
    }
    ids: dict[tuple[Any, ...], int] = {}
    missing = list({key_of(r): r for r in rows if key_of(r) not in existing}.values())
    if missing:
        inserted = connection.execute(
            insert(table).returning(table.c.id, *(table.c[column] for column in key)), missing
        )
        ids.update({key_of(row._mapping): row.id for row in inserted})
    updates: list[tuple[Any, dict[str, Any]]] = []
    only_referred = {key_of(r) for r in referred}
    for row in rows:
        old = existing.get(key_of(row))
        if old is None:
            continue
        ids[key_of(row)] = old.id
        if key_of(row) in only_referred:
            continue  # used as stored: only its owner changes it
        changed = {key: value for key, value in row.items() if getattr(old, key) != value}
        if changed:
            connection.execute(update(table).where(table.c.id == old.id).values(**changed))
            updates.append((old, changed))
    return ids, updates


def upsert_organisations(
    connection: Connection,
    owned: list[ParsedOrganisation],
    referred: list[ParsedOrganisation],
) -> References:
    def row(o: ParsedOrganisation) -> dict[str, Any]:
        return {"identifier": o.identifier, "name": o.name, "kind": o.kind, "sector": o.sector}

    keyed, updates = _upsert(
        connection, table_of(Organisation), [row(o) for o in owned], [row(o) for o in referred]
    )
    ids = {identifier: id_ for (identifier,), id_ in keyed.items()}
    changes = [
        ReferenceChange(
            "organisation",
            old.id,
            old.identifier,
            old.id,
            {key: getattr(old, key) for key in changed},
            changed,
        )
        for old, changed in updates
    ]
    return References(ids, changes)


def upsert_functions(
    connection: Connection,
    owned: list[ParsedFunction],
    referred: list[ParsedFunction],
    organisation_ids: dict[str, int],
) -> References:
    def row(f: ParsedFunction, contact: bool) -> dict[str, Any]:
        # A reference to another organisation's function carries no contact details:
        # "who to call" comes only from the organisation itself.
        return {
            "identifier": f.identifier,
            "organisation_id": organisation_ids[f.organisation],
            "title": f.title,
            "phone": f.phone if contact else None,
            "email": f.email if contact else None,
            "opening_hours": f.opening_hours if contact else None,
            "address": f.address if contact else None,
            "available_times": [
                {"days": list(t.days), "start": t.start, "end": t.end}
                for t in (f.available_times if contact else ())
            ],
        }

    # A function is its organisation's: the same identifier under another
    # organisation is another function (no one can take or squat another's).
    keyed, updates = _upsert(
        connection,
        table_of(Function),
        [row(f, True) for f in owned],
        [row(f, False) for f in referred],
        key=("organisation_id", "identifier"),
    )
    identifier_of = {id_: identifier for identifier, id_ in organisation_ids.items()}
    function_ids = {
        (identifier_of[organisation_id], identifier): id_
        for (organisation_id, identifier), id_ in keyed.items()
    }
    changes = [
        ReferenceChange(
            "function",
            old.id,
            old.identifier,
            old.organisation_id,
            {key: getattr(old, key) for key in changed},
            changed,
        )
        for old, changed in updates
    ]
    return References(function_ids, changes)


def citizens_by_hash(connection: Connection, cpr_hashes: Iterable[str]) -> dict[str, int]:
    """The people already known, by the keyed hash of their CPR number."""
    people = table_of(Person)
    wanted = set(cpr_hashes)
    if not wanted:
        return {}
    rows = connection.execute(
        select(people.c.cpr_hash, people.c.id).where(people.c.cpr_hash.in_(wanted))
    )
    return {row.cpr_hash: row.id for row in rows}


def insert_citizens(connection: Connection, new: dict[str, ParsedPlan]) -> dict[str, int]:
    """Insert people not known before, named as in the plan (cpr hash -> plan)."""
    if not new:
        return {}
    people = table_of(Person)
    rows = connection.execute(
        insert(people).returning(people.c.cpr_hash, people.c.id),
        [
            {
                "cpr_hash": cpr_hash,
                "given_name": parsed.given_name,
                "family_name": parsed.family_name,
                "birth_date": birth_date_from_cpr(parsed.cpr),
                "created_at": utcnow(),
            }
            for cpr_hash, parsed in new.items()
        ],
    )
    return {row.cpr_hash: row.id for row in rows}
