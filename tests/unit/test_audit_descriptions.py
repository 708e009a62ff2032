from __future__ import annotations

from citizen_portal.audit.descriptions import DESCRIPTIONS
from citizen_portal.audit.models import AuditTag


def test_every_audit_tag_is_described_or_declared_outside_the_citizens_log() -> None:
    # A new tag must get plain words (or None, saying it never concerns a citizen's data).
    assert set(DESCRIPTIONS) == set(AuditTag)
