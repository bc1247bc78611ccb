"""The meeting diagnostic counts the register and the charter (issue 20, point 4): published
entries by status and owner family, those taking part in individual decisions without a
published impact assessment, and the charter's signatures by family since the previous meeting
with the signatories of the current version. Diagnostics published before show neither."""

import re
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from html import unescape
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, Family
from coalition.charter.models import CharterVersion, Signature
from coalition.diagnostics import compute, service, snapshots
from coalition.diagnostics.facts import (
    CharterFacts,
    DiagnosticInputs,
    EntryFacts,
    Item,
    SignatureFacts,
)
from coalition.diagnostics.models import DiagnosticSnapshot
from coalition.meetings.attendance import attendance_report
from coalition.meetings.models import Meeting, MeetingStatus
from coalition.register.models import EntryStatus, RegisterEntry
from tests import factories as f
from tests.conftest import World
from tests.core.test_html_valid import VNU, needs_vnu
from tests.web.test_statements import statements

C = "/c/ma-coalition"
PREVIOUS = datetime(2029, 3, 1, 17, tzinfo=UTC)  # the previous meeting starts
STARTS = datetime(2029, 4, 1, 17, tzinfo=UTC)  # this one
BEFORE, BETWEEN, AFTER = (datetime(2029, m, 15, 12, tzinfo=UTC) for m in (2, 3, 4))
NO_ASSESSMENT = "Tri des *dossiers* <b>logement</b>"  # a name written to break Markdown
ZEROS = {"research": 0, "use": 0, "supply": 0, "procurement": 0}


# -- the computation, from plain rows ------------------------------------------------------


def _entry(ident: int, status: str, family: str, decisions: bool, assessed: bool) -> EntryFacts:
    return EntryFacts(ident, f"Fiche {ident}", status, family, decisions, assessed)


def test_published_entries_are_counted_by_status_and_family() -> None:
    section = compute.register_section(
        [
            _entry(1, "in_use", "use", True, False),
            _entry(2, "in_use", "use", True, True),  # its assessment is published
            _entry(3, "pilot", "supply", False, False),  # no individual decision
            _entry(4, "idea", "use", True, False),
        ]
    )
    assert section.by_status == {
        "idea": {**ZEROS, "use": 1},
        "pilot": {**ZEROS, "supply": 1},
        "in_use": {**ZEROS, "use": 2},
        "stopped": ZEROS,
    }
    assert section.without_assessment == [
        Item("entry", 1, "Fiche 1", "in_use"),
        Item("entry", 4, "Fiche 4", "idea"),
    ]


def test_an_empty_register_counts_zero_everywhere() -> None:
    section = compute.register_section([])
    assert section.by_status == dict.fromkeys(("idea", "pilot", "in_use", "stopped"), ZEROS)
    assert section.without_assessment == []


def _charter(since: datetime | None, *signatures: SignatureFacts) -> CharterFacts:
    return CharterFacts(current=2, signatures=signatures, since=since, until=STARTS)


def test_signatures_are_counted_since_the_previous_meeting_and_for_the_current_version() -> None:
    signatures = (
        SignatureFacts(1, "use", BEFORE),  # before the previous meeting
        SignatureFacts(2, "use", BETWEEN),  # signed again, since then
        SignatureFacts(2, "research", PREVIOUS),  # as the previous meeting started
        SignatureFacts(1, "supply", BETWEEN),  # an older version, since then
        SignatureFacts(2, "procurement", AFTER),  # once this meeting had started
    )
    section = compute.charter_section(_charter(PREVIOUS, *signatures))
    assert section.current == 2 and section.since == PREVIOUS
    assert section.signed_since == {**ZEROS, "use": 1, "research": 1, "supply": 1}
    assert section.signed_current == {**ZEROS, "use": 1, "research": 1, "procurement": 1}
    first = compute.charter_section(_charter(None, *signatures))  # the first meeting
    assert first.signed_since == {**ZEROS, "use": 2, "research": 1, "supply": 1}


def test_without_a_charter_nothing_is_counted() -> None:
    for charter in (None, CharterFacts(None, (), None, STARTS)):
        section = compute.charter_section(charter)
        assert section.current is None and not section.signed_since


def test_the_sections_survive_storage_and_older_data_has_none() -> None:
    inputs = DiagnosticInputs(
        graph=nx.Graph(),
        actions=[],
        reviews=[],
        attendance=attendance_report([], [], []),
        changes=[],
        new_resources=[],
        today=date(2029, 3, 20),
        register=[_entry(1, "in_use", "use", True, False)],
        charter=_charter(PREVIOUS, SignatureFacts(2, "use", BETWEEN)),
    )
    diagnostic = compute.compute_diagnostic(inputs)
    data = compute.to_data(diagnostic)
    back = compute.from_data(data)
    assert back.register == diagnostic.register and back.charter == diagnostic.charter
    assert data["charter"]["since"] == PREVIOUS.isoformat()  # codes and ISO dates, no words
    del data["register"], data["charter"]
    assert compute.from_data(data).register is None and compute.from_data(data).charter is None


