"""The one place that decides who may do what to which resource.

``can`` is a pure function of plain values: an actor (``security.actors``), a
permission, and a resource seen through the small protocols below. It imports no
domain model, Flask or database, so it is tested exhaustively on its own
(tests/unit/test_policy*.py). The web layer (``security.web``) loads resources
and asks it; views never compare ids themselves.
"""

from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from typing import Protocol, runtime_checkable

from citizen_portal.security.actors import Actor, ActorKind, ClientActor, Scope
from citizen_portal.security.permissions import Permission

# The citizen's own data beyond plans, and the scopes that reach it (any one of them).
SCOPED_PERMISSIONS = {
    Permission.WISHES_READ: frozenset({Scope.READ_PLANS, Scope.RECORD_WISHES}),
    Permission.WISHES_WRITE: frozenset({Scope.RECORD_WISHES}),
    Permission.CONSENTS_READ: frozenset({Scope.READ_PLANS, Scope.MANAGE_CONSENTS}),
    Permission.CONSENTS_MANAGE: frozenset({Scope.MANAGE_CONSENTS}),
}


@runtime_checkable
class CitizensRecord(Protocol):
    """Something that is one citizen's data: a plan, a consent."""

    @property
    def citizen_id(self) -> int: ...


@runtime_checkable
class AddressedRecord(Protocol):
    """Something sent to one person (a message): theirs, whoever they act for."""

    @property
    def person_id(self) -> int: ...


@runtime_checkable
class AuthoredRecord(Protocol):
    """A plan, stored or arriving, by the organisation that wrote it."""

    @property
    def author_identifier(self) -> str: ...


@runtime_checkable
class OwnedReference(Protocol):
    """Reference data (an organisation, a function) by the organisation it belongs to."""

    @property
    def owning_organisation(self) -> str: ...


@runtime_checkable
class HandoverRecord(Protocol):
    """A plan handed to another organisation, waiting for it to accept."""

    @property
    def receiver_identifier(self) -> str: ...


@runtime_checkable
class RepresentationRecord(Protocol):
    """A representation between two people."""

    @property
    def represented_id(self) -> int: ...

    @property
    def representative_id(self) -> int: ...

    @property
    def given_by_citizen(self) -> bool:
        """A power of attorney the citizen gave (not one an authority registered)."""
        ...


class InputKind(StrEnum):
    """What a piece of the citizen's input is (for the read-back rule)."""

    WISH = "wish"  # one wish section
    STANCE = "stance"  # the citizen's stance on a plan version (always for one plan)
    CONSENT = "consent"


@runtime_checkable
class PlanRelation(Protocol):
    """One of the citizen's plans, as the read-back rule sees it: who takes part in it
    (its author and the organisations of its responsible functions), whether it is
    active now, and whether the citizen has opened it at least once."""

    @property
    def plan_id(self) -> int: ...

    @property
    def citizen_id(self) -> int: ...

    @property
    def active(self) -> bool: ...

    @property
    def opened_by_citizen(self) -> bool: ...

    @property
    def organisations(self) -> frozenset[str]:
        """Identifiers of the organisations taking part."""
        ...


@runtime_checkable
class CitizenInput(Protocol):
    """A piece of what the citizen said (a wish section, a stance, a consent), with the
    relation facts the rule needs: the citizen's plans. The caller loads the facts."""

    @property
    def kind(self) -> InputKind: ...

    @property
    def citizen_id(self) -> int: ...

    @property
    def plan_id(self) -> int | None:
        """The plan it is for, or None: for every plan (a general wish or consent)."""
        ...

    @property
    def only_for_me(self) -> bool:
        """The citizen keeps it to themself (a wish section marked "only for me")."""
        ...

    @property
    def recipient_organisation(self) -> str | None:
        """A consent's recipient, when it is an organisation (its identifier)."""
        ...

    @property
    def plans(self) -> Collection[PlanRelation]: ...


