"""The installation's forms: a new coalition, more facilitators for one."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp
from wtforms.validators import ValidationError as FieldError

from coalition.admin.service import NAME_MAX, SLUG_RE, SLUG_RULE, parse_addresses
from coalition.core.errors import DomainError


def _stripped(value: str | None) -> str | None:
    return value.strip() if value else value


def _addresses(form: FlaskForm, field: Field) -> None:
    """Every address of the list well formed (checked with the other fields, before the
    service checks them again)."""
    try:
        parse_addresses(field.data or "")
    except DomainError as error:
        raise FieldError(str(error)) from error


def _emails_field() -> TextAreaField:
    return TextAreaField(
        _l("Adresses des animateurs ou animatrices"),
        description=_l(
            "Une ou plusieurs adresses, séparées par des virgules, des points-virgules, des "
            "espaces ou des retours à la ligne. Chacune reçoit un lien d'invitation valable "
            "14 jours."
        ),
        validators=[
            DataRequired(_l("Indiquez au moins une adresse e-mail.")),
            Length(max=10000, message=_l("Au plus %(max)d caractères.", max=10000)),
            _addresses,
        ],
    )


class FacilitatorsForm(FlaskForm):
    emails = _emails_field()


class CoalitionForm(FlaskForm):
    slug = StringField(
        _l("Adresse courte"),
        description=_l("Dans l'adresse de ses pages : /c/adresse-courte. Elle ne change plus."),
        filters=[_stripped],
        validators=[
            DataRequired(_l("L'adresse courte est obligatoire.")),
            Length(max=64),
            Regexp(f"^{SLUG_RE.pattern}$", message=SLUG_RULE),
        ],
    )
    name = StringField(
        _l("Nom"),
        filters=[_stripped],
        validators=[
            DataRequired(_l("Le nom est obligatoire.")),
            Length(
                max=NAME_MAX, message=_l("Le nom compte au plus %(max)d caractères.", max=NAME_MAX)
            ),
        ],
    )
    emails = _emails_field()