# -- the pages -----------------------------------------------------------------------------


@dataclass
class Register:
    meeting: Meeting
    without: RegisterEntry  # published, individual decisions, no published assessment
    unlisted: Actor  # out of the directory, signed the current version


def _add_entry(db: Session, owner: Actor, name: str, status: EntryStatus, **fields: Any) -> Any:
    entry = RegisterEntry(
        coalition_id=owner.coalition_id, owner_id=owner.id, name=name, status=status, **fields
    )
    db.add(entry)
    db.flush()
    return entry


def _sign(db: Session, version: CharterVersion, actor: Actor, at: datetime) -> None:
    db.add(Signature(version_id=version.id, actor_id=actor.id, signer_name="Léa", signed_at=at))


@pytest.fixture
def register(db: Session, world: World) -> Register:
    """Acteur A (Usage) owns three published entries and a draft, a research actor one; the
    charter has two versions, signed by actors of three families at different times."""
    research = f.actor(db, world.coalition, name="Labo", family=Family.research)
    vendor = f.actor(db, world.coalition, name="Éditeur", family=Family.supply)
    unlisted = f.actor(db, world.coalition, name="Discret", family=Family.supply, is_listed=False)
    published = {"is_published": True}
    without = _add_entry(
        db, world.actor, NO_ASSESSMENT, EntryStatus.in_use, individual_decisions=True, **published
    )
    _add_entry(
        db,
        world.actor,
        "Orientation vers l'emploi",
        EntryStatus.pilot,
        individual_decisions=True,
        impact_assessment_url="https://example.org/aipd.pdf",
        **published,
    )
    _add_entry(db, world.actor, "Agent conversationnel", EntryStatus.in_use, **published)
    _add_entry(db, research, "Prévision des crues", EntryStatus.idea, **published)
    _add_entry(db, world.actor, "Brouillon secret", EntryStatus.in_use, individual_decisions=True)
    v1, v2 = (
        CharterVersion(coalition_id=world.coalition.id, number=n, title="Charte", text="Texte")
        for n in (1, 2)
    )
    db.add_all([v1, v2])
    db.flush()
    _sign(db, v1, world.actor, BEFORE)
    _sign(db, v2, world.actor, BETWEEN)
    _sign(db, v2, research, BETWEEN)
    _sign(db, v1, vendor, BEFORE)
    _sign(db, v2, unlisted, BETWEEN)
    f.meeting(db, world.coalition, starts_at=PREVIOUS, status=MeetingStatus.held)
    meeting = f.meeting(db, world.coalition, starts_at=STARTS)
    db.flush()
    return Register(meeting, without, unlisted)


def _section(html: str, name: str) -> str:
    return html.split(f'id="section-{name}"')[1].split("</section>")[0]


