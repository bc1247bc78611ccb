"""What people send about the roadmap: the board's filters, the forms of actions and objectives."""

from collections.abc import Callable, Collection, Iterable, Mapping
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from coalition.actors.models import Family
from coalition.coalitions.models import Axis, Lever
from coalition.coalitions.naming import shown_name
from coalition.core.forms import VersionedForm
from coalition.core.input import lever_from_args, parse_id
from coalition.core.paging import page_number
from coalition.roadmap.models import HORIZON_LABELS, OBJECTIVE_STATUS_LABELS, Horizon
from coalition.roadmap.queries import ACTOR_NAME_LIMIT, BoardView, RoadmapFilters

E = TypeVar("E", bound=StrEnum)
ID_DIGITS = 10  # an id is at most 2^31 - 1
MARKDOWN_HINT = _l("En Markdown : **gras**, listes avec « - », liens.")


def label_choices(labels: Mapping[E, Any]) -> list[SelectChoice]:
    return [SelectChoice(member.value, label) for member, label in labels.items()]


def row_choices(rows: Iterable[Any], *, empty: Any = None) -> list[SelectChoice]:
    """A select's options from rows with an id and a name (or title); `empty` comes first."""
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [
        SelectChoice(str(row.id), getattr(row, "name", None) or row.title) for row in rows
    ]


def framing_choices(
    rows: Iterable[Axis | Lever], keep: Collection[int] = (), *, empty: Any = None
) -> list[SelectChoice]:
    """A select's options from axes or levers: the current ones, and the retired ones in `keep`
    (those the record already refers to, so that an edit does not drop them), marked."""
    first = [SelectChoice("", empty)] if empty is not None else []
    return first + [
        SelectChoice(str(row.id), shown_name(row))
        for row in rows
        if row.retired_at is None or row.id in keep
    ]


def parse_roadmap_filters(
    args: Mapping[str, str], lever_ids: set[int], is_actor: Callable[[int], bool]
) -> tuple[RoadmapFilters, str | None]:
    """The filters and the page of the board and the timeline, or a message saying which value
    is wrong; `is_actor` says whether an actor id names one the viewer may see."""
    try:
        view = BoardView(args.get("view") or BoardView.status)
        family = Family(args["family"]) if args.get("family") else None
    except ValueError:
        return RoadmapFilters(), _("Filtre inconnu : retirez-le de l'adresse de la page.")
    lever_id, problem = lever_from_args(args, lever_ids)
    if problem:
        return RoadmapFilters(), problem
    actor = args.get("actor")
    actor_id = parse_id(actor) if actor and len(actor) <= ID_DIGITS else None
    if actor and (actor_id is None or not is_actor(actor_id)):
        return RoadmapFilters(), _("Cet acteur n'existe pas dans cette coalition.")
    page = page_number(args)
    if page is None:
        return RoadmapFilters(), _("Cette page n'existe pas.")
    actor_name = " ".join((args.get("actor_name") or "").split())[:ACTOR_NAME_LIMIT]
    return RoadmapFilters(view, lever_id, family, actor_id, actor_name, page), None


class ActionForm(VersionedForm):
    """A facilitator's action or a member's proposal; the route sets the choices.

    The selects accept any value: the service says clearly why a choice is refused."""

    title = StringField(
        _l("Titre"), validators=[DataRequired(_l("Le titre est obligatoire.")), Length(max=300)]
    )
    description = TextAreaField(
        _l("Description"), description=MARKDOWN_HINT, validators=[Length(max=20000)]
    )
    axis = SelectField(_l("Approche"), validate_choice=False)
    objective = SelectField(_l("Objectif"), validate_choice=False)
    lead_actor = SelectField(
        _l("Acteur pilote"),
        description=_l("Seuls les acteurs encore dans la coalition sont proposés."),
        validate_choice=False,
    )
    levers = SelectMultipleField(
        _l("Leviers mobilisés"),
        validate_choice=False,
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )
    horizon = SelectField(
        _l("Horizon"),
        choices=label_choices(HORIZON_LABELS),
        default=Horizon.short.value,
        validators=[InputRequired(_l("Choisissez un horizon."))],
    )
    target_date = DateField(
        _l("Date cible"),
        description=_l("Facultative ; votre navigateur propose un calendrier."),
        validators=[Optional()],
    )
    success_criteria = TextAreaField(
        _l("Critères de réussite"),
        description=_l("À quoi verra-t-on que l'action a réussi ?"),
        validators=[Length(max=5000)],
    )
    status = SelectField(
        _l("État de l'action"),
        validate_choice=False,
        validators=[InputRequired(_l("Choisissez un état."))],
    )


class DecideForm(VersionedForm):
    """Accept or decline a member's proposal: the buttons send `decision`."""

    decision = StringField(
        _l("Décision"),
        validators=[
            AnyOf(["accept", "decline"], _l("Choisissez d'accepter ou de décliner la proposition."))
        ],
    )
    reason = TextAreaField(
        _l("Motif"),
        description=_l("Obligatoire pour décliner : l'auteur de la proposition le lira."),
        validators=[Length(max=5000)],
    )


class ObjectiveForm(VersionedForm):
    title = StringField(
        _l("Titre"), validators=[DataRequired(_l("Le titre est obligatoire.")), Length(max=300)]
    )
    description = TextAreaField(
        _l("Description"), description=MARKDOWN_HINT, validators=[Length(max=5000)]
    )
    horizon = SelectField(
        _l("Horizon"),
        choices=label_choices(HORIZON_LABELS),
        default=Horizon.short.value,
        validators=[InputRequired(_l("Choisissez un horizon."))],
    )
    status = SelectField(
        _l("État de l'objectif"),
        choices=label_choices(OBJECTIVE_STATUS_LABELS),
        default="open",
        validators=[InputRequired(_l("Choisissez un état."))],
    )
