"""Members keep their levers and commitments through the browser's forms."""

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.actors import queries, service
from coalition.actors.models import Actor, ActorKind, ActorStatus, Family, Holding
from coalition.auth.models import MembershipRole
from coalition.core.audit import AuditEvent
from coalition.roadmap.models import Commitment, CommitmentStatus
from tests import factories as f
from tests.conftest import World, csrf_token, post_form

C = "/c/ma-coalition"


def manage_url(world: World) -> str:
    return f"{C}/actors/{world.actor.id}/manage"


def test_two_members_edit_the_same_holding(
    app,
    client: FlaskClient,
    world: World,
    db: Session,  # type: ignore[no-untyped-def]
) -> None:
    """The second to save, from a stale page, is refused and shown what changed meanwhile."""
    colleague = f.user(db, name="Camille Colleague")
    f.membership(db, colleague, world.coalition, MembershipRole.member, world.actor)
    other_client = app.test_client()
    world.log_in(client, "member")
    f.log_in(other_client, colleague)
    h = world.holding.id
    # both open the page while the holding is at version 1, capacity 2
    token_a, token_b = (
        csrf_token(client, manage_url(world)),
        csrf_token(other_client, manage_url(world)),
    )
    url = f"{C}/actors/{world.actor.id}/holdings/{h}"
    first = other_client.post(
        url, data={f"h{h}-capacity": "3", f"h{h}-version": "1", "csrf_token": token_b}
    )
    assert first.status_code == 302
    second = client.post(
        url,
        data={
            f"h{h}-capacity": "1",
            f"h{h}-note": "Mon avis",
            f"h{h}-version": "1",
            "csrf_token": token_a,
        },
    )
    html = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "modifiée par quelqu&#39;un d&#39;autre" in html
    assert "Camille Colleague" in html
    assert "<del>2</del> → <ins>3</ins>" in html
    assert "Mon avis</textarea>" in html  # the user's input is kept
    assert f'name="h{h}-version" type="hidden" value="2"' in html
    db.expire_all()
    holding = db.get(Holding, h)
    assert holding is not None and (holding.capacity, holding.note) == (3, "")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"add-lever": "{other_lever}", "add-capacity": "5"}, "Choisissez une capacité"),
        ({"add-lever": "{other_lever}"}, "Choisissez une capacité"),
        ({"add-lever": "{foreign_lever}", "add-capacity": "2"}, "n&#39;appartient pas"),
        ({"add-lever": "{lever}", "add-capacity": "2"}, "détient déjà ce levier"),
        ({"add-lever": "999999", "add-capacity": "2"}, "Ce levier n&#39;existe pas"),
    ],
)
def test_bad_holdings_are_refused_and_change_nothing(
    client: FlaskClient, world: World, db: Session, data: dict[str, str], message: str
) -> None:
    foreign = f.lever(db, world.other_coalition)
    world.log_in(client, "member")
    ids = {
        "other_lever": world.other_lever.id,
        "foreign_lever": foreign.id,
        "lever": world.lever.id,
    }
    form = {k: v.format(**ids) for k, v in data.items()}
    before = db.scalar(select(func.count()).select_from(Holding))
    response = post_form(client, f"{C}/actors/{world.actor.id}/holdings", form, form_url="/")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Holding)) == before


@pytest.mark.parametrize(
    ("action", "message"),
    [
        ("{action}", "déjà engagé"),
        ("{foreign_action}", "n&#39;appartient pas"),
        ("999999", "Cette action n&#39;existe pas"),
        ("", "Choisissez une action"),
    ],
)
def test_bad_commitments_are_refused_and_change_nothing(
    client: FlaskClient, world: World, db: Session, action: str, message: str
) -> None:
    foreign = f.action(db, world.other_coalition)
    world.log_in(client, "member")
    value = action.format(action=world.action.id, foreign_action=foreign.id)
    response = post_form(
        client,
        f"{C}/actors/{world.actor.id}/commitments",
        {"commit-action": value, "commit-role": "expert"},
        form_url="/",
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(Commitment)) == 1


