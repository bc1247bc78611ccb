"""What every plotly figure of the app shares: the look of plotly's `plotly_white` template.

Figures are plain plotly JSON, `{"data": [...], "layout": {...}}`, built as dicts: plotly's
`graph_objects` would validate and deep-copy every figure and its whole template on each call,
most of a chart page's time. plotly itself is imported by the tests only, which check every
figure against plotly's schema (tests/core/test_figures.py)."""

from typing import Any

Trace = dict[str, Any]
Figure = dict[str, Any]

OTHER_FAMILY_COLOUR = "#374151"  # an actor family with no colour of its own

# What of plotly_white (plotly.io.templates["plotly_white"]) our charts use: its layout's fonts,
# colours, axes, hover and title, and the style of the trace types we draw. What only other kinds
# of charts read (polar, ternary, geo, scene, shapes, annotations, colour axes, error bars, fill
# patterns, default colour scales) is left out. tests/core/test_figures.py checks each value
# against the installed plotly's template.
FONT_COLOUR = "#2a3f5f"
GRID_COLOUR = "#EBF0F8"
COLORWAY = [
    "#636efa",
    "#EF553B",
    "#00cc96",
    "#ab63fa",
    "#FFA15A",
    "#19d3f3",
    "#FF6692",
    "#B6E880",
    "#FF97FF",
    "#FECB52",
]
AXIS = {
    "automargin": True,
    "gridcolor": GRID_COLOUR,
    "ticks": "",  # no linecolor: given in a figure's layout, plotly.js would draw the axis line
    "title": {"standoff": 15},
    "zerolinecolor": GRID_COLOUR,
    "zerolinewidth": 2,
}
LAYOUT: dict[str, Any] = {
    "autotypenumbers": "strict",
    "colorway": COLORWAY,
    "font": {"color": FONT_COLOUR},
    "hoverlabel": {"align": "left"},
    "hovermode": "closest",
    "paper_bgcolor": "white",
    "plot_bgcolor": "white",
    "title": {"x": 0.05},
    "xaxis": AXIS,
    "yaxis": AXIS,
}
TRACES: dict[str, dict[str, Any]] = {
    "bar": {"marker": {"line": {"color": "white", "width": 0.5}}},
    "heatmap": {"colorbar": {"outlinewidth": 0, "ticks": ""}},
}


def merged(defaults: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """`values` over `defaults`, nested dicts merged key by key, as plotly.js reads a template
    under a figure; a new dict that shares no dict or list with `defaults`."""
    result = {key: _copy(value) for key, value in defaults.items()}
    for key, value in values.items():
        default = result.get(key)
        if isinstance(default, dict) and isinstance(value, dict):
            result[key] = merged(default, value)
        else:
            result[key] = value
    return result


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return merged(value, {})
    if isinstance(value, list):
        return [_copy(item) for item in value]
    return value


def figure(data: list[Trace], layout: dict[str, Any]) -> Figure:
    """A figure of these traces and layout, in the app's look (plotly_white's values written
    under what the chart sets itself)."""
    return {
        "data": [merged(TRACES.get(trace["type"], {}), trace) for trace in data],
        "layout": merged(LAYOUT, layout),
    }
