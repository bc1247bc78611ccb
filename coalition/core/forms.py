"""What every domain's forms share: the version of the record a form was made from, choices for a
select, and showing domain errors on the form that caused them."""

from collections.abc import Mapping
from typing import Any

from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import Optional
from wtforms.widgets import HiddenInput

from coalition.core.errors import DomainError


class VersionedForm(FlaskForm):
    """Carries the version of the record the user saw (see core.versions.check_version)."""

    version = IntegerField(widget=HiddenInput(), validators=[Optional()])

    def now_at(self, version: int) -> None:
        """After a refused stale edit: sending the form again will replace this version."""
        self.version.data = version
        self.version.raw_data = None


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
