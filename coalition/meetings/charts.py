"""The meetings' charts: attendance by family over the held meetings."""

from collections.abc import Callable, Sequence
from html import escape
from typing import Any

from coalition.actors.colours import FAMILY_COLOURS
from coalition.core import plots
from coalition.meetings.attendance import AttendanceReport, FamilyAttendance


def meeting_number(number: int) -> str:
    """A meeting's number on a chart's axis, when no translated label is given."""
    return f"n°{number}"


def _rates(present: list[int], expected: list[int]) -> list[float | None]:
    return [
        round(100 * came / out_of, 1) if out_of else None
        for came, out_of in zip(present, expected, strict=True)
    ]


def attendance_figure(
    report: AttendanceReport,
    family_labels: dict[str, str],
    *,
    title: str,
    rate_label: str,
    number_label: Callable[[int], str] = meeting_number,
) -> dict[str, Any]:
    """One line per family: the share of its recorded actors present at each held meeting."""
    numbers = [meeting.number for meeting in report.meetings]
    return attendance_rates_figure(
        numbers,
        report.families,
        family_labels,
        title=title,
        rate_label=rate_label,
        number_label=number_label,
    )


def attendance_rates_figure(
    meeting_numbers: Sequence[int],
    families: Sequence[FamilyAttendance],
    family_labels: dict[str, str],
    *,
    title: str,
    rate_label: str,
    number_label: Callable[[int], str] = meeting_number,
) -> dict[str, Any]:
    meetings = [number_label(number) for number in meeting_numbers]
    lines = []
    for family in families:
        name = family_labels.get(family.family, family.family)
        lines.append(
            {
                "type": "scatter",
                "x": meetings,
                "y": _rates(family.present, family.expected),
                "customdata": [
                    f"{came}/{out_of}"
                    for came, out_of in zip(family.present, family.expected, strict=True)
                ],
                "mode": "lines+markers",
                "cliponaxis": False,
                "name": name,
                "line": {"color": FAMILY_COLOURS.get(family.family, plots.OTHER_FAMILY_COLOUR)},
                "hovertemplate": f"{escape(name)}<br>%{{x}}<br>{escape(rate_label)}: %{{y}}%"
                " (%{customdata})<extra></extra>",
            }
        )
    layout = {
        "title": {"text": title},
        "margin": {"l": 20, "r": 20, "t": 60, "b": 20},
        "xaxis": {"type": "category", "automargin": True},
        "yaxis": {"range": [0, 100], "title": {"text": rate_label}, "ticksuffix": "%"},
    }
    return plots.figure(lines, layout)
