"""A push service on loopback, and a browser's side of a subscription, for tests.

The service implements the receiving side of Web Push (RFC 8030): it takes a POST
to a subscription's endpoint, checks the VAPID authorization (RFC 8292: an ES256
JWT whose audience is the service's origin, signed by the key in ``k``), and keeps
the encrypted body. ``Browser`` holds what a browser generates when it subscribes
(a P-256 key pair and a 16-byte auth secret) and decrypts what arrived
(RFC 8291, aes128gcm) as the browser would. Each endpoint answers with the statuses
queued for it (201 when none is queued).
"""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    vapid_claims: dict[str, Any] | None  # None: the authorization did not verify


@dataclass
class PushService:
    server: ThreadingHTTPServer
    received: list[Received] = field(default_factory=list)
    answers: dict[str, deque[int]] = field(default_factory=lambda: defaultdict(deque))

    @property
    def origin(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def answer(self, name: str, *statuses: int) -> None:
        """The next POSTs to ``name`` get these statuses, in order."""
        self.answers[f"/push/{name}"].extend(statuses)

    def to(self, name: str) -> list[Received]:
        return [r for r in self.received if r.path == f"/push/{name}"]


def _verify_vapid(authorization: str, origin: str) -> dict[str, Any] | None:
    """``vapid t=<JWT>, k=<public key>``: the signature, the audience and expiry."""
    if not authorization.startswith("vapid "):
        return None
    parts = dict(p.strip().split("=", 1) for p in authorization[len("vapid ") :].split(","))
    token, key = parts.get("t", ""), parts.get("k", "")
    try:
        header, claims, signature = token.split(".")
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64(key))
        raw = unb64(signature)
        der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
        public.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
        payload: dict[str, Any] = json.loads(unb64(claims))
    except (ValueError, InvalidSignature):
        return None
    if payload.get("aud") != origin or int(payload.get("exp", 0)) <= time.time():
        return None
    return payload


def start_push_service() -> PushService:
    service: PushService

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            claims = _verify_vapid(self.headers.get("Authorization", ""), service.origin)
            headers = {k.lower(): v for k, v in self.headers.items()}
            service.received.append(Received(self.path, headers, body, claims))
            queued = service.answers[self.path]
            status = queued.popleft() if queued else 201
            if claims is None:
                status = 403
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *_args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service = PushService(server)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return service


class Browser:
    """What a browser keeps for one push subscription."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)

    def subscription(self, endpoint: str) -> dict[str, Any]:
        """As ``PushSubscription.toJSON()`` gives it to the page's script."""
        public = self.private_key.public_key().public_bytes(
            Encoding.X962, PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64(public), "auth": b64(self.auth_secret)},
        }

    def decrypt(self, body: bytes) -> bytes:
        decrypted: bytes = http_ece.decrypt(
            body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return decrypted
