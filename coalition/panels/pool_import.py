"""Reading a spreadsheet of volunteers for a panel's pool (first name, last name, mail, phone,
then one column per feature of the panel's quotas): plain functions, no Flask request, no
database. Every row is read with its problems, so that the preview can show each bad row with
its number and reason; a file with one bad row imports nothing."""

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import lazy_gettext as _l

from coalition.actors.import_csv import FileRefused, Problem, clean, fold, guess_separator, records
from coalition.core.errors import ValidationError
from coalition.panels.service import MAX_POOL, NewVolunteer
from coalition.signups.service import phone_text, read_email, read_phone

# the fixed columns, by what a header may say (folded: no case, no accents)
HEADERS = {
    "first_name": ("prenom", "first name", "firstname", "given name"),
    "last_name": ("nom", "nom de famille", "last name", "lastname", "surname", "family name"),
    "email": ("mail", "e mail", "email", "courriel", "adresse electronique", "adresse mail"),
    "phone": ("telephone", "tel", "portable", "mobile", "phone", "numero de telephone"),
}
FIXED_HEADERS = (_l("Prénom"), _l("Nom"), _l("Mail"), _l("Téléphone"))
LIMITS = {"first_name": 100, "last_name": 100}  # the columns of panel_volunteers


@dataclass(frozen=True)
class PoolRow:
    """One row of the file: what it says, read and checked, and what is wrong with it.
    `email` and `phone` are the normalised values (None when absent or unreadable); `typed_*`
    what the cell said, to show a bad value as it was written."""

    row: int
    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    phone: str | None = None
    typed_email: str = ""
    typed_phone: str = ""
    features: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()  # the features this row gives no value for
    problems: list[Problem] = field(default_factory=list)

    @property
    def shown_email(self) -> str:
        return self.email or self.typed_email

    @property
    def shown_phone(self) -> str:
        return phone_text(self.phone) if self.phone else self.typed_phone

    def volunteer(self) -> NewVolunteer:
        return NewVolunteer(
            first_name=self.first_name,
            last_name=self.last_name,
            email=self.email,
            phone=self.phone,
            features=dict(self.features),
        )


@dataclass(frozen=True)
class PoolSheet:
    rows: list[PoolRow]
    encoding: str
    features: list[str]  # the panel's features, in the quotas' order
    ignored: list[str]  # the headers of the columns nothing is read from
    absent: list[str] = field(default_factory=list)  # the features no column names

    @property
    def has_errors(self) -> bool:
        return any(row.problems for row in self.rows)

    @property
    def errors(self) -> int:
        return sum(1 for row in self.rows if row.problems)

    @property
    def incomplete(self) -> int:
        """Rows without a value for some feature: the draw waits until they are filled in."""
        return sum(1 for row in self.rows if row.missing)

    def people(self) -> list[NewVolunteer]:
        return [row.volunteer() for row in self.rows]

    def digest(self) -> str:
        """A fingerprint of what the import would create: the same file read against the same
        quotas gives the same one."""
        seen = [(person, sorted((person.features or {}).items())) for person in self.people()]
        return hashlib.sha256(repr((self.features, seen)).encode()).hexdigest()[:32]


def template_headers(features: Sequence[str]) -> list[str]:
    return [str(header) for header in FIXED_HEADERS] + list(features)


def _columns(
    header: list[str], features: Sequence[str]
) -> tuple[dict[str, int], dict[str, int], list[str]]:
    """The fixed columns and the feature columns by index, and the headers ignored. A feature
    named like a fixed column (« Nom »...) is read as the feature."""
    by_feature = {fold(name): name for name in features}
    by_header = {name: key for key, names in HEADERS.items() for name in names}
    columns: dict[str, int] = {}
    feature_columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header):
        folded = fold(clean(cell))
        if folded in by_feature and by_feature[folded] not in feature_columns:
            feature_columns[by_feature[folded]] = index
        elif folded in by_header and by_header[folded] not in columns:
            columns[by_header[folded]] = index
        elif folded:
            ignored.append(clean(cell))
    if "first_name" not in columns:
        raise FileRefused(
            _l(
                "La première ligne doit nommer les colonnes, dont « Prénom » "
                "(modèle : %(headers)s).",
                headers=" ; ".join(template_headers(features)),
            )
        )
    return columns, feature_columns, ignored


def _problem(row: int, column: int | None, header: list[str], message: Any) -> Problem:
    name = clean(header[column]) if column is not None and column < len(header) else None
    return Problem(row=row, column=column, header=name, message=message)


