"""The roadmap timeline and attendance figures, checked on hand-built rows."""

import json
from datetime import datetime
from typing import Any

from coalition.actors.colours import FAMILY_COLOURS
from coalition.meetings.attendance import ActorRow, PresenceRow, attendance_report
from coalition.meetings.attendance import MeetingRow as HeldMeetingRow
from coalition.meetings.charts import attendance_figure
from coalition.roadmap.charts import status_figure, timeline_figure
from coalition.roadmap.timeline import ActionRow, MeetingRow, ReviewRow, build_timeline
from tests.core.test_figures import valid

STATUS_LABELS = {"committed": "Committed", "in_progress": "In progress"}
FAMILY_LABELS = {
    "research": "Research",
    "use": "Use",
    "supply": "Supply",
    "procurement": "Procurement",
}


def timeline(action_count: int = 2) -> dict[str, Any]:
    actions = [
        ActionRow(20, "Open a <GPU> pool", "in_progress"),
        ActionRow(10, "Write a charter", "committed"),
    ]
    actions += [ActionRow(100 + i, f"Action {i}", "proposed") for i in range(action_count - 2)]
    meetings = [
        MeetingRow(2, 2, "February & co", datetime(2025, 2, 5, 14, 0)),
        MeetingRow(1, 1, "January", datetime(2025, 1, 8, 14, 0)),
    ]
    reviews = [
        ReviewRow(20, 1, "committed", 10),
        ReviewRow(20, 2, "in_progress", 40),
        ReviewRow(10, 2, "<b>odd</b>", 0),
    ]
    return timeline_figure(
        build_timeline(actions, meetings, reviews),
        STATUS_LABELS,
        title="Roadmap",
        progress_label="Progress",
    )


def test_timeline_is_one_heatmap_with_meetings_across_and_actions_down() -> None:
    figure = timeline()
    trace = figure["data"][0]

    assert [t["type"] for t in figure["data"]] == ["heatmap"]
    assert trace["x"] == ["n°1 08/01/2025", "n°2 05/02/2025"]
    assert trace["y"] == ["20", "10"]
    assert figure["layout"]["yaxis"]["ticktext"] == ["Open a &lt;GPU&gt; pool", "Write a charter"]
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"
    assert figure["layout"]["xaxis"]["type"] == "category"


def test_timeline_cells_show_progress_and_status() -> None:
    trace = timeline()["data"][0]

    assert trace["z"] == [[10, 40], [None, 0]]
    assert trace["text"] == [
        ["Committed · 10%", "In progress · 40%"],
        ["", "&lt;b&gt;odd&lt;/b&gt; · 0%"],
    ]
    assert trace["texttemplate"] == "%{text}"
    assert (trace["zmin"], trace["zmax"]) == (0, 100)
    assert trace["colorscale"][-1][1] == "#1e6b34"
    assert trace["colorbar"]["title"]["text"] == "Progress"


def test_timeline_hover_is_escaped() -> None:
    hover = timeline()["data"][0]["customdata"]

    assert (
        hover[0][1]
        == "Open a &lt;GPU&gt; pool<br>n°2 February &amp; co<br>In progress<br>Progress: 40%"
    )
    assert hover[1][0] == "Write a charter<br>n°1 January"
    assert "<GPU>" not in json.dumps(hover)


def test_timeline_height_grows_with_actions() -> None:
    assert timeline(2)["layout"]["height"] == 300
    assert timeline(20)["layout"]["height"] == 160 + 28 * 20


def attendance() -> dict[str, Any]:
    meetings = [
        HeldMeetingRow(1, 1, "January", datetime(2025, 1, 8, 14, 0), "held"),
        HeldMeetingRow(2, 2, "February", datetime(2025, 2, 5, 14, 0), "cancelled"),
        HeldMeetingRow(3, 3, "March", datetime(2025, 3, 5, 14, 0), "held"),
    ]
    actors = [ActorRow(1, "Inria", "research"), ActorRow(2, "CNRS", "research")]
    presences = [
        PresenceRow(1, 1, "present"),
        PresenceRow(1, 2, "present"),
        PresenceRow(3, 1, "present"),
        PresenceRow(3, 2, "absent"),
    ]
    report = attendance_report(meetings, actors, presences)
    return attendance_figure(report, FAMILY_LABELS, title="Attendance", rate_label="Rate <%>")


def test_attendance_has_one_line_per_family() -> None:
    traces = attendance()["data"]

    assert [trace["name"] for trace in traces] == ["Research", "Use", "Supply", "Procurement"]
    assert [trace["line"]["color"] for trace in traces] == list(FAMILY_COLOURS.values())
    assert all(trace["x"] == ["n°1", "n°3"] for trace in traces)


def test_attendance_rates_are_percentages_or_none() -> None:
    traces = attendance()["data"]

    assert traces[0]["y"] == [100.0, 50.0]
    assert traces[1]["y"] == [None, None]


def test_attendance_axis_and_hover() -> None:
    figure = attendance()

    assert figure["layout"]["yaxis"]["range"] == [0, 100]
    assert figure["layout"]["yaxis"]["title"]["text"] == "Rate <%>"
    assert "Rate &lt;%&gt;" in figure["data"][0]["hovertemplate"]


def test_the_figures_are_valid_for_plotly() -> None:
    statuses = status_figure(
        {"status:committed": 2, "status:in_progress": 1},
        STATUS_LABELS,
        title="Actions by status",
        actions_label="Actions",
    )
    for figure in (timeline(), timeline(20), attendance(), statuses):
        valid(figure)  # raises on any property or value plotly's schema refuses


def test_the_status_bars_count_each_status_in_the_labels_order() -> None:
    figure = status_figure(
        {"status:in_progress": 1, "status:committed": 2, "status:done": 0},
        STATUS_LABELS,
        title="Actions by status",
        actions_label="Actions",
    )
    bars = figure["data"][0]

    assert (bars["type"], bars["x"], bars["y"]) == ("bar", ["Committed", "In progress"], [2, 1])
    assert bars["text"] == ["2", "1"]
    assert bars["marker"]["color"] == ["#1d4f91", "#b34700"]
    assert figure["layout"]["title"]["text"] == "Actions by status"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Actions"
