"""Alembic environment: the URL comes from the caller (citizen_portal.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from citizen_portal.db import make_engine
from citizen_portal.models import metadata

config = context.config


def _migrate(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        if engine.dialect.name != "sqlite":
            _migrate(connection)
            return
        # SQLite rebuilds a table to alter it, which foreign keys forbid. The pragma
        # only works outside a transaction, so it goes to the raw connection first.
        raw = connection.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            _migrate(connection)
            problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
            connection.commit()
            if problems:
                raise RuntimeError(f"migration broke foreign keys: {problems[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
    engine.dispose()


run_online()