def _cell(cells: list[str], index: int | None) -> str:
    if index is None or index >= len(cells):
        return ""
    return " ".join(clean(cells[index]).split())


def _read_row(
    number: int,
    cells: list[str],
    header: list[str],
    columns: dict[str, int],
    feature_columns: dict[str, int],
    values: Mapping[str, Mapping[str, str]],
) -> PoolRow:
    text = {key: _cell(cells, columns.get(key)) for key in HEADERS}
    problems: list[Problem] = []

    def refuse(key: str | None, message: Any, column: int | None = None) -> None:
        where = columns.get(key) if key is not None else column
        problems.append(_problem(number, where, header, message))

    if not text["first_name"]:
        refuse("first_name", _l("Le prénom manque."))
    for key, limit in LIMITS.items():
        if len(text[key]) > limit:
            refuse(key, _l("%(n)d caractères au plus.", n=limit))
    email = phone = None
    try:
        email = read_email(text["email"])
    except ValidationError as refused:
        refuse("email", refused.message)
    try:
        phone = read_phone(text["phone"])
    except ValidationError as refused:
        refuse("phone", refused.message)
    features: dict[str, str] = {}
    missing: list[str] = []
    for name, spellings in values.items():
        index = feature_columns.get(name)
        typed = _cell(cells, index)
        if not typed:
            missing.append(name)
        elif fold(typed) in spellings:
            features[name] = spellings[fold(typed)]
        else:
            message = _l(
                "« %(value)s » n'est pas une valeur de « %(feature)s » ; les valeurs des quotas "
                "sont : %(values)s.",
                value=typed,
                feature=name,
                values=" ; ".join(spellings.values()),
            )
            refuse(None, message, index)
    return PoolRow(
        row=number,
        first_name=text["first_name"],
        last_name=text["last_name"],
        email=email,
        phone=phone,
        typed_email=text["email"],
        typed_phone=text["phone"],
        features=features,
        missing=tuple(missing),
        problems=problems,
    )


def parse(
    text: str,
    *,
    encoding: str,
    quotas: Iterable[tuple[str, str]],
    existing_emails: Iterable[str],
    room: int = MAX_POOL,
) -> PoolSheet:
    """Every non-blank row of the file with its problems. `quotas`: the panel's (feature,
    value) pairs in their order, whose values a feature's cell must take (matched without case
    or accents, kept as the quotas spell them); `existing_emails`: the mail addresses already in
    the pool, which a row may not repeat (nor another row); `room`: how many more volunteers
    the pool can take."""
    values: dict[str, dict[str, str]] = {}
    for feature, value in quotas:
        values.setdefault(feature, {}).setdefault(fold(value), value)
    features = list(values)
    separator = guess_separator(text)
    header: list[str] | None = None
    columns: dict[str, int] = {}
    feature_columns: dict[str, int] = {}
    ignored: list[str] = []
    rows: list[PoolRow] = []
    in_pool = {address.lower() for address in existing_emails}
    seen: dict[str, int] = {}
    for number, cells in enumerate(records(text, separator), start=1):
        if header is None:
            header = cells
            columns, feature_columns, ignored = _columns(cells, features)
            continue
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == room:
            message = (
                _l("Le fichier compte plus de %(n)d volontaires : découpez-le.", n=room)
                if room == MAX_POOL
                else _l(
                    "Le vivier ne peut plus recevoir que %(n)d volontaires (%(max)d au plus) : "
                    "ce fichier en compte davantage.",
                    n=room,
                    max=MAX_POOL,
                )
            )
            raise FileRefused(message)
        row = _read_row(number, cells, header, columns, feature_columns, values)
        if row.email is not None:
            if row.email in in_pool:
                message = _l("Cette adresse est déjà dans le vivier.")
                row.problems.append(_problem(number, columns.get("email"), header, message))
            elif row.email in seen:
                message = _l("Cette adresse figure déjà ligne %(row)d.", row=seen[row.email])
                row.problems.append(_problem(number, columns.get("email"), header, message))
            else:
                seen[row.email] = number
        rows.append(row)
    if header is None:
        raise FileRefused(_l("Le fichier est vide."))
    if not rows:
        raise FileRefused(_l("Le fichier ne contient que l'en-tête : aucun volontaire à importer."))
    absent = [name for name in features if name not in feature_columns]
    return PoolSheet(
        rows=rows, encoding=encoding, features=features, ignored=ignored, absent=absent
    )
