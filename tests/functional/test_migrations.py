"""The Alembic migrations produce exactly the schema the models describe."""

from __future__ import annotations

import json
from datetime import date
from itertools import zip_longest
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Enum, create_engine, func, insert, inspect, select, text, update
from sqlalchemy import table as table_named
from sqlalchemy.orm import Session

from citizen_portal import migrate
from citizen_portal.demo.data import PERSONAS
from citizen_portal.fhir.demo_loader import load_demo_data
from citizen_portal.models import metadata
from citizen_portal.organisations.models import Organisation
from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.people.models import Person
from citizen_portal.people.services import hash_cpr, with_cpr
from citizen_portal.plans.models import Plan, PlanVersion
from tests.support.databases import fresh_database


def test_migrations_match_the_models(tmp_path: Path) -> None:
    url = fresh_database("portal_migration_check", tmp_path)
    migrate.upgrade(url)
    # Raises if autogenerate would find any difference between models and schema.
    command.check(migrate.alembic_config(url))


def test_every_enum_column_stores_values_not_names() -> None:
    for table in metadata.tables.values():
        for column in table.columns:
            if isinstance(column.type, Enum):
                assert column.type.enum_class is not None, column
                values = [member.value for member in column.type.enum_class]
                assert column.type.enums == values, f"{table.name}.{column.name}"


# Before revision 0007 the organisations table held the members' names.
OLD_ROWS = [
    (f"org-{index}", kind.name if kind else "OTHER", sector.name if sector else "OTHER")
    for index, (kind, sector) in enumerate(zip_longest(OrganisationKind, Sector))
]


def _stored(url: str) -> list[tuple[str, str, str]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT identifier, kind, sector FROM organisations ORDER BY id")
        ).all()
    engine.dispose()
    return [(row.identifier, row.kind, row.sector) for row in rows]


def test_organisations_move_from_names_to_values_and_back(tmp_path: Path) -> None:
    # Its own schema on PostgreSQL: never the suite's portal_test, which may be in use.
    url = fresh_database("portal_migration_enum_values", tmp_path)
    config = migrate.alembic_config(url)
    command.upgrade(config, "0006")
    engine = create_engine(url)
    with engine.begin() as conn:
        for identifier, kind, sector in OLD_ROWS:
            conn.execute(
                text(
                    "INSERT INTO organisations (identifier, name, kind, sector)"
                    " VALUES (:identifier, 'Org', :kind, :sector)"
                ),
                {"identifier": identifier, "kind": kind, "sector": sector},
            )
    engine.dispose()

    command.upgrade(config, "0007")
    as_values = [
        (identifier, OrganisationKind[kind].value, Sector[sector].value)
        for identifier, kind, sector in OLD_ROWS
    ]
    assert _stored(url) == as_values
    # The model reads every migrated row back as its member, and writes values too.
    engine = create_engine(url)
    with engine.begin() as conn:
        read = conn.execute(
            select(Organisation.kind, Organisation.sector).order_by(Organisation.id)
        ).all()
        assert [(row.kind, row.sector) for row in read] == [
            (OrganisationKind[kind], Sector[sector]) for _, kind, sector in OLD_ROWS
        ]
        conn.execute(
            insert(Organisation).values(
                identifier="org-new",
                name="Org",
                kind=OrganisationKind.GP_PRACTICE,
                sector=Sector.GENERAL_PRACTICE,
            )
        )
    engine.dispose()
    assert _stored(url)[-1] == ("org-new", "gp_practice", "general_practice")

    command.downgrade(config, "0006")
    assert _stored(url) == [*OLD_ROWS, ("org-new", "GP_PRACTICE", "GENERAL_PRACTICE")]

    command.upgrade(config, "head")
    assert _stored(url) == [*as_values, ("org-new", "gp_practice", "general_practice")]


def _bundles(url: str) -> dict[int, dict[str, object]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(PlanVersion.id, PlanVersion.source_bundle)).all()
    engine.dispose()
    return {row.id: row.source_bundle for row in rows}


