"""A real, minimal OpenID Connect provider for development and demos.

Built from Authlib's server components: authorization code flow with PKCE
(S256 required), signed ID tokens, discovery, JWKS and end-session. The portal
reaches it through exactly the same relying-party code as a production
provider. State is kept in memory: it is for one developer's machine, and it
refuses to start in production.
"""

from __future__ import annotations

import secrets
import threading
import time
from dataclasses import dataclass
from typing import Any

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, grants
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from flask import Flask
from joserfc.jwk import RSAKey

from citizen_portal.config import ConfigurationError, Settings

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


class DevIdentityProvider:
    def __init__(self, settings: Settings, personas: list[Persona]) -> None:
        if settings.is_production:
            raise ConfigurationError("The development identity provider cannot run in production.")
        self.issuer = f"{settings.base_url}/dev-idp"
        self.personas = {p.subject: p for p in personas}
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": secrets.token_hex(8), "use": "sig", "alg": "RS256"}
        )
        self.client = DevClient(
            client_id=settings.oidc_client_id,
            client_secret=settings.oidc_client_secret,
            redirect_uris=(f"{settings.base_url}/auth/callback",),
            post_logout_redirect_uris=(f"{settings.base_url}/auth/signed-out",),
        )
        self._codes: dict[str, AuthorizationCode] = {}
        self._lock = threading.Lock()
        self.server = AuthorizationServer(query_client=self._query_client, save_token=_discard)
        self.server.register_grant(
            self._code_grant(), [CodeChallenge(required=True), self._openid()]
        )

    def init_app(self, app: Flask) -> None:
        self.server.init_app(app)
        app.extensions["dev_idp"] = self

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
        return {"keys": [self.key.as_dict(private=False)]}

    def _code_grant(self) -> type[grants.AuthorizationCodeGrant]:
        provider = self

        class CodeGrant(grants.AuthorizationCodeGrant):
            TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic"]

            def save_authorization_code(self, code: str, request: Any) -> None:
                payload = request.payload
                with provider._lock:
                    provider._codes[code] = AuthorizationCode(
                        code=code,
                        client_id=request.client.client_id,
                        redirect_uri=payload.redirect_uri,
                        scope=payload.scope,
                        subject=request.user.subject,
                        nonce=payload.data.get("nonce"),
                        code_challenge=payload.data.get("code_challenge"),
                        code_challenge_method=payload.data.get("code_challenge_method"),
                        auth_time=int(time.time()),
                        expires_at=time.time() + 60,
                    )

            def query_authorization_code(self, code: str, client: DevClient) -> Any:
                with provider._lock:
                    item = provider._codes.get(code)
                if item and item.client_id == client.client_id and not item.is_expired():
                    return item
                return None

            def delete_authorization_code(self, authorization_code: AuthorizationCode) -> None:
                with provider._lock:
                    provider._codes.pop(authorization_code.code, None)

            def authenticate_user(self, authorization_code: AuthorizationCode) -> Persona:
                return provider.personas[authorization_code.subject]

        return CodeGrant

    def _openid(self) -> OpenIDCode:
        provider = self

        class DevOpenIDCode(OpenIDCode):
            def exists_nonce(self, nonce: str, request: Any) -> bool:
                with provider._lock:
                    return any(c.nonce == nonce for c in provider._codes.values())

            def resolve_client_private_key(self, client: DevClient) -> RSAKey:
                return provider.key

            def get_client_algorithm(self, client: DevClient) -> str:
                return "RS256"

            def get_encode_header(self, client: DevClient) -> dict[str, str]:
                return {"alg": "RS256", "kid": str(provider.key.kid)}

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
