"""The branches of the access rules that `make mutation` found no test for: each
test here fails when one comparison or default in `security/policy.py` is flipped."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from citizen_portal.security.actors import Actor, ActorKind, ClientActor, Scope
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import InputKind, PlanRelation, can

METTE = Actor(person_id=1, subject_person_id=1, scopes=frozenset({Scope.READ_PLANS}))
REGION = "urn:demo:organisation|region"


@dataclass(frozen=True)
class Message:
    person_id: int


@dataclass(frozen=True)
class Authored:
    author_identifier: str


@dataclass(frozen=True)
class Item:
    kind: InputKind
    citizen_id: int
    plan_id: int | None
    plans: Collection[PlanRelation] = field(default_factory=tuple)
    only_for_me: bool = False
    recipient_organisation: str | None = None


def test_using_the_account_names_no_resource() -> None:
    assert can(METTE, Permission.ACCOUNT_USE)
    assert not can(METTE, Permission.ACCOUNT_USE, 1)


def test_a_message_is_read_only_by_the_person_it_is_addressed_to() -> None:
    assert can(METTE, Permission.MESSAGES_READ, Message(person_id=1))
    assert not can(METTE, Permission.MESSAGES_READ, Message(person_id=2))


def test_the_access_log_is_only_the_citizens_own() -> None:
    assert can(METTE, Permission.AUDIT_READ, 1)
    assert not can(METTE, Permission.AUDIT_READ, 2)


def test_a_person_never_holds_a_partner_systems_permission() -> None:
    for permission in (Permission.API_PLANS_WRITE, Permission.API_CITIZEN_INPUT_READ):
        assert not can(METTE, permission)
        assert not can(METTE, permission, 1)


def test_a_plan_belongs_to_a_person_id_only_when_it_is_that_id() -> None:
    assert can(METTE, Permission.PLANS_READ, 1)
    assert not can(METTE, Permission.PLANS_READ, 2)
    assert not can(METTE, Permission.PLANS_READ, True), "True == 1, but it is not an id"
    assert not can(METTE, Permission.PLANS_READ, "1")


def test_a_partner_writes_nothing_it_cannot_name_as_its_own() -> None:
    region = ClientActor("epj", frozenset({REGION}), frozenset({"api:plans:write"}))
    assert can(region, Permission.API_PLANS_WRITE)
    assert not can(region, Permission.API_PLANS_WRITE, object())


def test_a_partner_never_holds_a_persons_permission_even_if_its_scopes_say_so() -> None:
    odd = ClientActor("odd", frozenset({REGION}), frozenset({"plans:read", "account:use"}))
    assert not can(odd, Permission.PLANS_READ)
    assert not can(odd, Permission.PLANS_READ, 1)


def test_a_partner_reads_input_through_a_plan_only_its_author_wrote() -> None:
    reader = ClientActor("epj", frozenset({REGION}), frozenset({"api:citizen-input:read"}))
    assert can(reader, Permission.API_CITIZEN_INPUT_READ, Authored(REGION))
    assert not can(reader, Permission.API_CITIZEN_INPUT_READ, Authored("urn:other|org"))
    assert not can(reader, Permission.API_CITIZEN_INPUT_READ, object())


def test_a_stance_for_no_plan_goes_nowhere() -> None:
    reader = ClientActor("epj", frozenset({REGION}), frozenset({"api:citizen-input:read"}))
    stance = Item(InputKind.STANCE, citizen_id=1, plan_id=None)
    assert not can(reader, Permission.API_CITIZEN_INPUT_READ, stance)
    assert ActorKind.CITIZEN is METTE.kind
