"""Reading a spreadsheet of stalls (place, territory, date, holder's name and mail): plain
functions, no Flask, no database. Every row is read with its problems, so that the preview can
show each bad row with its number and reason; a file with one bad row imports nothing."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import lazy_gettext as _l

from coalition.actors.import_csv import FileRefused, Problem, clean, fold, guess_separator, records
from coalition.auth.service import valid_email

MAX_ROWS = 500
# the columns, by what a header may say (folded: no case, no accents)
HEADERS = {
    "place": ("lieu", "lieu du stand", "place", "stand"),
    "territory": ("territoire", "commune", "territory", "ville"),
    "held_on": ("date", "jour", "date du stand"),
    "holder_name": (
        "nom",
        "responsable",
        "tenu par",
        "nom de la personne qui tient le stand",
        "holder",
        "holder name",
    ),
    "holder_email": ("mail", "e mail", "email", "courriel", "adresse electronique"),
}
REQUIRED = ("place", "held_on")
TEMPLATE_HEADERS = ("Lieu", "Territoire", "Date", "Responsable", "Mail")
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y")
LIMITS = {"place": 200, "territory": 200, "holder_name": 200}


@dataclass(frozen=True)
class StallRow:
    """One row of the file: what it says, and what is wrong with it."""

    row: int
    place: str = ""
    territory: str = ""
    held_on: date | None = None
    holder_name: str = ""
    holder_email: str = ""
    problems: list[Problem] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, date | None]:
        return fold(self.place), self.held_on


@dataclass(frozen=True)
class StallSheet:
    rows: list[StallRow]
    encoding: str

    @property
    def has_errors(self) -> bool:
        return any(row.problems for row in self.rows)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.problems)

    @property
    def mailed(self) -> int:
        return sum(1 for row in self.rows if row.holder_email)


def read_date(cell: str) -> date | None:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cell, pattern).date()
        except ValueError:
            continue
    return None


def _columns(header: list[str]) -> dict[str, int]:
    by_header = {name: key for key, names in HEADERS.items() for name in names}
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = by_header.get(fold(clean(cell)))
        if key is not None and key not in columns:
            columns[key] = index
    missing = [key for key in REQUIRED if key not in columns]
    if missing:
        raise FileRefused(
            _l(
                "La première ligne doit nommer les colonnes, dont « Lieu » et « Date » "
                "(modèle : %(headers)s).",
                headers=" ; ".join(TEMPLATE_HEADERS),
            )
        )
    return columns


def _problem(row: int, column: int | None, header: list[str], message: Any) -> Problem:
    name = header[column] if column is not None and column < len(header) else None
    return Problem(row=row, column=column, header=name, message=message)


def _read_row(
    number: int, cells: list[str], columns: dict[str, int], header: list[str], today: date
) -> StallRow:
    def cell(key: str) -> str:
        index = columns.get(key)
        return (
            " ".join(clean(cells[index]).split())
            if index is not None and index < len(cells)
            else ""
        )

    values = {key: cell(key) for key in HEADERS}
    problems = []
    if not values["place"]:
        problems.append(_problem(number, columns["place"], header, _l("Le lieu manque.")))
    for key, limit in LIMITS.items():
        if len(values[key]) > limit:
            message = _l("%(n)d caractères au plus.", n=limit)
            problems.append(_problem(number, columns.get(key), header, message))
    held_on = read_date(values["held_on"]) if values["held_on"] else None
    if held_on is None:
        message = (
            _l(
                "La date « %(value)s » n'est pas lisible : écrivez-la JJ/MM/AAAA.",
                value=values["held_on"],
            )
            if values["held_on"]
            else _l("La date manque.")
        )
        problems.append(_problem(number, columns["held_on"], header, message))
    elif held_on.year < today.year - 5 or held_on.year > today.year + 5:
        message = _l("La date %(value)s est trop loin d'aujourd'hui.", value=values["held_on"])
        problems.append(_problem(number, columns["held_on"], header, message))
    email = values["holder_email"].lower()
    if email and not valid_email(email):
        message = _l("L'adresse « %(value)s » n'est pas une adresse électronique.", value=email)
        problems.append(_problem(number, columns.get("holder_email"), header, message))
    return StallRow(
        row=number,
        place=values["place"],
        territory=values["territory"],
        held_on=held_on,
        holder_name=values["holder_name"],
        holder_email=email,
        problems=problems,
    )


def parse(
    text: str,
    *,
    encoding: str,
    existing: Iterable[tuple[str, date]],
    today: date,
) -> StallSheet:
    """Every non-blank row of the file with its problems; `existing`: the (place, date) of the
    consultation's stalls already there, which a row may not repeat (nor another row)."""
    separator = guess_separator(text)
    header: list[str] | None = None
    rows: list[StallRow] = []
    seen: set[tuple[str, date | None]] = {(fold(place), day) for place, day in existing}
    columns: dict[str, int] = {}
    for number, cells in enumerate(records(text, separator), start=1):
        if header is None:
            header, columns = cells, _columns(cells)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise FileRefused(
                _l("Le fichier compte plus de %(n)d stands : découpez-le.", n=MAX_ROWS)
            )
        row = _read_row(number, cells, columns, header, today)
        if not row.problems and row.key in seen:
            message = _l("Ce stand (même lieu, même date) existe déjà ou figure plus haut.")
            row.problems.append(_problem(number, columns["place"], header, message))
        seen.add(row.key)
        rows.append(row)
    if header is None:
        raise FileRefused(_l("Le fichier est vide."))
    if not rows:
        raise FileRefused(_l("Le fichier ne contient que l'en-tête : aucun stand à importer."))
    return StallSheet(rows=rows, encoding=encoding)
