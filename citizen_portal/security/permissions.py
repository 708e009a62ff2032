"""The permission vocabulary and the decorators every route must carry.

A test walks the URL map and fails for any view without one of them, so a
new route cannot be added without saying who may use it.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])

PERMISSION_ATTRIBUTE = "required_permission"


class Permission(StrEnum):
    """``resource:action``. PUBLIC routes show no citizen data."""

    PUBLIC = "public"
    ACCOUNT_USE = "account:use"
    PLANS_READ = "plans:read"
    AUDIT_READ = "audit:read"  # the log of who read or changed the citizen's data
    REPRESENTATION_ACT = "representation:act"  # choose whom to act for; accept a grant
    REPRESENTATION_GRANT = "representation:grant"  # give or take back a power of attorney
    MESSAGES_READ = "messages:read"  # the signed-in person's own messages
    WISHES_READ = "wishes:read"
    WISHES_WRITE = "wishes:write"  # wishes, and the stance on a plan
    CONSENTS_READ = "consents:read"
    CONSENTS_MANAGE = "consents:manage"  # give and withdraw
    # Scopes of professional systems (OAuth 2.0 client credentials).
    API_PLANS_WRITE = "api:plans:write"
    API_REPRESENTATIONS_WRITE = "api:representations:write"  # registries of authorities
    API_CITIZEN_INPUT_READ = "api:citizen-input:read"  # wishes, stances, consents back out


def public(view: F) -> F:
    """Anyone may use this route, signed in or not."""
    setattr(view, PERMISSION_ATTRIBUTE, Permission.PUBLIC)
    return view


def requires(permission: Permission) -> Callable[[F], F]:
    """The signed-in person must hold ``permission`` (decided by the policy)."""

    if permission.value.startswith("api:"):
        raise ValueError("API routes use @requires_client")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            from citizen_portal.security.policy import can, current_actor

            if not current_user.is_authenticated:
                return redirect(url_for("auth.sign_in", next=request.full_path))
            if not can(current_actor(), permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, PERMISSION_ATTRIBUTE, permission)
        return wrapped  # type: ignore[return-value]

    return decorator


def declared_permission(view: Callable[..., Any]) -> Permission | None:
    return getattr(view, PERMISSION_ATTRIBUTE, None)
