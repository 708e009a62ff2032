"""A plan carries its own citizen's CPR number only (kept as its keyed hash): a
second person's CPR number anywhere in a bundle is refused, never stored in clear.

Found by the second outside review: a second CPR identifier on the Patient, a
second Patient, or a CPR number under another identifier system were accepted and
stored in clear in the kept source bundle."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.fhir import profile
from citizen_portal.plans.models import PlanVersion
from tests.support.fhir import REGION, api_token, example, post_bundle, resource

OTHER = "1206795678"  # a valid CPR date (12 June 1979): someone else's number


def _second_identifier(bundle: dict[str, Any]) -> None:
    resource(bundle, "Patient")["identifier"].append({"system": profile.CPR_SYSTEM, "value": OTHER})


def _second_patient(bundle: dict[str, Any]) -> None:
    entry = copy.deepcopy(
        next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    )
    entry["fullUrl"] += "-other"
    entry["resource"]["identifier"] = [{"system": profile.CPR_SYSTEM, "value": OTHER}]
    bundle["entry"].append(entry)


def _other_system(bundle: dict[str, Any]) -> None:
    resource(bundle, "Patient")["identifier"].append({"system": "urn:x:journal", "value": OTHER})


def _in_free_text(bundle: dict[str, Any]) -> None:
    resource(bundle, "CarePlan")["description"] = f"Samtale med faderen ({OTHER[:6]}-{OTHER[6:]})."


@pytest.mark.parametrize(
    "smuggle", [_second_identifier, _second_patient, _other_system, _in_free_text]
)
def test_another_persons_cpr_number_is_refused_and_not_stored(
    client: FlaskClient, db: Session, smuggle: Any
) -> None:
    bundle = example("discharge-agreement")
    smuggle(bundle)
    response = post_bundle(client, api_token(client, db, [REGION]), bundle)
    assert response.status_code == 422
    issues = response.get_json()["issue"]
    assert any("not the citizen's" in i["diagnostics"] for i in issues)
    assert OTHER not in response.get_data(as_text=True)  # nor echoed back
    assert db.scalars(select(PlanVersion)).first() is None


def test_the_citizens_own_number_and_other_numbers_are_fine(
    client: FlaskClient, db: Session
) -> None:
    bundle = example("discharge-agreement")
    careplan = resource(bundle, "CarePlan")
    cpr = resource(bundle, "Patient")["identifier"][0]["value"]
    careplan["description"] = (
        f"Mette ({cpr[:6]}-{cpr[6:]}) ringer på 20 30 40 50 eller 1234567890123."
    )
    response = post_bundle(client, api_token(client, db, [REGION]), bundle)
    assert response.status_code == 201, response.get_data(as_text=True)


ARABIC_INDIC = "".join(chr(0x0660 + int(d)) for d in OTHER)


@pytest.mark.parametrize(
    "written",
    [
        f"{OTHER[:6]} {OTHER[6:]}",  # a space: how people usually write it
        f"{OTHER[:2]}.{OTHER[2:4]}.{OTHER[4:6]}-{OTHER[6:]}",
        f"{OTHER[:6]}/{OTHER[6:]}",
        " ".join(OTHER),
        f"{OTHER[:6]}\u2013{OTHER[6:]}",  # an en dash
        f"{OTHER[:6]}\u00a0{OTHER[6:]}",  # a no-break space
        f"{OTHER[:6]}\u200b{OTHER[6:]}",  # a zero-width space
        "".join(chr(0xFF10 + int(d)) for d in OTHER),  # fullwidth digits
        ARABIC_INDIC,
        # Found by the fourth outside review:
        f"{OTHER[:2]}-{OTHER[2:4]}-{OTHER[4:6]}-{OTHER[6:]}",
        f"{OTHER[:2]}/{OTHER[2:4]}/{OTHER[4:6]}/{OTHER[6:]}",
        f"{OTHER[:3]} {OTHER[3:6]} {OTHER[6:]}",
        f"{OTHER[:6]}_{OTHER[6:]}",
        f"{OTHER[:6]}:{OTHER[6:]}",
        f"{OTHER[:6]}\t{OTHER[6:]}",
        f"{OTHER[:6]}\u2212{OTHER[6:]}",  # a minus sign
        "\u00ad".join(OTHER),  # soft hyphens between every digit
        "\u200e".join(OTHER),  # left-to-right marks
        "".join(chr(0x1D7CE + int(d)) for d in OTHER),  # mathematical bold digits
        "".join(d + "\ufe0f\u20e3" for d in OTHER),  # keycap digits
        "".join(d + "\u0305" for d in OTHER),  # a combining overline
        f"{OTHER}-1",  # another number right after it
    ],
)
def test_a_cpr_number_written_in_another_way_is_refused_too(
    client: FlaskClient, db: Session, written: str
) -> None:
    """Found by the third outside review: only the bare and the dashed forms were seen."""
    bundle = example("discharge-agreement")
    resource(bundle, "CarePlan")["description"] = f"Søsterens CPR {written}."
    response = post_bundle(client, api_token(client, db, [REGION]), bundle)
    assert response.status_code == 422
    assert db.scalars(select(PlanVersion)).first() is None


def test_the_citizens_own_number_in_another_form_is_refused_as_it_would_rest_in_clear(
    client: FlaskClient, db: Session
) -> None:
    bundle = example("discharge-agreement")
    cpr = resource(bundle, "Patient")["identifier"][0]["value"]
    resource(bundle, "CarePlan")["description"] = (
        f"Egen CPR {cpr[:2]}-{cpr[2:4]}-{cpr[4:6]}-{cpr[6:]}."
    )
    response = post_bundle(client, api_token(client, db, [REGION]), bundle)
    assert response.status_code == 422
    assert any("ten digits" in i["diagnostics"] for i in response.get_json()["issue"])
