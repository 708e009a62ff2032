"""The one place that decides who may do what to which resource.

Views never compare ids themselves: they ask ``can`` (or ``authorize``,
which answers 404 so that nobody learns whether someone else's plan exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, g
from flask_login import current_user

from citizen_portal.audit.models import ActorKind
from citizen_portal.consents.models import Consent
from citizen_portal.db import utcnow
from citizen_portal.plans.models import Plan
from citizen_portal.plans.parsed import ParsedPlan
from citizen_portal.representation.models import Representation, RepresentationKind, Scope
from citizen_portal.representation.rules import RepresentationFacts, in_effect
from citizen_portal.security.permissions import Permission

ALL_SCOPES = frozenset(Scope)
# The citizen's own data beyond plans, and the scopes that reach it (any one of them).
SCOPED_PERMISSIONS = {
    Permission.WISHES_READ: frozenset({Scope.READ_PLANS, Scope.RECORD_WISHES}),
    Permission.WISHES_WRITE: frozenset({Scope.RECORD_WISHES}),
    Permission.CONSENTS_READ: frozenset({Scope.READ_PLANS, Scope.MANAGE_CONSENTS}),
    Permission.CONSENTS_MANAGE: frozenset({Scope.MANAGE_CONSENTS}),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting, and for whom, with what rights. A citizen acting for
    themself has every right; a representative only the scopes given."""

    person_id: int
    subject_person_id: int
    kind: ActorKind = ActorKind.CITIZEN
    scopes: frozenset[Scope] = ALL_SCOPES


def actor_for(
    person_id: int,
    subject_person_id: int,
    representations: list[RepresentationFacts],
    today: date,
) -> Actor | None:
    """The actor ``person_id`` may be when acting for ``subject_person_id``, or None.

    Several representations for the same pair add up their scopes.
    """
    if person_id == subject_person_id:
        return Actor(person_id, person_id)
    scopes: set[Scope] = set()
    for facts in representations:
        if (
            facts.representative_id == person_id
            and facts.represented_id == subject_person_id
            and in_effect(facts, today)
        ):
            scopes |= facts.scopes
    if not scopes:
        return None
    return Actor(person_id, subject_person_id, ActorKind.REPRESENTATIVE, frozenset(scopes))


@dataclass(frozen=True)
class ClientActor:
    """A registered professional system, writing for its organisations only."""

    client_id: str
    organisations: frozenset[str]  # organisation identifiers
    scopes: frozenset[str]


def current_actor() -> Actor | None:
    """The signed-in person, acting for whom they chose if that is still allowed.

    Checked on every request: a revoked or expired representation stops at once.
    """
    if not current_user.is_authenticated:
        return None
    if "actor" in g:
        actor: Actor | None = g.actor
        return actor
    from citizen_portal.representation.services import facts_between

    person_id: int = current_user.person_id
    subject = current_user.acting_for_id or person_id
    actor = actor_for(person_id, subject, facts_between(person_id, subject), utcnow().date())
    if actor is None:  # no longer allowed: back to acting for themself
        actor = Actor(person_id, person_id)
    g.actor = actor
    return actor


def can(
    actor: Actor | ClientActor | None, permission: Permission, resource: object | None = None
) -> bool:
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
        if resource is None:
            return True  # the list is always filtered to the subject's own plans
        if isinstance(resource, Plan):
            return resource.citizen_id == actor.subject_person_id
    return False


def _belongs_to(resource: object, person_id: int) -> bool:
    """Whose data ``resource`` is: a plan, a consent, or a person id."""
    if isinstance(resource, Plan | Consent):
        return resource.citizen_id == person_id
    return isinstance(resource, int) and not isinstance(resource, bool) and resource == person_id


def switch_to(person_id: int, subject_person_id: int) -> Actor | None:
    """The actor ``person_id`` becomes when choosing to act for ``subject_person_id``."""
    from citizen_portal.representation.services import facts_between

    facts = facts_between(person_id, subject_person_id)
    return actor_for(person_id, subject_person_id, facts, utcnow().date())


def authorize_subject(permission: Permission) -> Actor:
    """The current actor, allowed ``permission`` on the data of the person they act for."""
    actor = current_actor()
    if actor is None or not can(actor, permission, actor.subject_person_id):
        abort(404)
    return actor


def authorize(permission: Permission, resource: object) -> Actor:
    """Abort with 404 unless the current actor may act on ``resource``."""
    actor = current_actor()
    if actor is None or not can(actor, permission, resource):
        abort(404)
    return actor


def _representation_can(actor: Actor, permission: Permission, resource: object | None) -> bool:
    if permission is Permission.REPRESENTATION_ACT:
        if resource is None:
            return True
        # Accepting a grant: only the person it was given to, acting for themself.
        return (
            isinstance(resource, Representation)
            and actor.kind is ActorKind.CITIZEN
            and resource.representative_id == actor.person_id
        )
    # Granting or revoking: only for oneself. A representative cannot pass the power on.
    if actor.kind is not ActorKind.CITIZEN:
        return False
    if resource is None:
        return True
    return (
        isinstance(resource, Representation)
        and resource.kind is RepresentationKind.POWER_OF_ATTORNEY
        and resource.represented_id == actor.person_id
    )


def _client_can(client: ClientActor, permission: Permission, resource: object | None) -> bool:
    if permission.value not in client.scopes:
        return False
    if permission is Permission.API_PLANS_WRITE:
        if resource is None:
            return True  # may call the endpoint; each plan is checked below
        if isinstance(resource, Plan):
            # A plan stays with the organisation that first authored it.
            return resource.author_organisation.identifier in client.organisations
        if isinstance(resource, ParsedPlan):
            return resource.author in client.organisations
    if permission is Permission.API_CITIZEN_INPUT_READ:
        # What the citizen said about a plan goes back to the organisation that wrote it.
        return resource is None or (
            isinstance(resource, Plan)
            and resource.author_organisation.identifier in client.organisations
        )
    if permission is Permission.API_REPRESENTATIONS_WRITE:
        # Only a registry of authorities holds this scope; it is not bound to organisations.
        # A citizen's own grant is theirs alone.
        return resource is None or (
            isinstance(resource, Representation) and resource.kind.from_authority
        )
    return False
