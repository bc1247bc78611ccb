"""Reading a spreadsheet of actors: plain functions, no Flask, no database.

`import_csv.decode` turns the uploaded bytes into text; `parse` reads the header and every row
against a `Vocabulary` (families, kinds and the coalition's levers); `import_plan.plan` then
compares the result with the actors already there.
"""

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from coalition.actors.import_csv import (
    FileRefused,
    Problem,
    clean,
    column_letter,
    fold,
    guess_separator,
    records,
)
from coalition.actors.models import ActorKind, Family

MAX_ROWS = 2000  # actors in one file (blank rows aside): confirming takes seconds, not minutes
NAME_LENGTH, TERRITORY_LENGTH, WEBSITE_LENGTH = 200, 200, 500

# the columns of an actor's record, by their folded header (French and English)
ATTRIBUTE_HEADERS = {
    "name": ("nom", "name", "acteur", "actor", "organisation", "organization"),
    "family": ("famille", "family"),
    "kind": ("type", "kind", "type d'organisation", "type of organisation"),
    "territory": ("territoire", "territory"),
    "website": ("site web", "site", "site internet", "siteweb", "website", "web site", "url"),
}
HEADER_FIELDS = {alias: name for name, aliases in ATTRIBUTE_HEADERS.items() for alias in aliases}
LEVER_PREFIX = re.compile(r"(?:levier|lever)\s*:\s*(.+)")
CAPACITY_WORDS = {
    "faible": 1, "weak": 1, "low": 1,
    "moyenne": 2, "moyen": 2, "medium": 2, "moderate": 2,
    "forte": 3, "fort": 3, "strong": 3, "high": 3,
}  # fmt: skip
CAPACITY_NUMBER = re.compile(r"([123])(?:[.,]0+)?")
CAPACITY_LABELLED = re.compile(r"([123])\s*[–—:]?\s*([a-z]+)")


@dataclass(frozen=True)
class LeverRef:
    id: int
    name: str
    is_retired: bool = False


@dataclass(frozen=True)
class Vocabulary:
    """What cells may say: families and kinds by code or label, the coalition's levers."""

    families: Mapping[str, Family]  # folded code or label -> family
    kinds: Mapping[str, ActorKind]
    levers: list[LeverRef]
    family_choices: str = ""  # the labels, for messages
    kind_choices: str = ""

    @classmethod
    def of(
        cls,
        levers: Iterable[LeverRef],
        family_names: Mapping[Family, Iterable[str]],
        kind_names: Mapping[ActorKind, Iterable[str]],
        *,
        family_choices: str = "",
        kind_choices: str = "",
    ) -> "Vocabulary":
        families = {fold(f.value): f for f in Family}
        families.update({fold(n): f for f, names in family_names.items() for n in names})
        kinds = {fold(k.value): k for k in ActorKind}
        kinds.update({fold(n): k for k, names in kind_names.items() for n in names})
        return cls(families, kinds, list(levers), family_choices, kind_choices)

    def lever_named(self, name: str) -> list[LeverRef]:
        exact = [lever for lever in self.levers if lever.name == name]
        return exact or [lever for lever in self.levers if fold(lever.name) == fold(name)]


@dataclass(frozen=True)
class Column:
    index: int
    header: str
    field: str | None = None  # an attribute of the actor ("name", "family", ...)
    lever: LeverRef | None = None  # or a lever


@dataclass
class SheetRow:
    number: int
    name: str
    values: dict[str, Any] = field(default_factory=dict)  # attributes given, parsed
    capacities: dict[int, int] = field(default_factory=dict)  # lever id -> capacity
    problems: list[Problem] = field(default_factory=list)


@dataclass
class Sheet:
    columns: list[Column]
    rows: list[SheetRow]
    encoding: str = "utf-8"
    separator: str = ";"

    def has(self, name: str) -> bool:
        return any(column.field == name for column in self.columns)

    def column(self, name: str) -> Column | None:
        return next((column for column in self.columns if column.field == name), None)


# -- the header ---------------------------------------------------------------------------


