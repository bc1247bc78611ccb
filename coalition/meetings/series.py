"""The dates and times of a series of meetings: a monthly rule or a list typed by hand; the
numbers that follow those dates.

Pure functions: no database, no Flask request. Errors carry a lazy French message and the
name of the form field they belong to.
"""

import re
from calendar import monthrange
from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import UTC, date, datetime, time

from flask_babel import lazy_gettext as _l

from coalition.meetings.calendar import PARIS

WEEKDAYS = range(7)  # 0 = Monday ... 6 = Sunday (datetime.weekday())
NTH = (1, 2, 3, 4, -1)  # -1 = the last one of the month
MAX_MEETINGS = 36

DATE_SEPARATORS = re.compile(r"[\n,;]")
ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
FRENCH_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")


class SeriesError(ValueError):
    """`message` is a lazy French string: str() it where it is shown.

    `field` names the form field: "dates", "count", "rule" or "ends_at".
    """

    def __init__(self, message: object, field: str) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return str(self.message)


def monthly_dates(first_month: date, count: int, *, nth: int, weekday: int) -> list[date]:
    """The nth weekday of `count` consecutive months, from the month of `first_month`."""
    if not 1 <= count <= MAX_MEETINGS:
        raise SeriesError(
            _l("Choisissez entre 1 et %(max)d réunions.", max=MAX_MEETINGS), field="count"
        )
    if nth not in NTH or weekday not in WEEKDAYS:
        raise SeriesError(_l("Cette règle de répétition n'existe pas."), field="rule")
    months = (divmod(first_month.month - 1 + offset, 12) for offset in range(count))
    return [
        nth_weekday(first_month.year + years, month + 1, nth, weekday) for years, month in months
    ]


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date:
    """The nth given weekday of a month; nth = -1 is the last one."""
    if nth == -1:
        last_day = monthrange(year, month)[1]
        back = (date(year, month, last_day).weekday() - weekday) % 7
        return date(year, month, last_day - back)
    ahead = (weekday - date(year, month, 1).weekday()) % 7
    return date(year, month, 1 + ahead + 7 * (nth - 1))


def parse_dates(text: str) -> list[date]:
    """Dates typed one per line or separated by commas or semicolons: sorted, without repeats."""
    values = (value.strip() for value in DATE_SEPARATORS.split(text))
    days = sorted({parse_date(value) for value in values if value})
    if not days:
        raise SeriesError(_l("Indiquez au moins une date."), field="dates")
    if len(days) > MAX_MEETINGS:
        raise SeriesError(_l("Indiquez au plus %(max)d dates.", max=MAX_MEETINGS), field="dates")
    return days


def parse_date(value: str) -> date:
    """One date, as AAAA-MM-JJ or JJ/MM/AAAA."""
    match = ISO_DATE.fullmatch(value) or FRENCH_DATE.fullmatch(value)
    if match is not None:
        with suppress(ValueError):  # 31/02/2021 has the shape of a date but is none
            return date(int(match["year"]), int(match["month"]), int(match["day"]))
    message = _l("« %(value)s » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ).", value=value)
    raise SeriesError(message, field="dates")


def meeting_times(days: Sequence[date], start: time, end: time) -> list[tuple[datetime, datetime]]:
    """Each day from `start` to `end`, Paris wall time, as aware UTC datetimes."""
    if end <= start:
        raise SeriesError(_l("La fin doit être après le début."), field="ends_at")
    return [(paris_to_utc(day, start), paris_to_utc(day, end)) for day in days]


def paris_to_utc(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment, tzinfo=PARIS).astimezone(UTC)


def numbers_by_date(meetings: Iterable[tuple[int, datetime]]) -> dict[int, int]:
    """Each meeting's number, from its (id, start): its rank by date among the coalition's
    meetings, from 1; two meetings at the same time follow their creation (id)."""
    ranked = sorted(meetings, key=lambda meeting: (meeting[1], meeting[0]))
    return {meeting_id: rank for rank, (meeting_id, _) in enumerate(ranked, start=1)}


def follow_number(title: str, old: int, new: int) -> str:
    """A title that shows its meeting's number as the default title does ("Rencontre n°5",
    "Meeting #5") shows the new number; any other title is the facilitator's, kept as typed."""
    return re.sub(rf"(n°|#)(\s?){old}(?!\d)", rf"\g<1>\g<2>{new}", title)
