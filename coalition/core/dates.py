"""Dates shown to people, in the viewer's language and in Europe/Paris, in these forms only:

- `date_text`: 16 novembre 2021 / November 16, 2021;
- `date_time_text`: 16 novembre 2021, 19:30 / November 16, 2021, 7:30 PM;
- `weekday_time_text`, a meeting's start: mardi 16 novembre 2021, 19:30 / Tuesday, November 16,
  2021, 7:30 PM;
- `time_text`, a meeting's end: 19:30 / 7:30 PM.

Machines read the `iso` filter instead (a `<time datetime>`, a CSV, a feed)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import format_date, format_time, get_locale

PARIS = ZoneInfo("Europe/Paris")  # where the coalitions meet: every time is shown there
DATE = "long"


def date_text(moment: date | datetime) -> str:
    return str(format_date(moment, DATE))


def time_text(moment: datetime) -> str:
    return str(format_time(moment, "short"))


def _with_time(day: str, moment: datetime) -> str:
    locale = get_locale()
    pattern = str(locale.datetime_formats["medium"]) if locale else "{1}, {0}"
    return pattern.replace("{1}", day).replace("{0}", time_text(moment))


def date_time_text(moment: datetime) -> str:
    return _with_time(date_text(moment), moment)


def weekday_time_text(moment: datetime) -> str:
    return _with_time(str(format_date(moment, "full")), moment)
