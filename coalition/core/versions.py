"""No lost update: an edit names the version of the record its author saw."""

from typing import Any

from flask_babel import lazy_gettext as _l

from coalition.core.errors import Conflict


class StaleEdit(Conflict):
    """The record changed since the user loaded the form: nothing was overwritten."""

    def __init__(self, entity: str, record: Any, seen_version: int) -> None:
        super().__init__(
            _l(
                "Cette fiche a été modifiée par quelqu'un d'autre pendant que vous la modifiiez. "
                "Vos changements n'ont pas été enregistrés : relisez la version actuelle."
            )
        )
        self.entity = entity
        self.record = record
        self.seen_version = seen_version


def check_version(entity: str, record: Any, seen: int | None) -> None:
    """Refuse an edit made from a page that showed another version of the record."""
    if seen is None or seen != record.version:
        raise StaleEdit(entity, record, seen or 0)
