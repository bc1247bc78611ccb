"""Writes of the framing: the coalition's name, tagline, context, phase, reminder delay, how long
workshop sign-ups are kept, and data licence; its axes and levers.

An axis or lever that anything refers to (holdings, actions, resources) is retired, never
deleted: it keeps its history and is offered in no form. Reordering changes positions only,
without touching the records' versions, so that it never makes someone's open edit stale.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from coalition.auth.models import User
from coalition.coalitions.models import Axis, Coalition, DataLicence, Phase
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import check_version
from coalition.framing.queries import Item, usage_of

COALITION_FIELDS = (
    "name",
    "tagline",
    "context",
    "phase",
    "reminder_days",
    "signup_retention_months",
    "data_licence",
    "version",
)
ITEM_FIELDS = ("name", "description", "position", "retired_at", "version")
NAME_LENGTH, TAGLINE_LENGTH, CONTEXT_LENGTH, DESCRIPTION_LENGTH = 200, 300, 20_000, 5000
MAX_REMINDER_DAYS = 30  # how many days before a meeting its people may be reminded; 0: never
# how long a workshop sign-up may be kept (signups.service): a new sign-up is told this term
MIN_RETENTION_MONTHS, MAX_RETENTION_MONTHS = 1, 36
RETENTION_RANGE = _l(
    "De %(least)d à %(most)d mois, s'il vous plaît.",
    least=MIN_RETENTION_MONTHS,
    most=MAX_RETENTION_MONTHS,
)


def entity(model: type[Item]) -> str:
    return "axis" if model is Axis else "lever"


# what is said about each kind: an axis ("approche") is feminine in French
MESSAGES: dict[str, dict[str, Any]] = {
    "axis": {
        "same": _l("Une approche porte déjà ce nom dans la coalition."),
        "same_retired": _l(
            "Une approche retirée porte déjà ce nom : restaurez-la plutôt que d'en créer une autre."
        ),
        "retired": _l("Cette approche est déjà retirée."),
        "current": _l("Cette approche n'est pas retirée."),
        "moving_retired": _l("Une approche retirée n'a pas de place dans l'ordre : restaurez-la."),
        "used": _l(
            "Cette approche est utilisée (%(uses)s) : elle ne peut pas être supprimée. "
            "Retirez-la : elle restera dans l'historique."
        ),
    },
    "lever": {
        "same": _l("Un levier porte déjà ce nom dans la coalition."),
        "same_retired": _l(
            "Un levier retiré porte déjà ce nom : restaurez-le plutôt que d'en créer un autre."
        ),
        "retired": _l("Ce levier est déjà retiré."),
        "current": _l("Ce levier n'est pas retiré."),
        "moving_retired": _l("Un levier retiré n'a pas de place dans l'ordre : restaurez-le."),
        "used": _l(
            "Ce levier est utilisé (%(uses)s) : il ne peut pas être supprimé. "
            "Retirez-le : il restera dans l'historique."
        ),
    },
}


def _text(value: str, limit: int, field: str, *, required: bool = False) -> str:
    value = value.strip()
    if required and not value:
        raise ValidationError(_l("Le nom est obligatoire."), field=field)
    if len(value) > limit:
        raise ValidationError(
            _l("%(limit)d caractères au plus, s'il vous plaît.", limit=limit), field=field
        )
    return value


# -- the coalition ------------------------------------------------------------------------


@dataclass
class FramingDetails:
    name: str
    tagline: str = ""
    context: str = ""
    phase: str = Phase.framing.value
    reminder_days: int | None = None  # None: unchanged
    signup_retention_months: int | None = None  # None: unchanged


def update_framing(
    session: Session,
    coalition: Coalition,
    details: FramingDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> Coalition:
    check_version("coalition", coalition, seen_version)
    name = _text(details.name, NAME_LENGTH, "name", required=True)
    tagline = _text(details.tagline, TAGLINE_LENGTH, "tagline")
    context = _text(details.context, CONTEXT_LENGTH, "context")
    try:
        phase = Phase(details.phase)
    except ValueError:
        raise ValidationError(_l("Choisissez une phase de la liste."), field="phase") from None
    reminder_days = coalition.reminder_days
    if details.reminder_days is not None:
        reminder_days = details.reminder_days
        if not 0 <= reminder_days <= MAX_REMINDER_DAYS:
            raise ValidationError(
                _l("De 0 à %(most)d jours, s'il vous plaît.", most=MAX_REMINDER_DAYS),
                field="reminder_days",
            )
    retention = coalition.signup_retention_months
    if details.signup_retention_months is not None:
        retention = details.signup_retention_months
        if not MIN_RETENTION_MONTHS <= retention <= MAX_RETENTION_MONTHS:
            raise ValidationError(RETENTION_RANGE, field="signup_retention_months")
    before = audit.snapshot(coalition, COALITION_FIELDS)
    coalition.name, coalition.tagline, coalition.context = name, tagline, context
    coalition.phase, coalition.reminder_days = phase, reminder_days
    coalition.signup_retention_months = retention
    _log_coalition(session, coalition, before, by)
    return coalition


def data_licence(value: str) -> DataLicence:
    """The licence a form names, or a ValidationError on the field."""
    try:
        return DataLicence(value)
    except ValueError:
        raise ValidationError(
            _l("Choisissez une licence de la liste."), field="data_licence"
        ) from None


def set_data_licence(
    session: Session,
    coalition: Coalition,
    value: str,
    *,
    seen_version: int | None,
    by: User | None,
) -> Coalition:
    """The licence of the coalition's open data: it applies to every export from now on."""
    check_version("coalition", coalition, seen_version)
    licence = data_licence(value)
    before = audit.snapshot(coalition, COALITION_FIELDS)
    coalition.data_licence = licence
    _log_coalition(session, coalition, before, by)
    return coalition


