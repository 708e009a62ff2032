from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, ValidationError

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.text import plain
from citizen_portal.wishes.models import StanceChoice
from citizen_portal.wishes.vocabulary import STANCE_NAMES

_ASCII_NUMBER = re.compile(r"[0-9]{1,9}")
MAX_WISH = 4000
MAX_COMMENT = 2000


class VersionNumberField(IntegerField):
    """The hidden number of the version a form was opened on: ASCII digits only
    (Python's int() would read the Arabic-Indic "١" as 1)."""

    widget = HiddenField.widget

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and not _ASCII_NUMBER.fullmatch(str(valuelist[0])):
            # WTForms' own message and translation, as for any other non-number.
            wtforms_translation = self.gettext
            raise ValueError(wtforms_translation("Not a valid integer value."))
        super().process_formdata(valuelist)


class WishForm(FlaskForm):
    text = TextAreaField(
        filters=[plain],
        validators=[Length(max=MAX_WISH, message=_l("Write 4,000 characters or fewer"))],
    )
    # The version the form was opened on: a save from an older one is a conflict.
    based_on = VersionNumberField(validators=[InputRequired()])


class StanceForm(FlaskForm):
    choice = RadioField(
        _l("What do you think of the plan?"),
        choices=[SelectChoice(c.value, label) for c, label in STANCE_NAMES.items()],
        validators=[InputRequired(message=_l("Choose what you think of the plan"))],
    )
    comment = TextAreaField(
        _l("Your comments (optional if you agree)"),
        filters=[plain],
        validators=[Length(max=MAX_COMMENT, message=_l("Write 2,000 characters or fewer"))],
    )
    version = VersionNumberField(validators=[InputRequired()])

    def validate_comment(self, field: Any) -> None:
        if self.choice.data == StanceChoice.AGREE_WITH_COMMENTS.value and not field.data:
            raise ValidationError(_l("Write your comments"))
