"""How an axis or a lever is named where it is shown: a retired one is marked as such."""

from flask_babel import gettext as _

from coalition.coalitions.models import Axis, Lever


def shown_name(item: Axis | Lever) -> str:
    """« Médiation », or « Médiation (retiré) » once retired (« (retirée) » for an axis)."""
    if item.retired_at is None:
        return item.name
    if isinstance(item, Axis):
        return _("%(name)s (retirée)", name=item.name)
    return _("%(name)s (retiré)", name=item.name)
