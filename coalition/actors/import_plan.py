"""What importing a sheet would do to the actors already there: plain functions.

An actor is matched by its exact name. A blank cell, or a column the file does not have, leaves
the actor's value alone; a lever left blank leaves its holding alone (an import never removes a
holding). Any row in error and nothing may be applied.
"""

import enum
import hashlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from coalition.actors.importing import Problem, Sheet, SheetRow
from coalition.actors.models import ActorKind, Family

ATTRIBUTES = ("family", "kind", "territory", "website")


class Outcome(enum.StrEnum):
    new = "new"
    updated = "updated"
    unchanged = "unchanged"
    error = "error"


@dataclass(frozen=True)
class ExistingActor:
    id: int
    name: str
    family: Family
    kind: ActorKind
    territory: str
    website: str | None
    holdings: Mapping[int, int]  # lever id -> capacity


@dataclass(frozen=True)
class Change:
    """An attribute (`field`) or a lever's capacity (`lever_id`) going from before to after."""

    field: str
    before: Any
    after: Any
    lever_id: int | None = None


@dataclass
class Entry:
    row: int
    name: str
    outcome: Outcome
    actor_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    capacities: dict[int, int] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Plan:
    entries: list[Entry]
    lever_names: dict[int, str]
    encoding: str = "utf-8"

    @property
    def totals(self) -> Counter[Outcome]:
        counts = Counter(dict.fromkeys(Outcome, 0))
        counts.update(entry.outcome for entry in self.entries)
        return counts

    @property
    def has_errors(self) -> bool:
        return any(entry.outcome == Outcome.error for entry in self.entries)

    def digest(self) -> str:
        """A fingerprint of what the plan would do: the same file against the same actors."""
        seen = [(e.row, e.name, e.outcome.value, e.changes) for e in self.entries]
        return hashlib.sha256(repr(seen).encode()).hexdigest()[:32]

    @property
    def has_changes(self) -> bool:
        return any(entry.outcome in (Outcome.new, Outcome.updated) for entry in self.entries)


def _entry(row: SheetRow, existing: ExistingActor | None, sheet: Sheet) -> Entry:
    entry = Entry(row.number, row.name, Outcome.error, values=row.values)
    entry.capacities, entry.problems = row.capacities, list(row.problems)
    if existing is None:
        column = sheet.column("family")
        told = column is not None and any(p.column == column.index for p in entry.problems)
        if "family" not in row.values and not told:
            entry.problems.append(
                Problem(
                    row.number,
                    column.index if column else None,
                    column.header if column else None,
                    _l("La famille est obligatoire pour un nouvel acteur."),
                )
            )
        entry.changes = [
            Change(name, None, row.values[name]) for name in ATTRIBUTES if name in row.values
        ]
        entry.changes += [Change("lever", None, c, lever_id=i) for i, c in row.capacities.items()]
    else:
        entry.actor_id = existing.id
        for name in ATTRIBUTES:
            if name in row.values and row.values[name] != getattr(existing, name):
                entry.changes.append(Change(name, getattr(existing, name), row.values[name]))
        for lever_id, value in row.capacities.items():
            if existing.holdings.get(lever_id) != value:
                before = existing.holdings.get(lever_id)
                entry.changes.append(Change("lever", before, value, lever_id=lever_id))
    if entry.problems:
        entry.outcome = Outcome.error
    elif existing is None:
        entry.outcome = Outcome.new
    else:
        entry.outcome = Outcome.updated if entry.changes else Outcome.unchanged
    return entry


def plan(sheet: Sheet, existing: Mapping[str, ExistingActor]) -> Plan:
    """Each row as new, updated (with its changes), unchanged or in error."""
    entries: list[Entry] = []
    first_row: dict[str, int] = {}
    name_column = sheet.column("name")
    for row in sheet.rows:
        entry = _entry(row, existing.get(row.name), sheet)
        key = row.name.casefold()
        if row.name and key in first_row:
            entry.problems.append(
                Problem(
                    row.number,
                    name_column.index if name_column else None,
                    name_column.header if name_column else None,
                    _l("Ce nom figure déjà à la ligne %(row)d.", row=first_row[key]),
                )
            )
            entry.outcome = Outcome.error
        elif row.name:
            first_row[key] = row.number
        entries.append(entry)
    names = {c.lever.id: c.lever.name for c in sheet.columns if c.lever is not None}
    return Plan(entries, names, encoding=sheet.encoding)
