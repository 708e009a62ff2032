"""Who may act for whom: powers of attorney and representations from authorities."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import JSON, Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citizen_portal.db import Base, UTCDateTime, enum_column, utcnow
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.people.models import Person


class RepresentationKind(StrEnum):
    POWER_OF_ATTORNEY = "power_of_attorney"  # fuldmagt, granted by the citizen
    PARENTAL_CUSTODY = "parental_custody"  # forældremyndighed, ends at 15
    GUARDIAN = "guardian"  # værge, usually appointed by Familieretshuset
    LASTING_POWER_OF_ATTORNEY = "lasting_power_of_attorney"  # fremtidsfuldmagt

    @property
    def from_authority(self) -> bool:
        return self is not RepresentationKind.POWER_OF_ATTORNEY


def kind_name(kind: RepresentationKind) -> object:
    """The kind in plain, translated words."""
    return {
        RepresentationKind.POWER_OF_ATTORNEY: _l("Power of attorney"),
        RepresentationKind.PARENTAL_CUSTODY: _l("Parental responsibility"),
        RepresentationKind.GUARDIAN: _l("Guardian (usually appointed by Familieretshuset)"),
        RepresentationKind.LASTING_POWER_OF_ATTORNEY: _l("Lasting power of attorney"),
    }[kind]


class Representation(Base):
    __tablename__ = "representations"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[RepresentationKind] = mapped_column(enum_column(RepresentationKind))
    represented_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    representative_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    scopes: Mapped[list[str]] = mapped_column(JSON)
    valid_from: Mapped[date] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)  # None: until revoked
    # A citizen's grant takes effect when the representative accepts it;
    # authorities' representations are in effect at once.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The representative said no to the offer (revoked_at is set too, so it never takes effect).
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Which authority (court case, registry) a representation came from.
    source_reference: Mapped[str | None] = mapped_column(String(200))

    # The representative's name as the citizen typed it when giving the power.
    typed_name: Mapped[str | None] = mapped_column(String(200))

    represented: Mapped[Person] = relationship(foreign_keys=[represented_id])
    representative: Mapped[Person] = relationship(foreign_keys=[representative_id])

    @property
    def representative_name(self) -> str:
        """The representative as the citizen should see them: the name the citizen
        typed when giving the power, until the representative accepts it. Showing
        the stored name would tell the citizen whether that CPR number belongs to a
        portal user, and whose (their psychiatric care included)."""
        if self.typed_name and self.accepted_at is None:
            return self.typed_name
        return self.representative.full_name or self.typed_name or ""

    @property
    def given_by_citizen(self) -> bool:
        """A power of attorney the citizen gave, not one an authority registered."""
        return not self.kind.from_authority
