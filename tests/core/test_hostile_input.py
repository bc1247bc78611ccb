"""Hostile values sent to every route and every form: never a server error, nothing changed.

The routes and forms are found by crawling the demo coalition as an administrator, who sees every
page; a test below checks that the crawl reaches the whole URL map.
"""

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import MembershipRole, User
from coalition.auth.service_account import request_email_change, request_password_reset
from coalition.coalitions.models import Coalition
from coalition.consultations.models import ConsultationStatus
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry
from coalition.diagnostics.snapshots import publish_starting_diagnostic
from coalition.meetings.models import AgendaItem, Decision
from coalition.models import Base
from coalition.people import service as people
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed
from tests import factories as f
from tests.auth.outbox import link_in, mails_to
from tests.consultations.conftest import make_consultation
from tests.core.crawl import TEXT_TYPES, Form, Site, crawl

DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"
BIG = ("2147483648", "9223372036854775808", "-9223372036854775809", "1e400")
NUL = "a\x00b"
LONG = "x" * 100_000
CRLF = "/\r\nSet-Cookie: pris=1"
QUERY_KEYS = (
    "page",
    "q",
    "lever",
    "actor",
    "family",
    "kind",
    "by",
    "next",
    "lang",
    "tag",
    "a",
    "b",
)
UNCHANGED_TABLES = {"throttle_counters"}  # failed logins are counted, on purpose
KEPT_FIELDS = {"csrf_token", "q", "page"}  # the search a form returns to, cut to its length

# Routes no page links to: reached by a mailed link, or only through a form on another page.
NOT_LINKED = {"actor_import.confirm"}  # its form comes with the preview of an upload


