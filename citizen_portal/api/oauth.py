"""OAuth 2.0 client credentials for professional systems (Authlib server parts).

Systems get short-lived bearer tokens from /api/oauth/token and send them with
each call. Secrets and tokens are stored only as SHA-256 hashes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc6749.errors import OAuth2Error
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Flask, abort, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from citizen_portal.api.models import ApiClient, ApiToken
from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_refusal
from citizen_portal.db import get_session, utcnow
from citizen_portal.fhir.outcome import Issue, outcome_response
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.organisations.models import Organisation
from citizen_portal.organisations.types import OrganisationKind, Sector
from citizen_portal.security.actors import ClientActor
from citizen_portal.security.permissions import Permission
from citizen_portal.security.policy import can
from citizen_portal.security.web import PERMISSION_ATTRIBUTE

F = TypeVar("F", bound=Callable[..., Any])
TOKEN_LIFETIME = timedelta(minutes=15)
API_SCOPES = tuple(p.value for p in Permission if p.value.startswith("api:"))


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class RegisteredClient(ClientMixin):
    def __init__(self, row: ApiClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str) -> str:
        mine = self.row.scopes.split()
        if not scope:
            return " ".join(mine)
        return " ".join(s for s in scope.split() if s in mine)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str) -> bool:
        return hmac.compare_digest(_sha256(client_secret), self.row.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]


class StoredToken:
    def __init__(self, row: ApiToken) -> None:
        self.row = row

    def is_expired(self) -> bool:
        return self.row.expires_at <= utcnow()

    def is_revoked(self) -> bool:
        return self.row.revoked_at is not None or self.row.client.disabled_at is not None

    def get_scope(self) -> str:
        return self.row.scope


MAX_CLIENT_ID = 100  # api_clients.client_id


def _plain_text(value: Any, limit: int) -> bool:
    """A string a database can compare: not too long, no NUL or surrogate."""
    if not isinstance(value, str) or len(value) > limit or "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class TokenValidator(BearerTokenValidator):
    def authenticate_token(self, token_string: str) -> StoredToken | None:
        row = get_session().scalar(
            select(ApiToken).where(ApiToken.token_hash == _sha256(token_string))
        )
        return StoredToken(row) if row else None


def _query_client(client_id: str) -> RegisteredClient | None:
    if not _plain_text(client_id, MAX_CLIENT_ID):
        return None  # the same answer as an unknown client, and never a database error
    row = get_session().scalar(
        select(ApiClient).where(ApiClient.client_id == client_id, ApiClient.disabled_at.is_(None))
    )
    return RegisteredClient(row) if row else None


def _save_token(token: dict[str, Any], request: Any) -> None:
    db = get_session()
    db.add(
        ApiToken(
            token_hash=_sha256(token["access_token"]),
            client_pk=request.client.row.id,
            scope=token.get("scope", ""),
            expires_at=utcnow() + timedelta(seconds=int(token["expires_in"])),
        )
    )
    db.flush()


def init_api_oauth(app: Flask) -> None:
    app.config.setdefault(
        "OAUTH2_TOKEN_EXPIRES_IN", {"client_credentials": int(TOKEN_LIFETIME.total_seconds())}
    )
    server = AuthorizationServer(app, query_client=_query_client, save_token=_save_token)
    server.register_grant(ClientCredentialsGrant)
    protector = ResourceProtector()
    protector.register_token_validator(TokenValidator())
    app.extensions["api_oauth_server"] = server
    app.extensions["api_resource_protector"] = protector


def authorization_server() -> AuthorizationServer:
    return current_app.extensions["api_oauth_server"]


def requires_client(permission: Permission) -> Callable[[F], F]:
    """The caller must present a valid bearer token with ``permission`` as scope."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            try:
                protector = current_app.extensions["api_resource_protector"]
                token = protector.acquire_token([permission.value])
            except OAuth2Error as error:
                status = error.status_code or 401
                message = (
                    _l("This system's token lacks the permission for this call.")
                    if status == 403
                    else _l("Send a valid bearer token from /api/oauth/token.")
                )
                code = "forbidden" if status == 403 else "login"
                _audit_refused_call(status, error.error)
                return outcome_response(
                    [Issue("Authorization", message, code)],
                    status,
                    headers=dict(error.get_headers()),
                )
            row: ApiToken = token.row
            g.api_client = ClientActor(
                client_id=row.client.client_id,
                organisations=frozenset(o.identifier for o in row.client.organisations),
                scopes=frozenset(row.scope.split()),
            )
            if not can(g.api_client, permission):
                abort(403)
            return view(*args, **kwargs)

        setattr(wrapped, PERMISSION_ATTRIBUTE, permission)
        return wrapped  # type: ignore[return-value]

    return decorator


def _audit_refused_call(status: int, reason: str) -> None:
    """Counted per minute, status and address (one audit record for the first):
    a caller without a valid token cannot flood the audit log."""
    db = get_session()
    db.rollback()
    record_refusal(
        db,
        tag=AuditTag.API_CALL_REFUSED,
        status=status,
        client_id="",
        address=(request.remote_addr or "unknown")[:64],
        details={"path": request.path[:200], "reason": str(reason)[:100]},
    )


def register_client(
    session: Session, client_id: str, name: str, organisations: list[str], scopes: list[str]
) -> str:
    """Create a client bound to ``organisations``; returns its secret (shown once)."""
    unknown = [s for s in scopes if s not in API_SCOPES]
    if unknown:
        raise ValueError(f"unknown scopes: {', '.join(unknown)}")
    secret = secrets.token_urlsafe(32)
    orgs = []
    for identifier in organisations:
        org = session.scalar(select(Organisation).where(Organisation.identifier == identifier))
        if org is None:
            # The name and kind arrive with the organisation's first bundle.
            org = Organisation(
                identifier=identifier,
                name=identifier,
                kind=OrganisationKind.OTHER,
                sector=Sector.OTHER,
            )
            session.add(org)
        orgs.append(org)
    session.add(
        ApiClient(
            client_id=client_id,
            secret_hash=_sha256(secret),
            name=name,
            scopes=" ".join(scopes),
            organisations=orgs,
        )
    )
    session.flush()
    return secret
