"""Test databases: SQLite files by default, PostgreSQL schemas when
TEST_DATABASE_URL points at a server (CI runs the suite on both)."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text


def base_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def fresh_database(name: str, tmp_dir: Path) -> str:
    """An empty database named ``name``; returns its SQLAlchemy URL."""
    server = base_url()
    if server is None:
        path = tmp_dir / f"{name}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    engine = create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    engine.dispose()
    separator = "&" if "?" in server else "?"
    return f"{server}{separator}options={quote(f'-csearch_path={name}')}"


def is_postgresql() -> bool:
    url = base_url()
    return bool(url and url.startswith("postgresql"))
