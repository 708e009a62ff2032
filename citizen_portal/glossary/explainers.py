"""What each plan is, why you have one, your rights, and what to do if something is wrong.

Written for a 5th–6th grade reading level; a test checks LIX and sentence length.
"""

from __future__ import annotations

from flask_babel.speaklater import LazyString

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.plans.types import PlanType

HEADINGS: dict[str, LazyString] = {
    "what": _l("What it is"),
    "why": _l("Why you have one"),
    "rights": _l("Your rights"),
    "wrong": _l("If something is wrong"),
}

EXPLAINERS: dict[PlanType, dict[str, tuple[LazyString, ...]]] = {
    PlanType.DISCHARGE_AGREEMENT: {
        "what": (
            _l(
                "A discharge agreement is a plan for the time after a stay in a psychiatric hospital."
            ),
            _l(
                "You make it together with the hospital and your municipality. Your own doctor can take part too."
            ),
            _l("It says what help you get, who gives it and when."),
        ),
        "why": (
            _l(
                "You have one because you have been admitted and need help from more than one place."
            ),
            _l("The plan makes sure that nobody forgets their part when you go home."),
        ),
        "rights": (
            _l("You decide if you want a discharge agreement. You can say no."),
            _l(
                "If you say no, the hospital makes a coordination plan without you. It may be shared without your consent."
            ),
            _l("You can say what you wish. Your wishes must be written in the plan."),
            _l(
                "The agreement is for a set time. It must be looked at again by a date written in the plan."
            ),
            _l("You can bring a relative or a support person to the meeting."),
        ),
        "wrong": (
            _l(
                "Call the place that is responsible for the task. Their phone number is in the plan."
            ),
            _l("If the date for review has passed, ask for a new meeting."),
            _l("You can complain. Ask the hospital or your municipality to help you."),
        ),
    },
    PlanType.COORDINATION_PLAN: {
        "what": (
            _l("A coordination plan says who helps you after a stay in a psychiatric hospital."),
            _l(
                "The hospital makes it with your municipality. It is made when you did not want a discharge agreement."
            ),
        ),
        "why": (
            _l(
                "You still need help from more than one place. The plan makes sure the help does not stop."
            ),
            _l(
                "The people who help you may share the plan without your consent. The law allows it for this plan."
            ),
        ),
        "rights": (
            _l(
                "You can say that you want a discharge agreement after all. Ask the hospital if it is still possible."
            ),
            _l("You can see the plan and say what you think of it."),
            _l("The plan must be looked at again by a date written in it."),
        ),
        "wrong": (
            _l("Call the place that is responsible. Their phone number is in the plan."),
            _l("You can complain. Ask the hospital or your municipality to help you."),
        ),
    },
    PlanType.COORDINATED_ACTION_PLAN: {
        "what": (
            _l("A coordinated action plan is one plan for all the help you get."),
            _l(
                "It joins the help from the region, your municipality and your own doctor. One person keeps track of it: your coordinator."
            ),
        ),
        "why": (
            _l(
                "You get help from many places at once, for example for your mind and for drugs or alcohol."
            ),
            _l(
                "The plan makes the help fit together, so you do not have to tell your story again and again."
            ),
        ),
        "rights": (
            _l("The plan is only made if you say yes. You give your consent first."),
            _l(
                "You help write the plan. Your own goals and your own order of problems come first."
            ),
            _l("You approve the plan when it is done. You can do it here."),
            _l("There must be a follow-up meeting at least every six months."),
            _l("You can withdraw your consent at any time. What was already shared stays shared."),
        ),
        "wrong": (
            _l("Call your coordinator first. The number is in the plan."),
            _l("If the follow-up meeting is late, ask for a new date."),
            _l("You can complain. Ask your coordinator or your municipality to help you."),
        ),
    },
}