def test_unknown_records_are_not_found(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    other = f.holding(db, world.other_actor, world.lever)
    url = f"{C}/actors/{world.actor.id}/holdings/{other.id}"  # not this actor's
    assert post_form(client, url, {f"h{other.id}-capacity": "1"}, form_url="/").status_code == 404
    assert client.get(f"{C}/actors/424242/manage").status_code == 404


def test_a_form_without_csrf_changes_nothing(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "member")
    h = world.holding.id
    response = client.post(
        f"{C}/actors/{world.actor.id}/holdings/{h}",
        data={f"h{h}-capacity": "3", f"h{h}-version": "1"},
    )
    assert response.status_code == 400
    db.refresh(world.holding)
    assert world.holding.capacity == 2


def test_member_journey_shows_on_the_actor_page_and_in_its_history(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "member")
    h = world.holding.id
    post_form(
        client,
        f"{C}/actors/{world.actor.id}/holdings/{h}",
        {f"h{h}-capacity": "3", f"h{h}-note": "Formations", f"h{h}-version": "1"},
        form_url="/",
    )
    post_form(
        client,
        f"{C}/actors/{world.actor.id}/commitments",
        {
            "commit-action": str(world.other_action.id),
            "commit-role": "pilot_site",
            "commit-contribution": "Un terrain",
        },
        form_url="/",
    )
    html = client.get(f"{C}/actors/{world.actor.id}").get_data(as_text=True)
    assert "3 – forte" in html and "Formations" in html
    assert "Action 2" in html and "Site pilote" in html and "Un terrain" in html
    history = html.split('id="history"')[1]
    assert "Levier modifié" in history and "<del>2</del> → <ins>3</ins>" in history
    assert "Engagement pris" in history and world.users["member"].name in history
    coverage = client.get(f"{C}/levers").get_data(as_text=True)
    assert "Acteur A</a> (3)" in coverage
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    public = client.get(f"{C}/actors/{world.actor.id}").get_data(as_text=True)
    assert "Formations" in public and 'id="history"' not in public  # history: participants only


def test_withdraw_and_edit_a_commitment(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "member")
    c = world.commitment.id
    post_form(
        client,
        f"{C}/actors/{world.actor.id}/commitments/{c}",
        {
            f"c{c}-role": "lead",
            f"c{c}-status": "active",
            f"c{c}-contribution": "Pilotage",
            f"c{c}-version": "1",
        },
        form_url="/",
    )
    db.refresh(world.commitment)
    assert (world.commitment.role.value, world.commitment.contribution) == ("lead", "Pilotage")
    post_form(
        client,
        f"{C}/actors/{world.actor.id}/commitments/{c}/withdraw",
        {f"c{c}-version": "2"},
        form_url="/",
    )
    db.refresh(world.commitment)
    assert world.commitment.status == CommitmentStatus.withdrawn
    stale = post_form(
        client,
        f"{C}/actors/{world.actor.id}/commitments/{c}/withdraw",
        {f"c{c}-version": "1"},
        form_url="/",
    )
    assert stale.status_code == 409


def test_remove_a_holding(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "member")
    h = world.holding.id
    response = post_form(
        client,
        f"{C}/actors/{world.actor.id}/holdings/{h}/remove",
        {f"h{h}-version": "1"},
        form_url="/",
    )
    assert response.status_code == 302
    assert db.scalar(select(func.count()).where(Holding.id == h)) == 0


def test_directory_filters_and_sorts(client: FlaskClient, world: World, db: Session) -> None:
    busy = f.actor(
        db, world.coalition, name="Zèle SA", family=Family.supply, kind=ActorKind.company
    )
    for title in ("X", "Y"):
        f.commitment(db, busy, f.action(db, world.coalition, title=title))
    f.actor(db, world.coalition, name="Ancien", status=ActorStatus.left)

    def names(query: str) -> list[str]:
        html = client.get(f"{C}/actors?{query}").get_data(as_text=True)
        return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html)

    assert names("") == ["Acteur A", "Acteur B", "Zèle SA"]  # by family (use, supply), then name
    assert names("family=supply") == ["Zèle SA"]
    assert names("kind=company") == ["Zèle SA"]
    assert names(f"lever={world.lever.id}") == ["Acteur A"]
    assert names("sort=commitments")[:2] == ["Zèle SA", "Acteur A"]
    assert "Ancien" in names("left=1")
    for bad in ("family=aliens", "sort=age", "lever=abc", "lever=999999"):
        assert client.get(f"{C}/actors?{bad}").status_code == 400


