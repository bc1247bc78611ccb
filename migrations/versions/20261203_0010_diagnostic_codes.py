"""diagnostic codes: published diagnostics keep codes and numbers, not French charts

Until 0010 a published diagnostic (snapshot format 1) froze its plotly figures, with their
French titles, legends and hover texts, and the French words for an actor counted without a
name. Format 2 keeps codes, ids, numbers and what people wrote; the charts are drawn when the
diagnostic is shown, in the viewer's language. Each format-1 snapshot is rewritten:
- the figures go; what only they held is kept: the network's node positions and links (read
  from its traces), and each meeting's title in the timeline (read from its hover texts, else
  from the meeting);
- the network table becomes nodes (key, label, type, family, links, x, y) and links;
- an unnamed actor's label ("Un acteur non nommé") is left empty.
Downgrading draws nothing back: format-2 snapshots stay as they are (the code before 0010 does
not read them).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

snapshots = sa.table(
    "diagnostic_snapshots",
    sa.column("id", sa.Integer),
    sa.column("data", sa.JSON),
)
meetings = sa.table(
    "meetings",
    sa.column("id", sa.Integer),
    sa.column("title", sa.String),
)


ESCAPED = (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&#x27;", "'"), ("&amp;", "&"))


def unescape(text: str) -> str:
    """What html.escape wrote into the figures' hover texts, back as people wrote it."""
    for escaped, character in ESCAPED:
        text = text.replace(escaped, character)
    return text


def _node_traces(figure: dict | None) -> list[dict]:
    traces = (figure or {}).get("data") or []
    return [t for t in traces if t.get("mode") == "markers" and t.get("customdata")]


def network(table: list, figure: dict | None) -> dict:
    """Nodes in the table's order (the graph's), each matched to its marker by type and label,
    in order; links from the edge trace's segments, matched to nodes by their position."""
    markers: list[tuple[str, str, float, float]] = []  # key, label, x, y
    for trace in _node_traces(figure):
        for key, hover, x, y in zip(
            trace["customdata"], trace["hovertext"], trace["x"], trace["y"], strict=True
        ):
            markers.append((str(key), unescape(str(hover).split("<br>")[0]), x, y))
    if not table or not markers:
        return {"nodes": [], "links": []}
    nodes = []
    used: set[str] = set()
    for label, node_type, family, degree in table:
        key, x, y = next(
            (
                (key, x, y)
                for key, marker_label, x, y in markers
                if key not in used and key.split(":")[0] == node_type and marker_label == label
            ),
            (f"{node_type}:?{len(nodes)}", 0.0, 0.0),  # never seen: the table and the figure
        )  # were drawn from the same graph
        used.add(key)
        nodes.append([key, label, node_type, family, degree, x, y])
    at = {(x, y): key for key, _label, _type, _family, _degree, x, y in nodes}
    links = []
    edges = [t for t in figure["data"] if t.get("mode") == "lines"] if figure else []
    for trace in edges:
        xs, ys = trace["x"], trace["y"]
        for start in range(0, len(xs) - 1, 3):
            source = at.get((xs[start], ys[start]))
            target = at.get((xs[start + 1], ys[start + 1]))
            if source and target:
                links.append([source, target])
    return {"nodes": nodes, "links": links}


def meeting_titles(figure: dict | None, numbers: list[int]) -> list[str | None]:
    """Each timeline column's meeting title, from the hover text "action<br>n°N title"."""
    traces = (figure or {}).get("data") or []
    rows = traces[0].get("customdata") if traces else None
    titles: list[str | None] = []
    for column, number in enumerate(numbers):
        title = None
        if rows and column < len(rows[0]):
            parts = str(rows[0][column]).split("<br>")
            prefix = f"n°{number} "
            if len(parts) > 1 and parts[1].startswith(prefix):
                title = unescape(parts[1][len(prefix) :])
        titles.append(title)
    return titles


def without_unnamed_labels(computed: dict) -> dict:
    result = dict(computed)
    for section in ("changes", "actions", "levers", "actors"):
        if isinstance(computed.get(section), dict):
            result[section] = {
                key: [
                    {**item, "label": ""} if item.get("kind") == "unnamed" else item
                    for item in items
                ]
                for key, items in computed[section].items()
            }
    return result


def to_format_2(data: dict, titles_by_id: dict[int, str]) -> dict:
    figures = data.get("figures") or {}
    timeline = dict(data.get("timeline") or {"meetings": [], "actions": [], "cells": []})
    columns = timeline.get("meetings", [])
    found = meeting_titles(figures.get("timeline"), [row[1] for row in columns])
    timeline["meetings"] = [
        [id, number, starts_at, title if title is not None else titles_by_id.get(id, "")]
        for (id, number, starts_at, *_rest), title in zip(columns, found, strict=True)
    ]
    result = {key: value for key, value in data.items() if key != "figures"}
    result.update(
        format=2,
        computed=without_unnamed_labels(data.get("computed") or {}),
        timeline=timeline,
        network=network(data.get("network") or [], figures.get("network")),
    )
    return result


def upgrade() -> None:
    connection = op.get_bind()
    titles = {row.id: row.title for row in connection.execute(sa.select(meetings))}
    for row in connection.execute(sa.select(snapshots)).all():
        if isinstance(row.data, dict) and row.data.get("format") == 1:
            connection.execute(
                snapshots.update()
                .where(snapshots.c.id == row.id)
                .values(data=to_format_2(row.data, titles))
            )


def downgrade() -> None:
    """The figures are not drawn back into the snapshots."""
