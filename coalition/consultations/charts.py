"""Plotly figures of consultation results, as JSON-able dicts: plain data in, no database."""

import json
from typing import Any

import plotly.graph_objects as go

from coalition.consultations.results import QuestionResult

BAR_COLOUR = "#1d4f91"


def answer_bars(result: QuestionResult, *, percent_label: str) -> dict[str, Any]:
    """One horizontal bar per answer, the share of respondents, the count on hover."""
    rows = list(reversed(result.counts))  # plotly draws the first category at the bottom
    figure = go.Figure(
        go.Bar(
            x=[row.percent for row in rows],
            y=[row.label for row in rows],
            orientation="h",
            marker_color=BAR_COLOUR,
            customdata=[row.count for row in rows],
            hovertemplate="%{y}: %{x}% (%{customdata})<extra></extra>",
        )
    )
    figure.update_layout(
        template="plotly_white",
        height=80 + 36 * len(rows),
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        xaxis={"title": percent_label, "range": [0, 100]},
        yaxis={"automargin": True},
    )
    data: dict[str, Any] = json.loads(figure.to_json())
    return data
