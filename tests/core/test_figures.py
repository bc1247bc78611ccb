"""Figures are plain plotly JSON built as dicts (coalition/core/plots.py): plotly is imported by the
tests only, where every figure the app draws, on the demo coalition and on empty ones, passes
plotly's own validation, and the look written in core/plots.py is plotly_white's."""

import ast
import copy
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import networkx as nx
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations.charts import answer_bars, answers_by_day
from coalition.consultations.results import QuestionResult
from coalition.core import plots
from coalition.diagnostics.charts import coverage_heatmap, network_figure
from coalition.diagnostics.snapshots import publish_starting_diagnostic
from coalition.meetings.attendance import attendance_report
from coalition.meetings.charts import attendance_figure, attendance_rates_figure
from coalition.meetings.models import MeetingStatus
from coalition.roadmap.charts import status_figure, timeline_figure
from coalition.roadmap.timeline import Timeline
from tests import factories as f
from tests.core.crawl import Site, crawl

PACKAGE = Path(__file__).parents[2] / "coalition"
PLOTLY_WHITE: dict[str, Any] = pio.templates["plotly_white"].to_plotly_json()
CHART_DATA = re.compile(r'<script type="application/json" id="([\w-]+)-data">(.*?)</script>', re.S)
# "q": a question's; "days": a consultation's answers by day
CHARTS = {"attendance", "coverage", "days", "network", "q", "statuses", "timeline"}


def valid(figure: dict[str, Any]) -> go.Figure:
    """The figure read by plotly, which raises on any property or value its schema refuses."""
    assert json.loads(json.dumps(figure)) == figure  # plain JSON: lists, dicts, str, numbers
    assert "template" not in figure["layout"]  # the look is written in, not a template
    return go.Figure(figure)


def _under(defaults: Any, values: Any) -> Any:
    if not (isinstance(defaults, dict) and isinstance(values, dict)):
        return values
    return {
        **defaults,
        **{key: _under(defaults.get(key), value) for key, value in values.items()},
    }


def drawn(figure: dict[str, Any]) -> dict[str, Any]:
    """What plotly.js draws: the figure's template (the one it embeds, as graph_objects wrote
    them, else plotly_white, whose values core/plots.py writes into our figures) under its
    layout and under each trace."""
    layout = dict(figure["layout"])
    template = layout.pop("template", PLOTLY_WHITE)
    return {
        "data": [
            _under((template["data"].get(trace["type"]) or [{}])[0], trace)
            for trace in figure["data"]
        ],
        "layout": _under(template["layout"], layout),
    }


def test_no_module_imports_plotly_it_is_a_test_dependency() -> None:
    importing = set()
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            if any(name == "plotly" or name.startswith("plotly.") for name in names):
                importing.add(path.relative_to(PACKAGE).as_posix())
    assert importing == set()


def leaves(
    values: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Any]]:
    for key, value in values.items():
        if isinstance(value, dict):
            yield from leaves(value, (*path, key))
        else:
            yield (*path, key), value


