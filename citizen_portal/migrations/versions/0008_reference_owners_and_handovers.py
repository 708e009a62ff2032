"""reference data owners, plan identifiers per author, plan hand-overs

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29 01:10:00.000000

- A plan's business identifier is unique per author organisation, not globally
  (one organisation can no longer reserve or probe another's identifiers).
- Audit events can name the organisation whose reference data changed.
- plan_handovers: a plan handed from its author to another organisation.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint('uq_plans_identifier_system', type_='unique')
        batch_op.create_unique_constraint(
            batch_op.f('uq_plans_author_organisation_id'),
            ['author_organisation_id', 'identifier_system', 'identifier_value'],
        )

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_organisation_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_audit_events_subject_organisation_id_organisations'),
            'organisations',
            ['subject_organisation_id'],
            ['id'],
        )
        batch_op.create_index(
            'ix_audit_events_organisation_time',
            ['subject_organisation_id', 'occurred_at'],
            unique=False,
        )

    op.create_table('plan_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('from_organisation_id', sa.Integer(), nullable=False),
    sa.Column('to_organisation_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('requested_by', sa.String(length=200), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['from_organisation_id'], ['organisations.id'], name=op.f('fk_plan_handovers_from_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['plan_id'], ['plans.id'], name=op.f('fk_plan_handovers_plan_id_plans')),
    sa.ForeignKeyConstraint(['to_organisation_id'], ['organisations.id'], name=op.f('fk_plan_handovers_to_organisation_id_organisations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_handovers'))
    )
    with op.batch_alter_table('plan_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_handovers_plan_id'), ['plan_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('plan_handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_handovers_plan_id'))
    op.drop_table('plan_handovers')

    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_organisation_time')
        batch_op.drop_constraint(
            batch_op.f('fk_audit_events_subject_organisation_id_organisations'), type_='foreignkey'
        )
        batch_op.drop_column('subject_organisation_id')

    with op.batch_alter_table('plans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_plans_author_organisation_id'), type_='unique')
        batch_op.create_unique_constraint(
            'uq_plans_identifier_system', ['identifier_system', 'identifier_value']
        )
