"""Members submit resources, facilitators publish or reject them, the public browses them."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.db import utcnow
from coalition.resources import service
from coalition.resources.models import Resource, ResourceKind, ResourceStatus
from coalition.resources.text import search_text
from tests.conftest import World, post_form

C = "/c/ma-coalition"


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Resource)) or 0


def published(db: Session, world: World, title: str, **fields: object) -> Resource:
    values: dict[str, object] = {
        "coalition_id": world.coalition.id,
        "title": title,
        "url": f"https://example.org/{title.replace(' ', '-')}",
        "kind": ResourceKind.guide,
        "status": ResourceStatus.published,
        "published_at": utcnow(),
        "search_text": search_text(title, "", []),
        **fields,
    }
    resource = Resource(**values)
    db.add(resource)
    db.flush()
    return resource


def submit(client: FlaskClient, **fields: str):  # type: ignore[no-untyped-def]
    data = {
        "title": "Charte de l'IA publique",
        "url": "https://example.org/charte",
        "kind": "charter",
        "summary": "Une **charte**",
        "language": "fr",
        "tags": "charte, éthique",
        **fields,
    }
    return post_form(client, f"{C}/resources/new", data)


def test_submit_then_publish(client: FlaskClient, world: World, db: Session, app) -> None:  # type: ignore[no-untyped-def]
    world.log_in(client, "member")
    response = submit(client, levers=str(world.lever.id))
    assert response.status_code == 302
    resource = db.scalars(select(Resource)).one()
    assert resource.status == ResourceStatus.submitted
    assert resource.contributed_by_id == world.actor.id
    assert "charte" in resource.search_text and [t.name for t in resource.tags] == [
        "charte",
        "éthique",
    ]
    public = app.test_client()
    assert public.get(f"{C}/resources/{resource.id}").status_code == 404
    assert "Charte de l" not in public.get(f"{C}/resources").get_data(as_text=True)
    assert client.get(f"{C}/resources/{resource.id}").status_code == 200  # its submitter
    world.log_in(facilitator := app.test_client(), "facilitator")
    done = post_form(
        facilitator,
        f"{C}/resources/{resource.id}/moderate",
        {"decision": "publish", "version": "1"},
        form_url="/",
    )
    assert done.status_code == 302
    page = public.get(f"{C}/resources/{resource.id}").get_data(as_text=True)
    assert "<strong>charte</strong>" in page
    assert "Charte de l" in public.get(f"{C}/resources?q=charte").get_data(as_text=True)
    assert "Charte de l" in public.get(f"{C}/tags/éthique").get_data(as_text=True)


def test_reject_with_a_reason_the_contributor_reads(
    client: FlaskClient,
    world: World,
    db: Session,
    app,  # type: ignore[no-untyped-def]
) -> None:
    world.log_in(client, "member")
    submit(client)
    resource = db.scalars(select(Resource)).one()
    facilitator = app.test_client()
    world.log_in(facilitator, "facilitator")
    url = f"{C}/resources/{resource.id}/moderate"
    no_reason = post_form(facilitator, url, {"decision": "reject", "version": "1"}, form_url="/")
    assert no_reason.status_code == 400 and "Dites pourquoi" in no_reason.get_data(as_text=True)
    post_form(
        facilitator,
        url,
        {"decision": "reject", "reason": "Hors sujet", "version": "1"},
        form_url="/",
    )
    mine = client.get(f"{C}/resources/mine").get_data(as_text=True)
    assert "Refusée" in mine and "Hors sujet" in mine


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"url": "javascript:alert(1)"}, "https://"),
        ({"url": "ftp://example.org/x"}, "https://"),
        ({"title": ""}, "Le titre est obligatoire"),
        ({"kind": "poem"}, "N&#39;est pas un choix valide"),
        ({"levers": "999999"}, "n&#39;appartient pas"),
        ({"tags": ", ".join(f"t{n}" for n in range(11))}, "Jusqu&#39;à 10 mots-clés"),
    ],
)
def test_bad_submissions_are_refused(
    client: FlaskClient, world: World, db: Session, fields: dict[str, str], message: str
) -> None:
    world.log_in(client, "member")
    response = submit(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db) == 0


def test_a_duplicate_url_links_to_the_existing_resource(
    client: FlaskClient, world: World, db: Session
) -> None:
    existing = published(db, world, "Guide existant")
    world.log_in(client, "member")
    response = submit(client, url=existing.url)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"/resources/{existing.id}" in html and "déjà" in html
    assert count(db) == 1


def test_summary_markdown_is_sanitised(client: FlaskClient, world: World, db: Session) -> None:
    resource = published(
        db, world, "Outil", summary="<script>alert(1)</script>[x](javascript:alert(2))"
    )
    html = client.get(f"{C}/resources/{resource.id}").get_data(as_text=True)
    assert "<script>alert" not in html and "javascript:" not in html


def test_filters_facets_and_bad_values(client: FlaskClient, world: World, db: Session) -> None:
    published(db, world, "Guide un", kind=ResourceKind.guide)
    published(db, world, "Étude deux", kind=ResourceKind.study, language="en")
    html = client.get(f"{C}/resources?kind=study").get_data(as_text=True)
    assert "Étude deux" in html and "Guide un" not in html
    facets = client.get(f"{C}/resources").get_data(as_text=True).split('class="facets"')[1]
    assert "Guide</a> (1)" in facets and "Étude</a> (1)" in facets
    for bad in (
        "kind=poem",
        "family=aliens",
        "language=xx",
        "sort=random",
        "page=abc",
        "lever=1e9",
    ):
        assert client.get(f"{C}/resources?{bad}").status_code == 400, bad
    assert "0 ressource" in client.get(f"{C}/resources?lever=999999").get_data(as_text=True)


def test_a_resource_of_another_coalition_is_not_found(
    client: FlaskClient, world: World, db: Session
) -> None:
    other = Resource(
        coalition_id=world.other_coalition.id,
        title="Ailleurs",
        url="https://x.org",
        kind=ResourceKind.tool,
        status=ResourceStatus.published,
    )
    db.add(other)
    db.flush()
    assert client.get(f"{C}/resources/{other.id}").status_code == 404


def test_listing_statements_do_not_grow(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
) -> None:
    def statements(url: str) -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    for n in range(10):
        published(db, world, f"Ressource {n}")
    after_a_change = statements(f"{C}/resources")  # nothing to build: as many as any other
    few = statements(f"{C}/resources")
    assert after_a_change == few
    for n in range(10, 300):
        published(db, world, f"Ressource {n}")
    assert statements(f"{C}/resources?q=ressource") == after_a_change
    assert statements(f"{C}/resources") == few
    assert statements(f"{C}/resources?page=3&q=ressource&sort=date") == few


def test_reindex_command_repairs_stale_search_text(app, world: World, db: Session) -> None:  # type: ignore[no-untyped-def]
    resource = published(db, world, "Éthique des données")
    resource.search_text = "Éthique des données"  # as migration 0002 left older rows: accents kept
    db.commit()
    result = app.test_cli_runner().invoke(args=["reindex"])
    assert result.exit_code == 0 and "1 resources reindexed" in result.output
    db.refresh(resource)
    assert resource.search_text == search_text("Éthique des données", "", [])
    again = app.test_cli_runner().invoke(args=["reindex"])
    assert "0 resources reindexed" in again.output


def test_a_moderation_from_a_stale_page_is_refused_and_offers_the_current_version(
    client: FlaskClient,
    world: World,
    db: Session,
    app,  # type: ignore[no-untyped-def]
) -> None:
    world.log_in(client, "member")
    submit(client)
    resource = db.scalars(select(Resource)).one()
    first, second = app.test_client(), app.test_client()
    world.log_in(first, "facilitator")
    world.log_in(second, "facilitator")
    url = f"{C}/resources/{resource.id}/moderate"
    done = post_form(first, url, {"decision": "publish", "version": "1"}, form_url="/")
    assert done.status_code == 302
    stale = post_form(
        second, url, {"decision": "reject", "reason": "Hors sujet", "version": "1"}, form_url="/"
    )
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "modifiée par quelqu&#39;un d&#39;autre" in page
    assert "Hors sujet</textarea>" in page  # what was typed is kept
    assert 'name="version" type="hidden" value="2"' in page  # sent again, it replaces version 2
    db.expire_all()
    assert db.get(Resource, resource.id).status == ResourceStatus.published  # type: ignore[union-attr]


def test_a_submission_that_meets_another_write_is_refused_with_409(
    client: FlaskClient,
    world: World,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    submit_resource = service.submit_resource

    def clashing(*args: object, **kwargs: object) -> object:
        submit_resource(*args, **kwargs)  # type: ignore[arg-type]
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(service, "submit_resource", clashing)
    world.log_in(client, "member")
    response = submit(client)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "enregistré un changement au même instant" in page
    assert "https://example.org/charte" in page  # what was typed is kept
    assert count(db) == 0
