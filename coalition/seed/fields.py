"""The fields of a seed file: each parser takes a TOML value and returns it checked, or raises
ValueError saying what is wrong (the reader adds the file, the entry and the field).
"""

import enum
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from coalition.core.dates import PARIS

Parser = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    parse: "Parser | Tables"
    required: bool = True
    default: Any = None


@dataclass(frozen=True)
class Tables:
    """A field holding an array of tables, each checked against its own fields."""

    spec: dict[str, Field]


def text(max_length: int, *, blank: bool = False) -> Parser:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError("expected a text")
        value = value.strip()
        if not value and not blank:
            raise ValueError("must not be empty")
        if len(value) > max_length:
            raise ValueError(f"longer than {max_length} characters")
        return value

    return parse


def choice(enum_cls: type[enum.Enum]) -> Parser:
    def parse(value: Any) -> enum.Enum:
        try:
            return enum_cls(value)
        except ValueError:
            allowed = ", ".join(str(member.value) for member in enum_cls)
            raise ValueError(f"unknown value {value!r} (expected one of: {allowed})") from None

    return parse


def one_of(*allowed: str) -> Parser:
    def parse(value: Any) -> str:
        if value not in allowed:
            raise ValueError(f"unknown value {value!r} (expected one of: {', '.join(allowed)})")
        return str(value)

    return parse


def integer(low: int, high: int) -> Parser:
    def parse(value: Any) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValueError("expected a whole number")
        if not low <= value <= high:
            raise ValueError(f"{value} is not between {low} and {high}")
        return value

    return parse


def boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def url(value: Any) -> str:
    value = text(1000)(value)
    if not value.startswith(("https://", "http://")) or " " in value:
        raise ValueError(f"{value!r} is not an http(s) address")
    return str(value)


def names(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("expected a list of texts")
    return [item.strip() for item in value]


def inline_tables(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValueError("expected a list of inline tables ({ key = value, ... })")
    return value


def calendar_date(value: Any) -> date:
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValueError("expected a date (YYYY-MM-DD)")
    return value


def paris_datetime(value: Any) -> datetime:
    """A TOML date-time; without an offset it is Europe/Paris local time."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a date and time (YYYY-MM-DDTHH:MM)") from None
    if isinstance(value, date | time) and not isinstance(value, datetime):
        raise ValueError(f"{value} lacks a date or a time (YYYY-MM-DDTHH:MM)")
    if not isinstance(value, datetime):
        raise ValueError("expected a date and time (YYYY-MM-DDTHH:MM)")
    return value if value.tzinfo else value.replace(tzinfo=PARIS)
