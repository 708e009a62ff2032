"""no CPR number at rest in clear: source bundles keep the keyed hash, no ID tokens

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 01:20:00.000000

Every stored source bundle named the citizen by CPR number (the Patient's
identifier), and every sign-in kept its whole ID token (with the ``cpr``
claim) in ``user_sessions.id_token``. This revision replaces each CPR number
in a stored bundle by its keyed hash (HMAC-SHA256 with the CPR hash key, as
``people.services.hash_cpr``), and drops the ID token column: sign-out no
longer sends ``id_token_hint``. It also adds ``refused_calls``, where refused
API calls are counted per minute instead of one audit record each.

The rewrite needs the CPR hash key. ``citizen_portal.migrate.upgrade`` passes
it (``flask db-upgrade`` gives the app's own); else it is read from
``PORTAL_CPR_HASH_KEY``. With bundles to rewrite and no key, the migration
refuses before it changes anything (one transaction): run it again with the
key set.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

# Written out here rather than imported: a migration keeps meaning what it meant.
CPR_SYSTEM = 'urn:oid:1.2.208.176.1.2'
_CPR = re.compile(r'^\d{6}-?\d{4}$')


class MissingCprKey(RuntimeError):
    """Stored bundles hold CPR numbers, and no key to hash them was given."""


def _cpr_key() -> bytes | None:
    key = context.config.attributes.get('cpr_key')
    if key:
        return bytes(key)
    from_env = os.environ.get('PORTAL_CPR_HASH_KEY')
    return from_env.encode() if from_env else None


def _patient_cprs(bundle: Any) -> set[str]:
    found: set[str] = set()
    entries = bundle.get('entry') if isinstance(bundle, dict) else None
    for entry in entries or []:
        resource = entry.get('resource') if isinstance(entry, dict) else None
        if not isinstance(resource, dict) or resource.get('resourceType') != 'Patient':
            continue
        for identifier in resource.get('identifier') or []:
            value = identifier.get('value') if isinstance(identifier, dict) else None
            if identifier.get('system') == CPR_SYSTEM and isinstance(value, str):
                if _CPR.match(value.strip()):
                    found.add(value.strip().replace('-', ''))
    return found


def _replace(document: Any, old: str, new: str) -> Any:
    if isinstance(document, str):
        return document.replace(old, new)
    if isinstance(document, list):
        return [_replace(item, old, new) for item in document]
    if isinstance(document, dict):
        return {key: _replace(value, old, new) for key, value in document.items()}
    return document


def upgrade() -> None:
    connection = op.get_bind()
    versions = sa.table('plan_versions', sa.column('id', sa.Integer), sa.column('source_bundle', sa.JSON))
    rows = connection.execute(
        sa.select(versions.c.id, versions.c.source_bundle).where(versions.c.source_bundle.is_not(None))
    ).fetchall()
    rewrites: list[tuple[int, Any]] = []
    key = _cpr_key()
    for version_id, bundle in rows:
        if isinstance(bundle, str):
            bundle = json.loads(bundle)
        cprs = _patient_cprs(bundle)
        if not cprs:
            continue
        if key is None:
            raise MissingCprKey(
                'Stored plan bundles hold CPR numbers in clear, and the CPR hash key is '
                'not available. Set PORTAL_CPR_HASH_KEY (the key the portal runs with) '
                'and run the upgrade again (flask db-upgrade). Nothing was changed.'
            )
        for cpr in cprs:
            digest = hmac.new(key, cpr.encode(), hashlib.sha256).hexdigest()
            bundle = _replace(bundle, f'{cpr[:6]}-{cpr[6:]}', digest)
            bundle = _replace(bundle, cpr, digest)
        rewrites.append((version_id, bundle))
    for version_id, bundle in rewrites:
        connection.execute(
            versions.update().where(versions.c.id == version_id).values(source_bundle=bundle)
        )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_column('id_token')
    # Refused API calls, counted per minute (rate limiting, issue 12).
    op.create_table(
        'refused_calls',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('window_start', sa.DateTime(timezone=True), nullable=False),
        sa.Column('tag', sa.String(length=60), nullable=False),
        sa.Column('status', sa.String(length=3), nullable=False),
        sa.Column('client_id', sa.String(length=100), nullable=False),
        sa.Column('address', sa.String(length=64), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.Column('last_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('window_start', 'tag', 'status', 'client_id', 'address'),
    )


def downgrade() -> None:
    op.drop_table('refused_calls')
    # The hashes cannot be turned back into CPR numbers, nor the tokens restored.
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_token', sa.Text(), nullable=True))
