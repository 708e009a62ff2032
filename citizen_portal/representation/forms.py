from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from citizen_portal.i18n import lazy_gettext as _l
from citizen_portal.security.actors import Scope

SCOPE_LABELS = {
    Scope.READ_PLANS: _l("Read my plans"),
    Scope.RECORD_WISHES: _l("Write my wishes for me"),
    Scope.MANAGE_CONSENTS: _l("Give and withdraw my consents for me"),
}
# The same rights, as the representative reads them.
SCOPE_LABELS_FOR_REPRESENTATIVE = {
    Scope.READ_PLANS: _l("Read their plans"),
    Scope.RECORD_WISHES: _l("Write their wishes for them"),
    Scope.MANAGE_CONSENTS: _l("Give and withdraw their consents for them"),
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _at_least_one(form: Any, field: Any) -> None:
    if not field.data:
        raise ValidationError(_l("Choose at least one thing the person may do"))


class GrantForm(FlaskForm):
    representative_cpr = StringField(
        _l("Their CPR number"),
        validators=[
            DataRequired(message=_l("Enter the person's CPR number")),
            Regexp(
                r"^\s*[0-9]{6}-?[0-9]{4}\s*$",
                message=_l("Enter a CPR number with 10 digits, like 010190-1234"),
            ),
        ],
    )
    representative_name = StringField(
        _l("Their full name"),
        validators=[
            DataRequired(message=_l("Enter the person's full name")),
            Length(max=200, message=_l("The name must be 200 characters or fewer")),
        ],
    )
    scopes = CheckboxesField(
        _l("What may they do for you?"),
        choices=[SelectChoice(scope.value, label) for scope, label in SCOPE_LABELS.items()],
        validators=[_at_least_one],
    )
    valid_until = DateField(
        _l("Until (leave empty for: until I take it back)"),
        validators=[Optional()],
        format="%Y-%m-%d",
    )
