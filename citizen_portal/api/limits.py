"""Rate limits on the partner API (Flask-Limiter), per client and per address.

The token endpoint has its own, tighter limit (``PORTAL_RATE_LIMIT_TOKEN``),
the calls with a token another (``PORTAL_RATE_LIMIT_API``); each applies once
per client and once per source address. The client of a token call is the
client id it claims, as given, whether it exists or not: a made-up id and a
registered one are counted and refused alike, so a refusal tells nothing about
which ids exist. The client of an API call is the one its token belongs to
(an unknown token counts for itself). Counters live in Redis when
``REDIS_URL`` is set (shared by every worker), else in the process's memory.

A refusal is 429 with Retry-After and an OperationOutcome, and is counted by
``audit.services.record_refusal``: one row per minute, client and address.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits import parse_many
from sqlalchemy import select

from citizen_portal.api.models import ApiClient, ApiToken
from citizen_portal.audit.models import AuditTag
from citizen_portal.audit.services import record_refusal
from citizen_portal.config import ConfigurationError, Settings
from citizen_portal.db import commit_request, get_session, rollback_request
from citizen_portal.fhir.outcome import Issue, outcome_response
from citizen_portal.i18n import lazy_gettext as _l

TOKEN_ENDPOINT = "api.token"  # noqa: S105 (an endpoint name)
UNLIMITED = ("api.openapi",)  # the public description of the API


def source_address() -> str:
    """The caller's address (behind the load balancer, ProxyFix has set it)."""
    return (request.remote_addr or "unknown")[:64]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def claimed_client_id() -> str:
    """The client id a token request names (HTTP Basic or form), as sent; "" when
    the credentials cannot be read at all (werkzeug raises on non-ASCII base64)."""
    try:
        authorization = request.authorization
    except ValueError:
        return ""
    if authorization and authorization.username:
        return authorization.username
    return request.form.get("client_id", "") if request.mimetype.endswith("form-urlencoded") else ""


def _token_client_key() -> str:
    return "token-client:" + _digest(claimed_client_id())


def _bearer() -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header[:7].lower() == "bearer " else ""


def _api_client_key() -> str:
    bearer = _bearer()
    row = (
        get_session().scalar(select(ApiToken).where(ApiToken.token_hash == _sha256(bearer)))
        if bearer
        else None
    )
    if row is not None:
        return "api-client:" + row.client.client_id
    return "api-token:" + _digest(bearer)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def known_client_id(client_id: str) -> str:
    """``client_id`` if it names a registered client, else "" (for the audit only)."""
    if not client_id or len(client_id) > 100 or "\x00" in client_id:
        return ""
    found = get_session().scalar(
        select(ApiClient.client_id).where(ApiClient.client_id == client_id)
    )
    return found or ""


def _audited_client() -> str:
    if request.endpoint == TOKEN_ENDPOINT:
        return known_client_id(claimed_client_id())
    bearer = _bearer()
    if not bearer:
        return ""
    row = get_session().scalar(select(ApiToken).where(ApiToken.token_hash == _sha256(bearer)))
    return row.client.client_id if row is not None else ""


def _got_a_token(response: Response) -> bool:
    return response.status_code == 200


def init_rate_limits(app: Flask, settings: Settings) -> Limiter:
    """One limiter per app (its own storage), applied to the API's views."""
    for limit in (settings.rate_limit_token, settings.rate_limit_api):
        try:
            parse_many(limit)
        except ValueError as error:
            raise ConfigurationError(f"Not a rate limit: {limit!r}") from error
    limiter = Limiter(
        key_func=source_address,
        app=app,
        storage_uri=settings.redis_url or "memory://",
        enabled=settings.rate_limits_enabled,
        headers_enabled=True,
        strategy="fixed-window",
        key_prefix="citizen-portal",
    )
    views: dict[str, Any] = app.view_functions
    for endpoint, view in list(views.items()):
        if not endpoint.startswith("api.") or endpoint in UNLIMITED:
            continue
        limit = settings.rate_limit_token if endpoint == TOKEN_ENDPOINT else settings.rate_limit_api
        client_key: Callable[[], str] = (
            _token_client_key if endpoint == TOKEN_ENDPOINT else _api_client_key
        )
        # A token request counts against its client only when it got a token: wrong
        # secrets in a client's name (counted per address) must not lock the client out.
        per_client = limiter.limit(
            limit,
            key_func=client_key,
            scope=f"{endpoint}:client",
            deduct_when=_got_a_token if endpoint == TOKEN_ENDPOINT else None,
        )
        per_address = limiter.limit(limit, key_func=source_address, scope=f"{endpoint}:address")
        views[endpoint] = per_address(per_client(view))
    app.extensions["api_rate_limiter"] = limiter
    app.register_error_handler(RateLimitExceeded, _too_many)
    return limiter


def _retry_after() -> int:
    limiter: Limiter = current_app.extensions["api_rate_limiter"]
    current = limiter.current_limit
    if current is None:
        return 60
    # As Flask-Limiter computes the Retry-After header it sets on the response.
    return max(1, int(current.reset_at - time.time()))


def _too_many(error: RateLimitExceeded) -> Any:
    """429 with Retry-After, the same for every client id; counted, not logged per call."""
    retry_after = _retry_after()
    rollback_request()
    record_refusal(
        get_session(),
        tag=AuditTag.API_CALL_RATE_LIMITED,
        status=429,
        client_id=_audited_client(),
        address=source_address(),
        details={"path": request.path[:200]},
    )
    # The refused request's one commit: the view never ran, so
    # PortalApp.dispatch_request did not commit, and the count must be kept.
    commit_request()
    return outcome_response(
        [
            Issue(
                request.path,
                _l("Too many calls. Wait %(n)s seconds, then try again.", n=retry_after),
                "throttled",
            )
        ],
        429,
        headers={"Retry-After": str(retry_after)},
    )
