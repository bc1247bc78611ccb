"""The public pages: coalitions, a coalition's home, its actors and its levers."""

from datetime import UTC, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus, Family
from coalition.meetings.models import MeetingStatus
from tests import factories as f
from tests.conftest import post_form


def test_index_lists_the_coalitions(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(db, name="Coalition des communs", tagline="Une phrase")
    f.actor(db, coalition)
    f.actor(db, coalition, status=ActorStatus.left)
    html = client.get("/").get_data(as_text=True)
    assert "Coalition des communs" in html
    assert "Une phrase" in html
    assert "1 acteur" in html  # those who left are not counted


def test_home_shows_context_phase_families_and_next_meeting(
    client: FlaskClient, db: Session
) -> None:
    coalition = f.coalition(db, context="## Pourquoi\n\nParce que **ensemble**.")
    f.actor(db, coalition, family=Family.research)
    f.actor(db, coalition, family=Family.research)
    f.actor(db, coalition, family=Family.supply, is_partner=True, name="Partenaire SA")
    soon = datetime.now(UTC) + timedelta(days=3)
    f.meeting(db, coalition, title="Rencontre de rentrée", starts_at=soon)
    f.meeting(
        db,
        coalition,
        title="Annulée",
        starts_at=soon - timedelta(days=1),
        status=MeetingStatus.cancelled,
    )
    html = client.get(f"/c/{coalition.slug}/").get_data(as_text=True)
    assert "<strong>ensemble</strong>" in html
    assert "Phase : Cadrage" in html
    assert '<th scope="row">Recherche et experts</th><td class="num">2</td>' in html
    assert '<th scope="row">Commande</th><td class="num">0</td>' in html
    assert "Rencontre de rentrée" in html
    assert "Annulée" not in html
    assert "Partenaire SA" in html


def test_directory_groups_actors_by_family(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(db)
    f.actor(db, coalition, name="Labo Alpha", family=Family.research)
    f.actor(db, coalition, name="Mairie Beta", family=Family.procurement)
    f.actor(db, coalition, name="Parti Gamma", status=ActorStatus.left)
    f.actor(db, coalition, name="Discret Delta", is_listed=False)
    html = client.get(f"/c/{coalition.slug}/actors").get_data(as_text=True)
    research = html.split('id="famille-research"')[1].split("</tbody>")[0]
    procurement = html.split('id="famille-procurement"')[1].split("</tbody>")[0]
    assert "Labo Alpha" in research and "Mairie Beta" in procurement
    assert "Parti Gamma" not in html
    assert "Discret Delta" not in html  # opted out of the public directory


def test_levers_page_shows_holders_and_gaps(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(db)
    held = f.lever(db, coalition, name="Médiation")
    f.lever(db, coalition, name="Commande publique")
    f.holding(db, f.actor(db, coalition, name="Asso Epsilon"), held, capacity=3, note="Ateliers")
    html = client.get(f"/c/{coalition.slug}/levers").get_data(as_text=True)
    usage_row = html.split('<tr class="family-use">')[1].split("</tr>")[0]
    assert "Asso Epsilon</a> (3)" in usage_row
    gaps = html.split('id="gaps"')[1].split("</section>")[0]
    assert '<strong class="gap">Commande publique</strong>' in gaps
    assert "<strong>Médiation</strong> (Asso Epsilon)" in gaps  # a single holder


def test_user_markdown_is_sanitised(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(
        db,
        context="<script>alert(1)</script>[clic](javascript:alert(2)) <img src=x onerror=alert(3)>",
    )
    html = client.get(f"/c/{coalition.slug}/").get_data(as_text=True)
    assert "<script>alert(1)" not in html
    assert "javascript:" not in html
    assert "onerror" not in html


@pytest.mark.parametrize("url", ["/nulle-part", "/c/inconnue/", "/c/inconnue/actors"])
def test_unknown_pages_get_a_404_in_the_site_language(client: FlaskClient, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert "Page introuvable" in response.get_data(as_text=True)
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


def test_language_switch_to_english_and_back(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(db)
    response = post_form(
        client, "/language", {"lang": "en", "next": f"/c/{coalition.slug}/"}, form_url="/"
    )
    assert response.headers["Location"] == f"/c/{coalition.slug}/"
    html = client.get(f"/c/{coalition.slug}/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Research and experts" in html
    post_form(client, "/language", {"lang": "fr", "next": "/"}, form_url="/")
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_an_unknown_language_is_refused(client: FlaskClient) -> None:
    response = post_form(client, "/language", {"lang": "xx", "next": "/"}, form_url="/")
    assert response.status_code == 400
    assert "Langue inconnue" in response.get_data(as_text=True)
    assert '<html lang="fr">' in client.get("/").get_data(as_text=True)


def test_language_switch_never_redirects_elsewhere(client: FlaskClient) -> None:
    response = post_form(
        client, "/language", {"lang": "en", "next": "https://evil.example/"}, form_url="/"
    )
    assert response.headers["Location"] == "/"


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def count_page(client: FlaskClient, count_queries, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)  # warm up: the first request loads nothing more, but be fair
    with count_queries() as counter:
        assert client.get(url).status_code == 200
    return counter.count


@pytest.mark.parametrize("page", ["", "actors", "levers"])
def test_pages_issue_a_fixed_number_of_queries(
    client: FlaskClient,
    db: Session,
    count_queries,
    page: str,  # type: ignore[no-untyped-def]
) -> None:
    def make(size: int) -> str:
        coalition = f.coalition(db)
        levers = [f.lever(db, coalition) for _ in range(5)]
        for i in range(size):
            actor = f.actor(db, coalition, family=list(Family)[i % 4], is_partner=i % 7 == 0)
            f.holding(db, actor, levers[i % 5])
            f.meeting(db, coalition)
        return f"/c/{coalition.slug}/{page}"

    small, large = make(10), make(300)
    assert count_page(client, count_queries, small) == count_page(client, count_queries, large)


def test_plotly_js_is_served_from_the_app_with_a_long_cache(
    client: FlaskClient,
) -> None:
    from coalition.web import assets

    response = client.get(f"/assets/plotly-{assets.PLOTLY_VERSION}.min.js")
    assert response.status_code == 200
    assert response.mimetype in ("text/javascript", "application/javascript")
    assert response.cache_control.max_age == 365 * 24 * 3600
    assert len(response.get_data()) > 1_000_000
    response.close()


def test_plotly_styles_are_served_as_a_stylesheet(client: FlaskClient) -> None:
    from coalition.web import assets

    response = client.get(f"/assets/plotly-{assets.PLOTLY_VERSION}.css")
    css = response.get_data(as_text=True)
    assert response.mimetype == "text/css"
    assert ".js-plotly-plot .plotly .modebar" in css
    assert css.count("{") > 30
