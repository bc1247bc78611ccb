"""The search index in memory follows every change of the database at once, and only then."""

from typing import Any

import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from coalition.actors.models import Family
from coalition.coalitions.models import Coalition
from coalition.resources import search
from coalition.resources.index import SearchQuery
from coalition.resources.models import ResourceStatus, Tag, resource_levers, resource_tags
from coalition.resources.text import search_text
from tests import factories as f
from tests.resources.space import STATEMENTS_TO_BUILD_THE_INDEX, Space, add_resource


@pytest.fixture
def space(db: Session) -> Space:
    space = Space(db)
    space.search()  # the index is built and current
    return space


def stamp(space: Space) -> str:
    found = space.db.scalar(
        select(Coalition.search_stamp).where(Coalition.id == space.coalition.id)
    )
    assert found
    return found


def test_a_new_coalition_has_a_stamp(db: Session) -> None:
    assert len(f.coalition(db).search_stamp) == 16


def test_publishing_a_resource(space: Space) -> None:
    assert space.submitted.id not in space.ids("charte")
    space.submitted.status = ResourceStatus.published
    space.submitted.published_at = space.charter.published_at
    space.db.flush()
    assert space.submitted.id in space.ids("charte")
    assert space.search().total == 5


def test_a_published_resource_withdrawn(space: Space) -> None:
    space.charter.status = ResourceStatus.rejected
    space.db.flush()
    assert space.ids("charte") == set()


def test_proposals_and_rejections_leave_the_index_alone(space: Space) -> None:
    before = stamp(space)
    proposal = add_resource(
        space.db,
        space.coalition,
        "Proposition de charte",
        status=ResourceStatus.submitted,
        levers=[space.lever1],
        tags=["gouvernance"],
    )
    proposal.title = "Proposition de charte, corrigée"
    proposal.levers = []
    space.db.flush()
    proposal.status = ResourceStatus.rejected
    space.db.flush()
    space.db.delete(proposal)
    space.db.flush()
    assert stamp(space) == before


def test_a_new_resource_and_a_deleted_one(space: Space) -> None:
    new = add_resource(space.db, space.coalition, "Feuille de route sobriété")
    assert space.ids("feuille") == {new.id}
    space.db.delete(new)
    space.db.flush()
    assert space.ids("feuille") == set()


def test_an_edited_text(space: Space) -> None:
    space.tool.summary = "Une grille de frugalité."
    space.tool.search_text = search_text(space.tool.title, space.tool.summary, [])
    space.db.flush()
    assert space.ids("frugalite") == {space.tool.id}
    assert space.tool.id not in space.ids("gouvernance")


def test_lever_links_added_and_removed(space: Space) -> None:
    lever = str(space.lever1.id)
    assert space.search().facets["lever"][lever] == 2
    space.db.execute(
        insert(resource_levers).values(resource_id=space.tool.id, lever_id=space.lever1.id)
    )
    assert space.search().facets["lever"][lever] == 3
    assert space.tool.id in space.ids(lever_id=space.lever1.id)
    space.db.execute(delete(resource_levers).where(resource_levers.c.resource_id == space.tool.id))
    assert space.search().facets["lever"][lever] == 2


def test_tag_links_and_a_renamed_tag(space: Space) -> None:
    tag = space.db.scalars(select(Tag).where(Tag.name == "gouvernance")).one()
    space.db.execute(insert(resource_tags).values(resource_id=space.study.id, tag_id=tag.id))
    assert space.ids(tag="gouvernance") == {space.charter.id, space.study.id}
    tag.name = "gouvernance des données"
    space.db.flush()
    assert space.ids(tag="gouvernance") == set()
    assert space.ids(tag="gouvernance des données") == {space.charter.id, space.study.id}


def test_a_contributor_changes_family(space: Space) -> None:
    space.lab.family = Family.supply
    space.db.flush()
    assert space.search().facets["family"] == {"supply": 2, "use": 1}


@pytest.mark.parametrize(
    ("removed", "facet", "left"),
    [
        ("lab", "family", {"use": 1}),
        ("axis1", "axis", {"axis2": 1}),
        ("lever2", "lever", {"lever1": 2}),
    ],
)
def test_a_contributor_an_axis_or_a_lever_deleted(
    space: Space, removed: str, facet: str, left: dict[str, int]
) -> None:
    """The database unlinks the resources (ON DELETE SET NULL, CASCADE): the index follows."""
    row = getattr(space, removed)
    table = type(row).__table__
    space.db.execute(delete(table).where(table.c.id == row.id))
    expected = {
        str(getattr(space, name).id) if facet != "family" else name: count
        for name, count in left.items()
    }
    assert space.search().facets[facet] == expected


def test_changes_that_the_index_does_not_hold_keep_it(space: Space, count_queries: Any) -> None:
    before = stamp(space)
    space.lab.name = "Laboratoire"  # the family stays
    space.coalition.name = "Nouveau nom"
    space.db.flush()
    add_resource(space.db, space.other, "Charte d'ailleurs")
    assert stamp(space) == before
    with count_queries() as counter:
        space.search("charte")
    assert counter.count == 1, counter.statements


def test_a_process_keeps_the_coalitions_searched_last(
    space: Space, count_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search, "KEPT_INDEXES", 1)

    def statements(coalition_id: int) -> int:
        with count_queries() as counter:
            search.search_resources(space.db, coalition_id, SearchQuery())
        return counter.count

    assert statements(space.coalition.id) == 1  # built by the fixture, kept
    assert statements(space.other.id) == 1 + STATEMENTS_TO_BUILD_THE_INDEX
    assert statements(space.coalition.id) == 1 + STATEMENTS_TO_BUILD_THE_INDEX  # was dropped
    assert statements(space.coalition.id) == 1


def test_a_change_made_in_plain_sql(space: Space) -> None:
    before = stamp(space)
    space.db.execute(
        text("UPDATE resources SET search_text = search_text WHERE coalition_id = :id"),
        {"id": space.coalition.id},
    )
    assert stamp(space) != before


def test_a_rolled_back_change_is_not_seen(space: Space) -> None:
    before = stamp(space)
    with space.db.begin_nested() as savepoint:
        add_resource(space.db, space.coalition, "Brouillon de charte")
        assert len(space.ids("brouillon")) == 1
        savepoint.rollback()
    assert stamp(space) == before
    assert space.ids("brouillon") == set()