def fingerprint(connection: Connection) -> dict[str, str]:
    prints = {}
    for table in Base.metadata.sorted_tables:
        if table.name in UNCHANGED_TABLES:
            continue
        rows = connection.execute(select(table).order_by(*table.primary_key.columns)).all()
        prints[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return prints


def changed(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def extra_data(db: Session, coalition: Coalition, admin: User) -> tuple[list[str], list[str]]:
    """What the demo lacks for every form to show, and the pages that show it."""
    now = datetime.now(UTC)
    c = f"/c/{coalition.slug}"
    actor = db.scalars(select(Actor).where(Actor.coalition_id == coalition.id)).first()
    assert actor is not None
    member = f.user(db)
    f.membership(db, member, coalition, MembershipRole.member, actor)
    commitment = f.commitment(db, actor, f.action(db, coalition))
    f.holding(db, actor, f.lever(db, coalition, name="Levier tenu"))
    meeting = f.meeting(db, coalition, number=99, starts_at=now + timedelta(days=30))
    db.add_all(
        [
            AgendaItem(meeting_id=meeting.id, title="Point"),
            AgendaItem(meeting_id=meeting.id, title="Autre point"),
            Decision(meeting_id=meeting.id, text="Décision"),
            DiagnosticEntry(
                coalition_id=coalition.id,
                meeting_id=meeting.id,
                column=DiagnosticColumn.hard,
                text="Difficile",
            ),
        ]
    )
    f.lever(db, coalition, name="Levier retiré", retired_at=now)
    draft = make_consultation(db, coalition, status=ConsultationStatus.draft)
    people.invite(
        db,
        coalition,
        email="invitee@example.org",
        role=MembershipRole.facilitator,
        actor=None,
        by=admin,
        now=now,
    )
    inactive = f.user(db, is_active=False)
    request_password_reset(db, member.email, now=now)
    email_token = request_email_change(
        db, admin, new_email="nouvelle@example.org", password=f.PASSWORD, now=now
    )
    db.flush()
    return [
        f"{c}/actors/{actor.id}/manage",
        f"{c}/actors/{commitment.actor_id}/manage",
        f"{c}/meetings/{meeting.id}",
        f"{c}/meetings/{meeting.id}/prepare",
        f"{c}/framing",
        f"{c}/consultations/{draft.id}/edit",
        f"{c}/people",
        f"{c}/my-organisation",
        f"{c}/diagnostics/compare",
        f"{c}/consultations/{draft.id}/thanks",
        f"/admin/users?q={inactive.email}",
        f"/account/email/{email_token}",
    ], [
        urlsplit(link_in(mails_to(db, "invitee@example.org")[-1], "/invitations/")).path,
        urlsplit(link_in(mails_to(db, member.email)[-1], "/password/reset/")).path,
    ]


@pytest.fixture
def site(app: Flask, client: FlaskClient, db: Session) -> Site:
    coalition = load_seed(db, read_seed(DEMO)).coalition
    publish_starting_diagnostic(db, coalition)
    admin = f.user(db, is_admin=True)
    with app.test_request_context():  # the mails are written in the request's language
        pages, public_pages = extra_data(db, coalition, admin)
    public = crawl(
        app, app.test_client(), ["/", "/login", "/password/forgot", "/healthz", *public_pages]
    )
    f.log_in(client, admin)
    site = crawl(app, client, ["/", f"/c/{coalition.slug}/", "/admin/", "/admin/users", *pages])
    site.merge(public)
    return site


class Failures:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.found: list[str] = []

    def request(self, method: str, url: str, data: dict[str, str] | None = None) -> Any:
        try:
            response = self.client.open(url, method=method, data=data)
        except Exception as error:  # the test client raises what the app did not handle
            self.found.append(f"{method} {url[:200]!r} {_short(data)}: {error!r}"[:400])
            return None
        if response.status_code >= 500:
            self.found.append(f"{method} {url[:200]!r} {_short(data)}: {response.status_code}")
        return response


def _short(data: dict[str, str] | None) -> str:
    return repr({k: v[:30] for k, v in (data or {}).items()})


def with_ints_replaced(url: str, value: str) -> str | None:
    path = urlsplit(url).path
    hostile = re.sub(r"/\d+(?=/|\.|$)", f"/{value}", path)
    return hostile if hostile != path else None


def test_the_crawl_reaches_the_whole_url_map(app: Flask, site: Site) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()} - {"static"}
    missing = endpoints - site.endpoints() - NOT_LINKED
    assert not missing, "\n".join(sorted(missing))


def test_hostile_paths_and_query_strings_are_never_a_server_error(
    client: FlaskClient, site: Site
) -> None:
    failures = Failures(client)
    for urls in site.pages.values():
        for url in urls:
            path = urlsplit(url).path
            for value in BIG:
                hostile = with_ints_replaced(url, value)
                if hostile:
                    failures.request("GET", hostile)
                query = urlencode(dict.fromkeys(QUERY_KEYS, value))
                failures.request("GET", f"{path}?{query}")
            for value in (NUL, LONG[:5000], CRLF):
                failures.request("GET", f"{path}?{urlencode(dict.fromkeys(QUERY_KEYS, value))}")
            failures.request("GET", path.replace("/c/", "/c/%00", 1))
            failures.request("GET", f"{path}?q=%FF%FE&page=%C0%80&lever=%ED%A0%80")  # not UTF-8
    for form in site.forms.values():
        if form.method == "get":
            for value in (*BIG, NUL, LONG[:5000], CRLF):
                query = urlencode(dict.fromkeys(form.values(), value))
                failures.request("GET", f"{urlsplit(form.action).path}?{query}")
    assert not failures.found, "\n".join(failures.found)


def hostile_variants(form: Form) -> list[tuple[str, dict[str, str], bool]]:
    """(name, data, must change nothing) for one form."""
    values = form.values()
    mutable = [f for f in form.fields if f.name not in KEPT_FIELDS]
    texts = [f for f in mutable if f.kind in TEXT_TYPES]
    numbers = [
        f
        for f in mutable
        if f.kind in ("select", "radio", "number") or (f.kind == "hidden" and f.value.isdigit())
    ]
    variants = [
        ("NUL", {**values, **{f.name: f.value + NUL for f in mutable}}, True),
        ("long", {**values, **{f.name: LONG for f in mutable}}, True),
        ("long text", {**values, **{f.name: LONG for f in texts}}, bool(texts)),
        ("line break", {**values, **{f.name: f.value + CRLF for f in mutable}}, False),
    ]
    for value in BIG:
        if numbers:
            variants.append((value, {**values, **{f.name: value for f in numbers}}, True))
    return variants


def test_hostile_form_values_are_refused_without_a_server_error(
    client: FlaskClient, site: Site, connection: Connection
) -> None:
    failures = Failures(client)
    wrote: list[str] = []
    for (endpoint, method), form in sorted(site.forms.items()):
        if method != "post" or all(f.name in KEPT_FIELDS for f in form.fields):
            continue
        for name, data, strict in hostile_variants(form):
            before = fingerprint(connection) if strict else None
            failures.request("POST", urlsplit(form.action).path, data)
            if before is not None and (tables := changed(before, fingerprint(connection))):
                wrote.append(f"{endpoint} ({name}): {', '.join(tables)}")
    assert not failures.found, "\n".join(failures.found)
    assert not wrote, "hostile values were stored:\n" + "\n".join(wrote)


def test_the_fingerprint_sees_a_change(connection: Connection, db: Session) -> None:
    before = fingerprint(connection)
    f.coalition(db, slug="empreinte")
    assert changed(before, fingerprint(connection)) == ["coalitions"]
