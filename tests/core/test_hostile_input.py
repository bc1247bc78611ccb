"""Hostile values sent to every route and every form: never a server error, nothing changed.

The routes and forms are found by crawling the demo coalition as an administrator, who sees every
page; a test below checks that the crawl reaches the whole URL map.
"""

import hashlib
import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from coalition.models import Base
from tests import factories as f
from tests.core.crawl import TEXT_TYPES, Form, Site

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
NOT_LINKED = {
    "actor_import.confirm",  # its form comes with the preview of an upload
    "stall_import.confirm",  # the same, for stalls
    "pool_import.confirm",  # the same, for a panel's volunteers
    "panels.reopen",  # its button shows after a failed draw only
    "panels.retry",  # and this one after a failed replacement
    "charter.sign",  # its form shows to an actor's own members; the crawl is an administrator's
    "diagnostic.add_entry",  # single-entry writes; the prepare page saves whole columns
    "diagnostic.edit_entry",
    "diagnostic.remove_entry",
    "stall.old_kiosk",  # the address a stall had before its own link: a bookmark, redirected
    "stall.open_kiosk",  # its button shows with a link just made, in that browser only
}


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


class Failures:
    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.found: list[str] = []

    def request(self, method: str, url: str, data: dict[str, str] | None = None) -> Any:
        try:
            response = self.client.open(url, method=method, data=data)
            response.get_data()  # a streamed export runs to its end
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
