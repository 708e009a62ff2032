"""The one place that decides who may do what to which resource.

``can`` is a pure function of plain values: an actor (``security.actors``), a
permission, and a resource seen through the small protocols below. It imports no
domain model, Flask or database, so it is tested exhaustively on its own
(tests/unit/test_policy*.py). The web layer (``security.web``) loads resources
and asks it; views never compare ids themselves.
"""

from __future__ import annotations

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
        return resource is None or resource == actor.person_id
    if permission in (Permission.REPRESENTATION_ACT, Permission.REPRESENTATION_GRANT):
        return _representation_can(actor, permission, resource)
    if permission is Permission.AUDIT_READ:
        # The log is the citizen's own: not shown to representatives.
        return actor.kind is ActorKind.CITIZEN and (
            resource is None or resource == actor.subject_person_id
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
    if permission is Permission.API_CITIZEN_INPUT_READ:
        # What the citizen said about a plan goes back to its author organisation.
        return resource is None or (
            isinstance(resource, AuthoredRecord)
            and resource.author_identifier in client.organisations
        )
    if permission is Permission.API_REPRESENTATIONS_WRITE:
        # Only a registry of authorities holds this scope; it is not bound to organisations.
        # A citizen's own grant is theirs alone.
        return resource is None or (
            isinstance(resource, RepresentationRecord) and not resource.given_by_citizen
        )
    return False
