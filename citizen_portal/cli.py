"""Commands: ``flask --app citizen_portal <command>``."""

from __future__ import annotations

import click
from flask import Flask, current_app

from citizen_portal import migrate
from citizen_portal.db import get_session, utcnow


def register_commands(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply database migrations."""
        migrate.upgrade(current_app.config["SETTINGS"].database_url)
        click.echo("Database is up to date.")

    @app.cli.command("load-demo")
    def load_demo() -> None:
        """Load fictional demo citizens and plans (safe to run again)."""
        from citizen_portal.demo.loader import load_demo_data

        settings = current_app.config["SETTINGS"]
        if settings.is_production:
            raise click.ClickException("Demo data cannot be loaded in production.")
        session = get_session()
        created = load_demo_data(session, settings.cpr_hash_key, utcnow().date())
        click.echo(f"Demo data loaded: {created} new plan versions.")
