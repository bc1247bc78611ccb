from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length


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
        description=_l("Au moins 8 caractères ; les mots de passe courants sont refusés."),
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
