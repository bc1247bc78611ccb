"""What every domain's forms share: the version of the record a form was made from, choices for a
select, and showing domain errors on the form that caused them."""

from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from coalition.core.errors import DomainError


class VersionedForm(FlaskForm):
    """Carries the version of the record the user saw (see core.versions.check_version)."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def now_at(self, version: int) -> None:
        """After a refused stale edit: sending the form again will replace this version."""
        self.version.data = version
        self.version.raw_data = None


def at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("Ce texte est trop long : %(max)d caractères au plus."))


def checkboxes(label: Any) -> SelectMultipleField:
    """A list of checkboxes; the service checks the values sent."""
    return SelectMultipleField(
        label,
        validate_choice=False,
        coerce=str,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


def choices(items: Any) -> list[tuple[str, str]]:
    """(value, label) pairs for a select: from a label table, or from rows with id and name."""
    if isinstance(items, Mapping):
        return [(member.value, str(label)) for member, label in items.items()]
    return [(str(item.id), item.name) for item in items]


def apply_domain_error(form: FlaskForm, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))
