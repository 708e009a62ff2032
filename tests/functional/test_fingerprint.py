"""The content fingerprint decides whether a bundle is a new version."""

from __future__ import annotations

import dataclasses

from flask import Flask

from citizen_portal.fhir.plan_bundle import read_plan_bundle
from tests.support.fhir import example, resource

# If this changes, every stored plan's next re-send becomes a spurious version:
# change the algorithm only together with a migration that recomputes hashes.
DISCHARGE_AGREEMENT_FINGERPRINT = "6f951f91b1b47cbcbe4e747b60f5bce82a017ab3178fc827a513b3ad1c135f78"
# The example since it names the first meeting with each authority (Psychiatry
# Act §13a): three appointments more, so other content, so another fingerprint.
DISCHARGE_AGREEMENT_WITH_FIRST_MEETINGS_FINGERPRINT = (
    "00630e81b2ccf8e71ed7ea2199ec28b9776f66d74eeae65bec7329833adce924"
)


def test_fingerprint_is_stable_across_releases(app: Flask) -> None:
    with app.app_context():
        plan = read_plan_bundle(example("discharge-agreement"))
    assert plan.fingerprint() == DISCHARGE_AGREEMENT_WITH_FIRST_MEETINGS_FINGERPRINT
    # The example's content before the first meetings were added still has its
    # fingerprint of then: the algorithm did not change.
    before = dataclasses.replace(plan, appointments=plan.appointments[:1])
    assert before.appointments[0].description == "Første samtale efter udskrivelsen"
    assert before.fingerprint() == DISCHARGE_AGREEMENT_FINGERPRINT


def test_contact_details_and_names_are_not_content_but_actions_are(app: Flask) -> None:
    with app.app_context():
        original = read_plan_bundle(example("discharge-agreement")).fingerprint()

        new_phone = example("discharge-agreement")
        # A responsible function's phone is shared reference data. (A meeting
        # participant's contact, by contrast, is recorded on the plan itself.)
        roles = [
            e["resource"]
            for e in new_phone["entry"]
            if e["resource"]["resourceType"] == "PractitionerRole"
            and e["resource"].get("identifier")
        ]
        roles[0]["telecom"][0]["value"] = "+45 11 22 33 44"
        resource(new_phone, "Patient")["name"][0]["family"] = "Nielsen-Berg"
        resource(new_phone, "CarePlan")["created"] = "2026-02-01T09:00:00+01:00"
        assert read_plan_bundle(new_phone).fingerprint() == original

        new_status = example("discharge-agreement")
        resource(new_status, "CarePlan")["activity"][0]["detail"]["status"] = "completed"
        assert read_plan_bundle(new_status).fingerprint() != original
