"""Wishes in sections, every save a version; stances and the KIP approval."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from citizen_portal.people.models import Person
from citizen_portal.representation.models import RepresentationKind
from citizen_portal.representation.services import add_from_authority
from citizen_portal.security.actors import Scope
from citizen_portal.wishes.models import PlanStance, WishEntry
from tests.conftest import sign_in
from tests.support.demo import action_plan_of
from tests.support.pages import act_for, csrf, page, text_of

SIGNS = "/wishes/early_signs"


def _save(client: FlaskClient, path: str, text: str, based_on: int) -> object:
    return client.post(
        path, data={"csrf_token": csrf(client, path), "text": text, "based_on": based_on}
    )


def _entries(db: Session) -> int:
    return int(db.scalar(select(func.count(WishEntry.id))) or 0)


def test_each_save_is_a_version_and_the_history_shows_who_wrote_it(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    sign_in(client, db, peter)
    assert _save(client, SIGNS, "Jeg sover dårligt.", 0).status_code == 302  # type: ignore[attr-defined]
    assert _save(client, SIGNS, "Jeg sover dårligt.", 1).status_code == 302  # type: ignore[attr-defined]
    assert _entries(db) == 1, "the same text again is not a new version"

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    assert _save(client, SIGNS, "Han trækker sig fra os.", 1).status_code == 302  # type: ignore[attr-defined]

    sign_in(client, db, peter)
    overview = text_of(page(client, "/wishes"))
    assert "Han trækker sig fra os." in overview
    assert "Written by Hanne Sørensen" in overview
    history = text_of(page(client, f"{SIGNS}/history"))
    assert "Version 2: written by Hanne Sørensen on your behalf" in history
    assert "Version 1: written by you" in history
    assert history.index("Version 2") < history.index("Version 1"), "newest first"


def test_wishes_for_a_plan_are_kept_apart_from_general_ones(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    _save(client, f"/wishes/meetings?plan={plan.id}", "Min søster skal være med.", 0)
    assert "Min søster skal være med." in text_of(page(client, f"/wishes?plan={plan.id}"))
    assert "Min søster skal være med." not in text_of(page(client, "/wishes"))
    other = demo["demo-mette"]
    sign_in(client, db, other)
    assert client.get(f"/wishes?plan={plan.id}").status_code == 404
    assert client.get("/wishes?plan=x").status_code == 400
    assert client.get("/wishes/nonsense").status_code == 404


def test_two_devices_saving_the_same_section_get_a_conflict_never_an_overwrite(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    assert _save(client, SIGNS, "Fra telefonen.", 0).status_code == 302  # type: ignore[attr-defined]
    clash = _save(client, SIGNS, "Fra computeren.", 0)  # opened before the phone saved
    assert clash.status_code == 409  # type: ignore[attr-defined]
    shown = text_of(clash.get_data(as_text=True))  # type: ignore[attr-defined]
    assert "Someone saved this part while you were writing" in shown
    assert "Fra telefonen." in shown
    assert "Fra computeren." in shown, "their own text is kept in the form"
    assert shown.startswith("Error:")
    assert _entries(db) == 1
    # Saving again from the conflict page replaces it knowingly.
    assert _save(client, SIGNS, "Fra computeren.", 1).status_code == 302  # type: ignore[attr-defined]
    assert _entries(db) == 2


def test_too_long_text_is_refused_plainly_and_nothing_is_stored(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    response = _save(client, SIGNS, "x" * 4001, 0)
    assert response.status_code == 400  # type: ignore[attr-defined]
    assert "Write 4,000 characters or fewer" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    assert _entries(db) == 0


def test_a_representative_without_the_wishes_right_can_read_but_not_write(
    app: object, client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    mette, sara = demo["demo-mette"], demo["demo-sara"]
    add_from_authority(
        db,
        RepresentationKind.GUARDIAN,
        mette,
        sara,
        [Scope.READ_PLANS],
        date(2026, 1, 1),
        None,
        "x",
    )
    db.commit()
    sign_in(client, db, sara)
    act_for(client, mette.id)
    assert client.get("/wishes").status_code == 200
    assert client.get(SIGNS).status_code == 403
    assert "Write<" not in client.get("/wishes").get_data(as_text=True)


def test_the_crisis_box_says_who_to_call_now(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    sign_in(client, db, demo["demo-peter"])
    box = page(client, "/wishes").select_one("aside.crisis")
    assert box is not None
    links = [a["href"] for a in box.select("a.phone")]
    assert "tel:112" in links
    assert len(links) >= 2, "and the people in the plan"


def test_agreeing_to_a_coordinated_action_plan_approves_that_version(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    path = f"/plans/{plan.id}/stance"
    token = csrf(client, f"/plans/{plan.id}")
    missing = client.post(
        path, data={"csrf_token": token, "choice": "agree_with_comments", "version": 1}
    )
    assert missing.status_code == 400
    assert "Write your comments" in missing.get_data(as_text=True)
    stale = client.post(path, data={"csrf_token": token, "choice": "agree", "version": 0})
    assert stale.status_code == 409
    # An Arabic-Indic one is not version 1 (ASCII digits only): refused, not stored.
    other_digit = client.post(
        path, data={"csrf_token": token, "choice": "agree", "version": "\u0661", "confirm": "yes"}
    )
    assert other_digit.status_code == 400
    assert db.scalar(select(func.count(PlanStance.id))) == 0

    done = client.post(
        path,
        data={
            "csrf_token": token,
            "choice": "agree_with_comments",
            "comment": "Godt.",
            "version": 1,
            "confirm": "yes",
        },
    )
    assert done.status_code == 302
    shown = text_of(page(client, f"/plans/{plan.id}"))
    assert "I agree, with comments : Godt." in shown
    assert "Plan approved by you: version 1" in shown
    log = text_of(page(client, "/access-log"))
    assert "You approved your plan" in log


def test_disagreeing_is_recorded_and_is_no_approval(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    peter = demo["demo-peter"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    client.post(
        f"/plans/{plan.id}/stance",
        data={
            "csrf_token": csrf(client, f"/plans/{plan.id}"),
            "choice": "disagree",
            "version": 1,
            "confirm": "yes",
        },
    )
    stance = db.scalars(select(PlanStance)).one()
    assert stance.approves_plan is False
    assert "Plan approved by you" not in text_of(page(client, f"/plans/{plan.id}"))


def test_a_representatives_agreement_is_theirs_and_never_the_citizens_approval(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Found by an outside review: Hanne's "I agree" to Peter's coordinated action
    plan was shown to Peter as "approved by you" and sent to professionals as his
    approval. Approving the plan is the citizen's own act (KIP guidelines)."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    form = text_of(page(client, f"/plans/{plan.id}"))
    assert "this counts as your approval" not in form
    token = csrf(client, f"/plans/{plan.id}")
    response = client.post(
        f"/plans/{plan.id}/stance",
        data={"csrf_token": token, "choice": "agree", "version": 1, "confirm": "yes"},
    )
    assert response.status_code == 302
    stance = db.scalars(select(PlanStance)).one()
    assert stance.approves_plan is False

    sign_in(client, db, peter)
    shown = text_of(page(client, f"/plans/{plan.id}"))
    assert "Plan approved by you" not in shown
    assert "Sent by Hanne Sørensen on your behalf" in shown
    assert "This is not your approval of the plan" in shown

    # Hanne reads her own stance as hers, and is not told "only you can approve".
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    shown = text_of(page(client, f"/plans/{plan.id}?lang=en"))
    assert "Sent by you" in shown
    assert "This is not an approval from Peter Sørensen. Only Peter Sørensen can approve" in shown
    assert "your approval" not in shown


def test_a_representative_reads_the_citizens_own_approval_as_the_citizens(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """Found by a review: after Peter approved his plan, Hanne acting for him read
    "Sent by Peter Sørensen on your behalf" and "Plan approved by you"."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    plan = action_plan_of(db, peter)
    sign_in(client, db, peter)
    token = csrf(client, f"/plans/{plan.id}")
    client.post(
        f"/plans/{plan.id}/stance",
        data={"csrf_token": token, "choice": "agree", "version": 1, "confirm": "yes"},
    )
    assert db.scalars(select(PlanStance)).one().approves_plan is True
    assert "Plan approved by you" in text_of(page(client, f"/plans/{plan.id}?lang=en"))

    sign_in(client, db, hanne)
    act_for(client, peter.id)
    shown = text_of(page(client, f"/plans/{plan.id}?lang=en"))
    assert "Sent by Peter Sørensen," in shown
    assert "on your behalf" not in shown
    assert "Plan approved by Peter Sørensen: version 1" in shown
    assert "approved by you" not in shown


def test_only_the_citizen_writes_their_advance_statement(
    client: FlaskClient, db: Session, demo: dict[str, Person]
) -> None:
    """An advance statement about treatment is the patient's own words: a
    representative with the wishes right writes every other section, not this one."""
    peter, hanne = demo["demo-peter"], demo["demo-hanne"]
    path = "/wishes/advance_statement"
    sign_in(client, db, hanne)
    act_for(client, peter.id)
    overview = page(client, "/wishes")
    assert overview.select(f"a[href^='{path}']") == []
    assert overview.select("a[href^='/wishes/what_helps']")  # the other sections stay open
    refused = client.get(path)
    assert refused.status_code == 403
    assert "Only Peter Sørensen can write this" in text_of(refused.get_data(as_text=True))
    token = csrf(client, "/wishes/what_helps")
    posted = client.post(path, data={"csrf_token": token, "text": "Ingen medicin.", "based_on": 0})
    assert posted.status_code == 403
    assert _entries(db) == 0

    sign_in(client, db, peter)
    assert _save(client, path, "Ingen tvangsmedicin.", 0).status_code == 302  # type: ignore[attr-defined]
    assert _entries(db) == 1
