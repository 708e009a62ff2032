"""The import command stores bundles in batches; the outcome must be exactly
that of storing them one by one, in order, as the API does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal import migrate
from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.db import make_engine
from citizen_portal.fhir.importer import ImportItem, ImportResult, import_items
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans.models import Plan, PlanVersion
from tests.conftest import CPR_KEY
from tests.support.databases import fresh_database
from tests.support.fhir import example, resource

CITIZEN, OTHER_CITIZEN, STRANGER = "0101901234", "0202902345", "0303903456"
NEW_PHONE = "+45 11 22 33 44"


def _bundle(name: str, plan: str, cpr: str = CITIZEN) -> dict[str, Any]:
    bundle = example(name)
    resource(bundle, "CarePlan")["identifier"][0]["value"] = plan
    resource(bundle, "Patient")["identifier"][0]["value"] = cpr
    return bundle


def _items() -> list[ImportItem]:
    new_phone = _bundle("discharge-agreement.v2", "A")
    for entry in new_phone["entry"]:  # a responsible function, not a meeting participant
        if entry["fullUrl"] == "urn:uuid:role-lp-koege-team":
            entry["resource"]["telecom"][0]["value"] = NEW_PHONE
    # Identifiers are per author (issue 12): the same plan in another type, by its author.
    other_type = _bundle("coordinated-action-plan", "B", OTHER_CITIZEN)
    for entry in other_type["entry"]:
        if entry["fullUrl"] == resource(other_type, "CarePlan")["author"]["reference"]:
            entry["resource"]["identifier"][0]["value"] = "sor:psyk-roskilde-r3"
    steps = [
        ("A v1", _bundle("discharge-agreement", "A")),
        ("A v1 again", _bundle("discharge-agreement", "A")),
        ("A v2", _bundle("discharge-agreement.v2", "A")),
        ("A v1 replayed", _bundle("discharge-agreement", "A")),
        ("B v1", _bundle("coordination-plan", "B", OTHER_CITIZEN)),
        ("A for a stranger", _bundle("discharge-agreement.v2", "A", STRANGER)),
        ("B as another type", other_type),
        ("broken", {"resourceType": "Bundle", "type": "collection", "entry": []}),
        ("C v1", _bundle("coordinated-action-plan", "C")),
        ("C v1 again", _bundle("coordinated-action-plan", "C")),
        ("D for a stranger, then refused", _bundle("coordination-plan", "A", STRANGER)),
        ("A v1 again", _bundle("discharge-agreement", "A")),
        ("A v2, a new phone number", new_phone),
    ]
    return [ImportItem(name, data) for name, data in steps]


def _import(app: Flask, url: str, batch_size: int) -> tuple[list[ImportResult], Any]:
    migrate.upgrade(url)
    engine = make_engine(url)
    with app.app_context(), Session(engine, expire_on_commit=False) as db:
        results = import_items(db, _items(), CPR_KEY.encode(), batch_size=batch_size)
        stored = {
            "versions": db.execute(
                select(
                    Plan.identifier_value,
                    Plan.plan_type,
                    PlanVersion.number,
                    PlanVersion.content_hash,
                    Person.given_name,
                )
                .join(PlanVersion.plan)
                .join(Person, Person.id == Plan.citizen_id)
                .order_by(Plan.identifier_value, PlanVersion.number)
            ).all(),
            "people": db.scalars(select(Person.cpr_hash).order_by(Person.cpr_hash)).all(),
            "organisations": db.execute(
                select(Organisation.identifier, Organisation.name).order_by(Organisation.identifier)
            ).all(),
            "functions": db.execute(
                select(Function.identifier, Function.title, Function.phone).order_by(
                    Function.identifier
                )
            ).all(),
            "audited": db.scalars(
                select(AuditEvent.details["version"].as_string()).where(
                    AuditEvent.tag == AuditTag.PLAN_IMPORTED
                )
            ).all(),
        }
    engine.dispose()
    return results, stored


def test_a_batch_stores_what_one_by_one_would(app: Flask, tmp_path: Path) -> None:
    one_by_one, stored_one_by_one = _import(app, fresh_database("batch_of_one", tmp_path), 1)
    batched, stored_batched = _import(app, fresh_database("batch_of_five", tmp_path), 5)

    outcomes = [(r.name, r.outcome, r.version) for r in one_by_one]
    assert outcomes == [
        ("A v1", "new", 1),
        ("A v1 again", "unchanged", 1),
        ("A v2", "new", 2),
        ("A v1 replayed", "unchanged", 1),
        ("B v1", "new", 1),
        ("A for a stranger", "refused", None),
        ("B as another type", "refused", None),
        ("broken", "refused", None),
        ("C v1", "new", 1),
        ("C v1 again", "unchanged", 1),
        ("D for a stranger, then refused", "refused", None),
        ("A v1 again", "unchanged", 1),
        ("A v2, a new phone number", "unchanged", 2),
    ]
    assert [(r.name, r.outcome, r.version, r.problems) for r in batched] == [
        (r.name, r.outcome, r.version, r.problems) for r in one_by_one
    ]
    assert stored_batched == stored_one_by_one

    # What the refusals left out: no stranger, and no version from them.
    assert len(stored_batched["people"]) == 2
    assert [(v[0], v[2]) for v in stored_batched["versions"]] == [
        ("A", 1),
        ("A", 2),
        ("B", 1),
        ("C", 1),
    ]
    # Contact details are shared records, updated in place by the last bundle.
    assert NEW_PHONE in [phone for _, _, phone in stored_batched["functions"]]
    # Every stored or repeated bundle is audited, refusals are not stored at all.
    assert len(stored_batched["audited"]) == 9
