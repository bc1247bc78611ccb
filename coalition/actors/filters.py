"""The directory's filters, read from the query string."""

from collections.abc import Mapping

from flask_babel import gettext as _

from coalition.actors.models import ActorKind, Family
from coalition.actors.queries import DirectoryFilters, DirectorySort
from coalition.core.input import lever_from_args


def parse_directory_filters(
    args: Mapping[str, str], lever_ids: set[int]
) -> tuple[DirectoryFilters, str | None]:
    """The filters, or a message saying which value is not understood."""
    try:
        family = Family(args["family"]) if args.get("family") else None
        kind = ActorKind(args["kind"]) if args.get("kind") else None
        sort = DirectorySort(args.get("sort") or DirectorySort.family)
    except ValueError:
        return DirectoryFilters(), _("Filtre inconnu : retirez-le de l'adresse de la page.")
    lever_id, problem = lever_from_args(args, lever_ids)
    if problem:
        return DirectoryFilters(), problem
    include_left = args.get("left") == "1"
    page = args.get("page") or "1"
    if not (page.isascii() and page.isdigit() and 0 < len(page) <= 6 and int(page) > 0):
        return DirectoryFilters(), _("Cette page n'existe pas.")
    return DirectoryFilters(family, kind, lever_id, include_left, sort, int(page)), None
