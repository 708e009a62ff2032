"""a revision of the functions and organisations, kept by the database

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-29 13:20:00.000000

The plan page shows each function's phone number and opening hours as they are
now. Each app process keeps the functions it has shown and reads this revision in
the plan's own query: while it is unchanged, what is kept is what is stored (issue
17). Triggers give it a new random value on every change to either table, whoever
makes it (the plan API, a command, or a person with psql), in the changing
transaction: a reader sees the new revision only together with the new rows.
Random, not counted: a database restored from a backup and changed again never
comes back to a revision a process kept something else under.

A later migration that rebuilds either table on SQLite (batch_alter_table copies
it into a new table) drops its triggers and must create them again;
tests/functional/test_kept_functions.py fails on SQLite if it does not.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None

TABLES = ('functions', 'organisations')
NEW_REVISION = {
    'postgresql': "replace(gen_random_uuid()::text, '-', '')",
    'sqlite': 'lower(hex(randomblob(16)))',
}


def _bump(dialect: str) -> str:
    return f'UPDATE directory_revision SET revision = {NEW_REVISION[dialect]} WHERE id = 1'


def upgrade() -> None:
    op.create_table(
        'directory_revision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('revision', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_directory_revision')),
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        f'INSERT INTO directory_revision (id, revision) VALUES (1, {NEW_REVISION[dialect]})'
    )
    if dialect == 'postgresql':
        # Before the statement, once per statement: a transaction that changes the
        # directory locks this row before it changes any row of the directory, so
        # two of them wait for each other here rather than each holding rows the
        # other needs. The row is found in the schema of the table changed
        # (TG_TABLE_SCHEMA), not by the search path: whoever writes, as whatever
        # role, and after the schema is renamed. ENABLE ALWAYS: it fires in a
        # session with session_replication_role = replica too (replication, some
        # restores); only disabling it by hand stops it (docs/deployment.md).
        op.execute(
            "CREATE FUNCTION directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN EXECUTE format('UPDATE %I.directory_revision SET revision = "
            "replace(gen_random_uuid()::text, ''-'', '''') WHERE id = 1', TG_TABLE_SCHEMA); "
            "RETURN NULL; END $$"
        )
        for name in TABLES:
            op.execute(
                f'CREATE TRIGGER {name}_change_directory BEFORE INSERT OR UPDATE OR DELETE '
                f'OR TRUNCATE ON {name} FOR EACH STATEMENT EXECUTE FUNCTION directory_changed()'
            )
            op.execute(f'ALTER TABLE {name} ENABLE ALWAYS TRIGGER {name}_change_directory')
    else:
        # SQLite has row triggers only (and one writer at a time).
        for name in TABLES:
            for event in ('INSERT', 'UPDATE', 'DELETE'):
                op.execute(
                    f'CREATE TRIGGER {name}_{event.lower()}_changes_directory AFTER {event} '
                    f'ON {name} BEGIN {_bump(dialect)}; END'
                )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for name in TABLES:
            op.execute(f'DROP TRIGGER {name}_change_directory ON {name}')
        op.execute('DROP FUNCTION directory_changed()')
    else:
        for name in TABLES:
            for event in ('INSERT', 'UPDATE', 'DELETE'):
                op.execute(f'DROP TRIGGER {name}_{event.lower()}_changes_directory')
    op.drop_table('directory_revision')
