"""Each coalition's data version: a number that every write to the coalition raises in the same
transaction, so that a page kept under it is never older than the last committed write.

A flush notes the coalitions its rows belong to (a row's own `coalition_id`, else the row it
refers to, up to the coalition); the commit raises their versions in one statement, last, so
that the coalitions' rows stay locked only for an instant. A bulk statement (an INSERT of many
answers, a tally rebuild) cannot tell its rows' coalition: it raises every coalition's version,
unless its table leads to no coalition (the attempt counters).
Rows that lead to no coalition (accounts, the outbox, counters) are on no public page.
"""

from functools import cache
from typing import Any

from sqlalchemy import Table, event, inspect, select, update
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from coalition.coalitions.models import Coalition

EVERY = "coalition_every"
TOUCHED = "coalition_touched"
DEPTH = 4  # an answer → its submission → its consultation → the coalition


def data_version(session: Session, slug: str) -> int | None:
    return session.scalar(select(Coalition.data_version).where(Coalition.slug == slug))


def coalition_of(session: Session, row: Any, depth: int = DEPTH) -> int | None:
    """The id of the coalition a mapped row belongs to, or None if it leads to none: its own
    `coalition_id`, else the coalition of a row its foreign keys point to."""
    if isinstance(row, Coalition):
        return row.id
    own = getattr(row, "coalition_id", None)
    if isinstance(own, int):
        return own
    if depth == 0:
        return None
    mapper = inspect(type(row))
    for key in mapper.local_table.foreign_keys:
        value = getattr(row, mapper.get_property_by_column(key.parent).key)
        target = _mapped_class(key.column.table)
        parent = session.get(target, value) if value is not None and target else None
        if parent is not None and (found := coalition_of(session, parent, depth - 1)) is not None:
            return found
    return None


@cache
def _mapped_class(table: Table) -> type | None:
    for mapper in Coalition.registry.mappers:
        if mapper.local_table is table:
            return mapper.class_
    return None


def _note_flush(session: Session, _: UOWTransaction) -> None:
    touched: set[int] = session.info.setdefault(TOUCHED, set())
    with session.no_autoflush:
        for row in [*session.new, *session.dirty, *session.deleted]:
            if row in session.dirty and not session.is_modified(row):
                continue
            found = coalition_of(session, row)
            if found is not None:
                touched.add(found)


@cache
def leads_to_a_coalition(table: Table, depth: int = DEPTH) -> bool:
    """Whether the rows of `table` belong to a coalition (through their foreign keys)."""
    if table.name == Coalition.__tablename__ or "coalition_id" in table.columns:
        return True
    return depth > 0 and any(
        leads_to_a_coalition(key.column.table, depth - 1) for key in table.foreign_keys
    )


def _note_bulk(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if not isinstance(table, Table) or leads_to_a_coalition(table):
            state.session.info[EVERY] = True


def _raise_versions(session: Session) -> None:
    session.flush()
    touched = session.info.pop(TOUCHED, set())
    every = session.info.pop(EVERY, False)
    if not touched and not every:
        return
    table = Coalition.__table__
    assert isinstance(table, Table)
    # updated_at kept as it was: the exact time of a write (a sign-up...) is not to be recorded
    statement = update(table).values(
        data_version=table.c.data_version + 1, updated_at=table.c.updated_at
    )
    if not every:
        statement = statement.where(table.c.id.in_(sorted(touched)))
    session.connection().execute(statement)


def _forget(session: Session, _: Any = None) -> None:
    session.info.pop(TOUCHED, None)
    session.info.pop(EVERY, None)


def keep_versions() -> None:
    """Listen on every session (idempotent): the app's, the CLI's and the tests'."""
    if event.contains(Session, "before_commit", _raise_versions):
        return
    event.listen(Session, "after_flush", _note_flush)
    event.listen(Session, "do_orm_execute", _note_bulk)
    event.listen(Session, "before_commit", _raise_versions)
    event.listen(Session, "after_soft_rollback", _forget)
