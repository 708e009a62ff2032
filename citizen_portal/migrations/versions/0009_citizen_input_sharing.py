"""citizen input goes only where there is a care relation

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 01:20:00.000000

`wish_sharing`: the citizen's "only for me" choice per wish section and scope
(no row: shared). `consents.recipient_organisation_id`: a consent's recipient
when it is an organisation; a consent for no particular plan is read back only
by that organisation's systems.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('wish_sharing',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('scope_key', sa.String(length=40), nullable=False),
    sa.Column('section', sa.Enum('what_matters', 'own_goals', 'challenges', 'what_helps', 'early_signs', 'contacts', 'missed_appointment', 'meetings', 'practical', 'advance_statement', name='wishsection', native_enum=False, length=40), nullable=False),
    sa.Column('only_for_me', sa.Boolean(), nullable=False),
    sa.Column('changed_by_person_id', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_person_id'], ['people.id'], name=op.f('fk_wish_sharing_changed_by_person_id_people')),
    sa.ForeignKeyConstraint(['citizen_id'], ['people.id'], name=op.f('fk_wish_sharing_citizen_id_people')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wish_sharing')),
    sa.UniqueConstraint('citizen_id', 'scope_key', 'section', name=op.f('uq_wish_sharing_citizen_id'))
    )
    with op.batch_alter_table('wish_sharing', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_wish_sharing_citizen_id'), ['citizen_id'], unique=False)
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_consents_recipient_organisation_id_organisations'), 'organisations', ['recipient_organisation_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('consents', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_consents_recipient_organisation_id_organisations'), type_='foreignkey')
        batch_op.drop_column('recipient_organisation_id')
    with op.batch_alter_table('wish_sharing', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_wish_sharing_citizen_id'))
    op.drop_table('wish_sharing')
