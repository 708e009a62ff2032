"""Run Alembic migrations from code (CLI, tests and start-up share this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, cpr_key: bytes | None = None) -> None:
    """``cpr_key``: the CPR hash key, for data migrations that hash CPR numbers
    still stored in clear (0010); without it they read ``PORTAL_CPR_HASH_KEY``,
    and refuse to run if there is such data and no key."""
    config = alembic_config(url)
    config.attributes["cpr_key"] = cpr_key
    command.upgrade(config, "head")


def downgrade(url: str, revision: str) -> None:
    """Back to ``revision`` (a rollback to the previous release: docs/deployment.md).
    Data in tables that revision does not have is dropped with them."""
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> str | None:
    """The revision the database is at (None: never migrated)."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()
