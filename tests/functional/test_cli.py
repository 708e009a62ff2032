"""The import, export and client registration commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal import create_app, migrate
from citizen_portal.api.models import ApiClient
from citizen_portal.audit.models import AuditEvent, AuditTag
from citizen_portal.people.services import hash_cpr
from citizen_portal.plans.models import Plan, PlanVersion
from tests.conftest import CPR_KEY, make_settings
from tests.functional.test_migrations import PREVIOUS_RELEASE
from tests.support.databases import fresh_database
from tests.support.fhir import EXAMPLES, REGION, api_token, example, post_bundle


def _versions(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(PlanVersion)) or 0


def test_import_folder_stores_each_bundle_and_reports_refusals(
    app: Flask, db: Session, connection: object, tmp_path: Path
) -> None:
    for path in EXAMPLES.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "zz-broken.json").write_text('{"resourceType": "Bundle", "type": "batch"}')
    (tmp_path / "zz-not-json.json").write_text("{")

    result = app.test_cli_runner().invoke(args=["import-bundles", str(tmp_path)])
    assert result.exit_code == 1
    assert "4 new versions, 0 unchanged, 2 refused." in result.output
    assert "zz-broken.json: refused: Bundle.type" in result.output
    assert "zz-not-json.json: refused: not JSON" in result.output
    assert _versions(db) == 4

    again = app.test_cli_runner().invoke(args=["import-bundles", str(tmp_path)])
    assert "0 new versions, 4 unchanged, 2 refused." in again.output
    assert _versions(db) == 4
    imported = db.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.PLAN_IMPORTED))
    assert sorted(e.details["created"][:2] for e in imported) == ["no"] * 4 + ["ye"] * 4


def test_export_gives_every_version_and_reimporting_it_changes_nothing(
    app: Flask, db: Session, connection: object, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["import-bundles", str(EXAMPLES)])
    out = tmp_path / "mette.json"
    result = runner.invoke(args=["export-citizen", "--cpr", "140388-1234", "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())
    assert exported["resourceType"] == "Bundle"
    audit = db.scalars(select(AuditEvent).where(AuditEvent.tag == AuditTag.PLANS_EXPORTED)).one()
    citizen = db.scalars(select(Plan.citizen_id).where(Plan.identifier_value == "ua-2026-0142"))
    assert audit.subject_person_id == citizen.one()
    assert audit.details["versions"] == "2"
    assert [e["resource"]["meta"]["versionId"] for e in exported["entry"]] == ["1", "2"]

    folder = tmp_path / "reimport"
    folder.mkdir()
    for i, entry in enumerate(exported["entry"]):
        (folder / f"{i}.json").write_text(json.dumps(entry["resource"]))
    before = _versions(db)
    result = runner.invoke(args=["import-bundles", str(folder)])
    assert "0 new versions, 2 unchanged, 0 refused." in result.output
    assert _versions(db) == before


def test_export_of_unknown_citizen_is_a_clear_error(
    app: Flask, connection: object, tmp_path: Path
) -> None:
    out = tmp_path / "never-written.json"
    result = app.test_cli_runner().invoke(
        args=["export-citizen", "--cpr", "0101010101", "-o", str(out)]
    )
    assert result.exit_code != 0
    assert "No citizen with that CPR number." in result.output
    assert not out.exists()


def test_api_client_registration_prints_the_secret_once(
    app: Flask, db: Session, connection: object
) -> None:
    result = app.test_cli_runner().invoke(
        args=["api-client", "region-epj", "--name", "Region EPJ", "--organisation", REGION]
    )
    assert result.exit_code == 0, result.output
    secret = result.output.split("client_secret: ")[1].split()[0]
    client = db.scalars(select(ApiClient)).one()
    assert secret not in client.secret_hash
    assert [o.identifier for o in client.organisations] == [REGION]
    bad = app.test_cli_runner().invoke(
        args=["api-client", "x", "--name", "X", "--organisation", REGION, "--scope", "root"]
    )
    assert "unknown scopes: root" in bad.output


def test_an_organisations_trail_shows_who_changed_its_phone_numbers(
    app: Flask, db: Session, connection: object
) -> None:
    client = app.test_client()
    token = api_token(client, db, [REGION])
    bundle = example("discharge-agreement")
    assert post_bundle(client, token, bundle).status_code == 201
    for entry in bundle["entry"]:
        if entry["fullUrl"] == "urn:uuid:role-r3-overlaege":
            entry["resource"]["telecom"] = [{"system": "phone", "value": "+45 47 32 49 49"}]
    assert post_bundle(client, token, bundle).status_code == 200
    result = app.test_cli_runner().invoke(args=["organisation-trail", REGION])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Psykiatrisk Afdeling Roskilde, Afsnit R3 ({REGION}): 2 change(s)"
    assert "region-sjaelland-epj  function urn:demo:practitioner-role|r3-overlaege" in lines[1]
    assert lines[1].endswith("phone: +45 47 32 40 00 -> +45 47 32 49 49")
    unknown = app.test_cli_runner().invoke(args=["organisation-trail", "urn:x|nobody"])
    assert unknown.exit_code != 0
    assert "No organisation" in unknown.output


def test_stored_bundles_hold_the_hash_and_export_gives_back_what_was_sent(
    app: Flask, db: Session, connection: object, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    runner.invoke(args=["import-bundles", str(EXAMPLES)])
    stored = db.scalars(
        select(PlanVersion.source_bundle)
        .join(Plan)
        .where(Plan.identifier_value == "ua-2026-0142")
        .order_by(PlanVersion.number)
    ).all()
    assert stored
    assert not any("1403881234" in json.dumps(bundle) for bundle in stored)
    assert all(hash_cpr("1403881234", CPR_KEY.encode()) in json.dumps(b) for b in stored)
    out = tmp_path / "mette.json"
    result = runner.invoke(args=["export-citizen", "--cpr", "140388-1234", "-o", str(out)])
    assert result.exit_code == 0, result.output
    exported = json.loads(out.read_text())
    sent = [
        json.loads((EXAMPLES / name).read_text())
        for name in ("discharge-agreement.json", "discharge-agreement.v2.json")
    ]
    for entry, original in zip(exported["entry"], sent, strict=True):
        bundle = dict(entry["resource"])
        bundle.pop("meta")
        original.pop("meta", None)
        assert bundle == original


def test_an_operator_rolls_the_database_back_to_the_previous_release_and_forward(
    tmp_path: Path,
) -> None:
    url = fresh_database("portal_cli_rollback", tmp_path)
    app = create_app(make_settings(url))
    runner = app.test_cli_runner()
    assert "up to date" in runner.invoke(args=["db-upgrade"]).output
    head = migrate.current(url)
    result = runner.invoke(args=["db-downgrade", PREVIOUS_RELEASE])
    assert result.exit_code == 0, result.output
    assert f"at revision {PREVIOUS_RELEASE}" in result.output
    assert migrate.current(url) == PREVIOUS_RELEASE
    runner.invoke(args=["db-upgrade"])
    assert migrate.current(url) == head != PREVIOUS_RELEASE
    app.extensions["database"].engine.dispose()
