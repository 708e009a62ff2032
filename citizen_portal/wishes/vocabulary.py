"""The wish sections and stances in plain, translated words."""

from __future__ import annotations

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.wishes.models import StanceChoice, WishSection

SECTION_TITLES = {
    WishSection.WHAT_MATTERS: _l("What matters most to me"),
    WishSection.OWN_GOALS: _l("My goals, in my own words"),
    WishSection.CHALLENGES: _l("My main challenges, most important first"),
    WishSection.WHAT_HELPS: _l("What helps me, and what does not"),
    WishSection.EARLY_SIGNS: _l("My early warning signs"),
    WishSection.CONTACTS: _l("Who may be contacted, and who may not"),
    WishSection.MISSED_APPOINTMENT: _l("If I miss an appointment"),
    WishSection.MEETINGS: _l("My wishes for meetings"),
    WishSection.PRACTICAL: _l("Practical wishes"),
    WishSection.ADVANCE_STATEMENT: _l("My advance statement about treatment"),
}
SECTION_HINTS = {
    WishSection.WHAT_MATTERS: _l("For example your family, your home, work or a pet."),
    WishSection.OWN_GOALS: _l("What you want to reach. Write it the way you say it."),
    WishSection.CHALLENGES: _l("Put the one that matters most first. One per line."),
    WishSection.WHAT_HELPS: _l("For example a walk, a quiet room, or someone to talk to."),
    WishSection.EARLY_SIGNS: _l("What others can notice when you start to feel worse."),
    WishSection.CONTACTS: _l("Names and phone numbers. Say who must not be contacted."),
    WishSection.MISSED_APPOINTMENT: _l("For example: call me, send a text, or visit me."),
    WishSection.MEETINGS: _l(
        "A support person (bisidder) or a relative with you, the place, and if video is fine."
    ),
    WishSection.PRACTICAL: _l("How to reach you, your language, and if you need an interpreter."),
    WishSection.ADVANCE_STATEMENT: _l(
        "What you want, or do not want, if you need treatment and cannot say it then."
    ),
}
STANCE_NAMES = {
    StanceChoice.AGREE: _l("I agree"),
    StanceChoice.AGREE_WITH_COMMENTS: _l("I agree, with comments"),
    StanceChoice.DISAGREE: _l("I do not agree"),
}
