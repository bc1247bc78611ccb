from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, HiddenField, PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, StopValidation

from coalition.auth.service import normalise_email, valid_email

# each language named in itself, whatever the interface language
LANGUAGE_CHOICES = [SelectChoice("fr", "Français"), SelectChoice("en", "English")]
# under every field where a new password is chosen (see passwords.password_problem)
NEW_PASSWORD_HINT = _l(
    "Au moins 8 caractères, sans votre nom ni votre adresse e-mail. Une phrase de quatre ou "
    "cinq mots pris au hasard est à la fois sûre et facile à retenir."
)


def well_formed_email(form: Any, field: Field) -> None:
    if field.data and not valid_email(normalise_email(field.data)):
        raise StopValidation(str(_l("Adresse e-mail invalide.")))


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[DataRequired(_l("Indiquez votre adresse e-mail.")), Length(max=254)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        validators=[DataRequired(_l("Indiquez votre mot de passe.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    next = HiddenField()


class PasswordChangeForm(FlaskForm):
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel."))],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("Nouveau mot de passe"),
        description=NEW_PASSWORD_HINT,
        validators=[DataRequired(_l("Choisissez un nouveau mot de passe."))],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Confirmez le nouveau mot de passe"),
        validators=[
            DataRequired(_l("Confirmez le nouveau mot de passe.")),
            EqualTo("new_password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    lang = HiddenField()
    next = HiddenField()


def _new_password_fields() -> tuple[PasswordField, PasswordField]:
    new = PasswordField(
        _l("Nouveau mot de passe"),
        description=NEW_PASSWORD_HINT,
        validators=[DataRequired(_l("Choisissez un nouveau mot de passe.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        _l("Confirmez le nouveau mot de passe"),
        validators=[
            DataRequired(_l("Confirmez le nouveau mot de passe.")),
            EqualTo("new_password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    return new, confirm


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Adresse e-mail"),
        validators=[
            DataRequired(_l("Indiquez votre adresse e-mail.")),
            Length(max=254, message=_l("Adresse e-mail invalide.")),
            well_formed_email,
        ],
        render_kw={"autocomplete": "email"},
    )


class ResetPasswordForm(FlaskForm):
    new_password, confirm_password = _new_password_fields()


class ProfileForm(FlaskForm):
    name = StringField(
        _l("Nom"),
        description=_l("Tel qu'il apparaît aux autres personnes de vos coalitions."),
        validators=[
            DataRequired(_l("Le nom est obligatoire.")),
            Length(max=200, message=_l("Le nom compte au plus 200 caractères.")),
        ],
        render_kw={"autocomplete": "name"},
    )
    language = RadioField(
        _l("Langue des messages que vous recevez"),
        choices=LANGUAGE_CHOICES,
        validate_choice=False,  # the service says which languages there are
        validators=[DataRequired(_l("Choisissez le français ou l'anglais."))],
    )


class EmailChangeForm(FlaskForm):
    new_email = EmailField(
        _l("Nouvelle adresse e-mail"),
        description=_l(
            "Un lien de confirmation, valable 24 heures, y sera envoyé ; "
            "l'adresse change quand vous le suivez."
        ),
        validators=[
            DataRequired(_l("Indiquez la nouvelle adresse.")),
            Length(max=254, message=_l("Adresse e-mail invalide.")),
            well_formed_email,
        ],
        render_kw={"autocomplete": "email"},
    )
    current_password = PasswordField(
        _l("Mot de passe actuel"),
        validators=[DataRequired(_l("Indiquez votre mot de passe actuel.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class ConfirmForm(FlaskForm):
    """A button only (with its CSRF token)."""