def read_header(cells: list[str], vocabulary: Vocabulary, used: set[int]) -> list[Column]:
    """The columns the header names; `used` holds the columns that have data below."""
    columns: list[Column] = []
    problems: list[Problem] = []
    seen: dict[Any, Column] = {}
    for index, raw in enumerate(cells):
        header = clean(raw)
        folded = fold(header).rstrip(" :*")
        if not folded:
            if index in used:
                problems.append(Problem(1, index, "", _l("Cette colonne n'a pas d'en-tête.")))
            continue
        prefixed = LEVER_PREFIX.fullmatch(folded)
        lever_name = header.split(":", 1)[1].strip() if prefixed else header
        if not prefixed and folded in HEADER_FIELDS:
            column = Column(index, header, field=HEADER_FIELDS[folded])
        else:
            found = vocabulary.lever_named(lever_name)
            if len(found) > 1:
                message = _l("Plusieurs leviers portent ce nom : renommez-en un.")
                problems.append(Problem(1, index, header, message))
                continue
            if not found:
                if prefixed:
                    message = _l(
                        "Le levier « %(name)s » n'existe pas dans cette coalition.",
                        name=lever_name,
                    )
                else:
                    message = _l(
                        "Colonne inconnue : les colonnes possibles sont nom, famille, type, "
                        "territoire, site web et le nom d'un levier de la coalition."
                    )
                problems.append(Problem(1, index, header, message))
                continue
            column = Column(index, header, lever=found[0])
        key = column.field or ("lever", column.lever.id if column.lever else None)
        if key in seen:
            first = seen[key]
            message = _l(
                "Cette colonne répète la colonne %(letter)s (« %(header)s »).",
                letter=column_letter(first.index),
                header=first.header,
            )
            problems.append(Problem(1, index, header, message))
            continue
        seen[key] = column
        columns.append(column)
    if not columns:
        if not any(clean(cell) for cell in cells):
            raise FileRefused(_l("La première ligne doit être l'en-tête : elle est vide."))
        raise FileRefused(
            _l(
                "La première ligne n'est pas un en-tête : aucune colonne reconnue. "
                "Téléchargez le modèle pour voir les colonnes attendues."
            )
        )
    if not any(column.field == "name" for column in columns):
        problems.insert(0, Problem(1, None, None, _l("La colonne « nom » manque.")))
    if problems:
        raise FileRefused(_l("L'en-tête du fichier ne convient pas."), problems)
    return columns


# -- the rows -----------------------------------------------------------------------------


def capacity(cell: str) -> int | None:
    """1, 2 or 3, also written as faible, moyenne, forte (or "2 – moyenne")."""
    folded = fold(cell)
    if folded in CAPACITY_WORDS:
        return CAPACITY_WORDS[folded]
    if number := CAPACITY_NUMBER.fullmatch(folded):
        return int(number[1])
    labelled = CAPACITY_LABELLED.fullmatch(folded)
    if labelled and CAPACITY_WORDS.get(labelled[2]) == int(labelled[1]):
        return int(labelled[1])
    return None


def _attribute(name: str, cell: str, vocabulary: Vocabulary) -> Any:
    """The parsed value of an attribute cell, or raise ValueError with the reason."""
    if name == "family":
        if fold(cell) not in vocabulary.families:
            raise ValueError(
                _l(
                    "La famille « %(value)s » n'existe pas (familles : %(choices)s).",
                    value=cell,
                    choices=vocabulary.family_choices,
                )
            )
        return vocabulary.families[fold(cell)]
    if name == "kind":
        if fold(cell) not in vocabulary.kinds:
            raise ValueError(
                _l(
                    "Le type « %(value)s » n'existe pas (types : %(choices)s).",
                    value=cell,
                    choices=vocabulary.kind_choices,
                )
            )
        return vocabulary.kinds[fold(cell)]
    if name == "territory" and len(cell) > TERRITORY_LENGTH:
        raise ValueError(_l("Le territoire dépasse %(n)d caractères.", n=TERRITORY_LENGTH))
    if name == "website":
        if not cell.startswith(("https://", "http://")):
            raise ValueError(_l("L'adresse du site doit commencer par https:// ou http://."))
        if len(cell) > WEBSITE_LENGTH or any(c.isspace() for c in cell):
            raise ValueError(_l("Cette adresse de site n'est pas valable."))
    return cell


