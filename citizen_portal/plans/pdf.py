"""A plan version as a PDF: the non-digital alternative the guidance asks for.

Built with fpdf2 from the page's own model (``plans.page``), so it holds only
what the reader may see: what is withheld from a representative is not in the
model to begin with.

The PDF is made to be read by assistive technology as well as printed:

- **Tagged.** fpdf2 (2.8) has no public API for a structure tree beyond images,
  so ``_Document.tagged`` adds one structure element (``/H1``, ``/H2``, ``/P``)
  per heading and paragraph to fpdf2's own tree, with a marked-content sequence
  around its text: the catalogue gets ``/StructTreeRoot`` and ``/MarkInfo``.
  Headings and paragraphs are flat children of ``/Document`` (no lists or
  tables): the reading order is the tree's order. It is not checked against
  PDF/UA (no validator here); page furniture does not exist (no header/footer).
- **Language and title**: ``/Lang`` is the reader's language; plan text written
  by professionals is in Danish and its elements carry ``/Lang (da)``. The title
  is shown instead of the file name (``DisplayDocTitle``).
- **Arabic** is shaped (uharfbuzz through fpdf2's text shaping) with DejaVu Sans,
  which covers Danish and Arabic (Debian ``fonts-dejavu-core``, installed by the
  Makefile). Pages read right to left. Phone numbers stand on their own line, set
  left to right, so the bidi algorithm cannot reorder their groups of digits.
- **Complete**: every part the law requires of the plan (``plans.rules``) is
  printed, as on the page's "More about the plan".
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from flask_babel import format_date, format_time, get_locale
from flask_babel import gettext as _
from fpdf import FPDF
from fpdf.errors import FPDFException
from fpdf.prefs import ViewerPreferences
from fpdf.structure_tree import StructElem
from fpdf.syntax import PDFString

from citizen_portal.i18n import RIGHT_TO_LEFT
from citizen_portal.plans import vocabulary
from citizen_portal.plans.page import PlanPage
from citizen_portal.plans.page.model import Contact

# Debian: fonts-dejavu-core. Without it the PDF falls back to the PDF core font,
# which covers Danish but shows other letters as "?" (and is not shaped).
UNICODE_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
UNICODE_FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
PLAN_LANGUAGE = "da"  # professionals write plans in Danish


class _Element(StructElem):
    """fpdf2's structure element with the language of its content (``/Lang``)."""

    __slots__ = ("lang",)

    def __init__(self, *args: Any, lang: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lang = None if lang is None else PDFString(lang)


class _Document(FPDF):
    def __init__(self, language: str, title: str) -> None:
        super().__init__(format="A4")
        self.language = language
        self.rtl = language in RIGHT_TO_LEFT
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.unicode = UNICODE_FONT.exists() and UNICODE_FONT_BOLD.exists()
        if self.unicode:
            self.add_font("body", "", str(UNICODE_FONT))
            self.add_font("body", "B", str(UNICODE_FONT_BOLD))
            self.set_text_shaping(True, direction="rtl" if self.rtl else "ltr")
        self.family = "body" if self.unicode else "helvetica"
        self.set_lang(language)
        self.set_title(title)
        self.set_creator("Borgerportalen")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.add_page()

    def _safe(self, text: str) -> str:
        if self.unicode:
            return text
        return text.encode("latin-1", "replace").decode("latin-1")

    @contextmanager
    def _direction(self, rtl: bool) -> Iterator[None]:
        if not self.unicode or rtl == self.rtl:
            yield
            return
        self.set_text_shaping(True, direction="rtl" if rtl else "ltr")
        try:
            yield
        finally:
            self.set_text_shaping(True, direction="rtl" if self.rtl else "ltr")

    @contextmanager
    def tagged(self, kind: str, lang: str | None = None) -> Iterator[None]:
        """One structure element (``kind``: H1, H2, P) around what is written inside,
        which must stay on one page."""
        builder = self.struct_builder
        page = self.page
        mcid = builder.next_mcid_for_page(page)
        spid = builder.spid_per_page_number.setdefault(page, len(builder.spid_per_page_number))
        element = _Element(
            struct_type=f"/{kind}",
            parent=builder.doc_struct_elem,
            kids=[mcid],
            page_number=page,
            lang=lang if lang and lang != self.language else None,
        )
        builder.doc_struct_elem.k.append(element)
        builder.struct_tree_root.parent_tree.nums[spid].append(element)
        self.pages[page].struct_parents = spid
        self._set_min_pdf_version("1.4")  # /MarkInfo
        self._out(f"/{kind} <</MCID {mcid}>> BDC")
        yield
        if self.page != page:
            raise FPDFException("A tagged element crossed a page")
        self._out("EMC")

    def _block(
        self, kind: str, text: str, size: int, bold: bool, lang: str | None, ltr: bool = False
    ) -> None:
        """Text tagged as ``kind``, moved to a new page when it does not fit, or
        split at page ends into one element per page when longer than a page."""
        self.set_font(self.family, "B" if bold else "", size)
        height = size * 0.5
        foreign_ltr = ltr or (lang is not None and lang not in RIGHT_TO_LEFT)
        rtl = self.rtl and not foreign_ltr
        align = "R" if rtl else "L"
        with self._direction(rtl):
            try:
                wrapped = self.multi_cell(0, height, self._safe(text), dry_run=True, output="LINES")
            except (RecursionError, FPDFException, ValueError, IndexError, KeyError):
                # Text the shaping engine cannot lay out (thousands of combining marks,
                # one unbreakable run of ligatures): the rest of the plan is still
                # printed, and the reader is told where to read this part.
                text = _("This text cannot be shown on paper. Read it in the app.")
                wrapped = self.multi_cell(0, height, text, dry_run=True, output="LINES")
            lines: list[str] = list(wrapped) if isinstance(wrapped, list) else [text]
            while lines:
                room = int((self.page_break_trigger - self.get_y()) // height)
                if room < min(len(lines), 2):
                    self.add_page()
                    continue
                chunk, lines = lines[:room], lines[room:]
                with self.tagged(kind, lang):
                    self.multi_cell(
                        0,
                        height,
                        "\n".join(chunk),
                        align=align,
                        new_x="LMARGIN",
                        new_y="NEXT",
                    )

    def heading(self, text: str, level: int = 2, lang: str | None = None) -> None:
        size = 16 if level == 1 else 13
        self.ln(2)
        self._block(f"H{level}", text, size, True, lang)
        self.ln(1)

    def paragraph(
        self, text: str, bold: bool = False, lang: str | None = None, ltr: bool = False
    ) -> None:
        self._block("P", text, 11, bold, lang, ltr)
        self.ln(1)

    def plan_text(self, text: str, bold: bool = False) -> None:
        """Text a professional wrote: Danish, whatever the reader's language."""
        self.paragraph(text, bold=bold, lang=PLAN_LANGUAGE)

    def labelled(self, label: str, text: str | None) -> None:
        if text:
            self.paragraph(label, bold=True)
            self.plan_text(text)

    def contact(self, contact: Contact) -> None:
        self.plan_text(f"{contact.title}, {contact.organisation}")
        if contact.phone:
            # On a line of its own, left to right: "+45 38 64 00 00", never "00 00 64 38 45+".
            self.paragraph(contact.phone, ltr=True)


def _long(value: date) -> str:
    return str(format_date(value, "long"))


def _title(page: PlanPage) -> str:
    return f"{vocabulary.PLAN_TYPE_NAMES[page.plan_type]} – {page.citizen_name}"


def plan_pdf(page: PlanPage) -> bytes:
    language = str(get_locale() or PLAN_LANGUAGE)
    doc = _Document(language, _title(page))
    doc.heading(_title(page), 1)
    doc.paragraph(
        _(
            "Version %(number)s, from %(date)s.",
            number=page.number,
            date=_long(page.issued_at),
        )
        + " "
        + _("From %(org)s", org=page.author_organisation)
    )
    doc.paragraph(str(vocabulary.PLAN_TYPE_LEGAL_NAMES[page.plan_type]))
    if page.replaced_on:
        doc.paragraph(_("Replaced on %(date)s.", date=_long(page.replaced_on)), bold=True)
    if language != PLAN_LANGUAGE:
        doc.paragraph(
            _(
                "The plan is written in Danish. The glossary on the portal explains the words. "
                "You can ask the people who help you for an interpreter."
            )
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
    if summary.next_appointment:
        doc.heading(_("Your next appointment"))
        _appointment(doc, summary.next_appointment)
    if summary.review_date:
        doc.heading(_("When the plan is reviewed"))
        doc.paragraph(format_date(summary.review_date, "full"))
    contact = summary.who_to_call
    if contact and page.is_latest:
        doc.heading(_("Who to call"))
        doc.contact(contact)

    doc.heading(_("Who does what"))
    for group in page.groups:
        if group.function is None:
            doc.paragraph(_("What you do yourself"), bold=True)
        elif page.is_latest:
            doc.contact(group.function)
        else:
            doc.plan_text(f"{group.function.title}, {group.function.organisation}", bold=True)
        for action in group.actions:
            doc.plan_text(f"• {action.description}")
            if action.due_date:
                doc.paragraph(_("By %(date)s", date=_long(action.due_date)))
            if action.timeline:
                doc.labelled(_("When:"), action.timeline)

    if page.goals:
        doc.heading(_("Goals"))
        for goal in page.goals:
            doc.plan_text(f"• {goal.description}")
            doc.labelled(_("It has worked when:"), goal.success_criteria)
    if page.patient_wishes:
        doc.heading(_("Your wishes in the plan"))
        doc.plan_text(page.patient_wishes)
    elif page.patient_wishes_declined:
        doc.heading(_("Your wishes in the plan"))
        doc.paragraph(
            _(
                "The plan says that you did not wish to give your wishes. "
                "You can always write them here in the portal."
            )
        )
    doc.labelled(_("If you miss an appointment"), page.missed_appointment_response)
    if page.appointments:
        doc.heading(_("Appointments"))
        for appointment in page.appointments:
            _appointment(doc, appointment)

    _details(doc, page)
    doc.ln(4)
    doc.paragraph(_("If your life is in danger, call 112."), bold=True)
    return bytes(doc.output())


def _appointment(doc: _Document, appointment: Any) -> None:
    doc.paragraph(
        format_date(appointment.starts_at, "full")
        + ", "
        + _("at %(time)s", time=format_time(appointment.starts_at, "short")),
        bold=True,
    )
    if appointment.description:
        doc.plan_text(appointment.description)
    doc.labelled(_("Place:"), appointment.place)


def _details(doc: _Document, page: PlanPage) -> None:
    """What the law requires of the plan, and the rest the professionals wrote."""
    d = page.details
    doc.heading(_("More about the plan"))
    doc.labelled(_("Why the plan was made"), d.reason)
    doc.labelled(_("What you need help with now"), d.current_needs)
    doc.labelled(_("What you are expected to need later"), d.expected_needs)
    doc.labelled(_("Treatment"), d.treatment_offers)
    doc.labelled(_("Social support"), d.social_offers)
    for label, responsible in (
        (_("Responsible for reviewing the plan"), d.review_responsible),
        (_("Follows you after discharge"), d.follow_up_responsible),
        (_("Coordinator"), d.coordinator),
    ):
        if responsible:
            doc.paragraph(label, bold=True)
            doc.plan_text(f"{responsible.title}, {responsible.organisation}")
    if d.coordinator_name:
        doc.plan_text(d.coordinator_name)
    if d.grounds:
        doc.paragraph(_("Grounds for the plan"), bold=True)
        for ground in d.grounds:
            doc.paragraph(f"• {vocabulary.GROUND_NAMES[ground]}")  # type: ignore[index]
    if d.consent_given is not None:
        doc.paragraph(_("Your consent to the plan"), bold=True)
        if d.consent_given:
            given = _("You gave consent")
            doc.paragraph(f"{given} {_long(d.consent_date)}" if d.consent_date else given)
        else:
            doc.paragraph(_("You have not given consent"))
    if d.approved_by_citizen is not None:
        doc.paragraph(_("Approved by you"), bold=True)
        if d.approved_by_citizen:
            yes = _("Yes")
            doc.paragraph(f"{yes}, {_long(d.approved_date)}" if d.approved_date else yes)
        else:
            doc.paragraph(_("Not yet"))
    if d.meeting_date:
        doc.paragraph(_("Date of the meeting"), bold=True)
        doc.paragraph(_long(d.meeting_date))
    if page.challenges:
        doc.paragraph(_("Main challenges, most important first"), bold=True)
        for challenge in page.challenges:
            doc.plan_text(f"• {challenge.description}")
            doc.labelled(_("Agreed:"), challenge.agreements)
            doc.labelled(_("Hoped result:"), challenge.desired_outcome)
    if page.participants:
        doc.paragraph(_("Who took part"), bold=True)
        for person in page.participants:
            parts = (person.name, person.job_title, person.organisation_name, person.contact)
            doc.plan_text(", ".join(p for p in parts if p))
