"""Dates of a series of meetings, checked against a calendar."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from coalition.meetings.series import (
    MAX_MEETINGS,
    SeriesError,
    meeting_times,
    monthly_dates,
    parse_dates,
)

TUESDAY, THURSDAY, SUNDAY = 1, 3, 6


def test_second_tuesday() -> None:
    assert monthly_dates(date(2021, 9, 1), 4, nth=2, weekday=TUESDAY) == [
        date(2021, 9, 14),
        date(2021, 10, 12),
        date(2021, 11, 9),
        date(2021, 12, 14),
    ]


def test_only_the_month_of_the_first_date_matters() -> None:
    assert monthly_dates(date(2021, 9, 30), 1, nth=2, weekday=TUESDAY) == [date(2021, 9, 14)]


def test_last_thursday_across_the_new_year() -> None:
    assert monthly_dates(date(2021, 11, 5), 4, nth=-1, weekday=THURSDAY) == [
        date(2021, 11, 25),
        date(2021, 12, 30),
        date(2022, 1, 27),
        date(2022, 2, 24),
    ]


def test_first_weekday_on_the_first_of_the_month() -> None:
    # 1 August 2021 is a Sunday; so is 31 October 2021, the last day of its month.
    assert monthly_dates(date(2021, 8, 1), 1, nth=1, weekday=SUNDAY) == [date(2021, 8, 1)]
    assert monthly_dates(date(2021, 10, 1), 1, nth=-1, weekday=SUNDAY) == [date(2021, 10, 31)]


def test_fourth_weekday_and_leap_february() -> None:
    assert monthly_dates(date(2024, 2, 1), 1, nth=4, weekday=THURSDAY) == [date(2024, 2, 22)]
    assert monthly_dates(date(2024, 2, 1), 1, nth=-1, weekday=THURSDAY) == [date(2024, 2, 29)]


def test_every_date_matches_the_rule() -> None:
    days = monthly_dates(date(2021, 1, 1), MAX_MEETINGS, nth=3, weekday=2)
    assert len(days) == MAX_MEETINGS
    assert all(day.weekday() == 2 and 15 <= day.day <= 21 for day in days)
    assert [(day.year, day.month) for day in days][-1] == (2023, 12)


@pytest.mark.parametrize("count", [0, -1, MAX_MEETINGS + 1])
def test_count_out_of_range(count: int) -> None:
    with pytest.raises(SeriesError) as error:
        monthly_dates(date(2021, 9, 1), count, nth=1, weekday=TUESDAY)
    assert error.value.field == "count"
    assert str(error.value) == "Choisissez entre 1 et 36 réunions."


@pytest.mark.parametrize(("nth", "weekday"), [(0, 1), (5, 1), (-2, 1), (1, 7), (1, -1)])
def test_rule_out_of_range(nth: int, weekday: int) -> None:
    with pytest.raises(SeriesError) as error:
        monthly_dates(date(2021, 9, 1), 3, nth=nth, weekday=weekday)
    assert error.value.field == "rule"


def test_parse_dates_both_formats_sorted_without_repeats() -> None:
    text = "14/12/2021\n\n  2021-09-21 ; 12/10/2021,2021-12-14\r\n9/11/2021\n"
    assert parse_dates(text) == [
        date(2021, 9, 21),
        date(2021, 10, 12),
        date(2021, 11, 9),
        date(2021, 12, 14),
    ]


def test_parse_dates_reads_the_day_first() -> None:
    assert parse_dates("03/04/2022") == [date(2022, 4, 3)]


@pytest.mark.parametrize("bad", ["31/02/2021", "2021-13-01", "demain", "12/10/21", "2021/10/12"])
def test_parse_dates_names_the_bad_value(bad: str) -> None:
    with pytest.raises(SeriesError) as error:
        parse_dates(f"2021-09-21\n{bad}\n")
    assert error.value.field == "dates"
    assert str(error.value) == f"« {bad} » n'est pas une date (JJ/MM/AAAA ou AAAA-MM-JJ)."


@pytest.mark.parametrize("text", ["", "  \n\n ", " ; , \n"])
def test_parse_dates_needs_a_date(text: str) -> None:
    with pytest.raises(SeriesError) as error:
        parse_dates(text)
    assert error.value.field == "dates"
    assert str(error.value) == "Indiquez au moins une date."


def test_parse_dates_limit() -> None:
    days = [date(2021, 1, 1) + timedelta(days=offset) for offset in range(MAX_MEETINGS)]
    assert len(parse_dates("\n".join(day.isoformat() for day in days))) == MAX_MEETINGS
    too_many = [*days, date(2021, 3, 1)]
    with pytest.raises(SeriesError) as error:
        parse_dates("\n".join(day.isoformat() for day in too_many))
    assert error.value.field == "dates"
    assert str(error.value) == "Indiquez au plus 36 dates."


def test_repeats_do_not_count_against_the_limit() -> None:
    assert parse_dates("\n".join(["2021-09-21"] * (MAX_MEETINGS + 5))) == [date(2021, 9, 21)]


def test_meeting_times_follow_daylight_saving() -> None:
    times = meeting_times([date(2021, 9, 21), date(2021, 12, 14)], time(14, 0), time(16, 30))
    assert times == [
        (datetime(2021, 9, 21, 12, 0, tzinfo=UTC), datetime(2021, 9, 21, 14, 30, tzinfo=UTC)),
        (datetime(2021, 12, 14, 13, 0, tzinfo=UTC), datetime(2021, 12, 14, 15, 30, tzinfo=UTC)),
    ]
    assert all(start.tzinfo is UTC and end.tzinfo is UTC for start, end in times)


def test_meeting_times_of_no_day() -> None:
    assert meeting_times([], time(14, 0), time(16, 0)) == []


@pytest.mark.parametrize("end", [time(14, 0), time(9, 0)])
def test_meeting_must_end_after_it_starts(end: time) -> None:
    with pytest.raises(SeriesError) as error:
        meeting_times([date(2021, 9, 21)], time(14, 0), end)
    assert error.value.field == "ends_at"
    assert str(error.value) == "La fin doit être après le début."


def test_series_error_is_a_value_error() -> None:
    error = SeriesError("message", field="dates")
    assert isinstance(error, ValueError)
    assert (str(error), error.message, error.field) == ("message", "message", "dates")
