"""The forms of a panel; the service checks what they send."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange

from coalition.core.forms import VersionedForm
from coalition.panels.service import MAX_SIZE, MAX_TEXT, MAX_TITLE

NUMBER = _l("Écrivez un nombre entier.")


class PanelForm(VersionedForm):
    title = StringField(
        _l("Titre"),
        validators=[
            InputRequired(_l("Le titre est obligatoire.")),
            Length(max=MAX_TITLE, message=_l("%(max)d caractères au plus.")),
        ],
    )
    description = TextAreaField(
        _l("Présentation"),
        description=_l("Pourquoi ce panel, ce qu'il fera, qui le garantit (markdown)."),
        validators=[Length(max=MAX_TEXT, message=_l("%(max)d caractères au plus."))],
    )
    size = IntegerField(
        _l("Nombre de membres à tirer au sort"),
        validators=[
            InputRequired(NUMBER),
            NumberRange(1, MAX_SIZE, _l("De %(min)d à %(max)d personnes.")),
        ],
    )
    reserve_size = IntegerField(
        _l("Liste complémentaire"),
        description=_l("Tirée en même temps, parmi les autres volontaires ; 0 pour aucune."),
        default=0,
        validators=[InputRequired(NUMBER), NumberRange(0, MAX_SIZE, _l("De %(min)d à %(max)d."))],
    )


class QuotasForm(FlaskForm):
    quotas = TextAreaField(
        _l("Quotas"),
        description=_l(
            "Une ligne par valeur : caractéristique ; valeur ; minimum ; maximum. "
            "Par exemple « Tranche d'âge ; 16-29 ans ; 8 ; 12 »."
        ),
        validators=[Length(max=20_000, message=_l("%(max)d caractères au plus."))],
    )


class AnnounceForm(VersionedForm):
    seed = StringField(
        _l("Graine du tirage (facultatif)"),
        description=_l(
            "Un nombre entier, tiré en public par exemple ; laissé vide, Coalition en choisit un."
        ),
        validators=[Length(max=20, message=_l("%(max)d caractères au plus."))],
    )


class ActionForm(FlaskForm):
    """A button that changes something: its CSRF token only."""
