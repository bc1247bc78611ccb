"""Plotly figures of consultation results, as JSON-able dicts: plain data in, no database.

The dicts are written by hand rather than through plotly.graph_objects: a results page draws
one chart per question, and building each through the validating objects costs 25 ms.
"""

from typing import Any

from coalition.consultations.results import QuestionResult

BAR_COLOUR = "#1d4f91"
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
