"""Import many plan bundles (migrations, demo data), optionally in parallel.

Each bundle is stored whole or not at all, through the same ingest path as the
API, in batches of BATCH_SIZE per transaction. With several workers, all
versions of one plan go to the same worker in their original order, so history
comes out the same as importing one by one.
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
from citizen_portal.fhir.outcome import InvalidBundle
from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.plans.ingest import (
    IngestRefused,
    IngestResult,
    ReadBundle,
    store_bundles,
)


@dataclass(frozen=True)
class ImportItem:
    name: str
    data: Any  # parsed JSON, or None when the file was not JSON
    error: str | None = None


@dataclass
class ImportResult:
    name: str
    outcome: str  # "new", "unchanged" or "refused"
    version: int | None = None
    problems: list[str] = field(default_factory=list)


# Bundles stored per transaction: enough to make the database's per-statement
# cost small per bundle (bench/ingest.py), few enough to keep memory flat.
BATCH_SIZE = 100


def import_items(
    session: Session, items: Iterable[ImportItem], cpr_key: bytes, batch_size: int = BATCH_SIZE
) -> list[ImportResult]:
    results: list[ImportResult] = []
    batch: list[tuple[int, ReadBundle]] = []  # position in results, bundle

    def store_batch() -> None:
        outcomes = store_bundles(session, [read for _, read in batch], cpr_key=cpr_key, client=None)
        for (position, _), outcome in zip(batch, outcomes, strict=True):
            results[position] = _result(results[position].name, outcome)
        batch.clear()

    for item in items:
        results.append(ImportResult(item.name, "refused"))  # until decided below
        if item.error is not None:
            results[-1].problems.append(item.error)
            continue
        try:
            batch.append((len(results) - 1, ReadBundle(read_plan_bundle(item.data), item.data)))
        except InvalidBundle as error:
            results[-1].problems.extend(f"{issue.path}: {issue.message}" for issue in error.issues)
        if len(batch) >= batch_size:
            store_batch()
    if batch:
        store_batch()
    return results


def _result(name: str, outcome: IngestResult | IngestRefused) -> ImportResult:
    if isinstance(outcome, IngestRefused):
        return ImportResult(name, "refused", problems=[str(outcome.issue.message)])
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


def _import_in_worker(settings: Settings, items: list[ImportItem]) -> list[ImportResult]:
    from citizen_portal import create_app
    from citizen_portal.db import get_session

    app = create_app(settings)  # its own engine: connections are not shared across processes
    with app.app_context():
        results = import_items(get_session(), items, settings.cpr_hash_key)
    app.extensions["database"].engine.dispose()
    return results


# A worker's share of the import, given at its start: a forked worker inherits
# it instead of having each bundle pickled through the task queue (a spawned
# one gets all shares pickled once).
_worker_share: tuple[Settings, list[list[ImportItem]]] | None = None


def _receive_share(settings: Settings, parts: list[list[ImportItem]]) -> None:
    global _worker_share
    _worker_share = (settings, parts)


def _import_part(index: int) -> list[ImportResult]:
    assert _worker_share is not None, "set by the pool's initializer"
    settings, parts = _worker_share
    return _import_in_worker(settings, parts[index])


def import_parallel(
    settings: Settings, items: list[ImportItem], workers: int
) -> list[ImportResult]:
    """Import in ``workers`` processes. SQLite allows one writer at a time, so
    there the work runs in this process (parallel gained nothing when measured)."""
    from dataclasses import replace

    if settings.database_url.startswith("sqlite"):
        return _import_in_worker(settings, items)

    # Workers need no sign-in machinery; skipping the dev provider skips its key generation.
    worker_settings = replace(settings, dev_idp_enabled=False)
    parts = [part for part in partition(items, workers) if part]
    # Forked where the platform can: a spawned worker spent ~2 s importing the
    # app (a third of bench/ingest.py's run). Forking is safe for the database:
    # each worker builds its own engine and never touches the parent's, and
    # psycopg 3 never closes a connection from a process other than its opener.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    # An executor (unlike multiprocessing.Pool) fails loudly if a worker dies.
    with ProcessPoolExecutor(
        len(parts),
        mp_context=context,
        initializer=_receive_share,
        initargs=(worker_settings, parts),
    ) as pool:
        chunks = list(pool.map(_import_part, range(len(parts))))
    # Back in the order given: each worker answers its share in order.
    position = {id(item): index for index, item in enumerate(items)}
    results: dict[int, ImportResult] = {}
    for part, chunk in zip(parts, chunks, strict=True):
        for item, result in zip(part, chunk, strict=True):
            results[position[id(item)]] = result
    return [results[index] for index in range(len(items))]  # every item has one
