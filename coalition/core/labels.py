"""Labels for the codes the audit log records, filled by each domain's models.

A field's codes mean different things on different records ("member" is an actor's status and
a role), so each table is registered under the entity the audit log names its record with."""

from collections.abc import Hashable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

LANGUAGE_LABELS = {"fr": _l("Français"), "en": _l("Anglais")}
RECORDED_VALUES: dict[tuple[str, str], Mapping[Any, Any]] = {}


def record_labels(entity: str, **tables: Mapping[Any, Any]) -> None:
    """Say how the codes of `entity`'s fields read, e.g. record_labels("actor", family=...)."""
    for field, table in tables.items():
        RECORDED_VALUES[(entity, field)] = table


def recorded_value(entity: str, field: str, value: Any) -> str:
    """The label a person reads for a value the audit log recorded as a code, in the current
    language; the value itself when no label is known (a name, a note, a retired code)."""
    table = RECORDED_VALUES.get((entity, field), {})
    if isinstance(value, Hashable) and not isinstance(value, bool) and value in table:
        return str(table[value])  # StrEnum keys match the codes they were recorded as
    return str(value)


record_labels("resource", language=LANGUAGE_LABELS)
