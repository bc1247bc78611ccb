"""The register as open data: the CSV and JSON a reuser downloads, the Atom feed a reader
follows, and the page (and docs) that say what each field means."""

import csv
import io
import json
import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import feedparser
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, Family
from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.register.exports import FIELDS, HEADER, SCHEMA_VERSION, STATUS_CROSSWALK
from coalition.register.models import EntryStatus, EntryVersion, RegisterEntry
from coalition.workshops.models import UseCase, Workshop
from tests import factories as f
from tests.conftest import World
from tests.core.test_html_valid import VNU, needs_vnu
from tests.web.test_statements import statements

T0 = datetime(2030, 3, 1, 9, 30, tzinfo=UTC)
C = "/c/ma-coalition"
DOCS = Path(__file__).resolve().parents[2] / "docs" / "register.md"
PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "integer": int,
    "string": str,
    "boolean": bool,
    "array": list,
}


def add_entry(db: Session, coalition: Coalition, owner: Actor, **fields: Any) -> RegisterEntry:
    obj = RegisterEntry(
        **{
            "coalition_id": coalition.id,
            "owner_id": owner.id,
            "name": "Système",
            "status": EntryStatus.in_use,
            "is_published": True,
            "published_at": T0,
            "updated_at": T0,
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


def add_version(
    db: Session,
    entry: RegisterEntry,
    number: int,
    saved_at: datetime,
    changed: list[str],
    by: User | None = None,
) -> EntryVersion:
    obj = EntryVersion(
        entry_id=entry.id,
        number=number,
        fields={"name": entry.name},
        changed=changed,
        saved_by_id=by and by.id,
        saved_at=saved_at,
    )
    db.add(obj)
    db.flush()
    return obj


@dataclass
class Register:
    world: World
    entry: RegisterEntry  # published, every field filled, two versions
    unlisted: RegisterEntry  # published, owned by an actor out of the public directory
    draft: RegisterEntry
    vendor: Actor
    author: User  # created and saved the entry


@pytest.fixture
def register(db: Session, world: World) -> Register:
    coalition = world.coalition
    world.coalition.created_at = datetime(2029, 1, 1, tzinfo=UTC)
    world.coalition.updated_at = T0 - timedelta(days=30)
    world.actor.updated_at = world.other_actor.updated_at = T0 - timedelta(days=30)
    vendor = f.actor(db, coalition, name="Éditeur Libre", family=Family.supply, updated_at=T0)
    hidden = f.actor(db, coalition, name="Mairie discrète", is_listed=False, updated_at=T0)
    published = Workshop(
        coalition_id=coalition.id, title="Atelier de Montpellier", is_published=True
    )
    unpublished = Workshop(coalition_id=coalition.id, title="Atelier à venir")
    db.add_all([published, unpublished])
    db.flush()
    case = UseCase(workshop_id=published.id, title="Gestion de l'eau")
    secret_case = UseCase(workshop_id=unpublished.id, title="Cas pas encore public")
    db.add_all([case, secret_case])
    db.flush()
    author = world.users["member"]
    entry = add_entry(
        db,
        coalition,
        world.actor,
        vendor_id=vendor.id,
        name="Prévision des fuites d'eau",
        purpose="Repérer les canalisations à remplacer.",
        status=EntryStatus.pilot,
        individual_decisions=True,
        human_oversight="Un agent valide chaque alerte.",
        data_used="Relevés des compteurs.",
        personal_data=True,
        source_code_url="https://example.org/code",
        licence="EUPL-1.2",
        impact_assessment="AIPD menée en 2029.",
        impact_assessment_url="https://example.org/aipd",
        contact="algorithmes@example.org",
        published_at=T0 + timedelta(days=1),
        updated_at=T0 + timedelta(days=2),
        created_by_id=author.id,
        levers=[world.other_lever, world.lever],
        actions=[world.action],
        cases=[case, secret_case],
    )
    world.lever.position, world.other_lever.position = 1, 2
    add_version(db, entry, 1, T0, ["name", "purpose"], by=author)
    add_version(db, entry, 2, T0 + timedelta(days=2), ["purpose", "lever_ids"], by=author)
    unlisted = add_entry(  # published between the entry's publication and its second version
        db,
        coalition,
        hidden,
        name="Chatbot des usagers",
        vendor_id=hidden.id,
        published_at=T0 + timedelta(hours=36),
    )
    draft = add_entry(
        db, coalition, world.actor, name="Brouillon secret", is_published=False, published_at=None
    )
    stranger = f.actor(db, world.other_coalition, name="Acteur d'ailleurs")
    add_entry(db, world.other_coalition, stranger, name="Entrée d'une autre coalition")
    db.flush()
    return Register(world, entry, unlisted, draft, vendor, author)


def read_csv(client: FlaskClient) -> tuple[list[str], list[dict[str, str]]]:
    response = client.get(f"{C}/register.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    reader = csv.DictReader(io.StringIO(response.get_data(as_text=True)))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def read_json(client: FlaskClient) -> dict[str, Any]:
    response = client.get(f"{C}/register.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    document: dict[str, Any] = json.loads(response.get_data(as_text=True))
    return document


def by_id(rows: list[dict[str, Any]], entry: RegisterEntry) -> dict[str, Any]:
    (row,) = [row for row in rows if int(row["id"]) == entry.id]
    return row


# -- CSV ----------------------------------------------------------------------------------


def test_the_csv_has_every_documented_field_in_order_and_one_row_per_published_entry(
    client: FlaskClient, register: Register
) -> None:
    header, rows = read_csv(client)
    assert header == list(HEADER)
    assert sorted(int(row["id"]) for row in rows) == [register.entry.id, register.unlisted.id]
    row = by_id(rows, register.entry)
    assert row["name"] == "Prévision des fuites d'eau"
    assert row["url"] == f"http://localhost{C}/register/{register.entry.id}"
    assert row["status"] == "pilot"
    assert row["owner_id"] == str(register.world.actor.id)
    assert row["owner"] == "Acteur A"
    assert row["owner_family"] == "use"
    assert (row["vendor_id"], row["vendor"]) == (str(register.vendor.id), "Éditeur Libre")
    assert (row["individual_decisions"], row["personal_data"]) == ("true", "true")
    assert row["contact"] == "algorithmes@example.org"
    assert row["levers"] == "Levier 1; Levier 2"  # in the levers' order
    assert row["actions"] == "Action 1"
    assert row["cases"] == "Gestion de l'eau"  # not the case of a workshop not yet published
    assert row["version"] == "2"
    assert datetime.fromisoformat(row["published_at"]) == T0 + timedelta(days=1)
    assert datetime.fromisoformat(row["updated_at"]) == T0 + timedelta(days=2)
    assert datetime.fromisoformat(row["updated_at"]).utcoffset() == timedelta(hours=1)  # Paris


def test_a_spreadsheet_does_not_run_an_entry_as_a_formula(
    client: FlaskClient, db: Session, register: Register
) -> None:
    register.entry.name = '=HYPERLINK("https://evil.example")'
    register.entry.licence = "-1"
    db.flush()
    _, rows = read_csv(client)
    row = by_id(rows, register.entry)
    assert row["name"] == '\'=HYPERLINK("https://evil.example")'
    assert row["licence"] == "'-1"
    record = by_id(read_json(client)["entries"], register.entry)
    assert record["name"] == '=HYPERLINK("https://evil.example")'  # JSON as it is


# -- JSON ---------------------------------------------------------------------------------


def test_the_json_has_every_documented_field_with_its_type(
    client: FlaskClient, register: Register
) -> None:
    document = read_json(client)
    assert document["schema_version"] == SCHEMA_VERSION
    assert document["schema"] == f"http://localhost{C}/register/schema"
    assert document["coalition"] == "Ma coalition"
    assert document["licence"].startswith("https://")
    assert len(document["entries"]) == 2
    for record in document["entries"]:
        assert list(record) == list(HEADER)
        for field in FIELDS:
            value: Any = record[field.name]
            if value is None:
                assert field.nullable, field.name
                continue
            assert isinstance(value, PYTHON_TYPES[field.json_type]), field.name
            assert not (field.json_type == "integer" and isinstance(value, bool)), field.name
            if field.json_type == "array":
                assert all(isinstance(name, str) for name in value), field.name
    record = by_id(document["entries"], register.entry)
    assert record["levers"] == ["Levier 1", "Levier 2"]
    assert record["cases"] == ["Gestion de l'eau"]
    assert record["individual_decisions"] is True
    assert record["status"] == "pilot"
    assert record["version"] == 2
    assert datetime.fromisoformat(record["updated_at"]) == T0 + timedelta(days=2)


def test_an_actor_out_of_the_public_directory_is_not_named(
    client: FlaskClient, register: Register
) -> None:
    record = by_id(read_json(client)["entries"], register.unlisted)
    assert (record["owner_id"], record["owner"]) == (None, None)
    assert (record["vendor_id"], record["vendor"]) == (None, None)
    assert record["owner_family"] == "use"
    assert record["version"] is None  # written before any version was kept
    assert datetime.fromisoformat(record["updated_at"]) == T0 + timedelta(hours=36)  # published
    for url in ("register.csv", "register.json", "register.atom"):
        assert "Mairie discrète" not in client.get(f"{C}/{url}").get_data(as_text=True)


def test_no_export_holds_a_draft_another_coalition_or_a_person(
    client: FlaskClient, world: World, register: Register
) -> None:
    world.log_in(client, "facilitator")  # who may see the draft: the exports still leave it out
    for url in ("register.csv", "register.json", "register.atom"):
        body = client.get(f"{C}/{url}").get_data(as_text=True)
        assert "Prévision des fuites d'eau" in body
        assert "Brouillon secret" not in body
        assert "Entrée d'une autre coalition" not in body
        assert register.author.name not in body and register.author.email not in body
        assert "created_by" not in body and "saved_by" not in body


def test_the_exports_name_their_licence_and_file(client: FlaskClient, register: Register) -> None:
    for url, filename in (("register.csv", "ma-coalition-register.csv"), ("register.json", None)):
        response = client.get(f"{C}/{url}")
        assert 'rel="license"' in response.headers["Link"]
        if filename:
            assert filename in response.headers["Content-Disposition"]


def test_an_empty_register_exports_a_header_and_an_empty_list(
    client: FlaskClient, world: World
) -> None:
    header, rows = read_csv(client)
    assert (header, rows) == (list(HEADER), [])
    assert read_json(client)["entries"] == []
    parsed = feedparser.parse(client.get(f"{C}/register.atom").get_data())
    assert not parsed.bozo and parsed.entries == []


# -- the Atom feed ------------------------------------------------------------------------


def test_the_feed_has_an_entry_per_published_entry_latest_change_first(
    client: FlaskClient, register: Register
) -> None:
    parsed = feedparser.parse(client.get(f"{C}/register.atom").get_data())
    assert not parsed.bozo, parsed.bozo_exception
    assert parsed.feed.title == "Ma coalition : registre des algorithmes"
    links = {link.rel: link.href for link in parsed.feed.links}
    assert links["self"] == f"http://localhost{C}/register.atom"
    assert links["alternate"] == f"http://localhost{C}/register"
    assert parsed.feed.updated_parsed[:6] == (T0 + timedelta(days=2)).timetuple()[:6]
    assert [e.title for e in parsed.entries] == [
        "Prévision des fuites d'eau (Acteur A)",  # changed at T0 + 2 days
        "Chatbot des usagers",  # published at T0 + 36 h; its owner is not named
    ]
    first = parsed.entries[0]
    assert first.link == f"http://localhost{C}/register/{register.entry.id}"
    assert first.id.startswith("tag:localhost,2029-01-01:ma-coalition/register/")
    assert first.updated_parsed[:6] == (T0 + timedelta(days=2)).timetuple()[:6]
    assert first.published_parsed[:6] == (T0 + timedelta(days=1)).timetuple()[:6]
    text = first.content[0].value
    assert "Expérimentation" in text and "Décisions individuelles : oui" in text
    assert "Version 2, modifié : Finalité, Leviers" in text
    assert "Repérer les canalisations à remplacer." in text


def test_the_feed_ids_do_not_depend_on_the_host_asked_for(
    app: Flask, client: FlaskClient, register: Register
) -> None:
    app.config["BASE_URL"] = "https://coalition.example.org"
    seen = [
        [
            (e.id, e.link)
            for e in feedparser.parse(
                client.get(f"{C}/register.atom", base_url=host).get_data()
            ).entries
        ]
        for host in ("http://localhost", "https://miroir.example")
    ]
    assert seen[0] == seen[1]
    assert seen[0][0][0].startswith("tag:coalition.example.org,")
    assert seen[0][0][1].startswith("https://coalition.example.org/c/ma-coalition/register/")


def test_a_reader_that_has_the_feed_gets_304(client: FlaskClient, register: Register) -> None:
    first = client.get(f"{C}/register.atom")
    assert first.last_modified == T0 + timedelta(days=2)
    again = client.get(f"{C}/register.atom", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    by_date = client.get(
        f"{C}/register.atom", headers={"If-Modified-Since": first.headers["Last-Modified"]}
    )
    assert by_date.status_code == 304


def test_a_new_version_is_sent_again(client: FlaskClient, db: Session, register: Register) -> None:
    before = client.get(f"{C}/register.atom")
    later = T0 + timedelta(days=5)
    register.entry.human_oversight = "Deux agents valident chaque alerte."
    register.entry.updated_at = later
    add_version(db, register.entry, 3, later, ["human_oversight"])
    headers = {
        "If-None-Match": before.headers["ETag"],
        "If-Modified-Since": before.headers["Last-Modified"],
    }
    response = client.get(f"{C}/register.atom", headers=headers)
    assert response.status_code == 200
    first = feedparser.parse(response.get_data()).entries[0]
    assert first.updated_parsed[:6] == later.timetuple()[:6]
    assert "Version 3, modifié : Supervision humaine" in first.content[0].value


def test_an_unpublished_entry_is_not_hidden_behind_a_304(
    client: FlaskClient, db: Session, register: Register
) -> None:
    before = client.get(f"{C}/register.atom")
    register.entry.is_published = False
    register.entry.updated_at = T0 + timedelta(days=3)
    db.flush()
    response = client.get(
        f"{C}/register.atom", headers={"If-Modified-Since": before.headers["Last-Modified"]}
    )
    assert response.status_code == 200
    assert "Prévision des fuites" not in response.get_data(as_text=True)


# -- the schema page, the Table Schema and the docs ---------------------------------------


def test_the_schema_page_describes_every_field_and_its_equivalents(
    client: FlaskClient, register: Register
) -> None:
    response = client.get(f"{C}/register/schema")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for field in FIELDS:
        assert f'id="field-{field.name}"' in html
        assert field.meaning_fr in html.replace("&#39;", "'")
        assert field.meaning_en in html.replace("&#39;", "'")
    for names in ("organisation_name (0.12)", "human_decisions_and_review (2.3.4)", "publiccode"):
        assert names in html
    for uk, nl in STATUS_CROSSWALK.values():
        assert uk in html and nl in html
    for url in ("register.csv", "register.json", "register.atom", "register/schema.json"):
        assert f'href="{C}/{url}"' in html


@needs_vnu
def test_the_schema_page_and_the_list_with_its_data_links_are_valid_html(
    client: FlaskClient, register: Register, tmp_path: Path
) -> None:
    for name, url in (("schema", f"{C}/register/schema"), ("list", f"{C}/register")):
        response = client.get(url)
        assert response.status_code == 200, url
        (tmp_path / f"{name}.html").write_text(response.get_data(as_text=True))
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_table_schema_describes_the_csv_columns(
    client: FlaskClient, register: Register
) -> None:
    schema = client.get(f"{C}/register/schema.json").get_json()
    assert [column["name"] for column in schema["fields"]] == list(HEADER)
    types = {column["name"]: column["type"] for column in schema["fields"]}
    assert types["id"] == "integer" and types["individual_decisions"] == "boolean"
    assert types["updated_at"] == "datetime" and types["levers"] == "string"
    status = next(column for column in schema["fields"] if column["name"] == "status")
    assert status["constraints"]["enum"] == [s.value for s in EntryStatus]


def test_the_docs_table_lists_every_field_in_order_with_its_equivalents() -> None:
    section = DOCS.read_text().split("## The fields and their equivalents")[1].split("###")[0]
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if re.match(r"\| `[a-z_]+` \|", line)
    ]
    assert [row[0].strip("`") for row in rows] == list(HEADER)
    for field, row in zip(FIELDS, rows, strict=True):
        cells = " ".join(row)
        assert field.meaning_en in cells and field.meaning_fr in cells, field.name
        assert field.uk in cells and field.nl in cells, field.name


# -- what it costs ------------------------------------------------------------------------


def populate(db: Session, size: int) -> str:
    """A coalition with `size` published entries, each with `size` levers, actions, cases and
    versions, and a draft."""
    coalition = f.coalition(db)
    workshop = Workshop(coalition_id=coalition.id, title="Atelier", is_published=True)
    db.add(workshop)
    db.flush()
    for n in range(size):
        owner = f.actor(db, coalition)
        vendor = f.actor(db, coalition, family=Family.supply)
        cases = [UseCase(workshop_id=workshop.id, title=f"Cas {n}.{k}") for k in range(size)]
        db.add_all(cases)
        entry = add_entry(
            db,
            coalition,
            owner,
            vendor_id=vendor.id,
            name=f"Système {n}",
            levers=[f.lever(db, coalition) for _ in range(size)],
            actions=[f.action(db, coalition) for _ in range(size)],
            cases=cases,
        )
        for k in range(size):
            add_version(db, entry, k + 1, T0 + timedelta(hours=k), ["purpose"])
    add_entry(db, coalition, f.actor(db, coalition), name="Brouillon", is_published=False)
    return coalition.slug


def test_the_exports_cost_the_same_statements_at_1_and_6_entries(
    client: FlaskClient, db: Session, count_queries: Any
) -> None:
    small, large = populate(db, 1), populate(db, 6)
    for page in ("register.csv", "register.json", "register.atom", "register/schema"):
        few = statements(client, count_queries, f"/c/{small}/{page}")
        many = statements(client, count_queries, f"/c/{large}/{page}")
        assert few == many, page
