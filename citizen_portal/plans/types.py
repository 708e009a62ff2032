"""The plan's kinds and states, as plain enums: shared by the models, the parsed
plan and the pages, and by the FHIR profile above the domain."""

from __future__ import annotations

from enum import StrEnum


class PlanType(StrEnum):
    DISCHARGE_AGREEMENT = "discharge_agreement"  # udskrivningsaftale, Psychiatry Act §13a
    COORDINATION_PLAN = "coordination_plan"  # koordinationsplan, §13b
    COORDINATED_ACTION_PLAN = "coordinated_action_plan"  # koordinerende indsatsplan (KIP)


class PlanStatus(StrEnum):
    DRAFT = "draft"
    ACTIVE = "active"
    ENDED = "ended"
    CANCELLED = "cancelled"


class ActionStatus(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"


class Sequencing(StrEnum):
    PARALLEL = "parallel"
    SEQUENTIAL = "sequential"


class AppointmentKind(StrEnum):
    FIRST_AFTER_DISCHARGE = "first_after_discharge"
    FOLLOW_UP_MEETING = "follow_up_meeting"
    COORDINATION_MEETING = "coordination_meeting"
    OTHER = "other"


class PlanGround(StrEnum):
    """Grounds for a coordinated action plan (at least one, per the template)."""

    IN_OUTPATIENT_PSYCHIATRY = "in_outpatient_psychiatry"
    IN_SUBSTANCE_TREATMENT = "in_substance_treatment"
    NEEDS_PSYCHIATRIC_TREATMENT = "needs_psychiatric_treatment"
    NEEDS_SUBSTANCE_TREATMENT = "needs_substance_treatment"


class ExistingPlanKind(StrEnum):
    DRUG_TREATMENT = "drug_treatment"
    ALCOHOL_TREATMENT = "alcohol_treatment"
    PSYCHIATRIC_TREATMENT = "psychiatric_treatment"
    DISCHARGE_AGREEMENT = "discharge_agreement"
    COORDINATION_PLAN = "coordination_plan"
    SOCIAL_ACTION_PLAN = "social_action_plan"  # Social Services Act §141
    EDUCATION_OR_JOB_PLAN = "education_or_job_plan"
    OTHER = "other"
