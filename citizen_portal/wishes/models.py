"""The citizen's own voice: wishes in sections, and their stance on each plan version."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from citizen_portal.db import Base, UTCDateTime, enum_column, utcnow
from citizen_portal.people.models import Person
from citizen_portal.security.actors import ActorKind


class WishSection(StrEnum):
    """From the sources: what professionals are asked to capture from the citizen."""

    WHAT_MATTERS = "what_matters"
    OWN_GOALS = "own_goals"
    CHALLENGES = "challenges"
    WHAT_HELPS = "what_helps"
    EARLY_SIGNS = "early_signs"
    CONTACTS = "contacts"
    MISSED_APPOINTMENT = "missed_appointment"
    MEETINGS = "meetings"
    PRACTICAL = "practical"
    ADVANCE_STATEMENT = "advance_statement"


GENERAL = "general"  # wishes for every plan; else "plan:<id>"


def scope_key(plan_id: int | None) -> str:
    return GENERAL if plan_id is None else f"plan:{plan_id}"


# Sections that must be the citizen's own words: a representative cannot write them.
OWN_WORDS = frozenset({WishSection.ADVANCE_STATEMENT})


class WishEntry(Base):
    """One saved version of one section. Never changed: a save adds the next number,
    and the unique constraint turns two devices saving at once into a conflict."""

    __tablename__ = "wish_entries"
    __table_args__ = (UniqueConstraint("citizen_id", "scope_key", "section", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plans.id"))
    scope_key: Mapped[str] = mapped_column(String(40))
    section: Mapped[WishSection] = mapped_column(enum_column(WishSection))
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)  # plain text; "" when the citizen cleared it
    author_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    author_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, length=20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Person] = relationship(foreign_keys=[author_person_id])


class WishSharing(Base):
    """The citizen's choice for one section of one scope: "only for me" keeps it from
    every professional system. No row means shared (the default). Changing it updates
    the row in place; the access log keeps who changed it and when."""

    __tablename__ = "wish_sharing"
    __table_args__ = (UniqueConstraint("citizen_id", "scope_key", "section"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    scope_key: Mapped[str] = mapped_column(String(40))
    section: Mapped[WishSection] = mapped_column(enum_column(WishSection))
    only_for_me: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StanceChoice(StrEnum):
    AGREE = "agree"
    AGREE_WITH_COMMENTS = "agree_with_comments"
    DISAGREE = "disagree"


class PlanStance(Base):
    """The citizen's stance on one plan version. Agreeing to a coordinated action
    plan is the citizen's digital approval of it."""

    __tablename__ = "plan_stances"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"))
    version_number: Mapped[int] = mapped_column(Integer)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    choice: Mapped[StanceChoice] = mapped_column(enum_column(StanceChoice))
    comment: Mapped[str] = mapped_column(Text, default="")
    approves_plan: Mapped[bool] = mapped_column(Boolean, default=False)
    author_person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    author_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, length=20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    author: Mapped[Person] = relationship(foreign_keys=[author_person_id])
