"""The form of a register entry; the service checks what it sends. Publishing and withdrawing
send only the version read (`core.forms.VersionedForm`)."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired

from coalition.actors.models import Actor, Family
from coalition.coalitions.models import Lever
from coalition.coalitions.naming import shown_name
from coalition.core.forms import VersionedForm, at_most, checkboxes
from coalition.register.models import ENTRY_STATUS_LABELS
from coalition.register.service import (
    MAX_ASSESSMENT,
    MAX_CONTACT,
    MAX_LICENCE,
    MAX_NAME,
    MAX_TEXT,
    MAX_URL,
)
from coalition.roadmap.models import Action
from coalition.workshops.models import UseCase

NONE = SelectChoice("", _l("— aucun —"))
HTTP_HINT = _l("Une adresse complète, commençant par https://")


class EntryForm(VersionedForm):
    owner = SelectField(
        _l("Organisation qui déclare cet usage"),
        description=_l("L'acteur qui utilise le système, ou qui le fournit."),
        validate_choice=False,
    )
    name = StringField(
        _l("Nom du système ou de l'usage"),
        validators=[DataRequired(_l("Le nom est obligatoire.")), at_most(MAX_NAME)],
    )
    purpose = TextAreaField(
        _l("À quoi il sert"),
        description=_l("Le problème qu'il traite, ce qu'il produit, qui s'en sert."),
        validators=[at_most(MAX_TEXT)],
    )
    status = RadioField(
        _l("État"),
        choices=[SelectChoice(s.value, label) for s, label in ENTRY_STATUS_LABELS.items()],
        validate_choice=False,
        validators=[
            InputRequired(_l("Choisissez un état : idée, expérimentation, en service ou arrêté."))
        ],
    )
    individual_decisions = BooleanField(
        _l(
            "Il intervient dans des décisions individuelles "
            "(une aide, une place, une orientation, un contrôle…)"
        )
    )
    human_oversight = TextAreaField(
        _l("Contrôle humain"),
        description=_l("Qui relit ce qu'il produit, qui décide, comment contester."),
        validators=[at_most(MAX_TEXT)],
    )
    data_used = TextAreaField(
        _l("Données utilisées"),
        description=_l("Leur origine, leur nature, leur durée de conservation."),
        validators=[at_most(MAX_TEXT)],
    )
    personal_data = BooleanField(_l("Il traite des données personnelles"))
    vendor = SelectField(
        _l("Fournisseur (facultatif)"),
        description=_l("Un acteur de la famille « Offre » de la coalition."),
        validate_choice=False,
    )
    source_code_url = URLField(
        _l("Code source (adresse web, facultatif)"),
        description=HTTP_HINT,
        validators=[at_most(MAX_URL)],
    )
    licence = StringField(
        _l("Licence du code (facultatif)"),
        description=_l("Par exemple : EUPL-1.2, AGPL-3.0, propriétaire."),
        validators=[at_most(MAX_LICENCE)],
    )
    impact_assessment = TextAreaField(
        _l("Analyse d'impact (facultatif)"),
        description=_l("Ses conclusions : risques repérés, mesures prises. En Markdown."),
        validators=[at_most(MAX_ASSESSMENT)],
    )
    impact_assessment_url = URLField(
        _l("Analyse d'impact publiée (adresse web, facultatif)"),
        description=HTTP_HINT,
        validators=[at_most(MAX_URL)],
    )
    contact = StringField(
        _l("Contact (facultatif)"),
        description=_l(
            "Une adresse e-mail de service ou une page web : pas l'adresse d'une personne."
        ),
        validators=[at_most(MAX_CONTACT)],
    )
    levers = checkboxes(_l("Leviers de la coalition qu'il concerne"))
    actions = checkboxes(_l("Actions de la feuille de route qu'il concerne"))
    cases = checkboxes(_l("Cas d'usage des ateliers qu'il concerne"))

    def offer(
        self,
        owners: list[Actor],
        levers: list[Lever],
        actions: list[Action],
        cases: list[tuple[UseCase, str]],
        *,
        kept_levers: set[int],
    ) -> None:
        """The choices: owners (one, for a member), vendors of the "Offre" family, current
        levers and the retired ones the entry already names, actions, use cases."""
        self.owner.choices = [SelectChoice(str(a.id), a.name) for a in owners]
        if len(owners) > 1:
            self.owner.choices.insert(0, SelectChoice("", _l("— choisissez un acteur —")))
        self.levers.choices = [
            SelectChoice(str(lv.id), shown_name(lv))
            for lv in levers
            if lv.retired_at is None or lv.id in kept_levers
        ]
        self.actions.choices = [SelectChoice(str(a.id), a.title) for a in actions]
        self.cases.choices = [
            SelectChoice(str(case.id), f"{case.title} ({workshop})") for case, workshop in cases
        ]

    def offer_vendors(self, actors: list[Actor]) -> None:
        self.vendor.choices = [
            NONE,
            *(SelectChoice(str(a.id), a.name) for a in actors if a.family == Family.supply),
        ]
