"""The one place that bounds input: ids, NUL bytes, text lengths.

Every id is an `Integer` column, 32 bits on PostgreSQL: an id in a path, a query string or a form
field past that range matches nothing (404 or a form error), instead of overflowing the database.
A NUL byte, which PostgreSQL cannot store, is refused with a 400 before any view runs. Text longer
than its column, or holding a NUL byte (from an uploaded file, say), is refused at the flush with a
`ValidationError` on the attribute: the forms' own length checks speak first, this is the net that
makes both databases refuse the same values.
"""

from collections.abc import Mapping
from itertools import chain
from typing import Any

from flask import Flask, abort, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, event, inspect
from sqlalchemy.orm import Session, UOWTransaction
from werkzeug.routing import IntegerConverter

from coalition.core.errors import ValidationError

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a positive id within the columns' range, else no match."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min", 0)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def parse_id(value: object) -> int | None:
    """An id written in a query string or a form field, or None when it cannot be one."""
    if isinstance(value, int):
        return value if 0 < value <= MAX_ID else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def chosen_id(value: str | None, field: str) -> int | None:
    """The id a form's select or checkbox sent, None for no choice; a ValidationError on
    `field` when it cannot be an id."""
    if not value:
        return None
    ident = parse_id(value)
    if ident is None:
        raise ValidationError(_l("Ce choix n'appartient pas à cette coalition."), field=field)
    return ident


def chosen_ids(values: list[str] | None, field: str) -> list[int]:
    return [ident for value in values or [] if (ident := chosen_id(value, field)) is not None]


def coerce_id(value: object) -> int:
    """`coerce` for a select of ids: a value that cannot be an id is no choice at all."""
    number = parse_id(value)
    if number is None:
        raise ValueError(_("Ce choix n'existe pas."))
    return number


def _carries_nul(values: Any) -> bool:
    return any("\x00" in key or "\x00" in value for key, value in values.items(multi=True))


def refuse_nul_bytes() -> None:
    in_path = any("\x00" in str(value) for value in (request.view_args or {}).values())
    in_form = request.method == "POST" and _carries_nul(request.form)
    if in_path or in_form or _carries_nul(request.args):
        abort(400, description=_("La requête contient un caractère interdit (caractère nul)."))


def check_texts(session: Session, _flush: UOWTransaction, _instances: object) -> None:
    for obj in chain(session.new, session.dirty):
        state = inspect(obj)
        for attribute in state.mapper.column_attrs:
            value = state.dict.get(attribute.key)
            if not isinstance(value, str):
                continue
            if "\x00" in value:
                message = _l("Ce texte contient un caractère nul.")
                raise ValidationError(message, field=attribute.key)
            column_type = attribute.columns[0].type
            length = column_type.length if isinstance(column_type, String) else None
            if length is not None and len(value) > length:
                message = _l("Ce texte compte au plus %(n)s caractères.", n=length)
                raise ValidationError(message, field=attribute.key)


event.listen(Session, "before_flush", check_texts)


def init_input(app: Flask) -> None:
    app.url_map.converters["int"] = IdConverter
    app.before_request(refuse_nul_bytes)


def lever_from_args(args: Mapping[str, str], lever_ids: set[int]) -> tuple[int | None, str | None]:
    """The `lever` filter: None when absent, or why it is not a lever of the coalition."""
    value = args.get("lever")
    if not value:
        return None, None
    if not (value.isascii() and value.isdigit()) or int(value) not in lever_ids:
        return None, _("Ce levier n'existe pas dans cette coalition.")
    return int(value), None
