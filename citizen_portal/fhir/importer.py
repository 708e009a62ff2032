"""Import many plan bundles (migrations), optionally in parallel.

Each bundle is read here, then stored whole or not at all through the same
ingest path as the API (``plans.ingest``), in batches of BATCH_SIZE per
transaction. With several workers, all versions of one plan go to the same
worker in their original order, so history comes out the same as importing
one by one. Workers open the database themselves; they need no web app.
"""

from __future__ import annotations

import multiprocessing
import zlib
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from citizen_portal.config import Settings
from citizen_portal.db import Database, with_retries
from citizen_portal.fhir.outcome import InvalidBundle
from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.plans.ingest import (
    IncomingPlan,
    IngestRefused,
    IngestResult,
    store_plans,
)


@dataclass(frozen=True)
class ImportItem:
    name: str
    data: Any  # parsed JSON, or None when the file was not JSON
    error: str | None = None


@dataclass(frozen=True)
class ImportProblem:
    """Why a file was refused. The message stays a lazy translated string, so it is
    rendered in the caller's language, also when a worker process found it."""

    message: Any
    path: str | None = None

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else str(self.message)


@dataclass
class ImportResult:
    name: str
    outcome: str  # "new", "unchanged" or "refused"
    version: int | None = None
    problems: list[ImportProblem] = field(default_factory=list)


# Bundles stored per transaction: enough to make the database's per-statement
# cost small per bundle (bench/ingest.py), few enough to keep memory flat.
BATCH_SIZE = 100


def import_items(
    session: Session, items: Iterable[ImportItem], cpr_key: bytes, batch_size: int = BATCH_SIZE
) -> list[ImportResult]:
    results: list[ImportResult] = []
    batch: list[tuple[int, IncomingPlan]] = []  # position in results, plan

    def store_batch() -> None:
        plans = [plan for _, plan in batch]
        # One batch, one transaction: decided again whole if a concurrent writer won a race.
        outcomes = with_retries(
            session, lambda: store_plans(session, plans, cpr_key=cpr_key, client=None)
        )
        for (position, _), outcome in zip(batch, outcomes, strict=True):
            results[position] = _result(results[position].name, outcome)
        batch.clear()

    for item in items:
        results.append(ImportResult(item.name, "refused"))  # until decided below
        if item.error is not None:
            results[-1].problems.append(ImportProblem(item.error))
            continue
        try:
            batch.append((len(results) - 1, IncomingPlan(read_plan_bundle(item.data), item.data)))
        except InvalidBundle as error:
            results[-1].problems.extend(ImportProblem(i.message, i.path) for i in error.issues)
        if len(batch) >= batch_size:
            store_batch()
    if batch:
        store_batch()
    return results


def _result(name: str, outcome: IngestResult | IngestRefused) -> ImportResult:
    if isinstance(outcome, IngestRefused):
        return ImportResult(
            name, "refused", problems=[ImportProblem(i.message) for i in outcome.issues]
        )
    return ImportResult(name, "new" if outcome.created else "unchanged", outcome.version_number)


def _plan_key(item: ImportItem) -> str:
    try:
        for entry in item.data["entry"]:
            resource = entry["resource"]
            if resource["resourceType"] == "CarePlan":
                identifier = resource["identifier"][0]
                return f"{identifier['system']}|{identifier['value']}"
    except (KeyError, IndexError, TypeError):
        return item.name  # unreadable: refused by whichever worker gets it
    return item.name  # no CarePlan: refused likewise


def partition(items: list[ImportItem], workers: int) -> list[list[ImportItem]]:
    """Split by plan, keeping each plan's bundles together and in order."""
    parts: list[list[ImportItem]] = [[] for _ in range(workers)]
    for item in items:
        parts[zlib.crc32(_plan_key(item).encode()) % workers].append(item)
    return parts


def _import_in_worker(
    database_url: str, cpr_key: bytes, items: list[ImportItem]
) -> list[ImportResult]:
    database = Database(database_url)  # its own engine: connections are not shared
    try:
        with database.session_factory() as session:
            return import_items(session, items, cpr_key)
    finally:
        database.engine.dispose()


# A worker's share of the import, given at its start: a forked worker inherits
# it instead of having each bundle pickled through the task queue (a spawned
# one gets all shares pickled once). Only the database URL and the CPR key go
# with it: a worker opens the database itself and builds no app.
_worker_share: tuple[str, bytes, list[list[ImportItem]]] | None = None


def _receive_share(database_url: str, cpr_key: bytes, parts: list[list[ImportItem]]) -> None:
    global _worker_share
    _worker_share = (database_url, cpr_key, parts)


def _import_part(index: int) -> list[ImportResult]:
    assert _worker_share is not None, "set by the pool's initializer"
    database_url, cpr_key, parts = _worker_share
    return _import_in_worker(database_url, cpr_key, parts[index])


def import_parallel(
    settings: Settings, items: list[ImportItem], workers: int
) -> list[ImportResult]:
    """Import in ``workers`` processes. SQLite allows one writer at a time, so
    there the work runs in this process (parallel gained nothing when measured)."""
    database_url, cpr_key = settings.database_url, settings.cpr_hash_key
    if database_url.startswith("sqlite"):
        return _import_in_worker(database_url, cpr_key, items)

    parts = [part for part in partition(items, workers) if part]
    # Forked where the platform can: a spawned worker imports every module again
    # before its first bundle (~2 s when measured, a third of bench/ingest.py's
    # run). Forking is safe for the database:
    # each worker builds its own engine and never touches the parent's, and
    # psycopg 3 never closes a connection from a process other than its opener.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # An executor (unlike multiprocessing.Pool) fails loudly if a worker dies.
    with ProcessPoolExecutor(
        len(parts),
        mp_context=context,
        initializer=_receive_share,
        initargs=(database_url, cpr_key, parts),
    ) as pool:
        chunks = list(pool.map(_import_part, range(len(parts))))
    # Back in the order given: each worker answers its share in order.
    position = {id(item): index for index, item in enumerate(items)}
    results: dict[int, ImportResult] = {}
    for part, chunk in zip(parts, chunks, strict=True):
        for item, result in zip(part, chunk, strict=True):
            results[position[id(item)]] = result
    return [results[index] for index in range(len(items))]  # every item has one
