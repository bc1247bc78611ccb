"""Forms of the "Personnes" page and of accepting an invitation."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from coalition.actors.models import FAMILY_LABELS, Actor
from coalition.auth.forms import NEW_PASSWORD_HINT
from coalition.auth.models import MEMBERSHIP_ROLE_LABELS

NEW_ACTOR = "new"  # the actor choice that creates one from the fields below it
ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in MEMBERSHIP_ROLE_LABELS.items()]
CHOOSE_ROLE = _l("Choisissez un rôle : membre ou animation.")


def actor_choices(actors: list[Actor], *, with_new: bool) -> list[SelectChoice]:
    choices = [SelectChoice("", _l("— Aucun (pour l'animation) —"))]
    if with_new:
        choices.append(SelectChoice(NEW_ACTOR, _l("Un nouvel acteur, décrit ci-dessous")))
    return choices + [SelectChoice(str(actor.id), actor.name) for actor in actors]


class InviteForm(FlaskForm):
    emails = TextAreaField(
        _l("Adresses e-mail"),
        description=_l(
            "Une ou plusieurs, séparées par des virgules, des points-virgules, des espaces ou "
            "des retours à la ligne. Chacune reçoit son propre lien, valable 14 jours."
        ),
        validators=[DataRequired(_l("Indiquez au moins une adresse e-mail.")), Length(max=20000)],
        render_kw={"rows": 4, "autocomplete": "off", "spellcheck": "false"},
    )
    role = RadioField(
        _l("Rôle"),
        choices=ROLE_CHOICES,
        default="member",
        validate_choice=False,
        validators=[InputRequired(CHOOSE_ROLE)],
    )
    actor = SelectField(
        _l("Acteur représenté"),
        description=_l("Pour un membre : l'organisation au nom de laquelle il ou elle agit."),
        validate_choice=False,  # the service says why an actor is refused
    )
    new_actor_name = StringField(_l("Nom du nouvel acteur"), validators=[Length(max=200)])
    new_actor_family = SelectField(
        _l("Famille du nouvel acteur"),
        choices=[
            SelectChoice("", _l("— Choisissez une famille —")),
            *(SelectChoice(f.value, label) for f, label in FAMILY_LABELS.items()),
        ],
        validate_choice=False,
    )


class MembershipForm(FlaskForm):
    role = RadioField(
        _l("Rôle"),
        choices=ROLE_CHOICES,
        validate_choice=False,
        validators=[InputRequired(CHOOSE_ROLE)],
    )
    actor = SelectField(
        _l("Acteur représenté"),
        description=_l("Obligatoire pour un membre ; sans effet pour l'animation."),
        validate_choice=False,
    )


class ConfirmForm(FlaskForm):
    """A button that only sends the CSRF token (accepting an invitation)."""


class JoinForm(FlaskForm):
    name = StringField(
        _l("Votre nom"),
        description=_l("Tel que les autres personnes de la coalition le verront."),
        validators=[DataRequired(_l("Le nom est obligatoire.")), Length(max=200)],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        _l("Mot de passe"),
        description=NEW_PASSWORD_HINT,
        validators=[DataRequired(_l("Choisissez un mot de passe.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[
            DataRequired(_l("Confirmez le mot de passe.")),
            EqualTo("password", _l("Les deux mots de passe ne sont pas identiques.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )
