from collections.abc import Mapping
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, AnyOf, DataRequired, InputRequired, Length, Optional

from coalition.actors.models import (
    ACTOR_KIND_LABELS,
    ACTOR_STATUS_LABELS,
    CAPACITY_LABELS,
    FAMILY_LABELS,
)
from coalition.core.forms import VersionedForm
from coalition.core.input import coerce_id
from coalition.roadmap.models import COMMITMENT_STATUS_LABELS, ROLE_LABELS

E = TypeVar("E", bound=StrEnum)
CAPACITY_CHOICES = [SelectChoice(str(value), label) for value, label in CAPACITY_LABELS.items()]
CHOOSE_CAPACITY = _l("Choisissez une capacité de 1 (faible) à 3 (forte).")


def _choices(labels: Mapping[E, Any]) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


def optional_id(value: object) -> int | None:
    """`coerce` for a select of ids whose first option, empty, means "nothing chosen yet"."""
    return None if value is None or value == "" else coerce_id(value)


class HoldingAddForm(FlaskForm):
    lever = SelectField(
        _l("Levier"),
        coerce=int,
        validate_choice=False,  # the service says clearly why a lever is refused
        validators=[InputRequired(_l("Choisissez un levier."))],
    )
    capacity = RadioField(
        _l("Capacité"),
        choices=CAPACITY_CHOICES,
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(CHOOSE_CAPACITY), AnyOf([1, 2, 3], CHOOSE_CAPACITY)],
    )
    note = TextAreaField(
        _l("Note"),
        description=_l("Ce que l'organisation peut faire avec ce levier (facultatif)."),
        validators=[Length(max=2000)],
    )


class HoldingEditForm(VersionedForm):
    capacity = RadioField(
        _l("Capacité"),
        choices=CAPACITY_CHOICES,
        coerce=int,
        validate_choice=False,
        validators=[InputRequired(CHOOSE_CAPACITY), AnyOf([1, 2, 3], CHOOSE_CAPACITY)],
    )
    note = TextAreaField(_l("Note"), validators=[Length(max=2000)])


class CommitForm(FlaskForm):
    """Nothing is chosen in advance: the empty first options are refused if sent."""

    action = SelectField(
        _l("Action"),
        coerce=optional_id,
        validate_choice=False,  # the service says clearly why an action is refused
        validators=[InputRequired(_l("Choisissez une action."))],
    )
    role = SelectField(
        _l("Rôle"),
        choices=[SelectChoice("", _l("Choisissez un rôle")), *_choices(ROLE_LABELS)],
        validators=[InputRequired(_l("Choisissez un rôle."))],
    )
    contribution = TextAreaField(
        _l("Ce que l'organisation apporte"),
        description=_l("Temps, compétences, financement, terrain d'expérimentation…"),
        validators=[Length(max=5000)],
    )


class CommitmentEditForm(VersionedForm):
    role = SelectField(
        _l("Rôle"),
        choices=_choices(ROLE_LABELS),
        validators=[InputRequired(_l("Choisissez un rôle."))],
    )
    contribution = TextAreaField(_l("Ce que l'organisation apporte"), validators=[Length(max=5000)])
    status = SelectField(
        _l("État de l'engagement"),
        choices=_choices(COMMITMENT_STATUS_LABELS),
        validators=[InputRequired(_l("Choisissez un état."))],
    )


class ActorForm(VersionedForm):
    name = StringField(
        _l("Nom"), validators=[DataRequired(_l("Le nom est obligatoire.")), Length(max=200)]
    )
    family = SelectField(
        _l("Famille"),
        choices=_choices(FAMILY_LABELS),
        validators=[InputRequired(_l("Choisissez une famille."))],
    )
    kind = SelectField(_l("Type d'organisation"), choices=_choices(ACTOR_KIND_LABELS))
    territory = StringField(_l("Territoire"), validators=[Length(max=200)])
    website = URLField(
        _l("Site web"),
        validators=[
            Optional(),
            Length(max=500),
            URL(require_tld=False, message=_l("Indiquez une adresse web complète (https://…).")),
        ],
    )
    description = TextAreaField(_l("Présentation"), validators=[Length(max=5000)])
    status = SelectField(
        _l("Statut dans la coalition"),
        choices=_choices(ACTOR_STATUS_LABELS),
        description=_l("« Parti » retire l'acteur de l'annuaire ; son historique est conservé."),
    )
    is_listed = BooleanField(_l("Visible dans l'annuaire public"), default=True)
    is_partner = BooleanField(_l("Partenaire de la coalition"))
