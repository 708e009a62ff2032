"""organisations store enum values, like every other table

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 00:40:00.000000

Until now `organisations.kind` and `organisations.sector` held the members'
Python names ("GP_PRACTICE"), every other enum column their values
("gp_practice"). The columns are plain VARCHAR(30) without a CHECK constraint
(non-native enums, made without `create_constraint`) on SQLite and PostgreSQL
alike, so only the data changes: no batch table rebuild is needed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

# Written out here rather than imported: a migration must keep meaning what it
# meant when it was written, whatever the enums in the code become later.
KIND_VALUES = {
    'REGION': 'region',
    'MUNICIPALITY': 'municipality',
    'GP_PRACTICE': 'gp_practice',
    'OTHER': 'other',
}
SECTOR_VALUES = {
    'PSYCHIATRY': 'psychiatry',
    'SOMATIC_HOSPITAL': 'somatic_hospital',
    'SOCIAL_SERVICES': 'social_services',
    'ADDICTION': 'addiction',
    'EMPLOYMENT': 'employment',
    'HOUSING_SUPPORT': 'housing_support',
    'GENERAL_PRACTICE': 'general_practice',
    'PRIVATE_PSYCHIATRIST': 'private_psychiatrist',
    'PROBATION': 'probation',
    'OTHER': 'other',
}

organisations = sa.table(
    'organisations',
    sa.column('kind', sa.String(30)),
    sa.column('sector', sa.String(30)),
)


def _rename(column: str, mapping: dict[str, str]) -> None:
    for old, new in mapping.items():
        op.execute(
            organisations.update()
            .where(organisations.c[column] == old)
            .values({column: new})
        )


def upgrade() -> None:
    _rename('kind', KIND_VALUES)
    _rename('sector', SECTOR_VALUES)


def downgrade() -> None:
    _rename('kind', {value: name for name, value in KIND_VALUES.items()})
    _rename('sector', {value: name for name, value in SECTOR_VALUES.items()})