def can(
    actor: Actor | ClientActor | None, permission: Permission, resource: object | None = None
) -> bool:
    """May ``actor`` use ``permission`` (on ``resource``, when one is named)?"""
    if permission is Permission.PUBLIC:
        return True
    if actor is None:
        return False
    if isinstance(actor, ClientActor):
        return _client_can(actor, permission, resource)
    if permission is Permission.ACCOUNT_USE:
        return resource is None
    if permission is Permission.MESSAGES_READ:
        # Messages belong to the person signed in, whoever they act for.
        if isinstance(resource, AddressedRecord):
            return resource.person_id == actor.person_id
        return resource is None or resource == actor.person_id
    if permission in (Permission.REPRESENTATION_ACT, Permission.REPRESENTATION_GRANT):
        return _representation_can(actor, permission, resource)
    if permission is Permission.AUDIT_READ:
        # The log is the citizen's own: not shown to representatives.
        return actor.kind is ActorKind.CITIZEN and (
            resource is None or resource == actor.subject_person_id
        )
    if permission in (
        Permission.PLANS_APPROVE,
        Permission.WISHES_WRITE_OWN_WORDS,
        Permission.WISHES_SHARE,
        Permission.CRISIS_CARD_KEEP,
    ):
        # Only the citizen, acting for themself: a representative's agreement is
        # their own view, an advance statement must be the patient's own words, and
        # who reads the citizen's words is the citizen's choice (a representative
        # may keep a section "only for me" but never share it wider). The crisis card
        # is kept on the citizen's own phone: a representative's phone is not theirs.
        return actor.kind is ActorKind.CITIZEN and (
            resource is None or _belongs_to(resource, actor.subject_person_id)
        )
    if permission in SCOPED_PERMISSIONS:
        if not actor.scopes & SCOPED_PERMISSIONS[permission]:
            return False
        return resource is None or _belongs_to(resource, actor.subject_person_id)
    if permission is Permission.PLANS_READ:
        if Scope.READ_PLANS not in actor.scopes:
            return False
        # The list (no resource) is always filtered to the subject's own plans.
        return resource is None or _belongs_to(resource, actor.subject_person_id)
    return False


def _belongs_to(resource: object, person_id: int) -> bool:
    """Whose data ``resource`` is: a citizen's record, or a person id."""
    if isinstance(resource, CitizensRecord):
        return resource.citizen_id == person_id
    return isinstance(resource, int) and not isinstance(resource, bool) and resource == person_id


def _representation_can(actor: Actor, permission: Permission, resource: object | None) -> bool:
    if resource is not None and not isinstance(resource, RepresentationRecord):
        return False
    if permission is Permission.REPRESENTATION_ACT:
        # Accepting a grant: only the person it was given to, acting for themself.
        return resource is None or (
            actor.kind is ActorKind.CITIZEN and resource.representative_id == actor.person_id
        )
    # Granting or revoking: only for oneself. A representative cannot pass the power on.
    if actor.kind is not ActorKind.CITIZEN:
        return False
    return resource is None or (
        resource.given_by_citizen and resource.represented_id == actor.person_id
    )


def _client_can(client: ClientActor, permission: Permission, resource: object | None) -> bool:
    if permission.value not in client.scopes:
        return False
    if permission is Permission.API_CITIZEN_INPUT_READ:
        return resource is None or _input_can(client, resource)
    if permission is Permission.API_PLANS_WRITE:
        # A plan is written by its author organisation (until it hands the plan over);
        # an organisation's name and functions only by that organisation; a hand-over
        # is accepted by the organisation it is handed to.
        if resource is None:
            return True
        if isinstance(resource, AuthoredRecord):
            return resource.author_identifier in client.organisations
        if isinstance(resource, OwnedReference):
            return resource.owning_organisation in client.organisations
        if isinstance(resource, HandoverRecord):
            return resource.receiver_identifier in client.organisations
        return False
    if permission is Permission.API_REPRESENTATIONS_WRITE:
        # Only a registry of authorities holds this scope; it is not bound to organisations.
        # A citizen's own grant is theirs alone.
        return resource is None or (
            isinstance(resource, RepresentationRecord) and not resource.given_by_citizen
        )
    return False


def _takes_part(client: ClientActor, plan: PlanRelation) -> bool:
    return not plan.organisations.isdisjoint(client.organisations)


def _input_can(client: ClientActor, resource: object) -> bool:
    """What the citizen said goes only where there is a real care relation."""
    if isinstance(resource, CitizenInput):
        return _input_item_can(client, resource)
    if isinstance(resource, PlanRelation):
        # Naming a plan to read through: the client's organisation takes part in it.
        return _takes_part(client, resource)
    if isinstance(resource, AuthoredRecord):
        # A plan by its author alone: the author takes part in it.
        return resource.author_identifier in client.organisations
    return False


def _input_item_can(client: ClientActor, item: CitizenInput) -> bool:
    if item.only_for_me:
        return False
    # Only the citizen's own plans count, and of those the ones still active.
    active = [p for p in item.plans if p.citizen_id == item.citizen_id and p.active]
    if item.plan_id is not None:
        # For one plan: to the organisations taking part in that plan, while it is active.
        return any(p.plan_id == item.plan_id and _takes_part(client, p) for p in active)
    if item.kind is InputKind.CONSENT:
        # A consent for no particular plan: to the recipient it names, and no one else.
        return (
            item.recipient_organisation is not None
            and item.recipient_organisation in client.organisations
        )
    if item.kind is InputKind.WISH:
        # Wishes for every plan: to those taking part in an active plan the citizen opened.
        return any(p.opened_by_citizen and _takes_part(client, p) for p in active)
    return False  # a stance is always on one plan
