"""The Alembic migrations produce exactly the schema the models describe."""

from __future__ import annotations

from itertools import zip_longest
from pathlib import Path

from alembic import command
from sqlalchemy import Enum, create_engine, insert, select, text

from citizen_portal import migrate
from citizen_portal.models import metadata
from citizen_portal.organisations.models import Organisation
from citizen_portal.organisations.types import OrganisationKind, Sector
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
