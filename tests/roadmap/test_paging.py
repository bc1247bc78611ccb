"""The board and the timeline at scale: a page at a time, the counts said, the filters kept."""

import json
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.core.paging import Page, page_number
from coalition.roadmap import queries
from tests import factories as f
from tests.conftest import World
from tests.roadmap.test_routes import card_titles, html_of, populate, section

BOARD, TIMELINE = queries.BOARD_PAGE_SIZE, queries.TIMELINE_PAGE_SIZE
MEGABYTE = 1_000_000


# -- the paging helper --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "number"),
    [
        ({}, 1),
        ({"page": ""}, 1),
        ({"page": "3"}, 3),
        ({"page": "abc"}, None),
        ({"page": "0"}, None),
        ({"page": "-2"}, None),
        ({"page": "²"}, None),
        ({"page": "1" * 100_000}, None),
    ],
)
def test_page_number_reads_the_query_string(args: dict[str, str], number: int | None) -> None:
    assert page_number(args) == number


def test_a_page_says_what_it_holds_and_clamps_to_the_last() -> None:
    first = Page.of(1, 250, 100)
    assert (first.number, first.pages, first.first, first.last, first.offset) == (1, 3, 1, 100, 0)
    last = Page.of(99, 250, 100)
    assert (last.number, last.first, last.last, last.offset) == (3, 201, 250, 200)
    assert first.is_split and not Page.of(1, 100, 100).is_split
    empty = Page.of(5, 0, 100)
    assert (empty.number, empty.pages, empty.first, empty.last) == (1, 1, 0, 0)
    assert [first.holding(position) for position in (0, 99, 100, 249)] == [1, 1, 2, 3]


# -- the board ----------------------------------------------------------------------------


def board_cards(html: str) -> list[str]:
    return re.findall(r'<li class="card status-([a-z_]+)">', html)


def test_a_short_board_shows_no_pager(client: FlaskClient, world: World) -> None:
    html = html_of(client, "/c/ma-coalition/roadmap")
    assert 'class="pager"' not in html and "Actions 1 à" not in html
    assert '<p role="status">2 actions</p>' in html


def test_the_board_shows_a_page_of_cards_group_after_group(
    client: FlaskClient, db: Session
) -> None:
    slug = populate(db, 250)  # statuses in turn: 42 proposed, 42 committed, 42, 42, 41, 41
    html = html_of(client, f"/c/{slug}/roadmap")
    assert len(board_cards(html)) == BOARD
    assert "Actions 1 à 100 sur 250, section après section." in html
    headings = re.findall(r'<h2 id="groupe-([a-z_]+)">[^<]*<span class="meta">\((\d+)\)', html)
    assert headings == [
        ("proposed", "42"),
        ("committed", "42"),
        ("in_progress", "42"),
        ("done", "42"),
        ("blocked", "41"),
        ("dropped", "41"),
    ]  # every page says how many actions each group holds
    assert board_cards(html) == ["proposed"] * 42 + ["committed"] * 42 + ["in_progress"] * 16
    assert f'href="/c/{slug}/roadmap?page=2">Voir ces 42 actions, à partir de la page 2' in html
    assert f'href="/c/{slug}/roadmap?page=3">Voir ces 41 actions, à partir de la page 3' in html
    pager = html.split('class="pager"')[1].split("</nav>")[0]
    assert "Page 1 sur 3" in pager and "Page précédente" not in pager
    assert f'href="/c/{slug}/roadmap?page=2" rel="next"' in pager
    assert f'href="/c/{slug}/roadmap?page=3">Dernière page' in pager

    last = html_of(client, f"/c/{slug}/roadmap?page=3")
    assert "Actions 201 à 250 sur 250" in last and len(board_cards(last)) == 50
    pager = last.split('class="pager"')[1].split("</nav>")[0]
    assert "Page 3 sur 3" in pager and "Page suivante" not in pager
    assert f'href="/c/{slug}/roadmap?page=1">Première page' in pager
    past = html_of(client, f"/c/{slug}/roadmap?page=99")  # past the end: the last one
    assert card_titles(past) == card_titles(last) and "Actions 201 à 250 sur 250" in past

    seen = []
    for number in (1, 2, 3):
        seen += card_titles(html_of(client, f"/c/{slug}/roadmap?page={number}"))
    assert len(set(seen)) == 250  # every action once


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "²", "9" * 50])
def test_a_page_that_cannot_be_is_a_clear_400(client: FlaskClient, world: World, page: str) -> None:
    for path in ("roadmap", "roadmap/timeline"):
        html = html_of(client, f"/c/ma-coalition/{path}?page={page}", 400)
        assert "Cette page n&#39;existe pas." in html


def test_the_pages_of_a_view_and_its_filters_stay_in_the_links(
    client: FlaskClient, db: Session
) -> None:
    slug = populate(db, 250)
    html = html_of(client, f"/c/{slug}/roadmap?view=horizon&family=use&page=2")
    assert f"/c/{slug}/roadmap?family=use&amp;view=horizon&amp;page=1" in html
    assert f"/c/{slug}/roadmap/timeline?family=use" in html  # the timeline: same filters
    by_axis = html_of(client, f"/c/{slug}/roadmap?view=axis")
    assert card_titles(section(by_axis, "none")) == []  # "no axis" comes last: from page 2
    assert f"/c/{slug}/roadmap?view=axis&amp;page=2" in section(by_axis, "none")


