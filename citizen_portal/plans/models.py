"""Plans and their immutable versions.

A ``Plan`` is the identity (whose plan, which type, the partner's business
identifier). Everything a follow-up meeting can change lives on a
``PlanVersion`` and its children. A stored version is never changed: a revision
is a new version, so history is never lost.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    false,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, query_expression, relationship

from citizen_portal.db import Base, UTCDateTime, enum_column, utcnow
from citizen_portal.organisations.models import Function, Organisation
from citizen_portal.people.models import Person
from citizen_portal.plans.types import (
    ActionStatus,
    AppointmentKind,
    ExistingPlanKind,
    PlanStatus,
    PlanType,
    Sequencing,
)


class Plan(Base):
    __tablename__ = "plans"
    # A business identifier is the issuing organisation's: unique per author, not
    # globally, so one organisation can neither squat nor probe another's identifiers.
    __table_args__ = (
        UniqueConstraint("author_organisation_id", "identifier_system", "identifier_value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    plan_type: Mapped[PlanType] = mapped_column(enum_column(PlanType))
    # The author system's business identifier ties the versions together.
    identifier_system: Mapped[str] = mapped_column(String(200))
    identifier_value: Mapped[str] = mapped_column(String(200))
    author_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    citizen: Mapped[Person] = relationship()
    author_organisation: Mapped[Organisation] = relationship()
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan", order_by="PlanVersion.number"
    )
    handovers: Mapped[list[PlanHandover]] = relationship(
        back_populates="plan", order_by="PlanHandover.id"
    )
    # Not a column: the functions and organisations' revision, read in the same
    # query where a loader asks for it (the plan page's: plans/views.py), else None.
    directory_revision: Mapped[str | None] = query_expression()

    @property
    def pending_handover(self) -> PlanHandover | None:
        """A hand-over the receiving organisation has not accepted yet."""
        return next((h for h in self.handovers if h.accepted_at is None), None)

    @property
    def current_version(self) -> PlanVersion:
        return self.versions[-1]

    @property
    def author_identifier(self) -> str:
        """The organisation that wrote the plan first; it keeps it (the policy reads this)."""
        return self.author_organisation.identifier


class PlanHandover(Base):
    """The author organisation hands a plan to another (the responsibility principle).

    Until the receiver accepts, the old author stays responsible and may still write
    versions; on acceptance the plan's author becomes the receiver. Kept afterwards:
    the old author's later bundles with the plan's identifier are told it was handed on.
    """

    __tablename__ = "plan_handovers"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    from_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    to_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_by: Mapped[str] = mapped_column(String(200))  # the client id
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_by: Mapped[str | None] = mapped_column(String(200))

    plan: Mapped[Plan] = relationship(back_populates="handovers")
    from_organisation: Mapped[Organisation] = relationship(foreign_keys=[from_organisation_id])
    to_organisation: Mapped[Organisation] = relationship(foreign_keys=[to_organisation_id])

    @property
    def receiver_identifier(self) -> str:
        """The organisation that may accept it (the policy reads this)."""
        return self.to_organisation.identifier


class PlanVersion(Base):
    __tablename__ = "plan_versions"
    __table_args__ = (UniqueConstraint("plan_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[PlanStatus] = mapped_column(enum_column(PlanStatus))
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    # §13a/§13b: when the agreement must be reviewed. KIP: the follow-up meeting.
    review_date: Mapped[date | None] = mapped_column(Date)
    # Template section 4: why the plan is made (background and purpose).
    reason: Mapped[str | None] = mapped_column(Text)
    treatment_offers: Mapped[str | None] = mapped_column(Text)
    social_offers: Mapped[str | None] = mapped_column(Text)
    current_needs: Mapped[str | None] = mapped_column(Text)
    expected_needs: Mapped[str | None] = mapped_column(Text)
    # The patient's own wishes, as the professionals recorded them in the plan.
    patient_wishes: Mapped[str | None] = mapped_column(Text)
    # The patient did not wish to state their wishes (the plan says so instead).
    patient_wishes_declined: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    # False for a coordination plan: the patient did not take part.
    citizen_participated: Mapped[bool] = mapped_column(Boolean, default=True)
    missed_appointment_response: Mapped[str | None] = mapped_column(Text)
    coordinator_function_id: Mapped[int | None] = mapped_column(ForeignKey("functions.id"))
    coordinator_name: Mapped[str | None] = mapped_column(String(200))
    # §13a template section 2: the physician function also responsible for review.
    review_responsible_function_id: Mapped[int | None] = mapped_column(ForeignKey("functions.id"))
    # §13a template section 3: who must follow the patient after discharge.
    follow_up_responsible_function_id: Mapped[int | None] = mapped_column(
        ForeignKey("functions.id")
    )
    meeting_date: Mapped[date | None] = mapped_column(Date)
    consent_given: Mapped[bool | None] = mapped_column(Boolean)
    consent_date: Mapped[date | None] = mapped_column(Date)
    approved_by_citizen: Mapped[bool | None] = mapped_column(Boolean)
    approved_date: Mapped[date | None] = mapped_column(Date)
    grounds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Sending the same content again finds this and creates nothing new.
    content_hash: Mapped[str] = mapped_column(String(64))
    # The bundle as the partner sent it, for export and for the record. Deferred: it
    # is the largest column and no page reads it (loaded when accessed).
    source_bundle: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)
    authored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    received_from: Mapped[str | None] = mapped_column(String(200))
    # Profile section codes a professional marked as not for representatives.
    withheld_sections: Mapped[list[str]] = mapped_column(JSON, default=list, server_default="[]")

    plan: Mapped[Plan] = relationship(back_populates="versions")
    coordinator_function: Mapped[Function | None] = relationship(
        foreign_keys=[coordinator_function_id]
    )
    review_responsible_function: Mapped[Function | None] = relationship(
        foreign_keys=[review_responsible_function_id]
    )
    follow_up_responsible_function: Mapped[Function | None] = relationship(
        foreign_keys=[follow_up_responsible_function_id]
    )
    goals: Mapped[list[Goal]] = relationship(order_by="Goal.position", back_populates="version")
    actions: Mapped[list[Action]] = relationship(
        order_by="Action.position", back_populates="version"
    )
    appointments: Mapped[list[Appointment]] = relationship(order_by="Appointment.starts_at")
    participants: Mapped[list[Participant]] = relationship(order_by="Participant.position")
    challenges: Mapped[list[Challenge]] = relationship(order_by="Challenge.priority")
    existing_plans: Mapped[list[ExistingPlanSummary]] = relationship(
        order_by="ExistingPlanSummary.position"
    )


class Goal(Base):
    __tablename__ = "goals"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    success_criteria: Mapped[str | None] = mapped_column(Text)

    version: Mapped[PlanVersion] = relationship(back_populates="goals")
    actions: Mapped[list[Action]] = relationship(
        order_by="Action.position", back_populates="goal", viewonly=True
    )


class Action(Base):
    """One effort or task, owned by a function or by the citizen."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(
            "citizen_responsible OR responsible_function_id IS NOT NULL",
            name="has_responsible",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("goals.id"))
    position: Mapped[int] = mapped_column(Integer)
    # Ties "the same action" across versions (the activity's id, else its text).
    key: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    citizen_responsible: Mapped[bool] = mapped_column(Boolean, default=False)
    responsible_function_id: Mapped[int | None] = mapped_column(ForeignKey("functions.id"))
    named_person: Mapped[str | None] = mapped_column(String(200))
    due_date: Mapped[date | None] = mapped_column(Date)
    timeline: Mapped[str | None] = mapped_column(Text)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus))
    sequencing: Mapped[Sequencing | None] = mapped_column(enum_column(Sequencing))
    withheld: Mapped[bool] = mapped_column(  # not for representatives
        Boolean, default=False, server_default=false()
    )

    version: Mapped[PlanVersion] = relationship(back_populates="actions")
    goal: Mapped[Goal | None] = relationship(back_populates="actions")
    responsible_function: Mapped[Function | None] = relationship()


