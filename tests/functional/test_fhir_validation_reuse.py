"""Organisations and functions are validated once and reused across bundles;
that must never hide a problem or serve an older version of a resource."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from citizen_portal.fhir.outcome import InvalidBundle
from citizen_portal.fhir.plan_bundle import forget_validated_resources, read_plan_bundle
from tests.support.fhir import example

ROLE = "urn:uuid:role-lp-koege-team"


def _role(bundle: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    for index, entry in enumerate(bundle["entry"]):
        if entry["fullUrl"] == ROLE:
            role: dict[str, Any] = entry["resource"]
            return index, role
    raise KeyError(ROLE)


def _phone(bundle: dict[str, Any]) -> str | None:
    parsed = read_plan_bundle(bundle)
    return parsed.functions["urn:demo:practitioner-role|lp-koege-team"].phone


def test_a_changed_function_is_read_as_sent(app: Flask) -> None:
    with app.app_context():
        first = example("discharge-agreement")
        assert _phone(first) == "+45 56 63 15 00"
        changed = example("discharge-agreement")
        _role(changed)[1]["telecom"][0]["value"] = "+45 11 22 33 44"
        assert _phone(changed) == "+45 11 22 33 44"
        assert _phone(example("discharge-agreement")) == "+45 56 63 15 00"


@pytest.mark.parametrize("seen_valid_first", [False, True])
def test_an_invalid_function_is_reported_with_its_path(app: Flask, seen_valid_first: bool) -> None:
    with app.app_context():
        forget_validated_resources()
        if seen_valid_first:
            read_plan_bundle(example("discharge-agreement"))
        bundle = example("discharge-agreement")
        index, role = _role(bundle)
        role["active"] = "maybe"
        with pytest.raises(InvalidBundle) as refused:
            read_plan_bundle(bundle)
        paths = [issue.path for issue in refused.value.issues]
        assert f"Bundle.entry[{index}].resource.active" in paths, paths