def test_a_board_page_at_a_few_hundred_actions_stays_small(
    client: FlaskClient, db: Session
) -> None:
    slug = populate(db, 300)
    for view in ("status", "axis", "horizon"):
        html = html_of(client, f"/c/{slug}/roadmap?view={view}")
        assert len(board_cards(html)) == BOARD
        assert len(html.encode()) < 150_000  # 100 cards; 2,000 actions weigh the same


# -- the timeline -------------------------------------------------------------------------


def figure_of(html: str) -> dict[str, Any]:
    data = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', html)
    assert data is not None
    figure: dict[str, Any] = json.loads(data.group(1))
    return figure


def test_a_short_timeline_shows_no_pager(client: FlaskClient, world: World) -> None:
    html = html_of(client, "/c/ma-coalition/roadmap/timeline")
    assert 'class="pager"' not in html and "Actions 1 à" not in html


def test_the_timeline_draws_the_actions_of_the_page_shown(client: FlaskClient, db: Session) -> None:
    slug = populate(db, 120)
    html = html_of(client, f"/c/{slug}/roadmap/timeline")
    assert (
        "Actions 1 à 50 sur 120, par titre : la frise et le tableau ne montrent que celles de "
        "cette page." in html
    )
    table = html.split("<tbody>")[1].split("</tbody>")[0]
    rows = re.findall(r'<th scope="row"><a href="/c/[^/]+/actions/(\d+)"', table)
    figure = figure_of(html)
    assert len(rows) == TIMELINE and figure["data"][0]["y"] == rows  # the chart: the same rows
    assert len(figure["data"][0]["z"]) == TIMELINE
    assert f'href="/c/{slug}/roadmap/timeline?page=3">Dernière page' in html

    last = html_of(client, f"/c/{slug}/roadmap/timeline?page=3")
    assert "Actions 101 à 120 sur 120" in last
    assert len(figure_of(last)["data"][0]["y"]) == 20
    past = html_of(client, f"/c/{slug}/roadmap/timeline?page=4")
    assert figure_of(past) == figure_of(last) and "Actions 101 à 120 sur 120" in past

    filtered = html_of(client, f"/c/{slug}/roadmap/timeline?family=use&page=2")
    assert f"/c/{slug}/roadmap/timeline?family=use&amp;page=1" in filtered


def test_a_timeline_page_at_a_few_hundred_actions_stays_small(
    client: FlaskClient, db: Session
) -> None:
    slug = populate(db, 300)
    html = html_of(client, f"/c/{slug}/roadmap/timeline")
    assert len(figure_of(html)["data"][0]["y"]) == TIMELINE
    assert len(html.encode()) < MEGABYTE // 2  # 50 actions × 24 meetings, chart included


# -- the actor filter ---------------------------------------------------------------------


def test_many_actors_make_the_actor_filter_a_name_to_type(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    C = "/c/ma-coalition"
    few = html_of(client, f"{C}/roadmap")
    assert 'id="f-actor"' in few and 'name="actor_name"' not in few  # a select, as before
    monkeypatch.setattr(queries, "ACTOR_CHOICES_LIMIT", 1)
    for path in ("roadmap", "roadmap/timeline"):
        many = html_of(client, f"{C}/{path}")
        assert 'id="f-actor"' not in many and 'name="actor_name"' in many
    world.action.lead_actor_id = world.other_actor.id  # Acteur B leads it
    percent = f.action(db, world.coalition, title="Cent pour cent")
    f.commitment(db, f.actor(db, world.coalition, name="Réseau 100% IA"), percent)
    db.flush()

    def titles(query: str) -> list[str]:
        return card_titles(html_of(client, f"{C}/roadmap?{query}"))

    assert titles("actor_name=acteur+b") == ["Action 1"]  # any case
    assert titles("actor_name=acteur") == ["Action 1"]
    assert titles("actor_name=reseau+100") == ["Cent pour cent"]  # without accents
    assert titles("actor_name=R%C3%89SEAU") == ["Cent pour cent"]  # accented capitals too
    assert titles("actor_name=100%25") == ["Cent pour cent"]  # % is a character, not a wildcard
    assert titles("actor_name=%25") == ["Cent pour cent"]
    assert titles("actor_name=personne") == []
    assert titles(f"actor_name={'x' * 100_000}") == []
    typed = html_of(client, f"{C}/roadmap?actor_name=Acteur+B")
    assert 'value="Acteur B"' in typed
    assert f"{C}/roadmap/timeline?actor_name=Acteur+B" in typed
    timeline = html_of(client, f"{C}/roadmap/timeline?actor_name=acteur+b")
    assert f'/actions/{world.action.id}"' in timeline
    assert f'/actions/{world.other_action.id}"' not in timeline


def test_the_actor_filter_still_takes_an_id_past_the_select(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "ACTOR_CHOICES_LIMIT", 1)
    assert card_titles(html_of(client, f"/c/ma-coalition/roadmap?actor={world.actor.id}")) == [
        "Action 1"
    ]
    stranger = f.actor(db, world.other_coalition)
    for bad in (str(stranger.id), "2147483648", "9" * 100):
        html = html_of(client, f"/c/ma-coalition/roadmap?actor={bad}", 400)
        assert "Cet acteur n&#39;existe pas" in html
