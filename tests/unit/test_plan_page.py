"""The plan page model: a representative's model holds nothing that is withheld from them.

The model is the only thing the page and the PDF render, so checking the model
as a whole (every field, serialised) checks every place a text could appear.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from pathlib import Path

from citizen_portal.fhir import profile
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans.models import (
    Action,
    Appointment,
    Challenge,
    ExistingPlanSummary,
    Goal,
    Participant,
    Plan,
    PlanVersion,
)
from citizen_portal.plans.page import PlanPage, build_plan_page, plan_cards
from citizen_portal.plans.page.model import ChangeKind
from citizen_portal.plans.page.redaction import SECTIONS
from citizen_portal.plans.types import (
    ActionStatus,
    AppointmentKind,
    ExistingPlanKind,
    PlanGround,
    PlanStatus,
    PlanType,
)

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]

# Every text a representative must not see when everything that can be marked is marked.
WITHHELD = {
    "reason": "Why: SECRET-REASON",
    "treatment_offers": "SECRET-TREATMENT",
    "social_offers": "SECRET-SOCIAL",
    "current_needs": "SECRET-CURRENT-NEEDS",
    "expected_needs": "SECRET-EXPECTED-NEEDS",
    "patient_wishes": "SECRET-WISHES",
    "missed_appointment_response": "SECRET-IF-MISSED",
    "goal": "SECRET-GOAL",
    "success_criteria": "SECRET-SUCCESS",
    "challenge": "SECRET-CHALLENGE",
    "agreements": "SECRET-AGREED",
    "desired_outcome": "SECRET-HOPED",
    "existing_status": "SECRET-EXISTING-STATUS",
    "existing_goal": "SECRET-EXISTING-GOAL",
    "existing_effort": "SECRET-EXISTING-EFFORT",
    "participant": "SECRET-PARTICIPANT-NAME",
    "participant_contact": "SECRET-PARTICIPANT-PHONE",
    "coordinator_name": "SECRET-COORDINATOR-NAME",
    "named_person": "SECRET-CONTACT-PERSON",
    "who_comes": "SECRET-WHO-COMES",
    "action": "SECRET-ACTION",
    "appointment": "SECRET-APPOINTMENT",
    "appointment_place": "SECRET-PLACE",
    "ground": PlanGround.IN_SUBSTANCE_TREATMENT.value,
}
SHOWN = ("A task anyone may read", "A meeting anyone may read", "Team", "Region")


def _function(id_: int, title: str) -> Function:
    return Function(
        id=id_, title=title, phone="+45 11 22 33 44", organisation=Organisation(name="Region")
    )


def _version(
    number: int, withheld_sections: list[str], withhold_items: bool, description: str | None = None
) -> PlanVersion:
    team = _function(1, "Team")
    goal = Goal(
        id=number * 10, description=WITHHELD["goal"], success_criteria=WITHHELD["success_criteria"]
    )
    return PlanVersion(
        number=number,
        issued_at=datetime(2026, 11, number, tzinfo=UTC),
        status=PlanStatus.ACTIVE,
        period_start=date(2026, 11, 1),
        review_date=date(2027, 2, 1),
        meeting_date=date(2026, 10, 30),
        reason=WITHHELD["reason"],
        treatment_offers=WITHHELD["treatment_offers"],
        social_offers=WITHHELD["social_offers"],
        current_needs=WITHHELD["current_needs"],
        expected_needs=WITHHELD["expected_needs"],
        patient_wishes=WITHHELD["patient_wishes"],
        missed_appointment_response=WITHHELD["missed_appointment_response"],
        coordinator_function=team,
        coordinator_name=WITHHELD["coordinator_name"],
        grounds=[WITHHELD["ground"]],
        consent_given=True,
        approved_by_citizen=True,
        withheld_sections=withheld_sections,
        goals=[goal],
        actions=[
            Action(
                key="shown",
                description="A task anyone may read",
                responsible_function=team,
                citizen_responsible=False,
                status=ActionStatus.PLANNED,
                named_person=WITHHELD["named_person"],
                goal=goal,
            ),
            Action(
                key="secret",
                description=description or WITHHELD["action"],
                citizen_responsible=True,
                status=ActionStatus.PLANNED,
                due_date=date(2026, 11, 1),
                withheld=withhold_items,
            ),
        ],
        appointments=[
            Appointment(
                kind=AppointmentKind.OTHER,
                starts_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
                description=WITHHELD["appointment"],
                place=WITHHELD["appointment_place"],
                withheld=withhold_items,
            ),
            Appointment(
                kind=AppointmentKind.FOLLOW_UP_MEETING,
                starts_at=datetime(2026, 12, 9, 9, tzinfo=UTC),
                description="A meeting anyone may read",
                participants=WITHHELD["who_comes"],
            ),
        ],
        challenges=[
            Challenge(
                description=WITHHELD["challenge"],
                agreements=WITHHELD["agreements"],
                desired_outcome=WITHHELD["desired_outcome"],
            )
        ],
        existing_plans=[
            ExistingPlanSummary(
                kind=ExistingPlanKind.OTHER,
                status=WITHHELD["existing_status"],
                goal=WITHHELD["existing_goal"],
                effort=WITHHELD["existing_effort"],
            )
        ],
        participants=[
            Participant(name=WITHHELD["participant"], contact=WITHHELD["participant_contact"])
        ],
    )


def _plan(*versions: PlanVersion) -> Plan:
    return Plan(
        id=7,
        plan_type=PlanType.COORDINATED_ACTION_PLAN,
        citizen=Person(given_name="Peter", family_name="Sørensen"),
        author_organisation=Organisation(name="Region"),
        versions=list(versions),
    )


def _serialised(page: PlanPage) -> str:
    return repr(page) + str(dataclasses.asdict(page))


def test_the_page_knows_every_section_the_profile_can_withhold() -> None:
    assert set(SECTIONS) == set(profile.WITHHOLDABLE_SECTIONS)


def test_a_representatives_model_holds_no_withheld_text_anywhere() -> None:
    version = _version(1, list(SECTIONS), withhold_items=True)
    _plan(version)
    own = _serialised(build_plan_page(version, False, None, NOW))
    theirs = build_plan_page(version, True, None, NOW)
    for text in WITHHELD.values():
        assert text in own, text
        assert text not in _serialised(theirs), text
    for text in SHOWN:
        assert text in _serialised(theirs)
    assert theirs.something_withheld
    assert not build_plan_page(version, False, None, NOW).something_withheld
    assert theirs.summary.overdue_count == 0, "a withheld task is not counted as late"
    assert theirs.details.consent_given, "consent and approval belong to no section"


def test_an_older_version_is_read_with_what_the_newest_withholds() -> None:
    older = _version(1, [], withhold_items=False)
    newest = _version(2, list(SECTIONS), withhold_items=True)
    _plan(older, newest)
    assert WITHHELD["goal"] in _serialised(build_plan_page(older, False, None, NOW))
    theirs = build_plan_page(older, True, None, NOW)
    assert theirs.something_withheld
    assert not theirs.is_latest
    for text in WITHHELD.values():
        assert text not in _serialised(theirs), text


def test_what_changed_is_compared_as_the_representative_sees_both_versions() -> None:
    seen = _version(1, [], withhold_items=False)
    newest = _version(2, [], withhold_items=True, description="SECRET-REWORDED")
    _plan(seen, newest)
    own = build_plan_page(newest, False, seen, NOW)
    assert own.changes is not None
    assert [c.kind for c in own.changes.changes] == [ChangeKind.ACTION_REWORDED]
    theirs = build_plan_page(newest, True, seen, NOW)
    assert theirs.changes is None, "nothing they may see has changed"
    for text in ("SECRET-REWORDED", WITHHELD["action"]):
        assert text not in _serialised(theirs), text


def test_my_plans_cards_take_the_next_appointment_from_the_same_redaction() -> None:
    version = _version(1, [], withhold_items=True)
    plan = _plan(version)
    [own] = plan_cards([plan], NOW, for_representative=False)
    [theirs] = plan_cards([plan], NOW, for_representative=True)
    assert own.next_appointment is not None
    assert own.next_appointment.description == WITHHELD["appointment"]
    assert theirs.next_appointment is not None
    assert theirs.next_appointment.description == "A meeting anyone may read"


def test_the_page_and_the_pdf_decide_nothing_about_who_may_see_what() -> None:
    for path in (
        "templates/plans/plan.html",
        "templates/plans/my_plans.html",
        "templates/macros.html",
        "citizen_portal/plans/pdf.py",
    ):
        source = (ROOT / path).read_text()
        for code in ("shows(", "visible", ".withheld", "withheld_sections", "for_representative"):
            assert code not in source, (path, code)


def test_a_section_withheld_only_in_the_newest_is_said_to_be_held_back_in_older_ones() -> None:
    older = _version(1, [], withhold_items=False)
    newest = _version(2, ["challenges"], withhold_items=False)
    _plan(older, newest)
    theirs = build_plan_page(older, True, None, NOW)
    assert theirs.something_withheld
    assert theirs.challenges == ()
    assert not build_plan_page(older, False, None, NOW).something_withheld
