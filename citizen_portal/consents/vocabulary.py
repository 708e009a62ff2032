from __future__ import annotations

from citizen_portal.consents.models import ConsentPurpose
from citizen_portal.i18n import lazy_gettext as _l

PURPOSE_NAMES = {
    ConsentPurpose.SHARE_FOR_ACTION_PLAN: _l(
        "Share information between the hospital, my municipality and others, "
        "for my coordinated action plan"
    ),
    ConsentPurpose.INFORM_GP: _l("Tell my own doctor (GP) about my plan"),
    ConsentPurpose.INVOLVE_RELATIVE: _l("Involve a relative: they may be invited to meetings"),
}
PURPOSE_HINTS = {
    ConsentPurpose.SHARE_FOR_ACTION_PLAN: _l(
        "Name the places, like Distriktspsykiatrien and the job centre."
    ),
    ConsentPurpose.INFORM_GP: _l("Name your doctor or the practice."),
    ConsentPurpose.INVOLVE_RELATIVE: _l(
        "Name and phone number. They will not be able to read your plan. "
        "The portal does not tell them: tell them yourself."
    ),
}
