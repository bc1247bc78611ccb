"""What every plotly figure of the app shares: its template, and JSON for the page to draw."""

import json
from typing import Any

import plotly.graph_objects as go

TEMPLATE = "plotly_white"
OTHER_FAMILY_COLOUR = "#374151"  # an actor family with no colour of its own


def as_json(figure: go.Figure) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(figure.to_json())
    return result
