"""the development identity provider keeps its key and codes in the database

Revision ID: 0020
Revises: 0018
Create Date: 2026-11-29 03:30:00.000000

With several workers or instances, a code issued by one is redeemed at another,
and every one signs with the same key (issue 17).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'dev_idp_keys',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('private_jwk', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_dev_idp_keys')),
    )
    op.create_table(
        'dev_idp_codes',
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('client_id', sa.String(length=200), nullable=False),
        sa.Column('redirect_uri', sa.String(length=2000), nullable=False),
        sa.Column('scope', sa.String(length=200), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('nonce', sa.String(length=200), nullable=True),
        sa.Column('code_challenge', sa.String(length=200), nullable=True),
        sa.Column('code_challenge_method', sa.String(length=20), nullable=True),
        sa.Column('auth_time', sa.Integer(), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_dev_idp_codes')),
    )
    with op.batch_alter_table('dev_idp_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dev_idp_codes_nonce'), ['nonce'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dev_idp_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dev_idp_codes_nonce'))
    op.drop_table('dev_idp_codes')
    op.drop_table('dev_idp_keys')
