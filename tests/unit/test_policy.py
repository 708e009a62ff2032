from __future__ import annotations

from dataclasses import dataclass

from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.plans.models import Plan
from citizen_portal.plans.parsed import ParsedFunction, ParsedOrganisation
from citizen_portal.plans.types import PlanType
from citizen_portal.representation.models import Representation, RepresentationKind
from citizen_portal.security.actors import Actor, ActorKind, ClientActor, Scope
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can

PLANS_WRITE = frozenset({"api:plans:write"})


def _plan(citizen_id: int) -> Plan:
    return Plan(citizen_id=citizen_id, plan_type=PlanType.DISCHARGE_AGREEMENT)


def test_citizen_reads_own_plan_only() -> None:
    mette = Actor(person_id=1, subject_person_id=1)
    assert can(mette, Permission.PLANS_READ, _plan(1))
    assert not can(mette, Permission.PLANS_READ, _plan(2))


def test_nobody_signed_in_may_only_use_public_routes() -> None:
    assert can(None, Permission.PUBLIC)
    assert not can(None, Permission.PLANS_READ)
    assert not can(None, Permission.PLANS_READ, _plan(1))
    assert not can(None, Permission.ACCOUNT_USE)


def test_unknown_resource_is_denied() -> None:
    mette = Actor(person_id=1, subject_person_id=1)
    assert not can(mette, Permission.PLANS_READ, object())


def test_messages_are_the_signed_in_persons_own_whoever_they_act_for() -> None:
    representative = Actor(2, 1, ActorKind.REPRESENTATIVE, frozenset({Scope.READ_PLANS}))
    assert can(representative, Permission.MESSAGES_READ, 2)
    assert not can(representative, Permission.MESSAGES_READ, 1)


def test_a_registry_may_change_authorities_representations_but_never_a_citizens_grant() -> None:
    registry = ClientActor("cpr-registry", frozenset(), frozenset({"api:representations:write"}))
    guardian = Representation(kind=RepresentationKind.GUARDIAN)
    granted = Representation(kind=RepresentationKind.POWER_OF_ATTORNEY)
    assert can(registry, Permission.API_REPRESENTATIONS_WRITE, guardian)
    assert not can(registry, Permission.API_REPRESENTATIONS_WRITE, granted)
    assert not can(registry, Permission.API_PLANS_WRITE)


def test_a_client_writes_only_its_own_organisations_reference_data() -> None:
    nexus = ClientActor(
        "kommune-nexus", frozenset({"urn:demo:organisation|kommune:259:social"}), PLANS_WRITE
    )
    own = ParsedOrganisation(
        "urn:demo:organisation|kommune:259:social",
        "Køge",
        OrganisationKind.MUNICIPALITY,
        Sector.OTHER,
    )
    ward = ParsedOrganisation(
        "urn:demo:organisation|sor:psyk-roskilde-r3",
        "R3",
        OrganisationKind.REGION,
        Sector.PSYCHIATRY,
    )
    assert can(nexus, Permission.API_PLANS_WRITE, own)
    assert not can(nexus, Permission.API_PLANS_WRITE, ward)
    assert can(nexus, Permission.API_PLANS_WRITE, ParsedFunction("f", own.identifier, "Bostøtte"))
    assert not can(nexus, Permission.API_PLANS_WRITE, ParsedFunction("g", ward.identifier, "Læge"))
    # Without the scope, not even its own.
    reader = ClientActor("reader", frozenset({own.identifier}), frozenset())
    assert not can(reader, Permission.API_PLANS_WRITE, own)


def test_a_handover_is_accepted_only_by_the_organisation_it_is_handed_to() -> None:
    @dataclass
    class Handover:
        receiver_identifier: str

    nexus = ClientActor("kommune-nexus", frozenset({"kommune"}), PLANS_WRITE)
    assert can(nexus, Permission.API_PLANS_WRITE, Handover("kommune"))
    assert not can(nexus, Permission.API_PLANS_WRITE, Handover("region"))
    assert not can(nexus, Permission.API_CITIZEN_INPUT_READ, Handover("kommune"))
