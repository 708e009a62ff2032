"""Importing with several worker processes gives the same history as one by one."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal import migrate
from citizen_portal.db import make_engine
from citizen_portal.fhir.importer import ImportItem, import_parallel, partition
from citizen_portal.plans.models import Plan, PlanVersion
from tests.conftest import make_settings
from tests.support.databases import fresh_database
from tests.support.fhir import example, resource


def _items() -> list[ImportItem]:
    items = []
    for n in range(6):
        for name in ("discharge-agreement", "discharge-agreement.v2", "coordination-plan"):
            bundle = example(name)
            careplan = resource(bundle, "CarePlan")
            careplan["identifier"][0]["value"] += f"-{n}"
            resource(bundle, "Patient")["identifier"][0]["value"] = f"01019{n}1234"
            items.append(ImportItem(f"{n}-{name}.json", bundle))
    items.append(ImportItem("zz-broken.json", None, "not JSON"))
    return items


def test_versions_of_a_plan_stay_together_and_in_order() -> None:
    parts = partition(_items(), 3)
    for part in parts:
        names = [item.name for item in part]
        for n in range(6):
            mine = [name for name in names if name.startswith(f"{n}-discharge")]
            assert mine in (
                [],
                [f"{n}-discharge-agreement.json", f"{n}-discharge-agreement.v2.json"],
            )


def test_parallel_import_stores_the_same_history(tmp_path: Path) -> None:
    # Two processes on PostgreSQL; on SQLite (one writer at a time) one process.
    url = fresh_database("portal_parallel_import", tmp_path)
    migrate.upgrade(url)
    results = import_parallel(make_settings(url), _items(), workers=2)

    assert [r.outcome for r in results].count("new") == 18
    assert results[-1].outcome == "refused"
    engine = make_engine(url)
    with Session(engine) as db:
        for n in range(6):
            numbers = db.scalars(
                select(PlanVersion.number)
                .join(Plan)
                .where(Plan.identifier_value == f"ua-2026-0142-{n}")
                .order_by(PlanVersion.number)
            ).all()
            assert numbers == [1, 2]
            v2 = db.scalars(
                select(PlanVersion)
                .join(Plan)
                .where(Plan.identifier_value == f"ua-2026-0142-{n}", PlanVersion.number == 2)
            ).one()
            # Version 2 is the v2 bundle: the outreach team took over housing support.
            assert any(
                "Opsøgende team" in a.responsible_function.title
                for a in v2.actions
                if a.responsible_function
            )
    engine.dispose()
