"""a power of attorney keeps the representative's name as the citizen typed it

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 02:00:00.000000

Shown to the citizen until the representative accepts, so the form never tells the
citizen whose CPR number they typed (issue 13: no oracle).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('representations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('typed_name', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('representations', schema=None) as batch_op:
        batch_op.drop_column('typed_name')
