"""a function is identified within its organisation

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 02:10:00.000000

(organisation, identifier) is unique, not the identifier alone: another
organisation's function with the same identifier is another function, so nobody
can take or squat one (issue 12; found by the third outside review).
"""

from __future__ import annotations

from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('functions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_functions_identifier'), type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_functions_organisation_id'), ['organisation_id', 'identifier']
        )
        batch_op.create_index(batch_op.f('ix_functions_identifier'), ['identifier'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('functions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_functions_identifier'))
        batch_op.drop_constraint(batch_op.f('uq_functions_organisation_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_functions_identifier'), ['identifier'])
