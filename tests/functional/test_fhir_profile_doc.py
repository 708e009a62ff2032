"""The profile document and its examples stay true to the code."""

from __future__ import annotations

import json
from pathlib import Path

from citizen_portal.fhir import bundle_reader, profile, raw_json
from citizen_portal.fhir.demo_bundles import example_bundles

DOCS = Path(__file__).resolve().parents[2] / "docs"


def test_committed_examples_are_what_the_builder_makes() -> None:
    expected = example_bundles()
    committed = {p.name for p in (DOCS / "fhir-examples").glob("*.json")}
    assert committed == set(expected), "run: python -m citizen_portal.fhir.demo_bundles"
    for name, bundle in expected.items():
        on_disk = json.loads((DOCS / "fhir-examples" / name).read_text())
        assert on_disk == json.loads(json.dumps(bundle)), name


def test_profile_document_names_every_code_system_and_extension() -> None:
    text = (DOCS / "fhir-profile.md").read_text()
    urls = [
        value
        for name, value in vars(profile).items()
        if name.endswith("_SYSTEM") or name.startswith("EXT_")
    ]
    urls += list(profile.TEXT_EXTENSIONS.values())
    missing = [url for url in urls if url not in text and url.rsplit("/", 1)[-1] not in text]
    assert missing == []
    for code in [
        *profile.PLAN_TYPES,
        *profile.CARE_TEAM_ROLES,
        *profile.PLAN_GROUNDS,
        *profile.APPOINTMENT_KINDS,
        *profile.EXISTING_PLAN_KINDS,
    ]:
        assert f"`{code}`" in text, code


def test_profile_document_states_the_text_limits_the_code_enforces() -> None:
    text = (DOCS / "fhir-profile.md").read_text()
    for limit in (
        bundle_reader.PLAN_IDENTIFIER,
        bundle_reader.PERSON_NAME,
        bundle_reader.ORGANISATION_IDENTIFIER,
        bundle_reader.ORGANISATION_NAME,
        bundle_reader.FUNCTION_IDENTIFIER,
        bundle_reader.FUNCTION_TITLE,
        bundle_reader.OPENING_HOURS,
        bundle_reader.PLACE,
        bundle_reader.CONTACT,
    ):
        assert f"| {limit}" in text, limit
    assert f"{bundle_reader.PHONE} / {bundle_reader.EMAIL} |" in text
    assert f"{bundle_reader.MAX_TEXT:,} |" in text
    assert f"more than {raw_json.MAX_DEPTH} levels" in text
    assert f"years {raw_json.FIRST_YEAR} to {raw_json.LAST_YEAR}" in text
