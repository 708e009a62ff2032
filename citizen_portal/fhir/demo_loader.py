"""Load the demo: its people, its plans as FHIR bundles read and stored through
the same path as partners' (idempotent), and its powers of attorney."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from citizen_portal.db import utcnow
from citizen_portal.demo.data import DEMO_POWERS_OF_ATTORNEY, PERSONAS
from citizen_portal.fhir.demo_bundles import demo_bundles
from citizen_portal.fhir.plan_bundle import read_plan_bundle
from citizen_portal.people.services import find_or_create_by_cpr
from citizen_portal.plans.ingest import IncomingPlan, store_plan
from citizen_portal.representation.services import grant_power_of_attorney, involving
from citizen_portal.security.actors import Scope


def load_demo_data(session: Session, cpr_key: bytes, today: date) -> int:
    """Ingest every demo plan version; returns how many new versions were stored.

    Writes in the caller's transaction (``flask load-demo`` commits it once)."""
    for persona in PERSONAS:  # people without plans can sign in too
        find_or_create_by_cpr(
            session, persona.cpr, cpr_key, persona.given_name, persona.family_name
        )
    created = 0
    for bundle in demo_bundles(today):
        plan = IncomingPlan(read_plan_bundle(bundle), bundle)
        result = store_plan(session, plan, cpr_key=cpr_key, client=None)
        created += result.created
    _give_demo_powers(session, cpr_key)
    return created


def _give_demo_powers(session: Session, cpr_key: bytes) -> None:
    by_subject = {p.subject: p for p in PERSONAS}
    for citizen_subject, representative_subject, scopes in DEMO_POWERS_OF_ATTORNEY:
        citizen, representative = (
            find_or_create_by_cpr(
                session,
                by_subject[s].cpr,
                cpr_key,
                by_subject[s].given_name,
                by_subject[s].family_name,
            )
            for s in (citizen_subject, representative_subject)
        )
        if any(
            r.representative_id == representative.id and r.revoked_at is None
            for r in involving(session, citizen.id)
        ):
            continue
        row = grant_power_of_attorney(
            session, citizen, representative, [Scope(s) for s in scopes], None
        )
        row.accepted_at = utcnow()
    session.flush()
