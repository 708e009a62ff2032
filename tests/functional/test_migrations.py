"""The Alembic migrations produce exactly the schema the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic import command

from citizen_portal import migrate
from tests.support.databases import fresh_database


def test_migrations_match_the_models(tmp_path: Path) -> None:
    url = fresh_database("portal_migration_check", tmp_path)
    migrate.upgrade(url)
    # Raises if autogenerate would find any difference between models and schema.
    command.check(migrate.alembic_config(url))
