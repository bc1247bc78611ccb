"""The forms of the charter (a new version, a signature) and of labels; the service checks
what they send."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional
from wtforms.widgets import HiddenInput

from coalition.actors.models import Actor
from coalition.charter.service import (
    MAX_CHANGES,
    MAX_CRITERIA,
    MAX_LABEL_NAME,
    MAX_NAME,
    MAX_ROLE,
    MAX_TEXT,
    MAX_TITLE,
)
from coalition.core.forms import VersionedForm, at_most
from coalition.register.models import RegisterEntry

MARKDOWN = _l("En Markdown : **gras**, listes avec « - », titres avec « ## », liens.")


def _number() -> IntegerField:
    return IntegerField(widget=HiddenInput(), validators=[Optional()])


class VersionForm(FlaskForm):
    based_on = _number()  # the number of the version the author read, 0 for none
    title = StringField(
        _l("Titre"),
        validators=[DataRequired(_l("Le titre est obligatoire.")), at_most(MAX_TITLE)],
    )
    text = TextAreaField(
        _l("Texte de la charte"),
        description=MARKDOWN,
        validators=[DataRequired(_l("Le texte de la charte est vide.")), at_most(MAX_TEXT)],
    )
    changes = TextAreaField(
        _l("Ce que cette version change"),
        description=_l(
            "Obligatoire à partir de la deuxième version : les signataires le lisent "
            "avant de signer de nouveau."
        ),
        validators=[at_most(MAX_CHANGES)],
    )


class SignForm(FlaskForm):
    actor = _number()
    version = _number()  # the number of the version the signer read
    name = StringField(
        _l("Votre nom"),
        validators=[
            DataRequired(_l("Le nom de la personne qui signe est obligatoire.")),
            at_most(MAX_NAME),
        ],
    )
    role = StringField(
        _l("Votre fonction"),
        description=_l("Par exemple : directrice générale, élu délégué au numérique."),
        validators=[at_most(MAX_ROLE)],
    )


class LabelForm(VersionedForm):
    name = StringField(
        _l("Nom du label"),
        validators=[DataRequired(_l("Le nom est obligatoire.")), at_most(MAX_LABEL_NAME)],
    )
    criteria = TextAreaField(
        _l("Critères"), description=MARKDOWN, validators=[at_most(MAX_CRITERIA)]
    )


class AwardForm(FlaskForm):
    """One actor or one register entry: the page shows two forms, each sending one of them."""

    actor = SelectField(_l("Acteur"), validate_choice=False)
    entry = SelectField(_l("Fiche du registre"), validate_choice=False)

    def offer(self, actors: list[Actor], entries: list[RegisterEntry]) -> None:
        self.actor.choices = [SelectChoice(str(a.id), a.name) for a in actors]
        self.entry.choices = [SelectChoice(str(e.id), e.name) for e in entries]
