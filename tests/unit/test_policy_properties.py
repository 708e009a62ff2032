"""Property-based: across generated populations, the policy allows exactly what
an independent statement of the rules allows (no more, no less)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citizen_portal.plans.models import Plan
from citizen_portal.plans.types import PlanType
from citizen_portal.representation.models import RepresentationKind
from citizen_portal.representation.rules import RepresentationFacts, actor_for
from citizen_portal.security.actors import Scope
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can

PEOPLE = range(1, 6)
START = date(2020, 1, 1)
days = st.integers(min_value=0, max_value=3650).map(lambda n: START + timedelta(days=n))
births = st.integers(min_value=0, max_value=30000).map(lambda n: date(1940, 1, 1) + timedelta(n))


@st.composite
def representation(draw: st.DrawFn, birth_dates: dict[int, date]) -> RepresentationFacts:
    represented = draw(st.sampled_from(PEOPLE))
    valid_from = draw(days)
    return RepresentationFacts(
        kind=draw(st.sampled_from(RepresentationKind)),
        represented_id=represented,
        representative_id=draw(st.sampled_from(PEOPLE)),
        scopes=frozenset(draw(st.sets(st.sampled_from(Scope)))),
        valid_from=valid_from,
        # mypy does not match a lambda with a default argument to a one-argument callable.
        valid_until=draw(st.none() | days.filter(lambda d, f=valid_from: d >= f)),  # type: ignore[arg-type]
        accepted=draw(st.booleans()),
        revoked_at=draw(
            st.none() | days.map(lambda d: datetime(d.year, d.month, d.day, tzinfo=UTC))
        ),
        represented_birth_date=birth_dates[represented],
    )


@st.composite
def world(draw: st.DrawFn) -> tuple[list[RepresentationFacts], int, int, int, date]:
    birth_dates = {p: draw(births) for p in PEOPLE}
    facts = draw(st.lists(representation(birth_dates), max_size=6))
    return (
        facts,
        draw(st.sampled_from(PEOPLE)),
        draw(st.sampled_from(PEOPLE)),
        draw(st.sampled_from(PEOPLE)),
        draw(days),
    )


def expected_plan_access(
    facts: list[RepresentationFacts],
    person: int,
    subject: int,
    owner: int,
    today: date,
    needs: Scope = Scope.READ_PLANS,
) -> bool:
    """The rules, written again from the issue, independently of the policy code."""
    if owner != subject:
        return False  # nobody reads a plan through someone it does not belong to
    if person == subject:
        return True  # your own plans
    for f in facts:
        if f.representative_id != person or f.represented_id != subject:
            continue
        if needs not in f.scopes or f.revoked_at is not None:
            continue
        if f.kind is RepresentationKind.POWER_OF_ATTORNEY and not f.accepted:
            continue
        if not (f.valid_from <= today and (f.valid_until is None or today <= f.valid_until)):
            continue
        if f.kind is RepresentationKind.PARENTAL_CUSTODY:
            born = f.represented_birth_date
            assert born is not None
            fifteenth = date(
                born.year + 15, born.month, 28 if (born.month, born.day) == (2, 29) else born.day
            )
            if today >= fifteenth:
                continue
        return True
    return False


# As many generated populations as the Hypothesis profile says (tests/conftest.py).
# The ci profile's 10,000 take about a minute; the suite-wide 120 s timeout is for
# hangs, and a busy CI machine must not turn this test into one.
@pytest.mark.timeout(max(120, settings().max_examples // 15))
@settings(deadline=None)
@given(world())
def test_plan_reading_matches_the_rules(
    case: tuple[list[RepresentationFacts], int, int, int, date],
) -> None:
    facts, person, subject, owner, today = case
    actor = actor_for(person, subject, facts, today)
    plan = Plan(citizen_id=owner, plan_type=PlanType.DISCHARGE_AGREEMENT)
    allowed = actor is not None and can(actor, Permission.PLANS_READ, plan)
    assert allowed == expected_plan_access(facts, person, subject, owner, today)
    # Writing wishes (and stances) and managing consents follow the same rules, each
    # with its own right.
    for permission, needs in (
        (Permission.WISHES_WRITE, Scope.RECORD_WISHES),
        (Permission.CONSENTS_MANAGE, Scope.MANAGE_CONSENTS),
    ):
        allowed = actor is not None and can(actor, permission, plan)
        assert allowed == expected_plan_access(facts, person, subject, owner, today, needs)
    # Sharing a wish section wider ("only for me" off) is the citizen's own choice,
    # for their own wishes: never a representative's, whatever rights they hold.
    shares = actor is not None and can(actor, Permission.WISHES_SHARE, plan)
    assert shares == (person == subject == owner)
    if actor is not None and actor.person_id != actor.subject_person_id:
        # A representative never reads the citizen's own log, and never holds
        # more rights than the representations between the two of them give.
        assert not can(actor, Permission.AUDIT_READ)
        granted = set().union(
            *(
                f.scopes
                for f in facts
                if (f.representative_id, f.represented_id) == (person, subject)
            )
        )
        assert actor.scopes <= granted
