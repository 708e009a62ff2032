"""Parts of a plan a professional marked as not for representatives: the citizen
sees them, people acting for the citizen do not (and are told something is held back)."""

from __future__ import annotations

import copy
import io
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy.orm import Session

from citizen_portal.fhir import profile
from citizen_portal.people.models import Person
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.fhir import DISTRICT_PSYCHIATRY, api_token, example, post_bundle, resource
from tests.support.pages import act_for, page, shown_text, text_of

WITHHELD_ACTION = "Tilbyde en første samtale om alkoholbehandling."
WITHHELD_SECTION_TEXT = "Stabilisere angstlidelsen og justere medicinen."
HELD_BACK = "Some parts of this plan are not shown to people acting for"


def test_the_citizen_sees_everything_and_the_representative_not_what_is_withheld(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    own = shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert WITHHELD_ACTION in own
    assert WITHHELD_SECTION_TEXT in own
    assert HELD_BACK not in own

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    seen = shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert "You are acting for Peter Sørensen." in seen
    assert WITHHELD_ACTION not in seen
    assert WITHHELD_SECTION_TEXT not in seen
    assert HELD_BACK + " Peter Sørensen" in seen
    assert "Samtaler om angst hver 14. dag." in seen, "the rest is shown"
    # Nor through an older version's page.
    older = shown_text(client.get(f"/plans/{plan.id}/versions/1").get_data(as_text=True))
    assert WITHHELD_ACTION not in older


def test_what_changed_leaves_out_withheld_actions_for_representatives(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    client.get(f"/plans/{plan.id}")  # seen version 1

    bundle = example("coordinated-action-plan")
    careplan = resource(bundle, "CarePlan")
    secret = copy.deepcopy(careplan["activity"][0])
    secret["id"] = "secret-action"
    secret["detail"]["description"] = "Ny samtale om misbrug."
    secret["extension"] = [{"url": profile.EXT_NOT_FOR_REPRESENTATIVES, "valueBoolean": True}]
    careplan["activity"].append(secret)
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    assert post_bundle(client, token, bundle).status_code == 201

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    page = shown_text(client.get(f"/plans/{plan.id}").get_data(as_text=True))
    assert "Ny samtale om misbrug." not in page


def test_an_unknown_section_code_is_refused_with_its_path(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    bundle = example("coordinated-action-plan")
    careplan = resource(bundle, "CarePlan")
    careplan["extension"].append(
        {"url": profile.EXT_NOT_FOR_REPRESENTATIVES, "valueCode": "secrets"}
    )
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    response = post_bundle(client, token, bundle)
    assert response.status_code == 422
    issue = response.get_json()["issue"][0]
    index = len(careplan["extension"]) - 1
    assert issue["expression"][0].endswith(f".extension[{index}]")
    assert "goals" in issue["diagnostics"]


# What a representative must not see reaches the page through more than one door:
# an action's goal, people's names, "what changed", older versions and the PDF.
# The tests below send a new version of Peter's plan (the profile's example) with
# parts marked, and read every door as Hanne, who has his power of attorney.

GOALS = (
    "Fastholdelse i psykiatrisk behandling",
    "Motivere til behandling for alkohol",
    "Kontakt til jobcenter",
)
PEOPLE = ("Birgitte Holm", "Ole Friis", "Rikke Dam", "Said Amin", "Said (SKP)")
WISHES = "Peter vil gerne kunne gå ud og handle selv."
REASON = "Peter har angst og drikker meget."
GROUND = "You get help from outpatient psychiatry."


def _withhold_sections(bundle: dict[str, Any], *codes: str) -> None:
    resource(bundle, "CarePlan")["extension"] += [
        {"url": profile.EXT_NOT_FOR_REPRESENTATIVES, "valueCode": code} for code in codes
    ]


def _withhold(element: dict[str, Any]) -> None:
    element.setdefault("extension", []).append(
        {"url": profile.EXT_NOT_FOR_REPRESENTATIVES, "valueBoolean": True}
    )


def _activity(bundle: dict[str, Any], description: str) -> dict[str, Any]:
    found: dict[str, Any] = next(
        a
        for a in resource(bundle, "CarePlan")["activity"]
        if a["detail"]["description"] == description
    )
    return found


def _appointments(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Appointment"
    ]


def _send(client: FlaskClient, db: Session, bundle: dict[str, Any]) -> None:
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    response = post_bundle(client, token, bundle)
    assert response.status_code == 201, response.get_data(as_text=True)


def _as_hanne(client: FlaskClient, db: Session, demo: dict[str, Person]) -> None:
    sign_in(client, db, demo["demo-hanne"])
    act_for(client, demo["demo-peter"].id)


def _text(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    if response.mimetype == "application/pdf":
        pages = PdfReader(io.BytesIO(response.get_data())).pages
        return " ".join(" ".join(p.extract_text() for p in pages).split())
    return shown_text(response.get_data(as_text=True))


def test_withheld_goals_leave_no_goal_text_on_the_actions(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    bundle = example("coordinated-action-plan")
    _withhold_sections(bundle, "goals")
    _send(client, db, bundle)

    sign_in(client, db, demo["demo-peter"])
    own = _text(client, f"/plans/{plan.id}")
    assert f"Goal: {GOALS[0]}" in own

    _as_hanne(client, db, demo)
    for path in (f"/plans/{plan.id}", f"/plans/{plan.id}/versions/2/pdf"):
        seen = _text(client, path)
        assert "Samtaler om angst hver 14. dag." in seen, "the action itself is shown"
        assert "Goal:" not in seen
        for goal in GOALS:
            assert goal not in seen, (path, goal)


def test_withheld_participants_leave_no_names_anywhere(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    _as_hanne(client, db, demo)
    client.get(f"/plans/{plan.id}")  # seen version 1: the next visit lists what changed
    bundle = example("coordinated-action-plan")
    _withhold_sections(bundle, "participants")
    _send(client, db, bundle)

    sign_in(client, db, demo["demo-peter"])
    own = _text(client, f"/plans/{plan.id}")
    for name in PEOPLE:
        assert name in own

    _as_hanne(client, db, demo)
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "What changed since you last looked" in shown_text(page)
    for text in (shown_text(page), _text(client, f"/plans/{plan.id}/versions/2/pdf")):
        assert "Who took part" not in text
        for name in PEOPLE:
            assert name not in text, name


def test_what_changed_says_nothing_about_actions_withheld_since(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    sign_in(client, db, demo["demo-peter"])
    client.get(f"/plans/{plan.id}")  # both have seen version 1
    _as_hanne(client, db, demo)
    assert "Samtaler om angst hver 14. dag." in _text(client, f"/plans/{plan.id}")
    bundle = example("coordinated-action-plan")
    _withhold(_activity(bundle, "Samtaler om angst hver 14. dag."))
    reworded = _activity(bundle, "Følge Peter til samtalerne og støtte ham i hverdagen.")
    reworded["detail"]["description"] = "Følge Peter til lægen hver uge."
    _withhold(reworded)
    _send(client, db, bundle)

    sign_in(client, db, demo["demo-peter"])
    own = _text(client, f"/plans/{plan.id}")
    assert "Reworded: “Følge Peter til lægen hver uge.”" in own

    _as_hanne(client, db, demo)
    seen = _text(client, f"/plans/{plan.id}")
    assert "What changed since you last looked" in seen
    for text in (
        "Removed:",
        "Reworded:",
        "Samtaler om angst hver 14. dag.",
        "Følge Peter til samtalerne",
        "Følge Peter til lægen",
    ):
        assert text not in seen, text


def test_an_older_version_and_its_pdf_are_redacted_like_the_newest(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    bundle = example("coordinated-action-plan")
    _withhold_sections(bundle, "goals", "patient-wishes")
    _withhold(_activity(bundle, "Samtaler om angst hver 14. dag."))
    _withhold(_appointments(bundle)[0])  # "Samtale om angst"
    _send(client, db, bundle)
    withheld = (*GOALS, WISHES, "Samtaler om angst hver 14. dag.", "Samtale om angst")

    sign_in(client, db, demo["demo-peter"])
    for path in (f"/plans/{plan.id}/versions/1", f"/plans/{plan.id}/versions/1/pdf"):
        own = _text(client, path)
        for text in withheld:
            assert text in own, (path, text)

    _as_hanne(client, db, demo)
    for number in (1, 2):
        for path in (
            f"/plans/{plan.id}/versions/{number}",
            f"/plans/{plan.id}/versions/{number}/pdf",
        ):
            seen = _text(client, path)
            assert HELD_BACK in seen, path
            for text in withheld:
                assert text not in seen, (path, text)


def test_a_withheld_reason_keeps_the_grounds_for_the_plan_too(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    bundle = example("coordinated-action-plan")
    _withhold_sections(bundle, "reason")
    _send(client, db, bundle)

    sign_in(client, db, demo["demo-peter"])
    own = _text(client, f"/plans/{plan.id}")
    assert REASON in own
    assert GROUND in own

    _as_hanne(client, db, demo)
    seen = _text(client, f"/plans/{plan.id}")
    for text in (REASON, "Why the plan was made", "Grounds for the plan", GROUND):
        assert text not in seen, text
    assert "You gave consent" in seen, "consent and approval are not part of a section"


def test_a_withheld_appointment_is_nobodys_next_appointment(
    client: FlaskClient, db: Session, demo: dict[str, Person], today: date
) -> None:
    plan = action_plan_of(db, demo["demo-peter"])
    bundle = example("coordinated-action-plan")
    first, follow_up = _appointments(bundle)
    first["start"] = f"{today + timedelta(days=2)}T08:17:00+00:00"
    follow_up["start"] = f"{today + timedelta(days=90)}T09:43:00+00:00"
    _withhold(first)
    _send(client, db, bundle)

    def summary_and_card() -> tuple[str, str]:
        card = page(client, "/plans").select_one(".card")
        summary = page(client, f"/plans/{plan.id}").select_one(".answer-next")
        assert card is not None
        assert summary is not None
        return text_of(summary), text_of(card)

    sign_in(client, db, demo["demo-peter"])
    summary, card = summary_and_card()
    assert ":17" in summary
    assert ":17" in card
    assert "Samtale om angst" in summary

    _as_hanne(client, db, demo)
    summary, card = summary_and_card()
    for text in (summary, card):
        assert ":17" not in text
        assert ":43" in text
    assert "Samtale om angst" not in summary
    assert "Opfølgning på indsatsplanen" in summary


def _with_unnamed_items(bundle: dict[str, Any], action: str, appointment: str) -> None:
    """Add an action without an activity id and one more appointment (neither has
    an id that ties it across versions: they are matched by their text)."""
    careplan = resource(bundle, "CarePlan")
    extra = copy.deepcopy(careplan["activity"][0])
    del extra["id"]
    extra["detail"]["description"] = action
    extra["extension"] = [
        e for e in extra["extension"] if e["url"] != profile.EXT_NOT_FOR_REPRESENTATIVES
    ]
    careplan["activity"].append(extra)
    entry = copy.deepcopy(
        next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Appointment")
    )
    entry["fullUrl"] += "-extra"
    entry["resource"]["description"] = appointment
    entry["resource"]["start"] = "2026-12-24T10:00:00+00:00"
    bundle["entry"].append(entry)


def test_what_a_newer_version_withholds_is_not_told_as_removed_or_cancelled(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Found by an outside review: a professional rewords an action that has no
    activity id and moves an appointment, and marks both not for representatives.
    Matched by text, the older wording looked like a different item: the
    representative was told "Removed: <old text>" and "Appointment cancelled",
    and read the old texts on the older version and its PDF."""
    plan = action_plan_of(db, demo["demo-peter"])
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    shared = example("coordinated-action-plan")
    _with_unnamed_items(shared, "Hemmelig alfa.", "Hemmelig aftale, første")
    assert post_bundle(client, token, shared).status_code == 201  # version 2: nothing marked
    _as_hanne(client, db, demo)
    assert "Hemmelig alfa." in _text(client, f"/plans/{plan.id}")  # seen by Hanne

    marked = example("coordinated-action-plan")
    _with_unnamed_items(marked, "Hemmelig beta.", "Hemmelig aftale, anden")
    _withhold(_activity(marked, "Hemmelig beta."))
    _withhold(next(a for a in _appointments(marked) if a["description"].startswith("Hemmelig")))
    assert post_bundle(client, token, marked).status_code == 201  # version 3

    sign_in(client, db, demo["demo-peter"])
    own = _text(client, f"/plans/{plan.id}")
    assert "Hemmelig beta." in own
    assert "Hemmelig aftale, anden" in own

    _as_hanne(client, db, demo)
    for path in (
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/versions/2",
        f"/plans/{plan.id}/versions/2/pdf",
        f"/plans/{plan.id}/versions/3/pdf",
    ):
        seen = _text(client, path)
        assert "Hemmelig" not in seen, path
        assert "Removed:" not in seen, path
        assert "Appointment cancelled" not in seen, path
        assert HELD_BACK in seen, path


def test_a_withheld_appointment_hides_only_itself_not_others_of_its_kind(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Two talks of the same kind ("other"), told apart by their descriptions: the
    newest version withholds one. In the older version, Hanne still sees the other
    talk; only the withheld one is gone."""
    plan = action_plan_of(db, demo["demo-peter"])
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])

    def with_second_talk() -> dict[str, Any]:
        bundle = example("coordinated-action-plan")
        entry = copy.deepcopy(
            next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Appointment")
        )
        entry["fullUrl"] += "-job"
        entry["resource"]["description"] = "Samtale om job"
        entry["resource"]["start"] = "2026-12-23T10:00:00+00:00"
        bundle["entry"].append(entry)
        return bundle

    assert post_bundle(client, token, with_second_talk()).status_code == 201  # version 2
    marked = with_second_talk()
    _withhold(next(a for a in _appointments(marked) if a["description"] == "Samtale om angst"))
    assert post_bundle(client, token, marked).status_code == 201  # version 3

    _as_hanne(client, db, demo)
    for path in (f"/plans/{plan.id}", f"/plans/{plan.id}/versions/2"):
        seen = _text(client, path)
        assert "Samtale om job" in seen, path
        assert "Samtale om angst" not in seen, path


def test_withheld_wishes_do_not_tell_that_the_citizen_declined_to_give_them(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The plan records that Peter did not wish to give his wishes, in the section
    of his wishes, which is marked not for representatives: Peter is told (and
    that he can write them in the portal), Hanne is not."""
    plan = action_plan_of(db, demo["demo-peter"])
    bundle = example("coordinated-action-plan")
    careplan = resource(bundle, "CarePlan")
    wishes = profile.TEXT_EXTENSIONS["patient_wishes"]
    careplan["extension"] = [e for e in careplan["extension"] if e["url"] != wishes]
    careplan["extension"].append({"url": profile.EXT_PATIENT_WISHES_DECLINED, "valueBoolean": True})
    _withhold_sections(bundle, "patient-wishes")
    _send(client, db, bundle)
    declined = "The plan says that you did not wish to give your wishes."

    sign_in(client, db, demo["demo-peter"])
    assert declined in _text(client, f"/plans/{plan.id}")
    _as_hanne(client, db, demo)
    seen = _text(client, f"/plans/{plan.id}")
    assert HELD_BACK in seen
    assert "did not wish to give" not in seen


def _nothing_withheld_item_by_item(bundle: dict[str, Any]) -> dict[str, Any]:
    """The profile's example with no action or appointment marked (its sections stay)."""
    for element in [*resource(bundle, "CarePlan")["activity"], *_appointments(bundle)]:
        element["extension"] = [
            e
            for e in element.get("extension", [])
            if e["url"] != profile.EXT_NOT_FOR_REPRESENTATIVES
        ]
    return bundle


def _alike(bundle: dict[str, Any], count: int, action: str, appointment: str) -> list[Any]:
    """Add ``count`` actions with the same words and no activity id, and ``count``
    appointments of the same kind and description; returns the last of each."""
    careplan = resource(bundle, "CarePlan")
    template = next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "Appointment")
    added: list[Any] = []
    for n in range(count):
        extra = copy.deepcopy(careplan["activity"][0])
        del extra["id"]
        extra["detail"]["description"] = action
        careplan["activity"].append(extra)
        entry = copy.deepcopy(template)
        entry["fullUrl"] += f"-alike-{n}"
        entry["resource"]["description"] = appointment
        entry["resource"]["start"] = f"2026-12-{20 + n}T10:00:00+00:00"
        bundle["entry"].append(entry)
        added = [extra, entry["resource"]]
    return added


def test_without_anything_withheld_an_older_version_shows_what_the_newest_dropped(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """The newest version drops an action and an appointment, and withholds no
    action or appointment: Hanne reads both in the older version."""
    plan = action_plan_of(db, demo["demo-peter"])
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    kept = _nothing_withheld_item_by_item(example("coordinated-action-plan"))
    assert post_bundle(client, token, kept).status_code == 201  # version 2
    dropped = _nothing_withheld_item_by_item(example("coordinated-action-plan"))
    careplan = resource(dropped, "CarePlan")
    careplan["activity"] = [
        a
        for a in careplan["activity"]
        if a["detail"]["description"] != "Samtaler om angst hver 14. dag."
    ]
    dropped["entry"] = [
        e for e in dropped["entry"] if e["resource"].get("description") != "Samtale om angst"
    ]
    assert post_bundle(client, token, dropped).status_code == 201  # version 3

    _as_hanne(client, db, demo)
    newest = _text(client, f"/plans/{plan.id}/versions/3")
    assert "Samtaler om angst hver 14. dag." not in newest
    older = _text(client, f"/plans/{plan.id}/versions/2")
    assert "Samtaler om angst hver 14. dag." in older
    assert "Samtale om angst" in older


def test_when_the_newest_version_withholds_one_of_two_alike_the_older_one_is_held_back(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Fail-safe: the newest version has two actions with the same words and no
    activity id, and two appointments of the same kind and description, and
    withholds one of each. The older version's one of each cannot be told apart
    from the withheld one: Hanne does not see it there."""
    plan = action_plan_of(db, demo["demo-peter"])
    token = api_token(client, db, [DISTRICT_PSYCHIATRY])
    single = example("coordinated-action-plan")
    _alike(single, 1, "Fælles samtale.", "Fælles aftale")
    assert post_bundle(client, token, single).status_code == 201  # version 2
    _as_hanne(client, db, demo)
    seen = _text(client, f"/plans/{plan.id}/versions/2")
    assert "Fælles samtale." in seen
    assert "Fælles aftale" in seen

    double = example("coordinated-action-plan")
    for element in _alike(double, 2, "Fælles samtale.", "Fælles aftale"):
        _withhold(element)
    answer = post_bundle(client, token, double)
    assert answer.status_code == 201, answer.get_data(as_text=True)  # version 3

    sign_in(client, db, demo["demo-peter"])
    assert _text(client, f"/plans/{plan.id}").count("Fælles samtale.") == 2
    _as_hanne(client, db, demo)
    newest = _text(client, f"/plans/{plan.id}/versions/3")
    assert newest.count("Fælles samtale.") == 1
    older = _text(client, f"/plans/{plan.id}/versions/2")
    assert "Fælles samtale." not in older
    assert "Fælles aftale" not in older
