"""The notice rules, with a clock: which event makes which notice, exactly once
(the same key on every run), at the right time (Danish days, quiet nights)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from citizen_portal.notifications.models import NotificationKind as K
from citizen_portal.notifications.rules import (
    LOCAL,
    Category,
    ConsentFacts,
    PlanFacts,
    Task,
    category_of,
    consent_notices,
    next_attempt,
    not_before,
    plan_notices,
)

# Tuesday 1 December 2026, 10:00 in Copenhagen.
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=LOCAL).astimezone(UTC)


def _plan(**changes: object) -> PlanFacts:
    values: dict[str, object] = {
        "plan_id": 7,
        "citizen_id": 3,
        "newest_version": 2,
        "newest_received_at": NOW - timedelta(days=30),
        "seen_version": 2,
        "review_date": None,
    }
    values.update(changes)
    return PlanFacts(**values)  # type: ignore[arg-type]


def _kinds(plan: PlanFacts, now: datetime = NOW) -> list[K]:
    return [n.kind for n in plan_notices(plan, now)]


def test_a_quiet_plan_makes_no_notice() -> None:
    assert plan_notices(_plan(), NOW) == []


def test_a_new_plan_and_a_new_version_until_the_citizen_opens_it() -> None:
    new = _plan(newest_version=1, seen_version=None, newest_received_at=NOW - timedelta(hours=1))
    assert _kinds(new) == [K.PLAN_NEW]
    version = _plan(newest_version=3, seen_version=2, newest_received_at=NOW - timedelta(hours=1))
    [notice] = plan_notices(version, NOW)
    assert notice.kind is K.PLAN_VERSION
    assert (notice.person_id, notice.resource_id) == (3, "7:version:3")
    # Exactly once: the next run makes the same key (stored once), a later version a new one.
    assert plan_notices(version, NOW + timedelta(days=1)) == [notice]
    later = _plan(newest_version=4, seen_version=2, newest_received_at=NOW)
    assert plan_notices(later, NOW)[0].resource_id == "7:version:4"
    assert _kinds(_plan(newest_version=3, seen_version=3, newest_received_at=NOW)) == []
    stale = _plan(newest_version=3, seen_version=2, newest_received_at=NOW - timedelta(days=20))
    assert _kinds(stale) == [], "a first run on old data tells nothing stale"


def test_a_handover_to_a_new_team_is_its_own_notice_once() -> None:
    plan = _plan(accepted_handovers=((11, NOW - timedelta(hours=2)),))
    [notice] = plan_notices(plan, NOW)
    assert notice.kind is K.PLAN_HANDED_OVER
    assert notice.resource_id == "7:handover:11"
    assert plan_notices(plan, NOW + timedelta(days=3)) == [notice]
    assert plan_notices(plan, NOW + timedelta(days=15)) == []
    handed_again = _plan(
        accepted_handovers=((11, NOW - timedelta(days=20)), (12, NOW - timedelta(hours=1)))
    )
    assert [n.resource_id for n in plan_notices(handed_again, NOW)] == ["7:handover:12"]


def test_an_appointment_tomorrow_in_danish_days() -> None:
    # 00:30 Copenhagen on 2 December is still 1 December in UTC: tomorrow all the same.
    early = datetime(2026, 12, 2, 0, 30, tzinfo=LOCAL).astimezone(UTC)
    assert early.date() == date(2026, 12, 1)
    plan = _plan(appointments=(early, NOW + timedelta(days=2), NOW + timedelta(hours=1)))
    [notice] = plan_notices(plan, NOW)
    assert notice.kind is K.APPOINTMENT_TOMORROW
    assert notice.resource_id == f"7:appointment:{early.isoformat()}"
    assert _kinds(_plan(appointments=(early,)), NOW - timedelta(days=1)) == [], "not yet"
    # Moved to another day: a new notice for the new day.
    moved = _plan(appointments=(early + timedelta(days=1),))
    assert _kinds(moved, NOW + timedelta(days=1)) == [K.APPOINTMENT_TOMORROW]
    assert plan_notices(moved, NOW + timedelta(days=1))[0].resource_id != notice.resource_id


def test_a_review_or_follow_up_date_passed_the_day_after() -> None:
    plan = _plan(review_date=date(2026, 12, 1))
    assert _kinds(plan) == [], "on the day itself it has not passed"
    [notice] = plan_notices(plan, NOW + timedelta(days=1))
    assert notice.kind is K.REVIEW_PASSED
    assert notice.resource_id == "7:review:2026-12-01"
    assert plan_notices(plan, NOW + timedelta(days=5)) == [notice]
    assert _kinds(plan, NOW + timedelta(days=30)) == []
    assert plan_notices(_plan(review_date=date(2027, 6, 1)), NOW) == []


def test_an_overdue_task_once_without_its_text_in_the_key() -> None:
    text = "Henrik ringer til jobcentret om afklaringsforløb"
    plan = _plan(
        tasks=(
            Task(text, date(2026, 11, 28), finished=False),
            Task("done", date(2026, 11, 28), finished=True),
            Task("not yet", date(2026, 12, 5), finished=False),
            Task("no date", None, finished=False),
        )
    )
    [notice] = plan_notices(plan, NOW)
    assert notice.kind is K.TASK_OVERDUE
    assert notice.resource_id.endswith(":2026-11-28")
    assert "jobcentret" not in notice.resource_id
    assert len(notice.resource_id) <= 100
    assert plan_notices(plan, NOW + timedelta(days=2)) == [notice]
    # A new due date for the same task is a new notice.
    again = _plan(tasks=(Task(text, date(2026, 11, 30), finished=False),))
    assert plan_notices(again, NOW)[0].resource_id != notice.resource_id


def test_a_consent_about_to_lapse() -> None:
    today = date(2026, 12, 1)
    consents = [
        ConsentFacts(1, 3, today + timedelta(days=14), withdrawn=False),
        ConsentFacts(2, 3, today + timedelta(days=15), withdrawn=False),
        ConsentFacts(3, 3, today + timedelta(days=3), withdrawn=True),
        ConsentFacts(4, 3, today - timedelta(days=1), withdrawn=False),
    ]
    [notice] = consent_notices(consents, today)
    assert (notice.kind, notice.resource_id, notice.person_id) == (K.CONSENT_EXPIRING, "1", 3)


def test_what_representatives_did_is_a_notice_in_its_own_category() -> None:
    for kind in (
        K.REPRESENTATION_FIRST_USED,
        K.REPRESENTATION_CREATED,
        K.CITIZEN_INPUT_FIRST_READ,
        "representative:acted",  # a kind added later still reaches the person
    ):
        assert category_of(kind) is Category.OTHERS
    assert category_of(K.PLAN_HANDED_OVER) is Category.PLANS
    assert category_of(K.TASK_OVERDUE) is Category.LATE
    assert category_of(K.APPOINTMENT_TOMORROW) is Category.APPOINTMENTS
    assert category_of(K.CONSENT_EXPIRING) is Category.CONSENTS


def test_no_push_at_night_and_retries_back_off_then_stop() -> None:
    assert not_before(NOW) == NOW
    night = datetime(2026, 12, 1, 23, 15, tzinfo=LOCAL)
    assert not_before(night) == datetime(2026, 12, 2, 7, 0, tzinfo=LOCAL)
    small_hours = datetime(2026, 12, 2, 3, 0, tzinfo=LOCAL)
    assert not_before(small_hours) == datetime(2026, 12, 2, 7, 0, tzinfo=LOCAL)
    first = next_attempt(1, NOW)
    second = next_attempt(2, NOW)
    assert first is not None
    assert second is not None
    assert NOW < first < second
    assert next_attempt(6, NOW) is None, "given up: the in-app message stays"