def read_row(
    number: int, cells: list[str], columns: list[Column], width: int, vocabulary: Vocabulary
) -> SheetRow:
    """One row's values and problems; `width` is the number of cells of the header."""
    row = SheetRow(number, name="")
    for column in columns:
        cell = clean(cells[column.index]) if column.index < len(cells) else ""
        if not cell:
            continue  # a blank cell changes nothing
        where = (number, column.index, column.header)
        if column.field in ("name", "territory"):  # one line: a line break is a space
            cell = " ".join(part.strip() for part in cell.splitlines() if part.strip())
        if column.field == "name":
            row.name = cell
            if len(cell) > NAME_LENGTH:
                message = _l("Le nom dépasse %(n)d caractères.", n=NAME_LENGTH)
                row.problems.append(Problem(*where, message))
        elif column.field:
            try:
                row.values[column.field] = _attribute(column.field, cell, vocabulary)
            except ValueError as error:
                row.problems.append(Problem(*where, error.args[0]))
        elif column.lever:
            value = capacity(cell)
            if column.lever.is_retired:
                message = _l(
                    "Le levier « %(name)s » est retiré : il ne peut plus être attribué.",
                    name=column.lever.name,
                )
                row.problems.append(Problem(*where, message))
            elif value is None:
                message = _l(
                    "Capacité « %(value)s » inconnue : 1, 2 ou 3 (faible, moyenne, forte), "
                    "ou laissez la case vide.",
                    value=cell,
                )
                row.problems.append(Problem(*where, message))
            else:
                row.capacities[column.lever.id] = value
    for index, cell in enumerate(cells[width:], start=width):
        if clean(cell):
            message = _l("Cette case est hors des colonnes de l'en-tête.")
            row.problems.append(Problem(number, index, None, message))
    if not row.name:
        row.problems.insert(0, Problem(number, None, None, _l("Le nom est obligatoire.")))
    return row


def parse(text: str, vocabulary: Vocabulary, *, encoding: str = "utf-8") -> Sheet:
    """The header and every non-blank row of the file, each with its problems."""
    separator = guess_separator(text)
    table: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    for number, cells in enumerate(records(text, separator), start=1):
        if header is None:
            header = cells
        elif any(cell.strip() for cell in cells):
            table.append((number, cells))
            if len(table) > MAX_ROWS:
                raise FileRefused(
                    _l(
                        "Le fichier compte plus de %(n)s acteurs : découpez-le en plusieurs "
                        "fichiers.",
                        n=f"{MAX_ROWS:,}".replace(",", "\u202f"),
                    )
                )
    if header is None:
        raise FileRefused(_l("Le fichier est vide."))
    used = {i for _, cells in table for i, cell in enumerate(cells) if cell.strip()}
    columns = read_header(header, vocabulary, used)
    if not table:
        raise FileRefused(_l("Le fichier ne contient que l'en-tête : aucun acteur à importer."))
    rows = [read_row(number, cells, columns, len(header), vocabulary) for number, cells in table]
    return Sheet(columns, rows, encoding=encoding, separator=separator)


# -- the template -------------------------------------------------------------------------

TEMPLATE_HEADERS = {
    "fr": ("nom", "famille", "type", "territoire", "site web"),
    "en": ("name", "family", "kind", "territory", "website"),
}


def lever_header(name: str) -> str:
    """A lever's column: its name, or "levier : <name>" when the name alone reads otherwise."""
    folded = fold(name)
    plain = folded not in HEADER_FIELDS and not LEVER_PREFIX.fullmatch(folded)
    return name if plain else f"levier : {name}"


def template_rows(
    levers: Iterable[LeverRef], *, language: str, example: Sequence[str]
) -> list[list[str]]:
    """The header (attributes, then one column per lever still in use) and one example row:
    `example` gives its name, family, kind, territory and website; it holds the first lever."""
    offered = [lever for lever in levers if not lever.is_retired]
    header = [*TEMPLATE_HEADERS.get(language, TEMPLATE_HEADERS["fr"])]
    header += [lever_header(lever.name) for lever in offered]
    row = [*example, *("2" if i == 0 else "" for i in range(len(offered)))]
    return [header, row]
