"""Load the demo data through the same ingest path partners use (idempotent)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from citizen_portal.demo.bundles import demo_bundles
from citizen_portal.demo.data import PERSONAS
from citizen_portal.people.services import find_or_create_by_cpr
from citizen_portal.plans.ingest import ingest_bundle


def load_demo_data(session: Session, cpr_key: bytes, today: date) -> int:
    """Ingest every demo plan version; returns how many new versions were stored."""
    for persona in PERSONAS:  # people without plans can sign in too
        find_or_create_by_cpr(
            session, persona.cpr, cpr_key, persona.given_name, persona.family_name
        )
    session.commit()
    created = 0
    for bundle in demo_bundles(today):
        result = ingest_bundle(session, bundle, cpr_key=cpr_key, client=None)
        created += result.created
    return created
