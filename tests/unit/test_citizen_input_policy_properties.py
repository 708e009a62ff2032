"""Property-based: what a partner's system may read of a citizen's input, decided by
the policy, equals an independent statement of the rule (issue 12), over generated
populations of citizens, plans (active or ended, opened or not), organisations
taking part, wishes (general, for a plan, only for me), stances and consents with
recipients.

The statement below is written the other way round from the policy: for each piece
of input it lists who may receive it, and a client may read it when one of its
organisations is on that list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from citizen_portal.security.actors import ClientActor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import InputKind, can

CITIZENS = (1, 2, 3)
ORGANISATIONS = ("org|region", "org|municipality", "org|gp", "org|private")
READ = Permission.API_CITIZEN_INPUT_READ


@dataclass(frozen=True)
class APlan:
    plan_id: int
    citizen_id: int
    active: bool
    opened_by_citizen: bool
    organisations: frozenset[str]


@dataclass(frozen=True)
class APiece:
    kind: InputKind
    citizen_id: int
    plan_id: int | None
    only_for_me: bool
    recipient_organisation: str | None
    plans: tuple[APlan, ...]


organisation_sets = st.frozensets(st.sampled_from(ORGANISATIONS), min_size=1)


@st.composite
def population(draw: st.DrawFn) -> tuple[tuple[APlan, ...], APiece, ClientActor]:
    count = draw(st.integers(min_value=0, max_value=5))
    plans = tuple(
        APlan(
            plan_id=100 + n,
            citizen_id=draw(st.sampled_from(CITIZENS)),
            active=draw(st.booleans()),
            opened_by_citizen=draw(st.booleans()),
            organisations=draw(organisation_sets),
        )
        for n in range(count)
    )
    kind = draw(st.sampled_from(InputKind))
    # A stance is always on a plan; wishes and consents may be for every plan.
    plan_ids = st.sampled_from([p.plan_id for p in plans] + [999])
    plan_id = draw(plan_ids if kind is InputKind.STANCE else st.none() | plan_ids)
    piece = APiece(
        kind=kind,
        citizen_id=draw(st.sampled_from(CITIZENS)),
        plan_id=plan_id,
        only_for_me=kind is InputKind.WISH and draw(st.booleans()),
        recipient_organisation=(
            draw(st.none() | st.sampled_from(ORGANISATIONS)) if kind is InputKind.CONSENT else None
        ),
        plans=plans,
    )
    client = ClientActor(
        client_id="system",
        organisations=draw(st.frozensets(st.sampled_from(ORGANISATIONS))),
        scopes=frozenset(draw(st.sets(st.sampled_from([READ.value, "api:plans:write"])))),
    )
    return plans, piece, client


def who_receives(piece: APiece) -> set[str]:
    """The rule, from the issue: the organisations a piece of input goes to."""
    if piece.only_for_me:
        return set()  # "only for me" goes nowhere
    # The citizen's own plans that are active now; another citizen's plans never count.
    own_active = [p for p in piece.plans if p.citizen_id == piece.citizen_id and p.active]
    receivers: set[str] = set()
    if piece.plan_id is not None:
        # For one plan (wish, stance or consent): the organisations taking part in it.
        for p in own_active:
            if p.plan_id == piece.plan_id:
                receivers |= p.organisations
    elif piece.kind is InputKind.CONSENT:
        # A consent for no particular plan: the recipient it names (a relative: nobody).
        if piece.recipient_organisation:
            receivers.add(piece.recipient_organisation)
    elif piece.kind is InputKind.WISH:
        # Wishes for every plan: everyone in an active plan the citizen has opened.
        for p in own_active:
            if p.opened_by_citizen:
                receivers |= p.organisations
    return receivers


@pytest.mark.timeout(max(120, settings().max_examples // 15))
@settings(deadline=None)
@given(population())
def test_citizen_input_reading_matches_the_rule(
    case: tuple[tuple[APlan, ...], APiece, ClientActor],
) -> None:
    plans, piece, client = case
    may_read = READ.value in client.scopes
    expected = may_read and bool(who_receives(piece) & client.organisations)
    assert can(client, READ, piece) == expected
    # Naming a plan to read through: the client's organisation takes part in it
    # (else 404). Which plan was named never widens what a piece goes to.
    for plan in plans:
        assert can(client, READ, plan) == (
            may_read and bool(plan.organisations & client.organisations)
        )
