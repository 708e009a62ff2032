"""Who may grant, revoke and accept a representation, and who reads a plan-limited
consent back: mutation testing found that letting a ward or a child revoke a
guardianship or custody an authority ordered went unnoticed (no test asked the
policy about a representation the citizen did not give)."""

from __future__ import annotations

import pytest

from citizen_portal.fhir.readback import InputItem
from citizen_portal.plans.relations import PlanRelationFacts
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.security.actors import Actor, ActorKind, ClientActor, Scope
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import InputKind, can

WARD, REPRESENTATIVE, STRANGER = 1, 2, 3
GRANT, ACT = Permission.REPRESENTATION_GRANT, Permission.REPRESENTATION_ACT


def _representation(kind: RepresentationKind) -> Representation:
    return Representation(kind=kind, represented_id=WARD, representative_id=REPRESENTATIVE)


@pytest.mark.parametrize(
    "kind",
    [
        RepresentationKind.GUARDIAN,
        RepresentationKind.PARENTAL_CUSTODY,
        RepresentationKind.LASTING_POWER_OF_ATTORNEY,
    ],
)
def test_a_ward_or_child_cannot_revoke_what_an_authority_ordered(
    kind: RepresentationKind,
) -> None:
    ordered = _representation(kind)
    assert not can(Actor(WARD, WARD), GRANT, ordered)
    assert not can(Actor(REPRESENTATIVE, REPRESENTATIVE), GRANT, ordered)


def test_only_the_citizen_who_gave_a_power_of_attorney_revokes_it() -> None:
    power = _representation(RepresentationKind.POWER_OF_ATTORNEY)
    assert can(Actor(WARD, WARD), GRANT, power)
    assert not can(Actor(STRANGER, STRANGER), GRANT, power)
    assert not can(Actor(REPRESENTATIVE, REPRESENTATIVE), GRANT, power)
    acting = Actor(REPRESENTATIVE, WARD, ActorKind.REPRESENTATIVE, frozenset(Scope))
    assert not can(acting, GRANT, power), "a representative cannot pass the power on"
    assert not can(acting, GRANT), "nor grant one for the person they act for"
    assert can(Actor(WARD, WARD), GRANT), "a citizen may open the form for themself"
    assert not can(Actor(WARD, WARD), GRANT, WARD), "only a representation is a resource"


def test_only_the_person_a_power_was_given_to_accepts_it_as_themself() -> None:
    power = _representation(RepresentationKind.POWER_OF_ATTORNEY)
    assert can(Actor(REPRESENTATIVE, REPRESENTATIVE), ACT, power)
    assert not can(Actor(WARD, WARD), ACT, power)
    assert not can(Actor(STRANGER, STRANGER), ACT, power)
    acting = Actor(REPRESENTATIVE, WARD, ActorKind.REPRESENTATIVE, frozenset(Scope))
    assert not can(acting, ACT, power), "not while acting for someone"
    assert can(Actor(STRANGER, STRANGER), ACT), "the list is anyone's own"
    assert not can(Actor(REPRESENTATIVE, REPRESENTATIVE), ACT, REPRESENTATIVE)
    assert not can(None, ACT, power)


# What the citizen said, read back by partners: a consent limited to plan A goes to
# plan A's organisations, not to plan B's (a mutant no test killed).

A_ORG, B_ORG = "urn:org|a", "urn:org|b"


def _plan(plan_id: int, organisation: str, active: bool = True) -> PlanRelationFacts:
    return PlanRelationFacts(plan_id, WARD, active, True, frozenset({organisation}), frozenset())


def _consent(plan_id: int | None, recipient: str | None = None) -> InputItem:
    return InputItem(
        InputKind.CONSENT,
        WARD,
        plan_id,
        (_plan(1, A_ORG), _plan(2, B_ORG)),
        recipient_organisation=recipient,
    )


def _reader(organisation: str) -> ClientActor:
    return ClientActor("c", frozenset({organisation}), frozenset({"api:citizen-input:read"}))


def test_a_consent_for_plan_a_is_read_by_plan_as_organisations_only() -> None:
    read = Permission.API_CITIZEN_INPUT_READ
    assert can(_reader(A_ORG), read, _consent(1))
    assert not can(_reader(B_ORG), read, _consent(1))
    assert can(_reader(B_ORG), read, _consent(2))
    # A general consent goes to the recipient it names, and no one else.
    assert can(_reader(B_ORG), read, _consent(None, B_ORG))
    assert not can(_reader(A_ORG), read, _consent(None, B_ORG))
    assert not can(_reader(A_ORG), read, _consent(None))
    # Not through a plan that is no longer active, nor another citizen's.
    ended = InputItem(InputKind.CONSENT, WARD, 1, (_plan(1, A_ORG, active=False),))
    assert not can(_reader(A_ORG), read, ended)
    others = PlanRelationFacts(1, STRANGER, True, True, frozenset({A_ORG}), frozenset())
    assert not can(_reader(A_ORG), read, InputItem(InputKind.CONSENT, WARD, 1, (others,)))
