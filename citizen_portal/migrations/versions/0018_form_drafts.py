"""form drafts: text typed into a form sent after the session ended, kept encrypted

Revision ID: 0018
Revises: 0016
Create Date: 2026-11-29 03:30:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0018'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'form_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.String(length=2000), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['person_id'], ['people.id'], name=op.f('fk_form_drafts_person_id_people')
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_drafts')),
    )
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_drafts_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_drafts_expires_at'), ['expires_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('form_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_drafts_expires_at'))
        batch_op.drop_index(batch_op.f('ix_form_drafts_person_id'))
    op.drop_table('form_drafts')
