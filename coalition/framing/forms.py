"""What a facilitator sends to frame the coalition: its presentation, axes, levers, partners."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from coalition.coalitions.models import DATA_LICENCES, PHASE_LABELS, DataLicence, Phase
from coalition.core.forms import VersionedForm
from coalition.framing.service import (
    CONTEXT_LENGTH,
    DESCRIPTION_LENGTH,
    MAX_REMINDER_DAYS,
    MAX_RETENTION_MONTHS,
    MIN_RETENTION_MONTHS,
    NAME_LENGTH,
    RETENTION_RANGE,
    TAGLINE_LENGTH,
)

CHOOSE_PHASE = _l("Choisissez une phase de la liste.")
CHOOSE_LICENCE = _l("Choisissez une licence de la liste.")


def _at_most(limit: int) -> Length:
    return Length(
        max=limit, message=_l("%(limit)d caractères au plus, s'il vous plaît.", limit=limit)
    )


def _name() -> StringField:
    return StringField(
        _l("Nom"),
        validators=[DataRequired(_l("Le nom est obligatoire.")), _at_most(NAME_LENGTH)],
    )


class FramingForm(VersionedForm):
    name = _name()
    tagline = StringField(
        _l("Accroche"),
        description=_l("Une phrase, sous le nom, sur la page d'accueil."),
        validators=[_at_most(TAGLINE_LENGTH)],
    )
    context = TextAreaField(
        _l("Contexte"),
        description=_l(
            "Pourquoi la coalition existe, ce qu'elle vise. En Markdown : **gras**, listes avec "
            "« - », liens."
        ),
        validators=[_at_most(CONTEXT_LENGTH)],
    )
    phase = SelectField(
        _l("Phase"),
        choices=[SelectChoice(phase.value, label) for phase, label in PHASE_LABELS.items()],
        validate_choice=False,  # AnyOf says it in French
        # no InputRequired: it renders a "required" select that the Nu checker refuses
        validators=[AnyOf([p.value for p in Phase], CHOOSE_PHASE)],
    )
    reminder_days = IntegerField(
        _l("Rappel avant une rencontre (en jours)"),
        description=_l(
            "Combien de jours avant chaque rencontre les membres reçoivent l'ordre du jour et "
            "leurs engagements, et l'animation un rappel de préparer le diagnostic. 0 : aucun "
            "rappel."
        ),
        # left out of the form (an older page): the delay stays as it is
        validators=[
            Optional(),
            NumberRange(
                min=0,
                max=MAX_REMINDER_DAYS,
                message=_l("De 0 à %(most)d jours, s'il vous plaît.", most=MAX_REMINDER_DAYS),
            ),
        ],
    )
    signup_retention_months = IntegerField(
        _l("Conservation des inscriptions aux ateliers (en mois)"),
        description=_l(
            "Combien de temps sont gardés le prénom et le moyen de joindre les personnes qui "
            "demandent à être prévenues des prochains ateliers ; elles le lisent en s'inscrivant, "
            "puis leur inscription s'efface d'elle-même. Une nouvelle durée vaut pour les "
            "inscriptions suivantes : chaque personne déjà inscrite garde le terme qu'elle a lu."
        ),
        # left out of the form (an older page): the retention stays as it is
        validators=[
            Optional(),
            NumberRange(
                min=MIN_RETENTION_MONTHS, max=MAX_RETENTION_MONTHS, message=RETENTION_RANGE
            ),
        ],
    )


class DataLicenceForm(VersionedForm):
    """On the framing page beside FramingForm: its hidden fields get ids of their own there."""

    data_licence = SelectField(
        _l("Licence des données ouvertes"),
        choices=[SelectChoice(value.value, terms.label) for value, terms in DATA_LICENCES.items()],
        description=_l(
            "Elle vaut pour les téléchargements CSV et JSON et les fils d'actualité de la page "
            "Données ouvertes. Ce qui a déjà été téléchargé reste sous la licence de l'époque."
        ),
        validate_choice=False,  # AnyOf says it in French
        validators=[AnyOf([value.value for value in DataLicence], CHOOSE_LICENCE)],
    )


class ItemForm(FlaskForm):
    """A new axis or lever."""

    name = _name()
    description = TextAreaField(_l("Description"), validators=[_at_most(DESCRIPTION_LENGTH)])


class ItemEditForm(VersionedForm):
    name = _name()
    description = TextAreaField(_l("Description"), validators=[_at_most(DESCRIPTION_LENGTH)])


class MoveForm(FlaskForm):
    direction = StringField(
        validators=[AnyOf(["up", "down"], _l("Choisissez de monter ou de descendre."))]
    )


class PartnerForm(VersionedForm):
    is_partner = StringField(validators=[AnyOf(["yes", "no"], _l("Choisissez oui ou non."))])
