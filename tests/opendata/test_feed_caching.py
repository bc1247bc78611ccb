"""The Atom feeds as feed readers meet them: rendered minutes, stable ids, conditional GETs."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.meetings.models import Meeting
from coalition.opendata.routes import bp
from coalition.resources.models import Resource, ResourceKind, ResourceStatus
from tests import factories as f

NS = {"atom": "http://www.w3.org/2005/Atom"}
T0 = datetime(2030, 3, 1, 9, 30, tzinfo=UTC)
FEEDS = ("resources", "minutes")
MINUTES = """Rencontre tenue en visio.

## Présents

- Fing
- Ville de Lyon

Décision : **adopter** la [charte](https://example.org/charte).

<script>alert("x")</script>
<img src="x" onerror="alert(1)">
"""


@pytest.fixture
def app(app: Flask) -> Flask:
    """The open-data blueprint, whether or not create_app registers it yet."""
    if "opendata" not in app.blueprints:
        app.register_blueprint(bp)
    return app


def published_resource(db: Session, coalition: Coalition, **fields: Any) -> Resource:
    obj = Resource(
        **{
            "coalition_id": coalition.id,
            "title": "Guide",
            "url": "https://example.org/guide",
            "kind": ResourceKind.guide,
            "status": ResourceStatus.published,
            "published_at": T0,
            "updated_at": T0,
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


@pytest.fixture
def coalition(db: Session) -> Coalition:
    """A coalition whose feeds each carry one entry, all written at T0."""
    coalition = f.coalition(db, slug="fil", created_at=T0, updated_at=T0)
    published_resource(db, coalition)
    f.meeting(db, coalition, minutes=MINUTES, minutes_published_at=T0, updated_at=T0)
    return coalition


def feed_url(name: str) -> str:
    return f"/c/fil/{name}.atom"


def ids_and_links(body: bytes) -> list[str | None]:
    root = ET.fromstring(body)
    found: list[str | None] = [element.text for element in root.iter(f"{{{NS['atom']}}}id")]
    found += [link.get("href") for link in root.iter(f"{{{NS['atom']}}}link")]
    return found


# -- the minutes as HTML ------------------------------------------------------------------


@pytest.mark.usefixtures("coalition")
def test_a_feed_reader_shows_the_minutes_rendered_and_sanitised(client: FlaskClient) -> None:
    parsed = feedparser.parse(client.get(feed_url("minutes")).get_data())
    assert not parsed.bozo, parsed.bozo_exception
    (content,) = parsed.entries[0].content
    assert content.type == "text/html"
    html = content.value
    assert "<h2>Présents</h2>" in html
    assert "<li>Fing</li>" in html
    assert "<strong>adopter</strong>" in html
    assert 'href="https://example.org/charte"' in html
    assert "##" not in html and "**" not in html


@pytest.mark.usefixtures("coalition")
def test_the_minutes_feed_carries_no_script_even_to_a_reader_that_does_not_sanitise(
    client: FlaskClient,
) -> None:
    root = ET.fromstring(client.get(feed_url("minutes")).get_data())
    content = root.find("atom:entry/atom:content", NS)
    assert content is not None and content.get("type") == "html"
    html = content.text or ""
    assert "<h2>Présents</h2>" in html
    assert "<script" not in html and "onerror" not in html and "<img" not in html


# -- ids from BASE_URL --------------------------------------------------------------------


@pytest.mark.usefixtures("coalition")
@pytest.mark.parametrize("name", FEEDS)
def test_ids_and_links_do_not_depend_on_the_host_asked_for(
    app: Flask, client: FlaskClient, name: str
) -> None:
    app.config["BASE_URL"] = "https://coalition.example.org"
    seen = [
        ids_and_links(client.get(feed_url(name), base_url=host).get_data())
        for host in ("http://localhost", "http://intranet.local:8080", "https://miroir.example")
    ]
    assert seen[0] == seen[1] == seen[2]
    found = " ".join(value or "" for value in seen[0])
    assert "tag:coalition.example.org," in found
    assert "https://coalition.example.org/c/fil/" in found
    assert "localhost" not in found and "intranet" not in found and "miroir" not in found


@pytest.mark.usefixtures("coalition")
def test_links_keep_the_path_base_url_is_mounted_under(app: Flask, client: FlaskClient) -> None:
    app.config["BASE_URL"] = "https://example.org/coalitions"
    parsed = feedparser.parse(client.get(feed_url("minutes")).get_data())
    assert parsed.entries[0].link.startswith("https://example.org/coalitions/c/fil/meetings/")
    assert parsed.feed.id == "https://example.org/coalitions/c/fil/minutes.atom"


# -- ETag, Last-Modified, 304 -------------------------------------------------------------


@pytest.mark.usefixtures("coalition")
@pytest.mark.parametrize("name", FEEDS)
def test_a_feed_names_its_version_and_date(client: FlaskClient, name: str) -> None:
    response = client.get(feed_url(name))
    assert response.status_code == 200
    assert response.headers["ETag"].startswith('"')
    assert response.last_modified == T0


@pytest.mark.usefixtures("coalition")
@pytest.mark.parametrize("name", FEEDS)
def test_a_reader_that_has_the_feed_gets_304(client: FlaskClient, name: str) -> None:
    first = client.get(feed_url(name))
    by_etag = client.get(feed_url(name), headers={"If-None-Match": first.headers["ETag"]})
    assert by_etag.status_code == 304
    assert by_etag.get_data() == b""
    assert by_etag.headers["ETag"] == first.headers["ETag"]
    by_date = client.get(
        feed_url(name), headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert by_date.status_code == 304
    older = client.get(feed_url(name), headers={"If-None-Match": '"an-older-version"'})
    assert older.status_code == 200
    assert older.get_data() == first.get_data()


def conditional_headers(response: Any) -> dict[str, str]:
    return {
        "If-None-Match": response.headers["ETag"],
        "If-Modified-Since": response.headers["Last-Modified"],
    }


def test_new_minutes_are_sent_again(client: FlaskClient, db: Session, coalition: Coalition) -> None:
    before = client.get(feed_url("minutes"))
    later = T0 + timedelta(days=30)
    f.meeting(db, coalition, minutes="Suite", minutes_published_at=later, updated_at=later)
    for headers in (
        conditional_headers(before),
        {"If-Modified-Since": before.headers["Last-Modified"]},
    ):
        response = client.get(feed_url("minutes"), headers=headers)
        assert response.status_code == 200
        assert len(feedparser.parse(response.get_data()).entries) == 2


def test_withdrawn_minutes_are_not_hidden_behind_a_304(
    client: FlaskClient, db: Session, coalition: Coalition
) -> None:
    later = T0 + timedelta(days=30)
    f.meeting(db, coalition, minutes="Erreur", minutes_published_at=later, updated_at=later)
    before = client.get(feed_url("minutes"))
    withdrawn = db.query(Meeting).filter_by(minutes="Erreur").one()
    withdrawn.minutes_published_at = None
    withdrawn.updated_at = later + timedelta(hours=1)
    db.flush()
    # A reader that only keeps the date must see the removal too.
    response = client.get(
        feed_url("minutes"), headers={"If-Modified-Since": before.headers["Last-Modified"]}
    )
    assert response.status_code == 200
    assert len(feedparser.parse(response.get_data()).entries) == 1


def test_a_rejected_resource_is_not_hidden_behind_a_304(
    client: FlaskClient, db: Session, coalition: Coalition
) -> None:
    later = T0 + timedelta(days=2)
    wrong = published_resource(
        db,
        coalition,
        title="Retirée",
        url="https://example.org/r",
        published_at=later,
        updated_at=later,
    )
    before = client.get(feed_url("resources"))
    wrong.status = ResourceStatus.rejected
    wrong.updated_at = later + timedelta(hours=1)
    db.flush()
    response = client.get(
        feed_url("resources"), headers={"If-Modified-Since": before.headers["Last-Modified"]}
    )
    assert response.status_code == 200
    assert "Retirée" not in response.get_data(as_text=True)


def test_a_renamed_coalition_sends_its_feeds_again(
    client: FlaskClient, db: Session, coalition: Coalition
) -> None:
    before = {name: client.get(feed_url(name)) for name in FEEDS}
    coalition.name = "Nouveau nom"
    coalition.updated_at = T0 + timedelta(days=1)
    db.flush()
    for name in FEEDS:
        response = client.get(feed_url(name), headers=conditional_headers(before[name]))
        assert response.status_code == 200
        assert feedparser.parse(response.get_data()).feed.title.startswith("Nouveau nom")