def _rows(section: str) -> dict[str, list[int]]:
    """Each table row's header and numbers."""
    return {
        unescape(head): [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', cells)]
        for head, cells in re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', section)
    }


def test_the_prepare_page_counts_the_register_and_the_charter(
    client: FlaskClient, world: World, register: Register
) -> None:
    world.log_in(client, "facilitator")
    html = client.get(f"{C}/meetings/{register.meeting.id}/prepare").get_data(as_text=True)
    section = _section(html, "register")
    # research, use, supply, procurement, then the total: the draft is not counted
    assert _rows(section) == {
        "Idée": [1, 0, 0, 0, 1],
        "Expérimentation": [0, 1, 0, 0, 1],
        "En service": [0, 2, 0, 0, 2],
        "Arrêté": [0, 0, 0, 0, 0],
        "Total": [1, 3, 0, 0, 4],
    }
    assert "Seules les fiches publiées sont comptées" in section
    missing = unescape(section.split("sans analyse d'impact publiée")[1].split("</dd>")[0])
    link = f'<a href="{C}/register/{register.without.id}">{NO_ASSESSMENT}</a>'
    assert link in missing and "(En service)" in missing
    assert "Orientation" not in missing and "Brouillon secret" not in html
    charter = _section(html, "charter")
    assert "La version en cours de la charte est la n°2." in charter
    assert "Signatures depuis la rencontre précédente (1 mars 2029)" in unescape(charter)
    # since the previous meeting, signed the current version: facilitators count everyone
    assert _rows(charter) == {
        "Recherche et experts": [1, 1],
        "Usage": [1, 1],
        "Offre": [1, 1],
        "Commande": [0, 0],
        "Total": [3, 3],
    }


def test_the_published_diagnostic_counts_what_the_public_sees(
    app: Flask, client: FlaskClient, db: Session, world: World, register: Register
) -> None:
    """Published, the charter counts the directory's actors only, as the charter's page does;
    the print view shows the same tables without links, the Markdown export the same numbers
    with the entry's name kept as text."""
    with app.test_request_context():
        data = snapshots.published_data(
            db, world.coalition, register.meeting, [], today=date.today()
        )
    service.publish(db, register.meeting, data, by=None)
    db.flush()
    url = f"{C}/meetings/{register.meeting.id}/diagnostic"
    html = client.get(url).get_data(as_text=True)
    assert _rows(_section(html, "charter"))["Offre"] == [0, 0]  # "Discret" is not listed
    assert _rows(_section(html, "register"))["Total"] == [1, 3, 0, 0, 4]
    assert f'href="{C}/register/{register.without.id}"' in html
    printed = client.get(f"{url}/print").get_data(as_text=True)
    assert _rows(_section(printed, "register"))["En service"] == [0, 2, 0, 0, 2]
    assert f"{C}/register/" not in printed
    markdown = client.get(f"{url}.md").get_data(as_text=True)
    assert "## Le registre des algorithmes" in markdown and "## La charte" in markdown
    assert "- En service : 2 (Usage : 2)" in markdown
    assert r"- Tri des \*dossiers\* \<b\>logement\</b\> (En service)" in markdown
    assert "### Ont signé la version n°2 (2)" in markdown


def test_a_diagnostic_published_before_shows_neither_section(
    app: Flask, client: FlaskClient, db: Session, world: World, register: Register
) -> None:
    with app.test_request_context():
        data = snapshots.published_data(
            db, world.coalition, register.meeting, [], today=date.today()
        )
    del data["computed"]["register"], data["computed"]["charter"]  # frozen before this release
    service.publish(db, register.meeting, data, by=None)
    db.flush()
    assert db.scalars(select(DiagnosticSnapshot.id)).first() is not None
    url = f"{C}/meetings/{register.meeting.id}/diagnostic"
    for page in (url, f"{url}/print", f"{url}.md"):
        text = client.get(page).get_data(as_text=True)
        assert "Les actions" in text, page
        for shown in ('id="section-register"', 'id="section-charter"', "## Le registre", "## La"):
            assert shown not in text, (page, shown)
        assert "sans analyse d'impact" not in unescape(text), page


def test_a_coalition_without_register_nor_charter_reads_no_such_section(
    client: FlaskClient, db: Session, world: World
) -> None:
    meeting = f.meeting(db, world.coalition)
    owner = f.actor(db, world.coalition)
    _add_entry(db, owner, "Pas encore publiée", EntryStatus.idea)
    world.log_in(client, "facilitator")
    html = client.get(f"{C}/meetings/{meeting.id}/prepare").get_data(as_text=True)
    assert "Les actions" in html
    assert 'id="section-register"' not in html and 'id="section-charter"' not in html


def test_the_prepare_page_costs_the_same_at_1_and_6_entries_and_signatures(
    client: FlaskClient, db: Session, world: World, count_queries: Any
) -> None:
    world.log_in(client, "admin")

    def populate(size: int) -> str:
        coalition = f.coalition(db)
        f.meeting(db, coalition, starts_at=PREVIOUS, status=MeetingStatus.held)
        meeting = f.meeting(db, coalition, starts_at=STARTS)
        version = CharterVersion(coalition_id=coalition.id, number=1, title="C", text="T")
        db.add(version)
        db.flush()
        for n in range(size):
            family = list(Family)[n % 4]
            actor = f.actor(db, coalition, family=family)
            _add_entry(
                db,
                actor,
                f"Fiche {n}",
                EntryStatus.in_use,
                is_published=True,
                individual_decisions=True,
            )
            _sign(db, version, actor, BETWEEN)
        db.flush()
        return f"/c/{coalition.slug}/meetings/{meeting.id}/prepare"

    small, large = populate(1), populate(6)
    assert "Fiche 5" in client.get(large).get_data(as_text=True)
    assert statements(client, count_queries, small) == statements(client, count_queries, large)


@needs_vnu
def test_the_pages_with_both_sections_are_valid_html(
    app: Flask, client: FlaskClient, db: Session, world: World, register: Register, tmp_path: Path
) -> None:
    world.log_in(client, "facilitator")
    meeting = register.meeting
    pages = {"prepare": f"{C}/meetings/{meeting.id}/prepare"}
    pages["confirm"] = f"{C}/meetings/{meeting.id}/diagnostic/publish"
    for name, url in pages.items():
        html = client.get(url).get_data(as_text=True)
        assert 'id="section-register"' in html and 'id="section-charter"' in html, name
        (tmp_path / f"{name}.html").write_text(html)
    with app.test_request_context():
        data = snapshots.published_data(db, world.coalition, meeting, [], today=date.today())
    service.publish(db, meeting, data, by=None)
    db.flush()
    for name in ("diagnostic", "diagnostic/print"):
        url = f"{C}/meetings/{meeting.id}/{name}"
        (tmp_path / f"{name.replace('/', '-')}.html").write_text(
            client.get(url).get_data(as_text=True)
        )
    files = sorted(str(path) for path in tmp_path.glob("*.html"))
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
