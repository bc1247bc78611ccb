"""The search follows every change of the database at once: nothing is kept outside it."""

import pytest
from sqlalchemy import delete, insert, select, text
from sqlalchemy.orm import Session

from coalition.actors.models import Family
from coalition.resources.models import (
    Resource,
    ResourceStatus,
    Tag,
    resource_levers,
    resource_tags,
)
from coalition.resources.text import search_stems, search_text
from tests.resources.space import Space, add_resource


@pytest.fixture
def space(db: Session) -> Space:
    space = Space(db)
    space.search()
    return space


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


def test_a_rolled_back_change_is_not_seen(space: Space) -> None:
    with space.db.begin_nested() as savepoint:
        add_resource(space.db, space.coalition, "Brouillon de charte")
        assert len(space.ids("brouillon")) == 1
        savepoint.rollback()
    assert space.ids("brouillon") == set()


def test_changes_made_in_plain_sql(space: Space) -> None:
    """The engine follows the stems whatever writes them (FTS5 triggers, a generated column);
    an insert that gives only the folded text gets its stems too."""
    space.db.execute(
        text("UPDATE resources SET search_stems = :stems WHERE id = :id"),
        {"stems": search_stems(search_text("Grille de frugalité", "", [])), "id": space.tool.id},
    )
    assert space.ids("frugalite") == {space.tool.id}
    assert space.tool.id not in space.ids("gouvernance")
    space.db.execute(
        insert(Resource).values(
            coalition_id=space.coalition.id,
            title="Feuille de route",
            url="https://example.org/feuille-de-route",
            kind="guide",
            status="published",
            search_text=search_text("Feuilles de route", "", []),
            version=1,
        )
    )
    assert len(space.ids('"feuille de route"')) == 1
    assert space.ids('"feuille route"') == set()  # "de" keeps its place
    space.db.execute(text("DELETE FROM resources WHERE id = :id"), {"id": space.charter.id})
    assert space.ids("charte") == set()
