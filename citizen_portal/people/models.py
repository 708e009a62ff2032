from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, String
from sqlalchemy.orm import Mapped, mapped_column

from citizen_portal.db import Base, UTCDateTime, utcnow


class Person(Base):
    """A citizen. The CPR number is never stored, only its keyed hash."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    cpr_hash: Mapped[str] = mapped_column(String(64), unique=True)
    given_name: Mapped[str] = mapped_column(String(200))
    family_name: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()
