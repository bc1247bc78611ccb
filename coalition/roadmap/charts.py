"""The roadmap's charts: actions from meeting to meeting, and actions by status."""

from collections.abc import Callable
from datetime import datetime
from html import escape
from typing import Any

from coalition.core import plots
from coalition.meetings.charts import meeting_number
from coalition.roadmap.timeline import Timeline, TimelineCell

STATUS_COLOURS = {
    "proposed": "#6b7280",
    "committed": "#1d4f91",
    "in_progress": "#b34700",
    "done": "#1e6b34",
    "blocked": "#a4161a",
    "dropped": "#9ca3af",
}
PROGRESS_COLOURSCALE = [[0.0, "#ffffff"], [1.0, "#1e6b34"]]
TIMELINE_MIN_HEIGHT = 300
TIMELINE_BASE_HEIGHT = 160
TIMELINE_ROW_HEIGHT = 28
TIMELINE_LABEL_LIMIT = 60


def _numeric_date(moment: datetime) -> str:
    return f"{moment:%d/%m/%Y}"


def _short(text: str, limit: int = TIMELINE_LABEL_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _review_text(review: TimelineCell | None, status_labels: dict[str, str]) -> str:
    if review is None:
        return ""
    return f"{escape(status_labels.get(review.status, review.status))} · {review.progress}%"


def _review_hover(
    action_title: str,
    meeting_title: str,
    review: TimelineCell | None,
    status_labels: dict[str, str],
    progress_label: str,
) -> str:
    hover = f"{escape(action_title)}<br>{escape(meeting_title)}"
    if review is None:
        return hover
    status = escape(status_labels.get(review.status, review.status))
    return f"{hover}<br>{status}<br>{escape(progress_label)}: {review.progress}%"


def _timeline_hovers(
    timeline: Timeline,
    reviews: list[list[TimelineCell | None]],
    status_labels: dict[str, str],
    progress_label: str,
    number_label: Callable[[int], str],
) -> list[list[str]]:
    meeting_titles = [
        f"{number_label(meeting.number)} {meeting.title}" for meeting in timeline.meetings
    ]
    return [
        [
            _review_hover(action.title, meeting_title, review, status_labels, progress_label)
            for meeting_title, review in zip(meeting_titles, row, strict=True)
        ]
        for action, row in zip(timeline.actions, reviews, strict=True)
    ]


def timeline_figure(
    timeline: Timeline,
    status_labels: dict[str, str],
    *,
    title: str,
    progress_label: str,
    number_label: Callable[[int], str] = meeting_number,
    date_label: Callable[[datetime], str] = _numeric_date,
) -> dict[str, Any]:
    """Actions down (first on top), meetings across, each cell the review's status and progress.

    Rows are keyed by action id, so two actions with the same title keep their own row.
    `number_label` and `date_label` say a meeting's number and date in the viewer's language."""
    reviews = [
        [timeline.cells.get((action.id, meeting.id)) for meeting in timeline.meetings]
        for action in timeline.actions
    ]
    action_keys = [str(action.id) for action in timeline.actions]
    heatmap = {
        "type": "heatmap",
        "x": [
            f"{number_label(meeting.number)} {date_label(meeting.starts_at)}"
            for meeting in timeline.meetings
        ],
        "y": action_keys,
        "z": [[review.progress if review else None for review in row] for row in reviews],
        "zmin": 0,
        "zmax": 100,
        "text": [[_review_text(review, status_labels) for review in row] for row in reviews],
        "texttemplate": "%{text}",
        "customdata": _timeline_hovers(
            timeline, reviews, status_labels, progress_label, number_label
        ),
        "hovertemplate": "%{customdata}<extra></extra>",
        "colorscale": [list(stop) for stop in PROGRESS_COLOURSCALE],
        "colorbar": {"title": {"text": progress_label}},
        "xgap": 1,
        "ygap": 1,
    }
    layout = {
        "title": {"text": title},
        "height": max(
            TIMELINE_MIN_HEIGHT,
            TIMELINE_BASE_HEIGHT + TIMELINE_ROW_HEIGHT * len(timeline.actions),
        ),
        "margin": {"l": 20, "r": 20, "t": 60, "b": 20},
        "xaxis": {"type": "category", "automargin": True, "side": "top"},
        "yaxis": {
            "type": "category",
            "automargin": True,
            "autorange": "reversed",
            "tickmode": "array",
            "tickvals": action_keys,
            "ticktext": [escape(_short(action.title)) for action in timeline.actions],
        },
    }
    return plots.figure([heatmap], layout)


def status_figure(
    counts: dict[str, int], status_labels: dict[str, str], *, title: str, actions_label: str
) -> dict[str, Any]:
    """Actions by status, one bar per status in the labels' order."""
    statuses = [status for status in status_labels if counts.get(f"status:{status}", 0)]
    bars = {
        "type": "bar",
        "x": [status_labels[status] for status in statuses],
        "y": [counts[f"status:{status}"] for status in statuses],
        "marker": {"color": [STATUS_COLOURS.get(status, "#6b7280") for status in statuses]},
        "text": [str(counts[f"status:{status}"]) for status in statuses],
        "textposition": "auto",
    }
    layout = {
        "title": {"text": title},
        "yaxis": {"title": {"text": actions_label}},
        "height": 320,
        "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
    }
    return plots.figure([bars], layout)
