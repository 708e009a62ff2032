"""The OpenID Connect relying party.

Authlib does the protocol: discovery, authorization code flow with PKCE
(S256), state and nonce, and ID token signature and claim checks. This module
adds what a national e-ID needs on top: the discovered issuer must be the one
configured, only strong signing algorithms are accepted, an assurance level
(acr) can be required, and the person is found by a configurable claim.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, request
from joserfc.errors import JoseError
from requests import Session
from requests.adapters import BaseAdapter

from citizen_portal.config import Settings

CLIENT_NAME = "eid"


class SignInRefused(Exception):
    """The provider's answer cannot be trusted or used. ``reason`` is for the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedIdentity:
    subject: str
    cpr: str
    given_name: str
    family_name: str
    acr: str | None
    auth_time: int | None = None


class InProcessProvider(Protocol):
    """A provider served by this same app (the development one). It is reached by
    function calls, never over HTTP: a sync worker waiting for an answer from
    itself would wait for ever, and another worker may not be there to answer."""

    issuer: str

    def metadata_with_keys(self) -> dict[str, Any]: ...

    def transport(self) -> BaseAdapter: ...


def _in_process_provider() -> InProcessProvider | None:
    provider: InProcessProvider | None = current_app.extensions.get("oidc_in_process")
    return provider


def _route_in_process(session: Session) -> None:
    """Authlib's hook on each HTTP session it makes for the token exchange."""
    provider = _in_process_provider()
    if provider is not None:
        session.mount(f"{provider.issuer}/", provider.transport())


def init_oidc(app: Flask, settings: Settings) -> OAuth:
    oauth = OAuth(app)
    oauth.register(
        CLIENT_NAME,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        compliance_fix=_route_in_process,
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "timeout": 10,
        },
    )
    return oauth


def client() -> Any:
    return current_app.extensions["authlib.integrations.flask_client"].create_client(CLIENT_NAME)


def load_metadata() -> dict[str, Any]:
    """Discovery, checked: a provider cannot claim another issuer or weaken algorithms."""
    settings: Settings = current_app.config["SETTINGS"]
    eid = client()
    provider = _in_process_provider()
    if provider is not None:
        # Read afresh each time (the key set comes from the shared database), and
        # marked loaded so that Authlib fetches nothing over HTTP.
        eid.server_metadata.update(provider.metadata_with_keys(), _loaded_at=time.time())
    try:
        metadata: dict[str, Any] = eid.load_server_metadata()
    except Exception as exc:  # network, HTTP or JSON errors from the provider
        eid.server_metadata.pop("_loaded_at", None)
        raise SignInRefused(f"discovery failed: {type(exc).__name__}") from exc
    if metadata.get("issuer", "").rstrip("/") != settings.oidc_issuer:
        eid.server_metadata.clear()
        raise SignInRefused("discovery names another issuer")
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    allowed = [alg for alg in offered if alg in settings.oidc_allowed_algorithms]
    if not allowed:
        raise SignInRefused("provider offers no acceptable signing algorithm")
    # Authlib passes this list to the JWS registry: only these algorithms verify.
    metadata["id_token_signing_alg_values_supported"] = allowed
    return metadata


def authorization_redirect(redirect_uri: str, **params: Any) -> Any:
    load_metadata()
    return client().authorize_redirect(redirect_uri, **params)


def complete_sign_in() -> VerifiedIdentity:
    """Exchange the code and verify everything; raise ``SignInRefused`` otherwise."""

    settings: Settings = current_app.config["SETTINGS"]
    load_metadata()
    # RFC 9207: a provider that names itself in the response must name the
    # right issuer, which defeats mix-up attacks between providers.
    returned_issuer = request.args.get("iss")
    if returned_issuer is not None and returned_issuer.rstrip("/") != settings.oidc_issuer:
        raise SignInRefused("authorization response from another issuer")
    claims_options: dict[str, Any] = {
        "iss": {"essential": True, "values": [settings.oidc_issuer]},
        "sub": {"essential": True},
        # Authlib checks the audience only when told to; without this, a token
        # for another client that names us in "azp" would be accepted.
        "aud": {"essential": True, "values": [settings.oidc_client_id]},
    }
    if settings.oidc_required_acr:
        claims_options["acr"] = {"essential": True, "values": [settings.oidc_required_acr]}
    eid = client()
    try:
        token = eid.authorize_access_token(claims_options=claims_options, leeway=60)
    except OAuthError as exc:
        raise SignInRefused(f"oauth: {exc.error}") from exc
    except JoseError as exc:
        raise SignInRefused(f"id token: {exc.error}") from exc
    except (ValueError, KeyError, TypeError) as exc:
        # Malformed tokens surface from the JOSE layer as plain value errors.
        raise SignInRefused(f"id token malformed: {type(exc).__name__}") from exc
    except Exception as exc:  # the token endpoint failed or answered nonsense
        raise SignInRefused(f"token exchange failed: {type(exc).__name__}") from exc

    claims = token.get("userinfo")
    if not claims or "id_token" not in token:
        raise SignInRefused("no id token")
    claims = dict(claims)
    if settings.oidc_person_claim not in claims:
        # Many providers put profile claims only at the userinfo endpoint.
        try:
            extra = dict(eid.userinfo(token=token))
        except Exception as exc:
            raise SignInRefused(f"userinfo failed: {type(exc).__name__}") from exc
        if extra.get("sub") != claims["sub"]:
            raise SignInRefused("userinfo is for another subject")
        claims = {**extra, **claims}
    cpr = claims.get(settings.oidc_person_claim)
    if not isinstance(cpr, str) or not cpr:
        raise SignInRefused("no person identifier claim")
    name = str(claims.get("name") or "")
    given = str(claims.get("given_name") or name.rpartition(" ")[0] or name)
    family = str(claims.get("family_name") or name.rpartition(" ")[2])
    return VerifiedIdentity(
        subject=str(claims["sub"]),
        cpr=cpr,
        given_name=given,
        family_name=family,
        acr=claims.get("acr"),
        auth_time=claims.get("auth_time") if isinstance(claims.get("auth_time"), int) else None,
    )


def end_session_url(post_logout_redirect_uri: str) -> str | None:
    """The provider's end-session URL, or None when it has none.

    RP-initiated logout names this portal by ``client_id``, never by
    ``id_token_hint``: the ID token carries the CPR number, and this URL ends up
    in browser history and request logs (and the token is not kept anyway)."""
    try:
        metadata = load_metadata()
    except SignInRefused:
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = client().create_logout_url(
        post_logout_redirect_uri=post_logout_redirect_uri,
        client_id=current_app.config["SETTINGS"].oidc_client_id,
    )
    url: str = result["url"]
    return url