def template_value(values: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        values = values[key]
    return values


def test_the_look_is_plotly_whites() -> None:
    for path, value in leaves(plots.LAYOUT):
        assert value == template_value(PLOTLY_WHITE["layout"], path), path
    for trace_type, style in plots.TRACES.items():
        template = PLOTLY_WHITE["data"][trace_type][0]
        for path, value in leaves(style):
            assert value == template_value(template, path), (trace_type, path)
    # the axes take the template's axis style but its line colour: in a figure's own layout,
    # a line colour makes plotly.js draw the axis line, which the template does not
    for axis in ("xaxis", "yaxis"):
        assert PLOTLY_WHITE["layout"][axis] == {**plots.AXIS, "linecolor": plots.GRID_COLOUR}


def test_a_figure_has_the_look_under_its_own_values_and_shares_nothing_with_it() -> None:
    before = copy.deepcopy((plots.LAYOUT, plots.TRACES))
    figure = plots.figure(
        [{"type": "bar", "marker": {"color": "#000000"}}, {"type": "scatter"}],
        {"title": {"text": "T"}, "xaxis": {"type": "category", "ticks": "outside"}},
    )

    assert figure["data"][0]["marker"] == {
        "color": "#000000",
        "line": {"color": "white", "width": 0.5},
    }
    assert figure["data"][1] == {"type": "scatter"}
    assert figure["layout"]["title"] == {"x": 0.05, "text": "T"}
    assert figure["layout"]["xaxis"]["ticks"] == "outside"
    assert figure["layout"]["xaxis"]["gridcolor"] == "#EBF0F8"
    assert figure["layout"]["yaxis"] == plots.AXIS
    valid(figure)
    figure["layout"]["yaxis"]["title"]["standoff"] = 0
    figure["layout"]["colorway"].append("#000000")
    figure["data"][0]["marker"]["line"]["width"] = 3
    assert before == (plots.LAYOUT, plots.TRACES)


def test_every_chart_of_nothing_is_a_valid_figure() -> None:
    nothing = [
        answers_by_day([], at_stalls_label="s", online_label="o", count_label="c"),
        coverage_heatmap({}, {}, {}, title="t", holders_label="h"),
        network_figure(nx.Graph(), {}, {}),
        timeline_figure(Timeline([], [], {}), {}, title="t", progress_label="p"),
        status_figure({}, {}, title="t", actions_label="a"),
        attendance_figure(attendance_report([], [], []), {}, title="t", rate_label="r"),
        attendance_rates_figure([], [], {}, title="t", rate_label="r"),
        answer_bars(
            QuestionResult(
                question=None,  # type: ignore[arg-type]
                respondents=0,
                counts=[],
                mean=None,
                texts=[],
                approved=0,
                pending=0,
            ),
            percent_label="%",
        ),
    ]
    for figure in nothing:
        valid(figure)


def figures_of(client: FlaskClient, site: Site) -> dict[str, list[dict[str, Any]]]:
    """Every figure on the pages the crawl kept, by chart ("q" for each question's)."""
    found: dict[str, list[dict[str, Any]]] = {}
    for urls in site.pages.values():
        for url in urls:
            response = client.get(url)
            if response.status_code != 200 or response.mimetype != "text/html":
                continue
            for chart, body in CHART_DATA.findall(response.get_data(as_text=True)):
                found.setdefault(re.sub(r"\d+$", "", chart), []).append(json.loads(body))
    return found


def test_every_figure_of_the_demo_is_valid(client: FlaskClient, site: Site) -> None:
    figures = figures_of(client, site)

    assert set(figures) == CHARTS
    for chart, drawings in figures.items():
        for figure in drawings:
            try:
                valid(figure)
            except ValueError as error:
                pytest.fail(f"{chart}: {error}")


def test_every_figure_of_empty_coalitions_is_valid(
    app: Flask, client: FlaskClient, db: Session
) -> None:
    """One coalition with nothing but a meeting held (its starting diagnostic published), one
    with nothing at all: every page of theirs, crawled as an administrator."""
    empty = f.coalition(db, slug="vide", name="Vide")
    f.meeting(db, empty, status=MeetingStatus.held, starts_at=datetime(2024, 1, 8, 13, tzinfo=UTC))
    f.coalition(db, slug="rien", name="Rien")
    with app.test_request_context():
        assert publish_starting_diagnostic(db, empty)
    f.log_in(client, f.user(db, is_admin=True))
    site = crawl(app, client, ["/", "/c/vide/", "/c/rien/"])

    figures = figures_of(client, site)

    assert set(figures) == CHARTS - {"q", "days"}  # no consultation, no question, no stall
    for chart, drawings in figures.items():
        for figure in drawings:
            try:
                valid(figure)
            except ValueError as error:
                pytest.fail(f"{chart}: {error}")
