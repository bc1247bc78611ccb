"""The sign-up form (online and on a stall's tablet) and the facilitators' message to the people
signed up. The checks are the service's own, so that the form shows every mistake at once."""

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, HiddenField, StringField, TextAreaField
from wtforms.fields import TelField
from wtforms.validators import Length, StopValidation

from coalition.core.errors import ValidationError
from coalition.signups.service import (
    BAD_EMAIL,
    BAD_PHONE,
    BODY_LENGTH,
    EMAIL_LENGTH,
    FIRST_NAME_LENGTH,
    NAME_TOO_LONG,
    NO_CONSENT,
    NO_WAY_TO_REACH,
    PHONE_LENGTH,
    SUBJECT_LENGTH,
    read_email,
    read_first_name,
    read_phone,
)


def _checked_by(read: Any) -> Any:
    """A field validator from one of the service's readers; its message is the field's only."""

    def check(form: FlaskForm, field: Field) -> None:
        try:
            read(field.data or "")
        except ValidationError as error:
            raise StopValidation(str(error)) from None

    return check


class SignUpForm(FlaskForm):
    first_name = StringField(
        _l("Prénom"),
        validators=[
            _checked_by(read_first_name),
            Length(max=FIRST_NAME_LENGTH, message=NAME_TOO_LONG),
        ],
    )
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[_checked_by(read_email), Length(max=EMAIL_LENGTH, message=BAD_EMAIL)],
    )
    phone = TelField(
        _l("Téléphone"),
        description=_l("Un numéro hors de France commence par son indicatif : +32, +41…"),
        validators=[_checked_by(read_phone), Length(max=PHONE_LENGTH, message=BAD_PHONE)],
    )
    # shown with the coalition's sentence (service.consent_sentence); this label names it in the
    # list of mistakes
    consent = BooleanField(_l("Phrase d'accord"))
    may_be_drawn = BooleanField(_l("Tirage au sort"))
    # the retention the sentence said, so that a change meanwhile is not agreed to unread
    months = HiddenField()

    def shown_months(self) -> int:
        """The retention the sentence said (0 when the page sent none, or not a number)."""
        value = self.months.data or ""
        return int(value) if value.isdigit() and len(value) <= 3 else 0

    # a honeypot, hidden from people and screen readers, filled by robots
    website = StringField(validators=[Length(max=200)])

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        given = (self.email.data or "").strip() or (self.phone.data or "").strip()
        if not given and not self.email.errors and not self.phone.errors:
            self.email.errors = [*self.email.errors, str(NO_WAY_TO_REACH)]
            valid = False
        if not self.consent.data:
            self.consent.errors = [*self.consent.errors, str(NO_CONSENT)]
            valid = False
        return valid


class MessageForm(FlaskForm):
    subject = StringField(
        _l("Objet"),
        validators=[
            Length(
                max=SUBJECT_LENGTH,
                message=_l("%(limit)d caractères au plus, s'il vous plaît.", limit=SUBJECT_LENGTH),
            )
        ],
    )
    body = TextAreaField(
        _l("Message"),
        description=_l(
            "En texte simple. Il commence par « Bonjour » et le prénom de chaque personne ; le "
            "lien pour retirer son inscription est ajouté à la fin."
        ),
        validators=[
            Length(
                max=BODY_LENGTH,
                message=_l("%(limit)d caractères au plus, s'il vous plaît.", limit=BODY_LENGTH),
            )
        ],
    )


class ConfirmForm(FlaskForm):
    """A button's form: its CSRF token only."""
