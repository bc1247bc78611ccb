"""The network view's filters, read from the query string."""

from collections.abc import Mapping
from dataclasses import dataclass

from flask_babel import gettext as _

from coalition.actors.models import Family
from coalition.core.input import lever_from_args

VIEWS = ("summary", "full")


@dataclass(frozen=True)
class GraphFilters:
    family: str | None = None
    lever_id: int | None = None
    view: str | None = None  # "summary" or "full"; None: the default for the graph's size


def parse_graph_filters(
    args: Mapping[str, str], lever_ids: set[int]
) -> tuple[GraphFilters, str | None]:
    family = args.get("family") or None
    if family is not None and family not in {f.value for f in Family}:
        return GraphFilters(), _("Filtre inconnu : retirez-le de l'adresse de la page.")
    view = args.get("view") or None
    if view is not None and view not in VIEWS:
        return GraphFilters(), _("Filtre inconnu : retirez-le de l'adresse de la page.")
    lever_id, problem = lever_from_args(args, lever_ids)
    return GraphFilters(family, lever_id, view), problem
