"""a plan version says whether the patient did not wish to state their wishes

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 01:10:00.000000

Psychiatry Act §13a/§13b: a plan carries the patient's wishes, or says that they
did not wish to state them. Versions stored before said nothing of it: false.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'patient_wishes_declined', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('plan_versions', schema=None) as batch_op:
        batch_op.drop_column('patient_wishes_declined')
