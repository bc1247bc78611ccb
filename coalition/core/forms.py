"""Showing domain errors on the form that caused them."""

from flask_wtf import FlaskForm

from coalition.core.errors import DomainError


def apply_domain_error(form: FlaskForm, error: DomainError) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))