def test_0010_hashes_cpr_numbers_in_stored_bundles_and_drops_id_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PORTAL_CPR_HASH_KEY", raising=False)
    url = fresh_database("portal_migration_cpr_at_rest", tmp_path)
    config = migrate.alembic_config(url)
    key = b"migration-test-key"
    # The demo is loaded by today's code, so at the newest revision; then the
    # database goes back to the revision before 0010 ...
    migrate.upgrade(url, cpr_key=key)
    engine = create_engine(url)
    with Session(engine) as db:
        load_demo_data(db, key, date(2026, 6, 1))
        db.commit()
    engine.dispose()
    command.downgrade(config, "0009")
    engine = create_engine(url)
    # ... and holds what it held there: bundles as sent (CPR in clear), whole ID tokens.
    with Session(engine) as db:
        people = {p.cpr_hash: p for p in db.scalars(select(Person))}
        plan_people = dict(db.execute(select(PlanVersion.id, Plan.citizen_id).join(Plan)).all())
        cpr_of = {
            people[hash_cpr(p.cpr, key)].id: p.cpr
            for p in PERSONAS
            if hash_cpr(p.cpr, key) in people
        }
        as_sent = {}
        for version_id, bundle in db.execute(select(PlanVersion.id, PlanVersion.source_bundle)):
            person = db.get(Person, plan_people[version_id])
            assert person is not None
            as_sent[version_id] = with_cpr(bundle, cpr_of[person.id], person.cpr_hash)
            db.execute(
                update(PlanVersion)
                .where(PlanVersion.id == version_id)
                .values(source_bundle=as_sent[version_id])
            )
        someone = next(iter(people.values()))
        db.execute(
            text(
                "INSERT INTO user_sessions"
                " (token_hash, person_id, created_at, last_seen_at, id_token) VALUES"
                " ('x', :person, '2026-06-01 10:00:00', '2026-06-01 10:00:00', 'eyJ.eyJj.sig')"
            ),
            {"person": someone.id},
        )
        db.commit()
    engine.dispose()
    assert any(cpr in json.dumps(b) for b in as_sent.values() for cpr in cpr_of.values())

    # Without the key, the revision refuses plainly and changes nothing.
    with pytest.raises(RuntimeError, match="PORTAL_CPR_HASH_KEY"):
        migrate.upgrade(url)
    assert _bundles(url) == as_sent

    migrate.upgrade(url, cpr_key=key)
    stored = _bundles(url)
    for version_id, bundle in stored.items():
        text_of = json.dumps(bundle)
        assert not any(cpr in text_of for cpr in cpr_of.values())
        person_id = plan_people[version_id]
        cpr = cpr_of[person_id]
        assert with_cpr(bundle, cpr, hash_cpr(cpr, key)) == as_sent[version_id]
    engine = create_engine(url)
    assert "id_token" not in {c["name"] for c in inspect(engine).get_columns("user_sessions")}
    engine.dispose()


# The head of the last release (what is deployed today): an upgrade must start
# from its schema with its data, and a rollback must be able to return to it.
PREVIOUS_RELEASE = "0014"


def _revisions(url: str) -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config(url))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def _row_counts(url: str, tables: list[str]) -> dict[str, int]:
    engine = create_engine(url)
    with engine.connect() as conn:
        counts = {
            name: int(
                conn.execute(select(func.count()).select_from(table_named(name))).scalar_one()
            )
            for name in tables
        }
    engine.dispose()
    return counts


def test_every_migration_goes_up_down_and_up_again_from_empty(tmp_path: Path) -> None:
    """The stairway: each revision's downgrade undoes its upgrade exactly enough
    that the upgrade runs again, on SQLite and on PostgreSQL."""
    url = fresh_database("portal_migration_stairway", tmp_path)
    config = migrate.alembic_config(url)
    for revision in _revisions(url):
        command.upgrade(config, revision)
        command.downgrade(config, "-1")
        command.upgrade(config, revision)
    command.check(config)
    command.downgrade(config, "base")
    engine = create_engine(url)
    left = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    engine.dispose()
    assert left == []


def test_the_previous_release_with_its_data_upgrades_and_rolls_back(tmp_path: Path) -> None:
    url = fresh_database("portal_migration_release", tmp_path)
    config = migrate.alembic_config(url)
    migrate.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        assert load_demo_data(session, b"k" * 32, date(2026, 11, 1)) > 0
        session.commit()
    release_tables = [t for t in inspect(engine).get_table_names() if t not in ("alembic_version",)]
    engine.dispose()
    command.downgrade(config, PREVIOUS_RELEASE)
    engine = create_engine(url)
    at_release = [t for t in inspect(engine).get_table_names() if t != "alembic_version"]
    engine.dispose()
    before = _row_counts(url, at_release)
    assert before["plan_versions"] > 0
    assert before["people"] >= len(PERSONAS)

    command.upgrade(config, "head")
    after_upgrade = _row_counts(url, at_release)
    assert after_upgrade == before
    command.check(config)
    assert set(release_tables) <= set(_row_counts(url, release_tables))
    command.downgrade(config, PREVIOUS_RELEASE)
    assert _row_counts(url, at_release) == before
