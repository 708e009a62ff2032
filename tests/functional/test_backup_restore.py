"""Backup and restore, as docs/deployment.md tells an operator to do them:
`pg_dump --format=custom`, then `pg_restore` into an empty database, gives back
every row of every table, and the restored database is at the same migration.

PostgreSQL only (CI's second run): SQLite's backup is a copy of one file.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy import table as table_named
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from citizen_portal import migrate
from citizen_portal.fhir.demo_loader import load_demo_data
from tests.support.databases import fresh_database, is_postgresql

pytestmark = pytest.mark.skipif(
    not is_postgresql() or shutil.which("pg_dump") is None,
    reason="backup and restore are PostgreSQL's tools (CI's PostgreSQL run)",
)


def _fingerprint(url: str) -> dict[str, str]:
    """Each table's rows, in order, hashed: equal only if every value is equal."""
    engine = create_engine(url)
    with engine.connect() as conn:
        result: dict[str, str] = {}
        for name in inspect(engine).get_table_names():
            rows = conn.execute(select(text("*")).select_from(table_named(name))).all()
            digest = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
            result[name] = f"{len(rows)}:{digest}"
    engine.dispose()
    return result


def _connection_arguments(url: str) -> list[str]:
    parsed = make_url(url)
    return [
        f"--host={parsed.host or '127.0.0.1'}",
        f"--port={parsed.port or 5432}",
        f"--username={parsed.username or 'postgres'}",
        f"--dbname={parsed.database}",
    ]


def test_a_dump_restores_every_row(tmp_path: Path) -> None:
    source = fresh_database("portal_backup_source", tmp_path)
    migrate.upgrade(source)
    engine = create_engine(source)
    with Session(engine) as session:
        assert load_demo_data(session, b"k" * 32, date(2026, 11, 1)) > 0
        session.commit()
    engine.dispose()
    before = _fingerprint(source)
    assert int(before["plan_versions"].split(":")[0]) > 0

    dump = tmp_path / "portal.dump"
    subprocess.run(
        [
            "pg_dump",
            *_connection_arguments(source),
            "--format=custom",
            "--schema=portal_backup_source",
            f"--file={dump}",
        ],
        check=True,
        timeout=120,
    )
    assert dump.stat().st_size > 0

    # The disaster: the schema is gone. Restore into an empty one of the same name.
    target = fresh_database("portal_backup_source", tmp_path)
    engine = create_engine(target)
    with engine.begin() as conn:
        conn.execute(text('DROP SCHEMA "portal_backup_source" CASCADE'))
    engine.dispose()
    subprocess.run(
        ["pg_restore", *_connection_arguments(target), "--exit-on-error", str(dump)],
        check=True,
        timeout=120,
    )
    assert _fingerprint(target) == before
