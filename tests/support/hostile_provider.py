"""An OpenID provider that misbehaves on request, to prove the portal refuses it.

It answers like a normal provider (discovery, JWKS, authorization, token)
except for the one defect the test asks for, so each test isolates one check.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any
from urllib.parse import urlencode

from flask import Flask, jsonify, redirect, request
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "portal-under-attack"
CLIENT_SECRET = "hostile-provider-test-secret"

DEFECTS = (
    "none",
    "wrong_state",
    "wrong_nonce",
    "wrong_issuer",
    "wrong_audience",
    "wrong_audience_with_azp",
    "wrong_issuer_in_response",
    "expired",
    "alg_none",
    "tampered_signature",
    "unknown_kid",
)


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class HostileProvider:
    def __init__(self) -> None:
        self.defect = "none"
        self.issuer = ""  # set once the server has a port
        self.key = RSAKey.generate_key(2048, parameters={"kid": "good-key", "alg": "RS256"})
        self.stranger_key = RSAKey.generate_key(2048, parameters={"kid": "stranger"})
        self._pending: dict[str, dict[str, str]] = {}
        self.app = self._build_app()

    def _claims(self, nonce: str) -> dict[str, Any]:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": "hostile-subject-1",
            "aud": CLIENT_ID,
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "cpr": "1403881234",
            "name": "Mette Nielsen",
        }
        if self.defect == "wrong_nonce":
            claims["nonce"] = "a-nonce-the-portal-never-sent"
        elif self.defect == "wrong_issuer":
            claims["iss"] = "https://evil.example"
        elif self.defect == "wrong_audience":
            claims["aud"] = "some-other-client"
        elif self.defect == "wrong_audience_with_azp":
            # Issued to another client, naming us as authorised party.
            claims["aud"] = "some-other-client"
            claims["azp"] = CLIENT_ID
        elif self.defect == "expired":
            claims["iat"] = now - 7200
            claims["exp"] = now - 3600
        return claims

    def id_token(self, nonce: str) -> str:
        claims = self._claims(nonce)
        if self.defect == "alg_none":
            return f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(claims)}."
        if self.defect == "unknown_kid":
            return jwt.encode({"alg": "RS256", "kid": "stranger"}, claims, self.stranger_key)
        token = jwt.encode({"alg": "RS256", "kid": "good-key"}, claims, self.key)
        if self.defect == "tampered_signature":
            header, _payload, signature = token.split(".")
            # Change the claims after signing: the signature no longer matches.
            forged = _b64({**claims, "cpr": "0911843456"})
            token = f"{header}.{forged}.{signature}"
        return token

    def _build_app(self) -> Flask:
        app = Flask("hostile_provider")

        @app.get("/.well-known/openid-configuration")
        def discovery() -> Any:
            return jsonify(
                issuer=self.issuer,
                authorization_endpoint=f"{self.issuer}/authorize",
                token_endpoint=f"{self.issuer}/token",
                jwks_uri=f"{self.issuer}/jwks",
                response_types_supported=["code"],
                subject_types_supported=["public"],
                # A hostile provider may even advertise "none"; the portal must not care.
                id_token_signing_alg_values_supported=["RS256", "none"],
            )

        @app.get("/jwks")
        def jwks() -> Any:
            return jsonify(keys=[self.key.as_dict(private=False)])

        @app.get("/authorize")
        def authorize() -> Any:
            code = f"code-{len(self._pending) + 1}"
            self._pending[code] = {"nonce": request.args["nonce"]}
            state = request.args["state"]
            if self.defect == "wrong_state":
                state = "a-state-the-portal-never-sent"
            params = {"code": code, "state": state}
            if self.defect == "wrong_issuer_in_response":
                params["iss"] = "https://evil.example"  # RFC 9207 mix-up
            query = urlencode(params)
            return redirect(f"{request.args['redirect_uri']}?{query}")

        @app.post("/token")
        def token() -> Any:
            pending = self._pending.pop(request.form["code"], None)
            if pending is None:
                return jsonify(error="invalid_grant"), 400
            return jsonify(
                access_token="hostile-access-token",
                token_type="Bearer",
                expires_in=300,
                id_token=self.id_token(pending["nonce"]),
            )

        return app
