"""A real, minimal OpenID Connect provider for development and demos.

Built from Authlib's server components: authorization code flow with PKCE
(S256 required), signed ID tokens, discovery, JWKS and end-session. The portal
reaches it through the same relying-party code as a production provider, but
by a function call instead of HTTP (``InProcessTransport``): an app never waits
for itself, so one sync worker cannot deadlock. Its key and codes live in the
portal's database (``devidp/models.py``), so any worker or instance can redeem a
code another issued. It refuses to start in production.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import requests
from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Request
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask
from flask import request as flask_request
from joserfc.jwk import RSAKey
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from citizen_portal.config import ConfigurationError, Settings
from citizen_portal.db import get_session, utcnow
from citizen_portal.devidp.models import DevAuthorizationCode, DevSigningKey

# The NSIS assurance level a MitID sign-in reports, so acr checks can be tried out.
ACR_SUBSTANTIAL = "https://data.gov.dk/concept/core/nsis/substantial"


@dataclass(frozen=True)
class Persona:
    subject: str
    cpr: str
    given_name: str
    family_name: str
    description: str

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass(frozen=True)
class DevClient(ClientMixin):
    client_id: str
    client_secret: str
    redirect_uris: tuple[str, ...]
    post_logout_redirect_uris: tuple[str, ...]

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "profile"}
        return " ".join(s for s in (scope or "").split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == "client_secret_basic" if endpoint == "token" else True

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    subject: str
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str:
        return ACR_SUBSTANTIAL

    def get_amr(self) -> None:
        return None

    def is_expired(self) -> bool:
        return time.time() > self.expires_at


CODE_LIFETIME = timedelta(seconds=60)
SIGNING_KEY_NAME = "signing"


def _code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


class _Server(AuthorizationServer):
    """Authlib's Flask server reads the request from Flask's global; an in-process
    token call passes its own request instead (the app is inside the callback)."""

    def create_oauth2_request(self, request: Request | None) -> FlaskOAuth2Request:
        return FlaskOAuth2Request(request if request is not None else flask_request)


class InProcessTransport(BaseAdapter):
    """requests' transport for the provider's own URLs: the relying party's HTTP
    call (the token exchange) becomes a function call inside the same request and
    database transaction, never a request to this app over the network."""

    def __init__(self, provider: DevIdentityProvider) -> None:
        super().__init__()
        self.provider = provider

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float, float] | tuple[float, None] | None = None,
        verify: bool | str = True,
        cert: bytes | str | tuple[bytes | str, bytes | str] | None = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        url = request.url or ""
        if not url.startswith(f"{self.provider.issuer}/token"):
            raise requests.ConnectionError(f"not served in process: {url}")
        body = request.body.encode() if isinstance(request.body, str) else request.body
        builder = EnvironBuilder(
            method=request.method or "POST",
            path="/dev-idp/token",
            headers=list(request.headers.items()),
            data=body or b"",
        )
        try:
            answer = self.provider.server.create_token_response(Request(builder.get_environ()))
        finally:
            builder.close()
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response._content = answer.get_data()
        response.url = url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        """Nothing to release: no connections are opened."""


class DevIdentityProvider:
    def __init__(self, settings: Settings, personas: list[Persona]) -> None:
        if settings.is_production:
            raise ConfigurationError("The development identity provider cannot run in production.")
        self.issuer = f"{settings.base_url}/dev-idp"
        self.personas = {p.subject: p for p in personas}
        # A parsed copy of the stored key; the database row is the truth.
        self._parsed_keys: dict[str, RSAKey] = {}
        self.client = DevClient(
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            redirect_uris=(f"{settings.base_url}/auth/callback",),
            post_logout_redirect_uris=(f"{settings.base_url}/auth/signed-out",),
        )
        self.server = _Server(query_client=self._query_client, save_token=_discard)
        self.server.register_grant(
            self._code_grant(), [CodeChallenge(required=True), self._openid()]
        )

    def init_app(self, app: Flask) -> None:
        self.server.init_app(app)
        app.extensions["dev_idp"] = self
        if app.config["SETTINGS"].oidc_issuer == self.issuer:
            # The relying party reaches this provider by function calls (auth/services.py).
            app.extensions["oidc_in_process"] = self

    def metadata_with_keys(self) -> dict[str, Any]:
        """Discovery with the key set inside, as the relying party caches them."""
        return {**self.metadata(), "jwks": self.jwks()}

    def transport(self) -> BaseAdapter:
        return InProcessTransport(self)

    def signing_key(self) -> RSAKey:
        """The shared signing key, made by whichever worker needs it first. Made
        inside the request's transaction: a concurrent maker's key wins (ON CONFLICT
        DO NOTHING), and everyone reads the stored one."""
        db = get_session()
        stored = db.scalar(
            select(DevSigningKey.private_jwk).where(DevSigningKey.name == SIGNING_KEY_NAME)
        )
        if stored is None:
            made = RSAKey.generate_key(
                2048,
                parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"},
                private=True,
            )
            dialect = postgresql if db.get_bind().dialect.name == "postgresql" else sqlite
            db.execute(
                dialect.insert(DevSigningKey)
                .values(
                    name=SIGNING_KEY_NAME,
                    private_jwk=json.dumps(made.as_dict(private=True)),
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(index_elements=["name"])
            )
            stored = db.scalar(
                select(DevSigningKey.private_jwk).where(DevSigningKey.name == SIGNING_KEY_NAME)
            )
            assert stored is not None  # inserted or found just now
        if stored not in self._parsed_keys:
            self._parsed_keys = {stored: RSAKey.import_key(json.loads(stored))}
        return self._parsed_keys[stored]

    def _query_client(self, client_id: str) -> DevClient | None:
        return self.client if client_id == self.client.client_id else None

    def metadata(self) -> dict[str, Any]:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/end-session",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "name", "given_name", "family_name", "cpr", "acr"],
        }

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.signing_key().as_dict(private=False)]}

    def _code_grant(self) -> type[grants.AuthorizationCodeGrant]:
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                payload = request.payload
                get_session().add(
                    DevAuthorizationCode(
                        code_hash=_code_hash(code),
                        client_id=request.client.client_id,
                        redirect_uri=payload.redirect_uri,
                        scope=payload.scope,
                        subject=request.user.subject,
                        nonce=payload.data.get("nonce"),
                        code_challenge=payload.data.get("code_challenge"),
                        code_challenge_method=payload.data.get("code_challenge_method"),
                        auth_time=int(time.time()),
                        expires_at=utcnow() + CODE_LIFETIME,
                    )
                )

            def query_authorization_code(self, code: str, client: DevClient) -> Any:
                row = get_session().get(DevAuthorizationCode, _code_hash(code))
                if row is None or row.client_id != client.client_id or row.expires_at < utcnow():
                    return None
                return AuthorizationCode(
                    code=code,
                    client_id=row.client_id,
                    redirect_uri=row.redirect_uri,
                    scope=row.scope,
                    subject=row.subject,
                    nonce=row.nonce,
                    code_challenge=row.code_challenge,
                    code_challenge_method=row.code_challenge_method,
                    auth_time=row.auth_time,
                    expires_at=row.expires_at.timestamp(),
                )

            def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
                db = get_session()
                db.execute(
                    delete(DevAuthorizationCode).where(
                        DevAuthorizationCode.code_hash == _code_hash(authorization_code.code)
                    )
                )
                # Expired codes nobody redeemed go too (a development table stays small).
                db.execute(
                    delete(DevAuthorizationCode).where(DevAuthorizationCode.expires_at < utcnow())
                )

            def authenticate_user(self, authorization_code: AuthorizationCode) -> Persona:
                return provider.personas[authorization_code.subject]

        return CodeGrant

    def _openid(self) -> OpenIDCode:
        provider = self

        class DevOpenIDCode(OpenIDCode):
            def exists_nonce(self, nonce: str, request: Any) -> bool:
                found = get_session().scalar(
                    select(DevAuthorizationCode.code_hash).where(
                        DevAuthorizationCode.nonce == nonce
                    )
                )
                return found is not None

            def resolve_client_private_key(self, client: DevClient) -> RSAKey:
                return provider.signing_key()

            def get_client_algorithm(self, client: DevClient) -> str:
                return "RS256"

            def get_encode_header(self, client: DevClient) -> dict[str, str]:
                return {"alg": "RS256", "kid": str(provider.signing_key().kid)}

            def get_client_claims(self, client: DevClient) -> dict[str, Any]:
                return {
                    "iss": provider.issuer,
                    "aud": [client.client_id],
                    "exp": int(time.time()) + 300,
                }

            def generate_user_info(self, user: Persona, scope: str) -> UserInfo:
                return UserInfo(
                    sub=user.subject,
                    name=user.name,
                    given_name=user.given_name,
                    family_name=user.family_name,
                    cpr=user.cpr,
                )

        return DevOpenIDCode(require_nonce=True)


def _discard(token: dict[str, Any], request: Any) -> None:
    """Access tokens are not used: the ID token carries every claim the portal needs."""
