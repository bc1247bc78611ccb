"""The licence of the open data: Licence Ouverte 2.0 by default, the ODbL 1.0 if a facilitator
chooses it on the framing page; the open-data page, every export and every feed say which."""

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.coalitions.models import DataLicence
from coalition.core.audit import AuditEvent
from coalition.core.errors import ValidationError
from coalition.core.versions import StaleEdit
from coalition.db import Database
from coalition.framing import service
from coalition.opendata.columns import DATASETS
from tests.conftest import World, alembic_config, post_form

ETALAB = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
DATA = "/c/ma-coalition/data"
FRAMING = "/c/ma-coalition/framing"
LICENCE = FRAMING + "/licence"
FEEDS = ["/c/ma-coalition/resources.atom", "/c/ma-coalition/minutes.atom"]
EXPORTS = [f"{DATA}/{name}.{fmt}" for name in DATASETS for fmt in ("csv", "json")]
NS = {"atom": "http://www.w3.org/2005/Atom"}
LINK = re.compile(r'<([^>]*)>\s*;\s*rel="?license"?')


def licence_links(header: str | None) -> list[str]:
    """The targets of the `rel="license"` links of a Link header (RFC 8288)."""
    return LINK.findall(header or "")


def page(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def feed_licence(client: FlaskClient, url: str) -> tuple[str, list[str], list[str]]:
    """The Atom feed's rights text, its rel="license" links, and its Link header's."""
    response = client.get(url)
    assert response.status_code == 200
    root = ET.fromstring(response.get_data())
    rights = root.find("atom:rights", NS)
    assert rights is not None and rights.text is not None, url
    links = [
        link.get("href", "")
        for link in root.findall("atom:link", NS)
        if link.get("rel") == "license"
    ]
    return rights.text, links, licence_links(response.headers.get("Link"))


def audit_count(db: Session) -> int:
    query = select(func.count()).where(AuditEvent.entity == "coalition")
    return db.scalar(query) or 0


# -- by default ---------------------------------------------------------------------------


def test_the_open_data_page_states_the_licence_ouverte_by_default(
    client: FlaskClient, world: World
) -> None:
    html = page(client, DATA)
    assert "Licence Ouverte / Open Licence version 2.0" in html
    assert f'<a href="{ETALAB}" rel="license">' in html
    assert f'<link rel="license" href="{ETALAB}">' in html
    assert ODBL not in html


@pytest.mark.parametrize("url", EXPORTS)
def test_every_export_names_the_licence_in_its_link_header(
    client: FlaskClient, world: World, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 200
    assert licence_links(response.headers.get("Link")) == [ETALAB]


@pytest.mark.parametrize("url", FEEDS)
def test_every_feed_names_the_licence(client: FlaskClient, world: World, url: str) -> None:
    rights, links, header = feed_licence(client, url)
    assert "Licence Ouverte / Open Licence version 2.0" in rights and ETALAB in rights
    assert links == [ETALAB] and header == [ETALAB]


# -- a facilitator chooses the ODbL -------------------------------------------------------


def test_a_facilitator_switches_to_the_odbl_and_every_publication_says_so(
    app: object, client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    framing = page(client, FRAMING)
    assert '<option selected value="etalab-2.0">' in framing
    assert 'id="licence-version" name="version" type="hidden" value="1"' in framing

    response = post_form(client, LICENCE, {"data_licence": "odbl-1.0", "version": "1"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{FRAMING}#licence")
    assert "Licence des données ouvertes enregistrée." in page(client, FRAMING)
    db.refresh(world.coalition)
    assert (world.coalition.data_licence, world.coalition.version) == (DataLicence.odbl, 2)
    event = db.scalars(select(AuditEvent).where(AuditEvent.entity == "coalition")).one()
    assert event.user_id == world.users["facilitator"].id and event.action == "update"
    assert event.before is not None and event.after is not None
    assert (event.before["data_licence"], event.after["data_licence"]) == ("etalab-2.0", "odbl-1.0")

    public = app.test_client()  # type: ignore[attr-defined]
    html = page(public, DATA)
    assert "Open Database License (ODbL) version 1.0" in html
    assert f'<a href="{ODBL}" rel="license">' in html and ETALAB not in html

    csv_response = public.get(f"{DATA}/actors.csv")
    assert licence_links(csv_response.headers.get("Link")) == [ODBL]
    rows = list(csv.reader(io.StringIO(csv_response.get_data(as_text=True))))
    assert rows[0] == list(DATASETS["actors"].header)  # the licence is not in the data
    assert {row[1] for row in rows[1:]} == {"Acteur A", "Acteur B"}

    json_response = public.get(f"{DATA}/actors.json")
    assert licence_links(json_response.headers.get("Link")) == [ODBL]
    data = json.loads(json_response.get_data())
    assert isinstance(data, list) and {row["name"] for row in data} == {"Acteur A", "Acteur B"}

    for url in FEEDS:
        rights, links, header = feed_licence(public, url)
        assert "Open Database License (ODbL) version 1.0" in rights and ODBL in rights
        assert links == [ODBL] and header == [ODBL]


def test_choosing_the_same_licence_again_writes_no_audit_row(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    response = post_form(client, LICENCE, {"data_licence": "etalab-2.0", "version": "1"})
    assert response.status_code == 302
    assert audit_count(db) == 0


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"data_licence": "cc-by-4.0", "version": "1"}, 400, "Choisissez une licence de la liste."),
        ({"data_licence": "", "version": "1"}, 400, "Choisissez une licence de la liste."),
        ({"version": "1"}, 400, "Choisissez une licence de la liste."),
        ({"data_licence": "odbl-1.0", "version": ""}, 409, "modifiée par quelqu&#39;un"),
        ({"data_licence": "odbl-1.0", "version": "7"}, 409, "modifiée par quelqu&#39;un"),
    ],
)
def test_a_bad_licence_choice_is_refused_and_changes_nothing(
    client: FlaskClient,
    world: World,
    db: Session,
    fields: dict[str, str],
    status: int,
    message: str,
) -> None:
    world.log_in(client, "facilitator")
    response = post_form(client, LICENCE, fields)
    html = response.get_data(as_text=True)
    assert response.status_code == status, html
    assert message in html and 'role="alert"' in html
    db.refresh(world.coalition)
    assert (world.coalition.data_licence, world.coalition.version) == (DataLicence.etalab, 1)
    assert audit_count(db) == 0
    assert f'<a href="{ETALAB}" rel="license">' in page(client, DATA)


def test_the_service_refuses_an_unknown_licence(world: World, db: Session) -> None:
    with pytest.raises(ValidationError) as refused:
        service.set_data_licence(db, world.coalition, "cc-by-4.0", seen_version=1, by=None)
    assert refused.value.field == "data_licence"
    with pytest.raises(StaleEdit):
        service.set_data_licence(db, world.coalition, "odbl-1.0", seen_version=3, by=None)
    assert world.coalition.data_licence == DataLicence.etalab


def test_the_database_refuses_an_unknown_licence(connection: Connection, world: World) -> None:
    nested = connection.begin_nested()
    with pytest.raises(IntegrityError):
        connection.execute(
            text("UPDATE coalitions SET data_licence = 'cc-by-4.0' WHERE id = :id"),
            {"id": world.coalition.id},
        )
    nested.rollback()


def test_coalitions_already_there_get_the_licence_ouverte(database: Database) -> None:
    from alembic import command

    coalition = (
        "INSERT INTO coalitions (slug, name, tagline, context, phase, created_at, updated_at,"
        " version, search_stamp) VALUES ('avant-0007', 'Avant', '', '', 'framing', :now, :now,"
        " 1, '')"
    )
    with database.engine.begin() as connection:
        command.downgrade(alembic_config(connection), "0006")
        connection.execute(text(coalition), {"now": datetime(2026, 1, 1)})
        command.upgrade(alembic_config(connection), "head")
        licence = connection.scalar(
            text("SELECT data_licence FROM coalitions WHERE slug = 'avant-0007'")
        )
        connection.execute(text("DELETE FROM coalitions WHERE slug = 'avant-0007'"))
    assert licence == "etalab-2.0"
