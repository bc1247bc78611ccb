"""Atom feeds: the pure builder, then the resources and minutes feeds of a coalition."""

import itertools
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.opendata.feeds import Feed, FeedEntry, atom_bytes, rfc3339
from coalition.opendata.routes import bp
from coalition.opendata.tables import FEED_LIMIT
from coalition.resources.models import Resource, ResourceKind, ResourceStatus
from tests import factories as f

NS = {"atom": "http://www.w3.org/2005/Atom"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
T0 = datetime(2030, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def app(app: Flask) -> Flask:
    """The open-data blueprint, whether or not create_app registers it yet."""
    if "opendata" not in app.blueprints:
        app.register_blueprint(bp)
    return app


def feed(**fields: Any) -> Feed:
    return Feed(
        **{
            "id": "https://example.org/c/x/resources.atom",
            "title": "Coalition X : ressources",
            "self_link": "https://example.org/c/x/resources.atom",
            "alternate_link": "https://example.org/c/x/data",
            "author": "Coalition X",
            "since": T0 - timedelta(days=30),
            **fields,
        }
    )


def entry(n: int, **fields: Any) -> FeedEntry:
    return FeedEntry(
        **{
            "id": f"tag:example.org,2030-01-01:x/resources/{n}",
            "title": f"Entrée {n}",
            "link": f"https://example.org/{n}?a=1&b=2",
            "updated": T0 + timedelta(days=n),
            **fields,
        }
    )


def parse(body: bytes) -> ET.Element:
    root = ET.fromstring(body)
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    return root


def texts(root: ET.Element, path: str) -> list[str]:
    return [element.text or "" for element in root.findall(path, NS)]


def test_a_feed_has_what_rfc_4287_requires() -> None:
    body = atom_bytes(feed(), [entry(2, summary="Résumé"), entry(1)])
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = parse(body)
    assert root.get(XML_LANG) == "fr"
    assert texts(root, "atom:id") == ["https://example.org/c/x/resources.atom"]
    assert texts(root, "atom:title") == ["Coalition X : ressources"]
    assert texts(root, "atom:updated") == ["2030-03-03T09:30:00Z"]  # the latest entry
    assert texts(root, "atom:author/atom:name") == ["Coalition X"]
    links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
    assert links == {
        "self": "https://example.org/c/x/resources.atom",
        "alternate": "https://example.org/c/x/data",
    }
    first = root.findall("atom:entry", NS)[0]
    assert texts(first, "atom:id") == ["tag:example.org,2030-01-01:x/resources/2"]
    assert texts(first, "atom:updated") == ["2030-03-03T09:30:00Z"]
    assert first.find("atom:link", NS).attrib == {  # type: ignore[union-attr]
        "rel": "alternate",
        "href": "https://example.org/2?a=1&b=2",
    }
    assert texts(first, "atom:summary") == ["Résumé"]
    assert first.find("atom:summary", NS).get("type") == "text"  # type: ignore[union-attr]
    assert texts(root, "atom:entry/atom:title") == ["Entrée 2", "Entrée 1"]  # order kept


def test_an_empty_feed_is_still_valid() -> None:
    root = parse(atom_bytes(feed(), []))
    assert texts(root, "atom:updated") == [rfc3339(T0 - timedelta(days=30))]
    assert root.findall("atom:entry", NS) == []


def test_markup_in_text_is_escaped_and_control_characters_dropped() -> None:
    nasty = 'Fish & <b>chips</b> ]]> "quoted"'
    body = atom_bytes(
        feed(title="A & B <C>"),
        [entry(1, title=nasty, summary="<script>alert(1)</script>\x00\x1b", content="a\x0cb")],
    )
    assert b"<b>" not in body and b"<script>" not in body
    assert b"Fish &amp; &lt;b&gt;chips&lt;/b&gt;" in body
    root = parse(body)
    assert texts(root, "atom:title") == ["A & B <C>"]
    assert texts(root, "atom:entry/atom:title") == [nasty]
    assert texts(root, "atom:entry/atom:summary") == ["<script>alert(1)</script>"]
    assert texts(root, "atom:entry/atom:content") == ["ab"]


def test_times_are_utc_and_naive_ones_refused() -> None:
    paris = datetime.fromisoformat("2030-07-01T14:00:00+02:00")
    assert rfc3339(paris) == "2030-07-01T12:00:00Z"
    with pytest.raises(ValueError, match="naive"):
        rfc3339(datetime(2030, 1, 1))


# -- the feeds of a coalition -------------------------------------------------------------


_numbers = itertools.count(1)


def resource(db: Session, coalition: Coalition, **fields: Any) -> Resource:
    obj = Resource(
        **{
            "coalition_id": coalition.id,
            "title": "Ressource",
            "url": f"https://example.org/r/{next(_numbers)}",
            "kind": ResourceKind.guide,
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


def test_the_resources_feed_lists_the_latest_published_ones(
    client: FlaskClient, db: Session
) -> None:
    coalition = f.coalition(db, slug="flux", name="Flux & cie")
    resource(
        db,
        coalition,
        title="Guide <pratique> & outils",
        url="https://example.org/guide?x=1&y=2",
        summary="Un résumé",
        language="en",
        status=ResourceStatus.published,
        published_at=T0,
    )
    resource(
        db,
        coalition,
        title="Plus récente",
        status=ResourceStatus.published,
        published_at=T0 + timedelta(days=1),
    )
    resource(db, coalition, title="RESSOURCE-NON-PUBLIEE", status=ResourceStatus.submitted)
    resource(db, coalition, title="RESSOURCE-REFUSEE", status=ResourceStatus.rejected)
    other = f.coalition(db)
    resource(
        db, other, title="D'une autre coalition", status=ResourceStatus.published, published_at=T0
    )

    response = client.get("/c/flux/resources.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = parse(response.get_data())
    assert texts(root, "atom:title") == ["Flux & cie : ressources"]
    assert texts(root, "atom:entry/atom:title") == ["Plus récente", "Guide <pratique> & outils"]
    guide = root.findall("atom:entry", NS)[1]
    assert guide.get(XML_LANG) == "en"
    assert guide.find("atom:link", NS).get("href") == "https://example.org/guide?x=1&y=2"  # type: ignore[union-attr]
    assert texts(guide, "atom:summary") == ["Un résumé"]
    assert texts(guide, "atom:published") == ["2030-03-01T09:30:00Z"]
    assert texts(root, "atom:updated") == ["2030-03-02T09:30:00Z"]
    ids = texts(root, "atom:entry/atom:id")
    assert all(i.startswith("tag:localhost,") and "flux/resources/" in i for i in ids), ids
    assert texts(root, "atom:id") == ["http://localhost/c/flux/resources.atom"]
    links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
    assert links == {
        "self": "http://localhost/c/flux/resources.atom",
        "alternate": "http://localhost/c/flux/resources",
        "license": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    }
    body = response.get_data(as_text=True)
    assert "NON-PUBLIEE" not in body and "REFUSEE" not in body and "autre coalition" not in body


def test_the_resources_feed_stops_at_its_limit(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(db, slug="abondance")
    db.add_all(
        Resource(
            coalition_id=coalition.id,
            title=f"R{n:03}",
            url=f"https://example.org/{n}",
            kind=ResourceKind.tool,
            status=ResourceStatus.published,
            published_at=T0 + timedelta(hours=n),
        )
        for n in range(FEED_LIMIT + 5)
    )
    db.flush()
    root = parse(client.get("/c/abondance/resources.atom").get_data())
    titles = texts(root, "atom:entry/atom:title")
    assert len(titles) == FEED_LIMIT
    assert titles[0] == f"R{FEED_LIMIT + 4:03}" and titles[-1] == "R005"


def test_the_minutes_feed_lists_published_minutes_only(client: FlaskClient, db: Session) -> None:
    coalition = f.coalition(db, slug="cr")
    older = f.meeting(
        db,
        coalition,
        title="Rencontre n°1 : <bilan> & suite",
        minutes="Compte rendu 1",
        minutes_published_at=T0,
    )
    newer = f.meeting(
        db,
        coalition,
        title="Rencontre 2",
        minutes="## Compte rendu 2\n\n- point",
        minutes_published_at=T0 + timedelta(days=40),
    )
    f.meeting(db, coalition, title="Rencontre 3", minutes="CR-NON-PUBLIE")

    response = client.get("/c/cr/minutes.atom")
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    root = parse(response.get_data())
    assert texts(root, "atom:entry/atom:title") == [
        "Rencontre 2",
        "Rencontre n°1 : <bilan> & suite",
    ]
    first, second = root.findall("atom:entry", NS)
    assert first.find("atom:link", NS).get("href") == (  # type: ignore[union-attr]
        f"http://localhost/c/cr/meetings/{newer.id}"
    )
    # Rendered like the meeting page, so that readers do not show "## Compte rendu 2".
    (content,) = texts(first, "atom:content")
    assert "<h2>Compte rendu 2</h2>" in content and "<li>point</li>" in content
    assert "##" not in content
    assert first.find("atom:content", NS).get("type") == "html"  # type: ignore[union-attr]
    assert texts(second, "atom:updated") == ["2030-03-01T09:30:00Z"]
    assert texts(second, "atom:id")[0].endswith(f"cr/minutes/{older.id}")
    assert texts(root, "atom:updated") == ["2030-04-10T09:30:00Z"]
    links = {link.get("rel"): link.get("href") for link in root.findall("atom:link", NS)}
    assert links["alternate"] == "http://localhost/c/cr/meetings"
    assert "CR-NON-PUBLIE" not in response.get_data(as_text=True)


def test_feeds_of_an_empty_or_unknown_coalition(client: FlaskClient, db: Session) -> None:
    f.coalition(db, slug="vide")
    for feed_name in ("resources", "minutes"):
        root = parse(client.get(f"/c/vide/{feed_name}.atom").get_data())
        assert root.findall("atom:entry", NS) == []
        assert client.get(f"/c/inconnue/{feed_name}.atom").status_code == 404
