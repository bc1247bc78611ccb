from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from coalition.core.forms import VersionedForm, choices
from coalition.resources.models import RESOURCE_KIND_LABELS

LANGUAGE_CHOICES = [SelectChoice("fr", _l("Français")), SelectChoice("en", _l("Anglais"))]


class ResourceForm(FlaskForm):
    title = StringField(
        _l("Titre"), validators=[DataRequired(_l("Le titre est obligatoire.")), Length(max=300)]
    )
    url = StringField(
        _l("Adresse web"),
        description=_l("L'adresse complète, commençant par https://"),
        validators=[DataRequired(_l("Indiquez l'adresse de la ressource.")), Length(max=1000)],
    )
    kind = SelectField(
        _l("Nature"),
        choices=[SelectChoice(value, label) for value, label in choices(RESOURCE_KIND_LABELS)],
        validators=[InputRequired(_l("Choisissez une nature."))],
    )
    summary = TextAreaField(
        _l("Résumé"),
        description=_l("En Markdown : ce qu'on y trouve, pour qui, pourquoi c'est utile."),
        validators=[Length(max=10_000)],
    )
    language = SelectField(_l("Langue"), choices=LANGUAGE_CHOICES, default="fr")
    axis = SelectField(_l("Approche"), validate_choice=False)
    levers = SelectMultipleField(
        _l("Leviers concernés"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    tags = StringField(
        _l("Mots-clés"),
        description=_l("Séparés par des virgules : charte, IA publique, médiation"),
        validators=[Length(max=500)],
    )


class ModerationForm(VersionedForm):
    decision = RadioField(
        _l("Décision"),
        choices=[SelectChoice("publish", _l("Publier")), SelectChoice("reject", _l("Refuser"))],
        validators=[InputRequired(_l("Choisissez : publier ou refuser."))],
    )
    reason = TextAreaField(
        _l("Motif du refus"),
        description=_l("Obligatoire pour un refus : l'auteur le lira."),
        validators=[Length(max=2000)],
    )