def test_directory_pages(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queries, "DIRECTORY_PAGE_SIZE", 2)
    for name in ("Gamma", "Bêta", "Delta"):
        f.actor(db, world.coalition, name=name, family=Family.supply)

    def page(query: str) -> tuple[list[str], str]:
        html = client.get(f"{C}/actors?{query}").get_data(as_text=True)
        return re.findall(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', html), html

    names, html = page("")
    assert names == ["Acteur A", "Acteur B"]
    assert "5 acteurs" in html and "Page 1 sur 3" in html and 'rel="prev"' not in html
    names, html = page("page=2")
    assert names == ["Bêta", "Delta"]
    assert 'id="famille-supply"><span class="family-dot" aria-hidden="true"></span>' in html
    assert html.split('id="famille-supply">')[1].split("</th>")[0].endswith("(3)")  # all pages
    assert page("page=3")[0] == page("page=99")[0] == ["Gamma"]  # past the end: the last one
    names, html = page("family=supply&sort=name")
    assert names == ["Bêta", "Delta"] and "Page 1 sur 2" in html
    assert "family=supply&amp;sort=name&amp;page=2" in html
    for bad in ("page=0", "page=-1", "page=abc", "page=²", "page=9999999"):
        response = client.get(f"{C}/actors?{bad}")
        assert response.status_code == 400
        assert "Cette page n&#39;existe pas" in response.get_data(as_text=True)


def test_an_actor_created_at_the_same_instant_as_another_is_refused_with_409(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_actor = service.create_actor

    def clashing(*args: Any, **kwargs: Any) -> Any:
        create_actor(*args, **kwargs)
        raise IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    monkeypatch.setattr(service, "create_actor", clashing)
    world.log_in(client, "facilitator")
    data = {"name": "Tiers-lieu", "family": "use", "kind": "lab", "status": "member"}
    response = post_form(client, f"{C}/actors/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "enregistré un changement au même instant" in page
    assert 'value="Tiers-lieu"' in page  # what was typed is kept
    assert db.scalars(select(Actor).where(Actor.name == "Tiers-lieu")).all() == []


def test_facilitator_creates_edits_and_retires_an_actor(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    bad = post_form(client, f"{C}/actors/new", {"name": "", "family": "use"})
    assert bad.status_code == 400 and "Le nom est obligatoire" in bad.get_data(as_text=True)
    duplicate = post_form(
        client,
        f"{C}/actors/new",
        {"name": "Acteur A", "family": "use", "kind": "other", "status": "member"},
    )
    assert duplicate.status_code == 400 and "porte déjà ce nom" in duplicate.get_data(as_text=True)
    created = post_form(
        client,
        f"{C}/actors/new",
        {
            "name": "Tiers-lieu",
            "family": "use",
            "kind": "lab",
            "status": "member",
            "website": "https://tiers-lieu.example.org",
            "is_listed": "y",
        },
    )
    assert created.status_code == 302
    actor_id = int(created.headers["Location"].rsplit("/", 1)[1])
    edit_url = f"{C}/actors/{actor_id}/edit"
    fields = {
        "name": "Tiers-lieu",
        "family": "use",
        "kind": "lab",
        "status": "left",
        "version": "1",
    }
    assert post_form(client, edit_url, fields).status_code == 302
    stale = post_form(client, edit_url, {**fields, "territory": "Lyon"})
    assert stale.status_code == 409
    assert "Statut" in stale.get_data(as_text=True)
    page = client.get(f"{C}/actors/{actor_id}").get_data(as_text=True)
    assert "a quitté la coalition" in page and "Fiche créée" in page
    assert "Tiers-lieu" not in client.get(f"{C}/actors").get_data(as_text=True)
    count = db.scalar(select(func.count()).where(AuditEvent.actor_id == actor_id))
    assert count == 2


def count_statements(client: FlaskClient, count_queries, url: str) -> int:  # type: ignore[no-untyped-def]
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


def populate(db: Session, size: int) -> tuple[str, int]:
    coalition = f.coalition(db)
    levers = [f.lever(db, coalition) for _ in range(5)]
    actions = [f.action(db, coalition) for _ in range(size)]
    actors = [f.actor(db, coalition, family=list(Family)[i % 4]) for i in range(size)]
    for i, actor in enumerate(actors):
        f.holding(db, actor, levers[i % 5])
        f.holding(db, actor, levers[(i + 1) % 5])
        f.commitment(db, actor, actions[i])
        f.commitment(db, actors[0], actions[i]) if i else None
    return coalition.slug, actors[0].id


@pytest.mark.parametrize(
    "page", ["actors", "actors?sort=commitments", "actors?page=3", "actor", "levers", "graph"]
)
def test_pages_issue_the_same_statements_at_10_and_300_actors(
    client: FlaskClient,
    db: Session,
    count_queries,
    page: str,  # type: ignore[no-untyped-def]
) -> None:
    def url(slug: str, actor_id: int) -> str:
        return f"/c/{slug}/actors/{actor_id}" if page == "actor" else f"/c/{slug}/{page}"

    small, large = populate(db, 10), populate(db, 300)
    assert count_statements(client, count_queries, url(*small)) == count_statements(
        client, count_queries, url(*large)
    )


def test_odd_digits_in_a_filter_are_a_clear_400(client: FlaskClient, world: World) -> None:
    for url in (f"{C}/actors?lever=²", f"{C}/graph?lever=٣"):
        response = client.get(url)
        assert response.status_code == 400
        assert "Ce levier n&#39;existe pas" in response.get_data(as_text=True)


def test_actor_page_with_its_history_issues_a_fixed_number_of_statements(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
) -> None:
    from coalition.actors import service

    world.log_in(client, "facilitator")
    url = f"{C}/actors/{world.actor.id}"

    def statements() -> int:
        with count_queries() as counter:
            assert client.get(url).status_code == 200
        return counter.count

    service.update_holding(
        db, world.actor, world.holding, capacity=3, note="", seen_version=1, by=None
    )
    db.flush()
    few = statements()
    for n in range(20):
        service.update_holding(
            db,
            world.actor,
            world.holding,
            capacity=1 + n % 3,
            note=str(n),
            seen_version=world.holding.version,
            by=world.users["member"],
        )
        db.flush()
    assert statements() == few
