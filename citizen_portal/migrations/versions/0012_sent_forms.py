"""forms sent once: a one-time token per form, and where the first send went

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 01:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'sent_forms',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('location', sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_sent_forms_person_id_people')
        ),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_sent_forms')),
    )
    with op.batch_alter_table('sent_forms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sent_forms_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('sent_forms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sent_forms_person_id'))
    op.drop_table('sent_forms')
