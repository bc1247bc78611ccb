"""Reading a CSV file as Excel and LibreOffice write it, and writing one they open: plain
functions, no Flask, no database.
"""

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeTimedSerializer

MAX_BYTES = 2 * 1024 * 1024  # the largest file accepted
SEPARATORS = (";", ",", "\t")
FORMULA_STARTS = ("=", "+", "-", "@")  # a spreadsheet runs such a cell as a formula
SEAL_SALT = "coalition.actors.import"
SEAL_MAX_AGE = 24 * 3600  # seconds a preview may wait for its confirmation
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Problem:
    """What is wrong, where: `row` as the spreadsheet numbers it, `column` from 0."""

    row: int
    column: int | None
    header: str | None
    message: Any

    @property
    def letter(self) -> str:
        return column_letter(self.column) if self.column is not None else ""


class FileRefused(Exception):
    """The file cannot be read as a spreadsheet of actors: nothing of it is shown."""

    def __init__(self, message: Any, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.problems = list(problems)

    def __str__(self) -> str:
        return str(self.message)


def fold(text: str) -> str:
    """Lower case, no accents, one space between words: how headers and labels compare."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[-_]", " ", text).split())


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA, as spreadsheets name their columns."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def clean(cell: str) -> str:
    """A cell without surrounding spaces nor the quote that kept a formula inert."""
    cell = cell.strip()
    if cell.startswith("'") and cell[1:2] in FORMULA_STARTS:
        return cell[1:]
    return cell


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and encoding: UTF-8 (with or without BOM), else Windows-1252 (what
    Excel writes as plain "CSV"); a workbook, an image or any binary file is refused."""
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n"):
        raise FileRefused(_l("Le fichier est vide."))
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise FileRefused(
            _l(
                "Ce fichier est un classeur (.xlsx, .ods ou .xls), pas un CSV : dans le tableur, "
                "choisissez « Enregistrer sous » puis le format « CSV UTF-8 »."
            )
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_l("Ce fichier est en UTF-16 : enregistrez-le au format « CSV UTF-8 »."))
    not_csv = FileRefused(
        _l("Ce fichier n'est pas un CSV (texte séparé par des points-virgules ou des virgules).")
    )
    if b"\x00" in data:
        raise not_csv
    try:
        text, encoding = data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            raise not_csv from None
    if CONTROL_CHARACTERS.search(text):
        raise not_csv
    return text, encoding


def guess_separator(text: str) -> str:
    """The separator the header row uses most (outside quotes): `;`, `,` or a tab."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in "\r\n":
            break
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(SEPARATORS, key=lambda sep: counts[sep])  # a tie keeps the first: `;`
    return best if counts[best] else ";"


def records(text: str, separator: str) -> Iterator[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    try:
        yield from reader
    except csv.Error as error:
        raise FileRefused(
            _l(
                "Le fichier n'a pas pu être lu comme un CSV (ligne %(row)d) : %(reason)s",
                row=reader.line_num,
                reason=str(error),
            )
        ) from None


# -- writing ------------------------------------------------------------------------------


def neutralise(cell: str) -> str:
    """A cell a spreadsheet would run as a formula, made inert by a leading quote (as the
    open data exports do); `clean` takes the quote off again when the file comes back."""
    return "'" + cell if cell.startswith((*FORMULA_STARTS, "\t", "\r")) else cell


def spreadsheet_csv(rows: Iterable[Sequence[str]]) -> bytes:
    """UTF-8 with a BOM, `;` between cells, CRLF line ends: what French Excel and LibreOffice
    open directly with a double click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- from the preview to the confirmation ---------------------------------------------------


@dataclass(frozen=True)
class Sealed:
    text: str
    encoding: str
    shown: str | None  # the digest of the preview the user saw (import_plan.Plan.digest)


def seal(
    secret_key: str,
    coalition_id: int,
    text: str,
    encoding: str,
    shown: str | None = None,
    *,
    salt: str = SEAL_SALT,
) -> str:
    """The file's text, signed for this coalition, to carry from the preview to the confirm;
    `salt` names what the file is for (another import never takes it)."""
    serializer = URLSafeTimedSerializer(secret_key, salt=salt)
    payload = {"coalition": coalition_id, "text": text, "encoding": encoding, "shown": shown}
    return serializer.dumps(payload)


def unseal(
    secret_key: str,
    coalition_id: int,
    token: str,
    *,
    max_age: int = SEAL_MAX_AGE,
    salt: str = SEAL_SALT,
) -> Sealed:
    """What a preview sealed, or FileRefused when the token was altered, is too old, belongs to
    another coalition or was sealed for another import."""
    serializer = URLSafeTimedSerializer(secret_key, salt=salt)
    try:
        sealed = serializer.loads(token, max_age=max_age)
    except BadData:
        sealed = None
    if not isinstance(sealed, dict) or sealed.get("coalition") != coalition_id:
        raise FileRefused(
            _l(
                "Cet aperçu n'est plus valable : envoyez le fichier à nouveau "
                "(rien n'a été importé)."
            )
        )
    shown = sealed.get("shown")
    return Sealed(str(sealed["text"]), str(sealed["encoding"]), str(shown) if shown else None)
