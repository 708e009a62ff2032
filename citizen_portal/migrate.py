"""Run Alembic migrations from code (CLI, tests and start-up share this)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

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
