from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from flask_babel import format_date
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from citizen_portal.consents.models import ConsentPurpose
from citizen_portal.consents.vocabulary import PURPOSE_NAMES
from citizen_portal.db import utcnow
from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.plans.types import PlanType
from citizen_portal.text import plain

SOMEONE_ELSE = "someone-else"

# Under the Health Act a consent lapses after at most one year.
LONGEST = timedelta(days=365)


class ConsentForm(FlaskForm):
    purpose = RadioField(
        _l("What do you give consent to?"),
        choices=[SelectChoice(p.value, label) for p, label in PURPOSE_NAMES.items()],
        validators=[InputRequired(message=_l("Choose what you give consent to"))],
        validate_choice=False,  # checked below, with a plain message
    )
    # One of the places taking part in the citizen's plans (its system reads the consent
    # back), or SOMEONE_ELSE: a person named below, whom no system reads it for.
    recipient_organisation = RadioField(
        _l("Who may receive it?"), choices=[], validate_choice=False
    )
    recipient = StringField(
        _l("Who may receive it?"),
        filters=[plain],
        validators=[Length(max=300, message=_l("Write 300 characters or fewer"))],
    )
    plan = SelectField(_l("For which plan?"), choices=[], validate_choice=False)
    expires_on = DateField(
        _l("Until"),
        format="%Y-%m-%d",
        validators=[InputRequired(message=_l("Enter the date the consent ends, like 2027-06-30"))],
    )

    def offer_purposes(self, plan_types: set[PlanType]) -> None:
        """Only purposes that fit the person's plans: sharing for a coordinated action
        plan only for someone who has one."""
        self.purpose.choices = [
            SelectChoice(p.value, label)
            for p, label in PURPOSE_NAMES.items()
            if p is not ConsentPurpose.SHARE_FOR_ACTION_PLAN
            or PlanType.COORDINATED_ACTION_PLAN in plan_types
        ]

    def validate_purpose(self, field: Any) -> None:
        if field.data not in {choice.value for choice in self.purpose.choices}:
            raise ValidationError(_l("Choose what you give consent to"))

    def validate_expires_on(self, field: Any) -> None:
        today = utcnow().date()
        if field.data is None:
            return
        if field.data < today:
            raise ValidationError(_l("The end date cannot be in the past"))
        if field.data > today + LONGEST:
            raise ValidationError(
                _l(
                    "A consent lasts at most one year. Choose %(date)s or earlier",
                    date=format_date(today + LONGEST, "long"),
                )
            )

    def validate_recipient_organisation(self, field: Any) -> None:
        allowed = {choice.value for choice in self.recipient_organisation.choices}
        if field.data not in (None, "", SOMEONE_ELSE) and field.data not in allowed:
            raise ValidationError(_l("Choose one of the places in the list"))

    def validate_recipient(self, field: Any) -> None:
        if self.chosen_organisation is None and not field.data:
            raise ValidationError(_l("Enter who may receive it"))

    @property
    def chosen_organisation(self) -> int | None:
        """The organisation chosen as recipient (its id), or None: someone named."""
        value = self.recipient_organisation.data
        allowed = {choice.value for choice in self.recipient_organisation.choices}
        return int(value) if value and value != SOMEONE_ELSE and value in allowed else None

    def validate_plan(self, field: Any) -> None:
        allowed = {choice.value for choice in self.plan.choices}
        if field.data not in allowed:
            raise ValidationError(_l("Choose one of your plans"))

    @property
    def chosen_purpose(self) -> ConsentPurpose:
        return ConsentPurpose(self.purpose.data)

    @staticmethod
    def default_end(today: date) -> date:
        return today + LONGEST
