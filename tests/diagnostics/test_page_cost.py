"""What the facilitators' live diagnostic pages cost: the coverage matrix built once per page,
the garbage collector paused while they are computed and shown, then running again."""

import gc
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient

from coalition.diagnostics import compute, graph, snapshots, wording
from coalition.meetings.models import Meeting
from tests import factories as f
from tests.conftest import World

C = "/c/ma-coalition"


@pytest.fixture
def meeting(world: World, db: Any) -> Meeting:
    return f.meeting(db, world.coalition)


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.parametrize("page", ["prepare", "diagnostic/publish"])
def test_the_coverage_matrix_is_built_once_a_page(
    client: FlaskClient, world: World, meeting: Meeting, page: str, monkeypatch: Any
) -> None:
    calls = []
    build = graph.coverage_matrix

    def counted(network: Any) -> graph.CoverageMatrix:
        calls.append(network)
        return build(network)

    monkeypatch.setattr(graph, "coverage_matrix", counted)
    monkeypatch.setattr(compute, "coverage_matrix", counted)
    world.log_in(client, "facilitator")

    response = client.get(f"{C}/meetings/{meeting.id}/{page}")

    assert response.status_code == 200
    assert len(calls) == 1


@pytest.mark.parametrize("page", ["prepare", "diagnostic/publish"])
def test_the_pages_pause_the_collector_and_start_it_again(
    client: FlaskClient,
    world: World,
    meeting: Meeting,
    page: str,
    monkeypatch: Any,
    collector_on: None,
) -> None:
    seen = []
    live = snapshots.live_diagnostic

    def watched(*args: Any, **kwargs: Any) -> snapshots.LiveDiagnostic:
        seen.append(gc.isenabled())
        return live(*args, **kwargs)

    monkeypatch.setattr(snapshots, "live_diagnostic", watched)
    world.log_in(client, "facilitator")

    assert client.get(f"{C}/meetings/{meeting.id}/{page}").status_code == 200
    assert seen == [False]
    assert gc.isenabled()


def test_pauses_overlap_and_the_last_one_starts_the_collector(collector_on: None) -> None:
    with snapshots.collector_paused():
        with snapshots.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), snapshots.collector_paused():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_paused_by_someone_else_is_left_paused(collector_on: None) -> None:
    gc.disable()
    with snapshots.collector_paused():
        assert not gc.isenabled()
    assert not gc.isenabled()
    gc.enable()


def test_a_coverage_cell_reads_as_the_template_wrote_it() -> None:
    holders = [[1, "Léa & <Cie>", 3], [2, "L'atelier", 1]]

    assert str(wording.holders_text(holders)) == "Léa &amp; &lt;Cie&gt; (3), L&#39;atelier (1)"
    assert str(wording.holders_text([])) == "—"
