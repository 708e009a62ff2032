"""Plain words for the codes in plan data, shown to citizens."""

from __future__ import annotations

from flask_babel.speaklater import LazyString

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.plans.types import (
    ActionStatus,
    AppointmentKind,
    ExistingPlanKind,
    PlanGround,
    PlanStatus,
    PlanType,
)

PLAN_TYPE_NAMES: dict[PlanType, LazyString] = {
    PlanType.DISCHARGE_AGREEMENT: _l("Discharge agreement"),
    PlanType.COORDINATION_PLAN: _l("Coordination plan"),
    PlanType.COORDINATED_ACTION_PLAN: _l("Coordinated action plan"),
}

PLAN_TYPE_LEGAL_NAMES: dict[PlanType, LazyString] = {
    PlanType.DISCHARGE_AGREEMENT: _l("Udskrivningsaftale (Psychiatry Act §13a)"),
    PlanType.COORDINATION_PLAN: _l("Koordinationsplan (Psychiatry Act §13b)"),
    PlanType.COORDINATED_ACTION_PLAN: _l("Koordinerende indsatsplan"),
}

PLAN_TYPE_EXPLANATIONS: dict[PlanType, LazyString] = {
    PlanType.DISCHARGE_AGREEMENT: _l(
        "You made this agreement with the hospital before you went home. "
        "It says what help you get after your stay, and who gives it."
    ),
    PlanType.COORDINATION_PLAN: _l(
        "The hospital made this plan when you went home. "
        "You did not want to take part in a discharge agreement, and that is your right. "
        "The plan says who helps you now. "
        "The people who help you may see the plan without your consent."
    ),
    PlanType.COORDINATED_ACTION_PLAN: _l(
        "This plan joins up the help you get from different places. "
        "It was made with your consent at a meeting. "
        "It says your goals, who does what, and when you meet again."
    ),
}

PLAN_STATUS_NAMES: dict[PlanStatus, LazyString] = {
    PlanStatus.DRAFT: _l("Draft"),
    PlanStatus.ACTIVE: _l("Active"),
    PlanStatus.ENDED: _l("Ended"),
    PlanStatus.CANCELLED: _l("Cancelled"),
}

ACTION_STATUS_NAMES: dict[ActionStatus, LazyString] = {
    ActionStatus.PLANNED: _l("Not started"),
    ActionStatus.IN_PROGRESS: _l("In progress"),
    ActionStatus.DONE: _l("Done"),
    ActionStatus.CANCELLED: _l("Cancelled"),
}

APPOINTMENT_KIND_NAMES: dict[AppointmentKind, LazyString] = {
    AppointmentKind.FIRST_AFTER_DISCHARGE: _l("First appointment after discharge"),
    AppointmentKind.FOLLOW_UP_MEETING: _l("Follow-up meeting"),
    AppointmentKind.COORDINATION_MEETING: _l("Coordination meeting"),
    AppointmentKind.OTHER: _l("Appointment"),
}

GROUND_NAMES: dict[PlanGround, LazyString] = {
    PlanGround.IN_OUTPATIENT_PSYCHIATRY: _l("You get help from outpatient psychiatry."),
    PlanGround.IN_SUBSTANCE_TREATMENT: _l("You get treatment for drugs or alcohol."),
    PlanGround.NEEDS_PSYCHIATRIC_TREATMENT: _l("You may need help from psychiatry."),
    PlanGround.NEEDS_SUBSTANCE_TREATMENT: _l("You may need treatment for drugs or alcohol."),
}

EXISTING_PLAN_NAMES: dict[ExistingPlanKind, LazyString] = {
    ExistingPlanKind.DRUG_TREATMENT: _l("Drug treatment plan"),
    ExistingPlanKind.ALCOHOL_TREATMENT: _l("Alcohol treatment plan"),
    ExistingPlanKind.PSYCHIATRIC_TREATMENT: _l("Psychiatric treatment plan"),
    ExistingPlanKind.DISCHARGE_AGREEMENT: _l("Discharge agreement"),
    ExistingPlanKind.COORDINATION_PLAN: _l("Coordination plan"),
    ExistingPlanKind.SOCIAL_ACTION_PLAN: _l("Social action plan (§141)"),
    ExistingPlanKind.EDUCATION_OR_JOB_PLAN: _l("Education or job plan"),
    ExistingPlanKind.OTHER: _l("Other plan"),
}
