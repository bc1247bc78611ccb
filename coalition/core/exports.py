"""What every export writes the same way: CSV that spreadsheets read safely, JSON, Paris times."""

import csv
import io
import json
from collections.abc import Iterable, Sequence
from datetime import datetime

from coalition.core.dates import PARIS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Value = str | int | bool | None
Row = dict[str, Value]


def paris_time(moment: datetime | None) -> str | None:
    """ISO 8601 at the Paris wall time, with its offset: 2030-01-02T14:00:00+01:00."""
    return None if moment is None else moment.astimezone(PARIS).isoformat()


def neutralise(value: str) -> str:
    """Text a spreadsheet would run as a formula, made inert by a leading single quote."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return neutralise(value)


def to_csv(header: Sequence[str], rows: Iterable[Row]) -> str:
    """UTF-8 text (no BOM), a header row, minimal quoting, CRLF line ends (RFC 4180)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([csv_cell(row[name]) for name in header] for row in rows)
    return buffer.getvalue()


def to_json(header: Sequence[str], rows: Iterable[Row]) -> str:
    """A list of objects with the header's keys, in its order; values as they are."""
    return json.dumps([{name: row[name] for name in header} for row in rows], ensure_ascii=False)
