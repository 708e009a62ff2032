from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citizen_portal.db import Base, enum_column
from citizen_portal.organisations.types import OrganisationKind, Sector


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # E.g. an SOR code or a municipality number, so partners can refer to it.
    identifier: Mapped[str] = mapped_column(String(400), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    kind: Mapped[OrganisationKind] = mapped_column(enum_column(OrganisationKind, length=30))
    sector: Mapped[Sector] = mapped_column(enum_column(Sector, length=30))

    functions: Mapped[list[Function]] = relationship(back_populates="organisation")


class Function(Base):
    """A role in an organisation, e.g. "Forløbskoordinator, Lokalpsykiatri Køge".

    Responsibility sits with a function, not a person, so it survives holidays
    and staff turnover (the national recommendation).
    """

    __tablename__ = "functions"
    # Identified within its organisation: another organisation's function with the
    # same identifier is another function (issue 12: nobody takes or squats one).
    __table_args__ = (UniqueConstraint("organisation_id", "identifier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stable across plan versions: the partner's PractitionerRole identifier,
    # else "<organisation identifier>|<title>".
    identifier: Mapped[str] = mapped_column(String(700), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    title: Mapped[str] = mapped_column(String(300))
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    # FHIR availableTime: [{"days": ["mon", ...], "start": "08:00", "end": "15:00"}]
    available_times: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Free text beside the times (FHIR availabilityExceptions).
    opening_hours: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)

    organisation: Mapped[Organisation] = relationship(back_populates="functions")


class DirectoryRevision(Base):
    """One row: a random value the database replaces on every change to the
    functions or organisations (triggers, migration 0021), in the changing
    transaction. What was read of them under a revision is still what is stored
    while it is unchanged (the plan page keeps the functions it shows by it:
    plans/version_cache.py)."""

    __tablename__ = "directory_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[str] = mapped_column(String(32))
