"""Consents: for a purpose, to a recipient, for at most a year, withdrawn at once."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citizen_portal.db import Base, UTCDateTime, enum_column, utcnow
from citizen_portal.organisations.models import Organisation
from citizen_portal.people.models import Person
from citizen_portal.security.actors import ActorKind


class ConsentPurpose(StrEnum):
    """The purposes in the sources (Health Act; the KIP guidelines)."""

    SHARE_FOR_ACTION_PLAN = "share_for_action_plan"  # between named sectors, for a KIP
    INFORM_GP = "inform_gp"  # tell my GP about my plan
    INVOLVE_RELATIVE = "involve_relative"  # informed and invited; not reading the plan


class Consent(Base):
    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    purpose: Mapped[ConsentPurpose] = mapped_column(enum_column(ConsentPurpose))
    recipient: Mapped[str] = mapped_column(String(300))  # as shown; the organisation's name
    # The recipient, when it is an organisation taking part in the citizen's plans: the
    # only system that reads a consent for no particular plan back. A named relative
    # is free text above, and no system reads that back.
    recipient_organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    starts_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date] = mapped_column(Date)  # at most a year after it starts
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    given_by_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    given_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, length=20))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    withdrawn_by_kind: Mapped[ActorKind | None] = mapped_column(enum_column(ActorKind, length=20))

    given_by: Mapped[Person] = relationship(foreign_keys=[given_by_person_id])
    recipient_organisation: Mapped[Organisation | None] = relationship()
    withdrawn_by: Mapped[Person | None] = relationship(foreign_keys=[withdrawn_by_person_id])

    def in_effect(self, today: date) -> bool:
        return self.withdrawn_at is None and self.starts_on <= today <= self.expires_on
