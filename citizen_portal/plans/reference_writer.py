"""Upserting the shared records plans refer to: organisations, functions, citizens.

Core statements: select what exists, insert what is missing, update only
what changed (unchanged rows are not written, so concurrent plans from the
same organisations do not queue on the same row locks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, Table, insert, select, update

from citizen_portal.db import utcnow
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.people.services import birth_date_from_cpr
from citizen_portal.plans.parsed import ParsedFunction, ParsedOrganisation, ParsedPlan
from citizen_portal.plans.version_writer import table_of


def _upsert(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> dict[str, int]:
    """Rows keyed by ``identifier``; returns identifier -> id."""
    if not rows:
        return {}
    existing = {
        row.identifier: row
        for row in connection.execute(
            select(table).where(table.c.identifier.in_([r["identifier"] for r in rows]))
        )
    }
    ids: dict[str, int] = {}
    missing = [r for r in rows if r["identifier"] not in existing]
    if missing:
        inserted = connection.execute(
            insert(table).returning(table.c.id, table.c.identifier), missing
        )
        ids.update({row.identifier: row.id for row in inserted})
    for row in rows:
        old = existing.get(row["identifier"])
        if old is None:
            continue
        ids[row["identifier"]] = old.id
        changed = {key: value for key, value in row.items() if getattr(old, key) != value}
        if changed:
            connection.execute(update(table).where(table.c.id == old.id).values(**changed))
    return ids


def upsert_organisations(
    connection: Connection, organisations: list[ParsedOrganisation]
) -> dict[str, int]:
    return _upsert(
        connection,
        table_of(Organisation),
        [
            {"identifier": o.identifier, "name": o.name, "kind": o.kind, "sector": o.sector}
            for o in organisations
        ],
    )


def upsert_functions(
    connection: Connection, functions: list[ParsedFunction], organisation_ids: dict[str, int]
) -> dict[str, int]:
    return _upsert(
        connection,
        table_of(Function),
        [
            {
                "identifier": f.identifier,
                "organisation_id": organisation_ids[f.organisation],
                "title": f.title,
                "phone": f.phone,
                "email": f.email,
                "opening_hours": f.opening_hours,
                "address": f.address,
                "available_times": [
                    {"days": list(t.days), "start": t.start, "end": t.end}
                    for t in f.available_times
                ],
            }
            for f in functions
        ],
    )


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
