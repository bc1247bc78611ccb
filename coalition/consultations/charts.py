"""Plotly figures of consultation results, as JSON-able dicts: plain data in, no database.

The dicts are written by hand rather than through plotly.graph_objects: a results page draws
one chart per question, and building each through the validating objects costs 25 ms.
"""

from typing import Any

from coalition.consultations.network import DayCounts
from coalition.consultations.results import QuestionResult

BAR_COLOUR = "#1d4f91"
ONLINE_COLOUR = "#b45309"
GRID_COLOUR = "#e5e7eb"


def answer_bars(result: QuestionResult, *, percent_label: str) -> dict[str, Any]:
    """One horizontal bar per answer, the share of respondents, the count on hover."""
    rows = list(reversed(result.counts))  # plotly draws the first category at the bottom
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "x": [row.percent for row in rows],
                "y": [row.label for row in rows],
                "customdata": [row.count for row in rows],
                "marker": {"color": BAR_COLOUR},
                "hovertemplate": "%{y}: %{x}% (%{customdata})<extra></extra>",
            }
        ],
        "layout": {
            "height": 80 + 36 * len(rows),
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "xaxis": {
                "title": {"text": percent_label},
                "range": [0, 100],
                "gridcolor": GRID_COLOUR,
            },
            "yaxis": {"automargin": True},
        },
    }


def answers_by_day(
    days: list[DayCounts], *, at_stalls_label: str, online_label: str, count_label: str
) -> dict[str, Any]:
    """The answers of each day, those counted for a stall and those online with no stall
    stacked."""
    x = [day.day.isoformat() for day in days]
    return {
        "data": [
            {
                "type": "bar",
                "name": name,
                "x": x,
                "y": values,
                "marker": {"color": colour},
                "hovertemplate": "%{x}: %{y}<extra>%{fullData.name}</extra>",
            }
            for name, values, colour in (
                (at_stalls_label, [day.at_stalls for day in days], BAR_COLOUR),
                (online_label, [day.online for day in days], ONLINE_COLOUR),
            )
        ],
        "layout": {
            "barmode": "stack",
            "height": 320,
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#ffffff",
            "legend": {"orientation": "h", "y": -0.2},
            "xaxis": {"type": "date", "tickformat": "%d/%m"},
            "yaxis": {
                "title": {"text": count_label},
                "gridcolor": GRID_COLOUR,
                "rangemode": "tozero",
            },
        },
    }
