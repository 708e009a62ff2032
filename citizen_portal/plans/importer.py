"""Import many plan bundles (migrations, demo data), optionally in parallel.

Each bundle is stored whole or not at all, through the same ingest path as the
API. With several workers, all versions of one plan go to the same worker in
their original order, so history comes out the same as importing one by one.
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
from citizen_portal.fhir.reader import InvalidBundle
from citizen_portal.plans.ingest import IngestRefused, ingest_bundle


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


def import_items(
    session: Session, items: Iterable[ImportItem], cpr_key: bytes
) -> list[ImportResult]:
    results = []
    for item in items:
        if item.error is not None:
            results.append(ImportResult(item.name, "refused", problems=[item.error]))
            continue
        try:
            result = ingest_bundle(session, item.data, cpr_key=cpr_key, client=None)
        except InvalidBundle as error:
            problems = [f"{issue.path}: {issue.message}" for issue in error.issues]
            results.append(ImportResult(item.name, "refused", problems=problems))
        except IngestRefused as error:
            results.append(ImportResult(item.name, "refused", problems=[str(error.issue.message)]))
        else:
            outcome = "new" if result.created else "unchanged"
            results.append(ImportResult(item.name, outcome, result.version_number))
    return results


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


def _import_in_worker(args: tuple[Settings, list[ImportItem]]) -> list[ImportResult]:
    from citizen_portal import create_app
    from citizen_portal.db import get_session

    settings, items = args
    app = create_app(settings)  # its own engine: connections are not shared across processes
    with app.app_context():
        results = import_items(get_session(), items, settings.cpr_hash_key)
    app.extensions["database"].engine.dispose()
    return results


def import_parallel(
    settings: Settings, items: list[ImportItem], workers: int
) -> list[ImportResult]:
    """Import in ``workers`` processes. SQLite allows one writer at a time, so
    there the work runs in this process (parallel gained nothing when measured)."""
    from dataclasses import replace

    if settings.database_url.startswith("sqlite"):
        return _import_in_worker((settings, items))

    # Workers need no sign-in machinery; skipping the dev provider skips its key generation.
    worker_settings = replace(settings, dev_idp_enabled=False)
    parts = [part for part in partition(items, workers) if part]
    # Spawned, not forked: a fork would share the parent's database connections.
    # An executor (unlike multiprocessing.Pool) fails loudly if a worker dies.
    with ProcessPoolExecutor(len(parts), mp_context=multiprocessing.get_context("spawn")) as pool:
        chunks = list(pool.map(_import_in_worker, [(worker_settings, p) for p in parts]))
    order = {item.name: index for index, item in enumerate(items)}
    return sorted((r for chunk in chunks for r in chunk), key=lambda r: order[r.name])
