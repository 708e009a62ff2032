"""What the development identity provider keeps, in the portal's own database.

Nothing in one process's memory: with several workers or instances behind a load
balancer, the authorization code one of them issued is redeemed at another, and
every one of them signs with (and publishes) the same key.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from citizen_portal.db import Base, UTCDateTime, utcnow


class DevSigningKey(Base):
    """The provider's RSA signing key (a private JWK), made on first use. A demo
    key for a development machine: the provider refuses to start in production."""

    __tablename__ = "dev_idp_keys"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    private_jwk: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class DevAuthorizationCode(Base):
    """An authorization code, found by its hash and deleted when redeemed."""

    __tablename__ = "dev_idp_codes"

    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    client_id: Mapped[str] = mapped_column(String(200))
    redirect_uri: Mapped[str] = mapped_column(String(2000))
    scope: Mapped[str] = mapped_column(String(200))
    subject: Mapped[str] = mapped_column(String(200))
    nonce: Mapped[str | None] = mapped_column(String(200), index=True)
    code_challenge: Mapped[str | None] = mapped_column(String(200))
    code_challenge_method: Mapped[str | None] = mapped_column(String(20))
    auth_time: Mapped[int]
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