def _log_coalition(
    session: Session, coalition: Coalition, before: dict[str, Any], by: User | None
) -> None:
    if audit.changed(coalition, before, COALITION_FIELDS):
        audit.record_change(
            session,
            "coalition",
            coalition,
            "update",
            by=by,
            coalition_id=coalition.id,
            before=before,
            fields=COALITION_FIELDS,
        )


# -- axes and levers ----------------------------------------------------------------------


def _log(
    session: Session, item: Item, action: str, before: dict[str, Any] | None, by: User | None
) -> None:
    audit.record_change(
        session,
        entity(type(item)),
        item,
        action,
        by=by,
        coalition_id=item.coalition_id,
        before=before,
        fields=ITEM_FIELDS,
    )


def _check_name(
    session: Session, coalition_id: int, model: type[Item], name: str, item_id: int | None
) -> str:
    """The name, trimmed; refused when another axis (or lever) of the coalition bears it, in
    any case (the database's constraint only sees exact duplicates)."""
    name = _text(name, NAME_LENGTH, "name", required=True)
    for id, other, retired_at in session.execute(
        select(model.id, model.name, model.retired_at).where(model.coalition_id == coalition_id)
    ):
        if id != item_id and other.casefold() == name.casefold():
            key = "same" if retired_at is None else "same_retired"
            raise Conflict(MESSAGES[entity(model)][key], field="name")
    return name


def _next_position(session: Session, coalition_id: int, model: type[Item]) -> int:
    last = session.scalar(
        select(func.max(model.position)).where(
            model.coalition_id == coalition_id, model.retired_at.is_(None)
        )
    )
    return 0 if last is None else last + 1


def add_item(
    session: Session,
    coalition: Coalition,
    model: type[Item],
    *,
    name: str,
    description: str,
    by: User | None,
) -> Item:
    """A new axis or lever, at the end of the order."""
    item = model(
        coalition_id=coalition.id,
        name=_check_name(session, coalition.id, model, name, None),
        description=_text(description, DESCRIPTION_LENGTH, "description"),
        position=_next_position(session, coalition.id, model),
    )
    session.add(item)
    _log(session, item, "create", None, by)
    return item


def edit_item(
    session: Session,
    item: Item,
    *,
    name: str,
    description: str,
    seen_version: int | None,
    by: User | None,
) -> Item:
    check_version(entity(type(item)), item, seen_version)
    name = _check_name(session, item.coalition_id, type(item), name, item.id)
    description = _text(description, DESCRIPTION_LENGTH, "description")
    before = audit.snapshot(item, ITEM_FIELDS)
    item.name, item.description = name, description
    if audit.changed(item, before, ITEM_FIELDS):
        _log(session, item, "update", before, by)
    return item


def move_item(session: Session, item: Item, *, up: bool, by: User | None) -> None:
    """Swap a current axis or lever with its neighbour; the first up or the last down stays."""
    model = type(item)
    if item.retired_at is not None:
        raise ValidationError(MESSAGES[entity(model)]["moving_retired"])
    items: list[Item] = list(
        session.scalars(
            select(model)
            .where(model.coalition_id == item.coalition_id, model.retired_at.is_(None))
            .order_by(model.position, model.name, model.id)
        )
    )
    index = items.index(item)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return
    before = [each.id for each in items]
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items):
        if each.position != position:
            # a plain UPDATE: the order is the coalition's, not a change of the record
            session.execute(
                update(cast(Table, model.__table__))
                .where(model.id == each.id)
                .values(position=position)
            )
            set_committed_value(each, "position", position)
    audit.record(
        session,
        entity=entity(model),
        entity_id=item.id,
        action="move",
        user_id=by.id if by else None,
        coalition_id=item.coalition_id,
        before={"order": before},
        after={"order": [each.id for each in items]},
    )


def retire_item(
    session: Session, item: Item, *, seen_version: int | None, by: User | None, now: datetime
) -> Item:
    """Out of every form and of the diagnostic; kept where it is referred to, and in history."""
    check_version(entity(type(item)), item, seen_version)
    if item.retired_at is not None:
        raise Conflict(MESSAGES[entity(type(item))]["retired"])
    before = audit.snapshot(item, ITEM_FIELDS)
    item.retired_at = now
    _log(session, item, "retire", before, by)
    return item


def restore_item(
    session: Session, item: Item, *, seen_version: int | None, by: User | None
) -> Item:
    """Back in the forms, at the end of the order."""
    check_version(entity(type(item)), item, seen_version)
    if item.retired_at is None:
        raise Conflict(MESSAGES[entity(type(item))]["current"])
    before = audit.snapshot(item, ITEM_FIELDS)
    item.position = _next_position(session, item.coalition_id, type(item))
    item.retired_at = None
    _log(session, item, "restore", before, by)
    return item


def delete_item(session: Session, item: Item, *, seen_version: int | None, by: User | None) -> None:
    """Delete an axis or lever that nothing refers to; one in use must be retired instead."""
    model = type(item)
    check_version(entity(model), item, seen_version)
    # lock the row: a holding or action naming it meanwhile waits, then fails its foreign key
    session.execute(select(model.id).where(model.id == item.id).with_for_update())
    usage = usage_of(session, item)
    if usage.total:
        raise Conflict(str(MESSAGES[entity(model)]["used"]) % {"uses": usage.describe()})
    before = audit.snapshot(item, ITEM_FIELDS)
    session.delete(item)
    _log(session, item, "delete", before, by)
