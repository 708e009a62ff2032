"""The one place that decides who may do what to which resource.

Views never compare ids themselves: they ask ``can`` (or ``authorize``,
which answers 404 so that nobody learns whether someone else's plan exists).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user

from citizen_portal.audit.models import ActorKind
from citizen_portal.plans.models import Plan
from citizen_portal.security.permissions import Permission


@dataclass(frozen=True)
class Actor:
    """Who is acting, and for whom. Today a citizen acts for themself;
    representatives (power of attorney) will act for someone else."""

    person_id: int
    subject_person_id: int
    kind: ActorKind = ActorKind.CITIZEN


def current_actor() -> Actor | None:
    if not current_user.is_authenticated:
        return None
    person_id: int = current_user.person_id
    return Actor(person_id=person_id, subject_person_id=person_id)


def can(actor: Actor | None, permission: Permission, resource: object | None = None) -> bool:
    if permission is Permission.PUBLIC:
        return True
    if actor is None:
        return False
    if permission is Permission.ACCOUNT_USE:
        return resource is None
    if permission is Permission.PLANS_READ:
        if resource is None:
            return True  # the list is always filtered to the subject's own plans
        if isinstance(resource, Plan):
            return resource.citizen_id == actor.subject_person_id
    return False


def authorize(permission: Permission, resource: object) -> Actor:
    """Abort with 404 unless the current actor may act on ``resource``."""
    actor = current_actor()
    if actor is None or not can(actor, permission, resource):
        abort(404)
    return actor
