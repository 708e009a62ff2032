"""The one place that decides who may do what to which resource.

Views never compare ids themselves: they ask ``can`` (or ``authorize``,
which answers 404 so that nobody learns whether someone else's plan exists).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user

from citizen_portal.audit.models import ActorKind
from citizen_portal.fhir.parsed import ParsedPlan
from citizen_portal.plans.models import Plan
from citizen_portal.security.permissions import Permission


@dataclass(frozen=True)
class Actor:
    """Who is acting, and for whom. Today a citizen acts for themself;
    representatives (power of attorney) will act for someone else."""

    person_id: int
    subject_person_id: int
    kind: ActorKind = ActorKind.CITIZEN


@dataclass(frozen=True)
class ClientActor:
    """A registered professional system, writing for its organisations only."""

    client_id: str
    organisations: frozenset[str]  # organisation identifiers
    scopes: frozenset[str]


def current_actor() -> Actor | None:
    if not current_user.is_authenticated:
        return None
    person_id: int = current_user.person_id
    return Actor(person_id=person_id, subject_person_id=person_id)


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
    if permission is Permission.AUDIT_READ:
        # Only the citizen's own log, never anyone else's.
        return resource is None or resource == actor.subject_person_id
    if permission is Permission.PLANS_READ:
        if resource is None:
            return True  # the list is always filtered to the subject's own plans
        if isinstance(resource, Plan):
            return resource.citizen_id == actor.subject_person_id
    return False


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
    return False
