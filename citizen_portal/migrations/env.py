"""Alembic environment: the URL and connection come from the caller."""

from __future__ import annotations

from alembic import context

from citizen_portal.models import metadata

config = context.config
connection = config.attributes.get("connection")


def run_online() -> None:
    if connection is not None:
        context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    from citizen_portal.db import make_engine

    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_online()
