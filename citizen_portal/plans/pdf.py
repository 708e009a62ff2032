"""A plan version as a PDF: the non-digital alternative the guidance asks for.

Built with fpdf2 from the page's own model (``plans.page``), so it holds only
what the reader may see: what is withheld from a representative is not in the
model to begin with.
"""

from __future__ import annotations

from pathlib import Path

from flask_babel import format_date, format_time
from flask_babel import gettext as _
from fpdf import FPDF

from citizen_portal.plans import vocabulary
from citizen_portal.plans.page import PlanPage

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


def plan_pdf(page: PlanPage) -> bytes:
    doc = _Document()
    name = str(vocabulary.PLAN_TYPE_NAMES[page.plan_type])
    doc.heading(f"{name} – {page.citizen_name}", 16)
    doc.paragraph(
        _(
            "Version %(number)s, from %(date)s.",
            number=page.number,
            date=format_date(page.issued_at, "long"),
        )
        + " "
        + _("From %(org)s", org=page.author_organisation)
    )
    if page.handover_to:
        doc.paragraph(
            _(
                "Handed over to %(org)s, waiting for %(org)s to accept. "
                "Until then %(author)s is responsible for your plan.",
                org=page.handover_to,
                author=page.author_organisation,
            )
        )
    doc.paragraph(str(vocabulary.PLAN_TYPE_EXPLANATIONS[page.plan_type]))
    if page.something_withheld:
        doc.paragraph(_("Some parts of this plan are not shown to people acting for the citizen."))

    summary = page.summary
    if summary.review_date:
        doc.heading(_("When the plan is reviewed"))
        doc.paragraph(format_date(summary.review_date, "full"))
    contact = summary.who_to_call
    if contact:
        doc.heading(_("Who to call"))
        doc.paragraph(f"{contact.title}, {contact.organisation} {contact.phone or ''}".strip())

    doc.heading(_("Who does what"))
    for group in page.groups:
        who = (
            _("What you do yourself")
            if group.function is None
            else f"{group.function.title}, {group.function.organisation}"
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

    if page.goals:
        doc.heading(_("Goals"))
        for goal in page.goals:
            doc.paragraph(f"• {goal.description}")
    if page.patient_wishes:
        doc.heading(_("Your wishes in the plan"))
        doc.paragraph(page.patient_wishes)
    elif page.patient_wishes_declined:
        doc.heading(_("Your wishes in the plan"))
        doc.paragraph(
            _(
                "The plan says that you did not wish to give your wishes. "
                "You can always write them here in the portal."
            )
        )
    if page.appointments:
        doc.heading(_("Appointments"))
        for appointment in page.appointments:
            when = (
                format_date(appointment.starts_at, "full")
                + ", "
                + _("at %(time)s", time=format_time(appointment.starts_at, "short"))
            )
            doc.paragraph(f"• {when}: {appointment.description or ''} {appointment.place or ''}")
    doc.ln(4)
    doc.paragraph(_("If your life is in danger, call 112."), bold=True)
    return bytes(doc.output())
