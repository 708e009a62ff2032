"""Commands: ``flask --app citizen_portal <command>``."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from sqlalchemy import select

from citizen_portal import migrate
from citizen_portal.api.oauth import register_client
from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import organisation_trail, record_event
from citizen_portal.db import get_session, unit_of_work, utcnow
from citizen_portal.fhir.demo_loader import load_demo_data
from citizen_portal.fhir.export import export_citizen_bundle
from citizen_portal.fhir.importer import ImportItem, import_items, import_parallel
from citizen_portal.notifications import push
from citizen_portal.notifications.services import (
    representation_created,
    send_expiry_reminders,
    send_plan_notices,
)
from citizen_portal.organisations.models import Organisation
from citizen_portal.people.services import InvalidCpr, find_by_cpr, find_or_create_by_cpr
from citizen_portal.representation.models import RepresentationKind
from citizen_portal.representation.rules import RepresentationRefused
from citizen_portal.representation.services import add_from_authority
from citizen_portal.security.actors import ActorKind, Scope


def register_commands(app: Flask) -> None:
    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply database migrations."""
        settings = current_app.config["SETTINGS"]
        migrate.upgrade(settings.database_url, cpr_key=settings.cpr_hash_key)
        click.echo("Database is up to date.")

    @app.cli.command("db-downgrade")
    @click.argument("revision")
    def db_downgrade(revision: str) -> None:
        """Roll the database back to REVISION (before deploying the previous release)."""
        settings = current_app.config["SETTINGS"]
        migrate.downgrade(settings.database_url, revision)
        click.echo(f"Database is at revision {migrate.current(settings.database_url)}.")

    @app.cli.command("load-demo")
    def load_demo() -> None:
        """Load fictional demo citizens and plans (safe to run again)."""
        settings = current_app.config["SETTINGS"]
        if settings.is_production:
            raise click.ClickException("Demo data cannot be loaded in production.")
        with unit_of_work(get_session()) as session:
            created = load_demo_data(session, settings.cpr_hash_key, utcnow().date())
        click.echo(f"Demo data loaded: {created} new plan versions.")

    @app.cli.command("import-bundles")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option(
        "--workers",
        default=1,
        show_default=True,
        type=click.IntRange(1, 16),
        help="Processes importing at once (each plan stays in one, in order).",
    )
    def import_bundles(folder: Path, workers: int) -> None:
        """Import every *.json plan bundle in FOLDER, in name order (for migrations).

        Each file is stored whole or not at all; problems are listed per file and
        the command fails if any file was refused.
        """
        items = []
        for path in sorted(folder.glob("*.json")):
            try:
                items.append(ImportItem(path.name, json.loads(path.read_text(encoding="utf-8"))))
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                items.append(ImportItem(path.name, None, f"not JSON ({error})"))
        settings = current_app.config["SETTINGS"]
        if workers > 1 and settings.database_url.startswith("sqlite"):
            click.echo("SQLite takes one writer at a time: importing in one process.")
            workers = 1
        if workers > 1:
            results = import_parallel(settings, items, workers)
        else:
            results = import_items(get_session(), items, settings.cpr_hash_key)
        counts = {"new": 0, "unchanged": 0, "refused": 0}
        for result in results:
            counts[result.outcome] += 1
            if result.outcome == "refused":
                for problem in result.problems:
                    click.echo(f"{result.name}: refused: {problem}", err=True)
            else:
                state = "new version" if result.outcome == "new" else "unchanged"
                click.echo(f"{result.name}: {state} {result.version}")
        click.echo(
            f"{counts['new']} new versions, {counts['unchanged']} unchanged, "
            f"{counts['refused']} refused."
        )
        if counts["refused"]:
            raise SystemExit(1)

    @app.cli.command("export-citizen")
    @click.option("--cpr", prompt=True, hide_input=True, help="The citizen's CPR number.")
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True)
    def export_citizen(cpr: str, output: Path) -> None:
        """Write every version of one citizen's plans as a FHIR Bundle (collection)."""
        settings = current_app.config["SETTINGS"]
        session = get_session()
        try:
            person = find_by_cpr(session, cpr, settings.cpr_hash_key)
        except InvalidCpr as error:
            raise click.ClickException("A CPR number has ten digits.") from error
        if person is None:
            raise click.ClickException("No citizen with that CPR number.")
        bundle = export_citizen_bundle(session, person, cpr)
        record_event(
            session,
            tag=AuditTag.PLANS_EXPORTED,
            actor_kind=ActorKind.SYSTEM,
            subject_person_id=person.id,
            resource_type="plan_list",
            details={"versions": str(len(bundle["entry"])), "by": "export-citizen command"},
        )
        session.commit()  # audited before the data leaves
        output.write_text(json.dumps(bundle, ensure_ascii=False, indent=2), encoding="utf-8")
        click.echo(f"Wrote {len(bundle['entry'])} plan versions to {output}.")

    @app.cli.command("send-reminders")
    def send_reminders() -> None:
        """Tell people in the app about powers of attorney that end soon (run daily)."""
        session = get_session()
        sent = send_expiry_reminders(session, utcnow().date())
        session.commit()
        click.echo(f"Sent {sent} reminders.")

    @app.cli.command("send-notices")
    @click.option(
        "--now",
        "at",
        type=click.DateTime(["%Y-%m-%dT%H:%M"]),
        help="Act as if it were this UTC time (tests and trials; not in production).",
    )
    def send_notices(at: datetime | None) -> None:
        """Make the plans' notices, queue pushes to people's devices, and send what is
        due (run every few minutes from cron; the in-app messages come first)."""
        settings = current_app.config["SETTINGS"]
        if at is not None and settings.is_production:
            raise click.ClickException("--now cannot be used in production.")
        now = at.replace(tzinfo=UTC) if at is not None else utcnow()
        with unit_of_work(get_session()) as session:
            made = send_plan_notices(session, now) + send_expiry_reminders(session, now.date())
            queued = push.queue(session, now)
        config = push.PushConfig(
            vapid_private_key=settings.vapid_private_key,
            vapid_subject=settings.vapid_subject,
            messages_url=f"{settings.base_url}/messages",
            allow_local=settings.push_allow_local,
        )
        with unit_of_work(get_session()) as session:
            report = push.deliver(session, now, config)
        click.echo(
            f"{made} new messages, {queued} pushes queued; sent to {report.sent} devices, "
            f"{report.retried} to try again, {report.given_up} given up, "
            f"{report.dropped} devices gone."
        )

    @app.cli.command("add-representation")
    @click.option(
        "--kind",
        required=True,
        type=click.Choice(["parental_custody", "guardian", "lasting_power_of_attorney"]),
    )
    @click.option("--represented-cpr", required=True)
    @click.option("--represented-name", required=True)
    @click.option("--representative-cpr", required=True)
    @click.option("--representative-name", required=True)
    @click.option(
        "--scope",
        "scopes",
        multiple=True,
        type=click.Choice(["read_plans", "record_wishes", "manage_consents"]),
        default=["read_plans", "record_wishes", "manage_consents"],
        show_default=True,
    )
    @click.option("--from", "valid_from", type=click.DateTime(["%Y-%m-%d"]), required=True)
    @click.option("--until", "valid_until", type=click.DateTime(["%Y-%m-%d"]))
    @click.option("--reference", help="The authority's case or registry reference.")
    def add_representation(
        kind: str,
        represented_cpr: str,
        represented_name: str,
        representative_cpr: str,
        representative_name: str,
        scopes: tuple[str, ...],
        valid_from: Any,
        valid_until: Any,
        reference: str | None,
    ) -> None:
        """Record a representation decided by an authority (custody, guardian, lasting power).

        Parental custody ends by itself on the child's 15th birthday.
        """
        settings = current_app.config["SETTINGS"]
        session = get_session()

        def person(cpr: str, name: str) -> Any:
            given, _, family = name.strip().rpartition(" ")
            return find_or_create_by_cpr(
                session, cpr, settings.cpr_hash_key, given or family, family if given else ""
            )

        try:
            row = add_from_authority(
                session,
                RepresentationKind(kind),
                person(represented_cpr, represented_name),
                person(representative_cpr, representative_name),
                [Scope(s) for s in scopes],
                valid_from.date(),
                valid_until.date() if valid_until else None,
                reference,
            )
            representation_created(session, row)
            session.commit()
        except InvalidCpr as error:
            session.rollback()
            raise click.ClickException("A CPR number has ten digits.") from error
        except RepresentationRefused as error:
            session.rollback()
            raise click.ClickException(str(error.message)) from error
        click.echo(f"Representation {row.id} recorded.")

    @app.cli.command("api-client")
    @click.argument("client_id")
    @click.option("--name", required=True, help="The system's name, e.g. 'Region Sjælland EPJ'.")
    @click.option(
        "--organisation",
        "organisations",
        multiple=True,
        required=True,
        help="An organisation identifier 'system|value' it may write for (repeat).",
    )
    @click.option(
        "--scope", "scopes", multiple=True, default=["api:plans:write"], show_default=True
    )
    def api_client(
        client_id: str, name: str, organisations: tuple[str, ...], scopes: tuple[str, ...]
    ) -> None:
        """Register a professional system; prints its secret once."""
        session = get_session()
        try:
            secret = register_client(session, client_id, name, list(organisations), list(scopes))
            session.commit()
        except ValueError as error:
            raise click.ClickException(str(error)) from error
        click.echo(f"client_id: {client_id}\nclient_secret: {secret}")
        click.echo("Keep the secret safe: it is not stored and cannot be shown again.")

    @app.cli.command("organisation-trail")
    @click.argument("identifier")
    def show_organisation_trail(identifier: str) -> None:
        """An organisation's trail: each change of its name, functions, phone numbers
        and opening hours, newest first, with the system that sent it."""
        session = get_session()
        organisation = session.scalar(
            select(Organisation).where(Organisation.identifier == identifier)
        )
        if organisation is None:
            raise click.ClickException(f"No organisation {identifier!r}.")
        events = organisation_trail(session, organisation.id)
        click.echo(f"{organisation.name} ({identifier}): {len(events)} change(s)")
        for event in events:
            changes = "; ".join(
                f"{field}: {event.details.get(field, '')}"
                for field in event.details.get("changed", "").split(", ")
                if field
            )
            click.echo(
                f"{event.occurred_at:%Y-%m-%d %H:%M} UTC  {event.details.get('client_id')}  "
                f"{event.resource_type} {event.details.get('identifier')}  {changes}"
            )