class Appointment(Base):
    __tablename__ = "appointments"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    kind: Mapped[AppointmentKind] = mapped_column(enum_column(AppointmentKind))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str | None] = mapped_column(String(300))
    function_id: Mapped[int | None] = mapped_column(ForeignKey("functions.id"))
    description: Mapped[str | None] = mapped_column(Text)
    participants: Mapped[str | None] = mapped_column(Text)
    withheld: Mapped[bool] = mapped_column(  # not for representatives
        Boolean, default=False, server_default=false()
    )

    function: Mapped[Function | None] = relationship()


class Participant(Base):
    """A meeting participant or member of the discharge team, as written on the plan."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    organisation_name: Mapped[str | None] = mapped_column(String(300))
    contact: Mapped[str | None] = mapped_column(String(300))


class Challenge(Base):
    """A primary or acute challenge, in priority order (KIP section 3)."""

    __tablename__ = "challenges"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    priority: Mapped[int] = mapped_column(Integer)
    description: Mapped[str] = mapped_column(Text)
    agreements: Mapped[str | None] = mapped_column(Text)
    desired_outcome: Mapped[str | None] = mapped_column(Text)


class ExistingPlanSummary(Base):
    """Status, goal and effort taken from an existing plan (KIP section 2)."""

    __tablename__ = "existing_plan_summaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("plan_versions.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[ExistingPlanKind] = mapped_column(enum_column(ExistingPlanKind))
    status: Mapped[str | None] = mapped_column(Text)
    goal: Mapped[str | None] = mapped_column(Text)
    effort: Mapped[str | None] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(300))


class PlanSeen(Base):
    """The newest version a person has seen of a plan, for "what changed"."""

    __tablename__ = "plan_seen"
    __table_args__ = (UniqueConstraint("person_id", "plan_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"))
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"))
    version_number: Mapped[int] = mapped_column(Integer)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


VERSION_CONTENT = (
    PlanVersion,
    Goal,
    Action,
    Appointment,
    Participant,
    Challenge,
    ExistingPlanSummary,
)


class ImmutableVersionError(RuntimeError):
    """Something tried to change a stored plan version."""


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_stored_versions(session: Session, _ctx: Any, _instances: Any) -> None:
    changed = [o for o in session.dirty if session.is_modified(o)] + list(session.deleted)
    for obj in changed:
        if isinstance(obj, VERSION_CONTENT):
            raise ImmutableVersionError(
                f"{type(obj).__name__} belongs to a stored plan version; add a new version"
            )
