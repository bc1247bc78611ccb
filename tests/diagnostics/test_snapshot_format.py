"""A published diagnostic keeps codes and numbers (format 2); its charts and labels are made when
it is shown, in the viewer's language. A format-1 snapshot, as published before migration 0010
(format1_snapshot.json: the demo's third meeting, written with the French page it gave then),
looks the same once migrated."""

import importlib.util
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.diagnostics import wording
from coalition.diagnostics.models import DiagnosticSnapshot
from coalition.meetings.models import Meeting
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed
from tests import factories as f
from tests.conftest import post_form
from tests.core.test_figures import drawn

ROOT = Path(__file__).parents[2]
DEMO = ROOT / "seeds" / "reset-ia-responsable.toml"
BEFORE = json.loads((Path(__file__).parent / "format1_snapshot.json").read_text())
PUBLISHED_AT = datetime(2021, 11, 16, 18, 30, tzinfo=UTC)
CHART_DATA = re.compile(r'<script type="application/json"[^>]*>.*?</script>', re.S)


def migration() -> ModuleType:
    path = ROOT / "migrations" / "versions" / "20261203_0010_diagnostic_codes.py"
    spec = importlib.util.spec_from_file_location("migration_0010", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main_of(html: str) -> str:
    return html.split('<main id="contenu" tabindex="-1">')[1].split("</main>")[0]


def shown(html: str) -> str:
    """What a page shows and links to: its HTML without chart data, spaces evened out."""
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", CHART_DATA.sub("", html))).strip()


def chart_data(html: str) -> dict[str, Any]:
    return {
        name: json.loads(body)
        for name, body in re.findall(
            r'<script type="application/json" id="([a-z]+)-data">(.*?)</script>', html, re.S
        )
    }


@pytest.fixture
def migrated(db: Session) -> tuple[str, int]:
    """The format-1 snapshot, rewritten by migration 0010, published for a meeting."""
    coalition = f.coalition(db, slug="ia-responsable", name=BEFORE["data"]["coalition"])
    meeting = f.meeting(db, coalition)
    data = migration().to_format_2(BEFORE["data"], {})
    data["meeting"] = {**data["meeting"], "id": meeting.id}
    db.add(
        DiagnosticSnapshot(
            coalition_id=coalition.id, meeting_id=meeting.id, published_at=PUBLISHED_AT, data=data
        )
    )
    db.flush()
    return f"/c/{coalition.slug}/meetings/{meeting.id}/diagnostic", meeting.id


def test_a_migrated_snapshot_looks_the_same_in_french(
    client: FlaskClient, migrated: tuple[str, int]
) -> None:
    url, meeting_id = migrated
    html = client.get(url).get_data(as_text=True)
    old = re.sub(r"/meetings/3\b", f"/meetings/{meeting_id}", BEFORE["published_main"])
    assert shown(main_of(html)) == shown(old)
    figures = chart_data(html)
    before = BEFORE["data"]["figures"]
    for name in ("statuses", "coverage", "attendance", "network"):  # as plotly.js draws them:
        assert drawn(figures[name]) == drawn(before[name]), name  # the old ones held the template
    # the timeline's dates now go through Babel: "n°1 21 septembre 2021", no longer "21/09/2021"
    timeline, old_timeline = figures["timeline"], before["timeline"]
    assert timeline["data"][0]["x"] == [
        "n°1 21 septembre 2021",
        "n°2 12 octobre 2021",
        "n°3 9 novembre 2021",
    ]
    assert old_timeline["data"][0]["x"][0] == "n°1 21/09/2021"
    for trace in (timeline, old_timeline):
        del trace["data"][0]["x"]
    assert drawn(timeline) == drawn(old_timeline)


def test_the_published_diagnostic_in_english(
    client: FlaskClient, migrated: tuple[str, int]
) -> None:
    url, _meeting_id = migrated
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    html = client.get(url).get_data(as_text=True)
    figures = chart_data(html)
    assert figures["coverage"]["layout"]["title"]["text"] == "Who holds which levers?"
    assert figures["statuses"]["layout"]["title"]["text"] == "Actions by status"
    assert "Research and experts" in figures["coverage"]["data"][0]["y"]
    legend = [trace.get("name") for trace in figures["network"]["data"]]
    assert "Research and experts" in legend and "Lever" in legend
    assert figures["timeline"]["data"][0]["x"][0] == "#1 September 21, 2021"
    assert figures["statuses"]["data"][0]["x"] == ["Proposed"]
    text = main_of(html)
    assert "In progress" in text and "Research and experts" in text
    assert "Published on November 16, 2021" in text
    for french in ("Recherche et experts", "En cours", "Qui détient", "septembre", "novembre"):
        assert french not in text, french
    markdown = client.get(f"{url}.md").get_data(as_text=True)
    assert "November 16, 2021" in markdown and "Recherche et experts" not in markdown


def test_a_new_snapshot_keeps_no_french(app: Flask, client: FlaskClient, db: Session) -> None:
    """Published now, the demo's first diagnostic holds codes: the English page draws it in
    English, the French one in French, from the same data."""
    coalition = load_seed(db, read_seed(DEMO)).coalition
    db.flush()
    first = db.scalars(
        select(Meeting).where(Meeting.coalition_id == coalition.id).order_by(Meeting.starts_at)
    ).first()
    assert first is not None
    snapshot = db.scalars(
        select(DiagnosticSnapshot).where(DiagnosticSnapshot.meeting_id == first.id)
    ).one_or_none()
    if snapshot is None:
        from coalition.diagnostics import snapshots

        with app.test_request_context():
            snapshots.publish_starting_diagnostic(db, coalition)
        snapshot = db.scalars(
            select(DiagnosticSnapshot).where(DiagnosticSnapshot.meeting_id == first.id)
        ).one()
    data = snapshot.data
    assert data["format"] == 2 and "figures" not in data
    frozen = json.dumps({k: v for k, v in data.items() if k != "columns"}, ensure_ascii=False)
    for french in ("Qui détient", "Recherche et experts", "Levier", "liens", "Engagée"):
        assert french not in frozen, french
    url = f"/c/{coalition.slug}/meetings/{first.id}/diagnostic"
    with app.test_request_context():
        french_figures = wording.figures(data)
    assert (
        chart_data(client.get(url).get_data(as_text=True))["coverage"]
        == (french_figures["coverage"])
    )
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    english = chart_data(client.get(url).get_data(as_text=True))
    assert english["coverage"]["layout"]["title"]["text"] == "Who holds which levers?"


def test_the_printed_timeline_takes_a_few_meetings_a_table(
    client: FlaskClient, db: Session, migrated: tuple[str, int]
) -> None:
    """On an A4 page, a timeline of eight meetings is two tables of at most six meetings, and
    the coverage matrix has one row per lever."""
    url, _meeting_id = migrated
    snapshot = db.scalars(select(DiagnosticSnapshot).order_by(DiagnosticSnapshot.id.desc())).first()
    assert snapshot is not None
    data = json.loads(json.dumps(snapshot.data))
    data["timeline"]["meetings"] = [
        [100 + n, n, f"2021-{n:02}-01T12:00:00+00:00", f"Rencontre {n}"] for n in range(1, 9)
    ]
    snapshot.data = data
    db.flush()
    printed = client.get(f"{url}/print").get_data(as_text=True)
    timeline = printed.split('id="section-timeline"')[1]
    heads = re.findall(r"<thead>(.*?)</thead>", timeline, re.S)
    assert [head.count('scope="col"') - 1 for head in heads] == [6, 2]
    assert "(n°1 – n°6)" in timeline and "(n°7 – n°8)" in timeline
    coverage = printed.split('id="coverage-caption"')[1].split("</table>")[0]
    rows = re.findall(r'<th scope="row">(.*?)</th>', coverage)
    assert rows == [escape(name) for _id, name in BEFORE["data"]["coverage"]["levers"]]
