"""A plan version as a PDF: the non-digital alternative the guidance asks for.

Built with fpdf2 from the same data as the page, and only the part the reader
may see (withheld sections stay out for representatives).
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from fpdf import FPDF

from citizen_portal.plans import services, vocabulary
from citizen_portal.plans.models import Plan, PlanVersion
from citizen_portal.plans.redaction import VisiblePlan

# A Unicode font when the machine has one (Debian: fonts-dejavu-core); else the
# PDF core font, which covers Danish but shows other letters as "?".
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
UNICODE_FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")


class _Document(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.unicode = UNICODE_FONT.exists() and UNICODE_FONT_BOLD.exists()
        if self.unicode:
            self.add_font("body", "", str(UNICODE_FONT))
            self.add_font("body", "B", str(UNICODE_FONT_BOLD))
        self.family = "body" if self.unicode else "helvetica"
        self.add_page()

    def _safe(self, text: str) -> str:
        if self.unicode:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    def heading(self, text: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font(self.family, "B", size)
        self.multi_cell(0, size * 0.5, self._safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)

    def paragraph(self, text: str, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", 11)
        self.multi_cell(0, 5.5, self._safe(text), new_x="LMARGIN", new_y="NEXT")
        self.ln(1)


def plan_pdf(plan: Plan, version: PlanVersion, visible: VisiblePlan) -> bytes:
    doc = _Document()
    name = str(vocabulary.PLAN_TYPE_NAMES[plan.plan_type])
    doc.heading(f"{name} – {plan.citizen.full_name}", 16)
    doc.paragraph(
        _(
            "Version %(number)s, from %(date)s.",
            number=version.number,
            date=format_date(version.issued_at, "long"),
        )
        + " "
        + _("From %(org)s", org=plan.author_organisation.name)
    )
    doc.paragraph(str(vocabulary.PLAN_TYPE_EXPLANATIONS[plan.plan_type]))
    if visible.something_withheld:
        doc.paragraph(_("Some parts of this plan are not shown to people acting for the citizen."))

    if version.review_date:
        doc.heading(_("When the plan is reviewed"))
        doc.paragraph(format_date(version.review_date, "full"))
    contact = services.contact_function(version)
    if contact:
        doc.heading(_("Who to call"))
        doc.paragraph(f"{contact.title}, {contact.organisation.name} {contact.phone or ''}".strip())

    doc.heading(_("Who does what"))
    for group in services.group_by_responsible(visible.actions):
        who = (
            _("What you do yourself")
            if group.function is None
            else f"{group.function.title}, {group.function.organisation.name}"
            + (f", {group.function.phone}" if group.function.phone else "")
        )
        doc.paragraph(who, bold=True)
        for action in group.actions:
            line = f"• {action.description}"
            if action.due_date:
                line += " – " + _("By %(date)s", date=format_date(action.due_date, "long"))
            if action.timeline:
                line += " – " + _("When: %(when)s", when=action.timeline)
            doc.paragraph(line)

    if version.goals and visible.shows("goals"):
        doc.heading(_("Goals"))
        for goal in version.goals:
            doc.paragraph(f"• {goal.description}")
    if version.patient_wishes and visible.shows("patient-wishes"):
        doc.heading(_("Your wishes in the plan"))
        doc.paragraph(version.patient_wishes)
    if visible.appointments:
        doc.heading(_("Appointments"))
        for appointment in visible.appointments:
            when = (
                format_date(appointment.starts_at, "full")
                + ", "
                + _("at %(time)s", time=format_time(appointment.starts_at, "short"))
            )
            doc.paragraph(f"• {when}: {appointment.description or ''} {appointment.place or ''}")
    doc.ln(4)
    doc.paragraph(_("If your life is in danger, call 112."), bold=True)
    return bytes(doc.output())
