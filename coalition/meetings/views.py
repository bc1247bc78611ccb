"""Small helpers shared by the meeting pages."""

from collections.abc import Iterable

from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from coalition.roadmap.models import Action


def action_choices(actions: Iterable[Action]) -> list[SelectChoice]:
    """A select of the coalition's open actions, with an empty first choice."""
    return [SelectChoice("", _("— aucune —"))] + [
        SelectChoice(str(action.id), action.title) for action in actions
    ]


def meeting_number(number: int) -> str:
    """ "n°5" in the viewer's language."""
    return _("n°%(num)d", num=number)
