"""The register as data: CSV, JSON and an Atom feed of new and changed entries, and the page
that says what each field means and how it maps to the UK and Dutch registers."""

import json
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from coalition.access import require
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.exports import to_csv
from coalition.core.links import external_url
from coalition.db import db_session
from coalition.opendata.feeds import Feed, FeedEntry, atom_bytes
from coalition.register import exports, queries_data
from coalition.register.exports import PublishedEntry
from coalition.register.models import ENTRY_STATUS_LABELS

bp = Blueprint("register_data", __name__)


def _coalition(slug: str) -> Coalition:
    coalition = coalition_or_404(db_session(), slug)
    require("coalition.view", coalition)
    return coalition


def _licensed(response: Response, coalition: Coalition) -> Response:
    """The response, with a Link header naming the licence of what it carries."""
    response.headers["Link"] = coalition.data_licence_terms.link_header
    return response


def _download(coalition: Coalition, body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _licensed(response, coalition)


def _page_url(coalition: Coalition) -> Callable[[int], str]:
    def url_of(entry_id: int) -> str:
        return external_url("register.entry", slug=coalition.slug, entry_id=entry_id)

    return url_of


@bp.get("/c/<slug>/register.csv")
def csv_export(slug: str) -> ResponseReturnValue:
    coalition = _coalition(slug)
    entries = queries_data.published_entries(db_session(), coalition)
    body = to_csv(exports.HEADER, exports.csv_rows(entries, _page_url(coalition)))
    return _download(coalition, body, "text/csv", f"{slug}-register.csv")


@bp.get("/c/<slug>/register.json")
def json_export(slug: str) -> ResponseReturnValue:
    coalition = _coalition(slug)
    entries = queries_data.published_entries(db_session(), coalition)
    document = exports.json_document(
        entries,
        _page_url(coalition),
        coalition=coalition.name,
        schema_url=external_url("register_data.schema", slug=slug),
        licence_url=coalition.data_licence_terms.url,
    )
    body = json.dumps(document, ensure_ascii=False)
    return _download(coalition, body, "application/json", f"{slug}-register.json")


@bp.get("/c/<slug>/register/schema")
def schema(slug: str) -> ResponseReturnValue:
    coalition = _coalition(slug)
    return render_template(
        "register/data_schema.html",
        coalition=coalition,
        fields=exports.FIELDS,
        always_given=exports.ALWAYS_GIVEN,
        crosswalk=[
            (status, ENTRY_STATUS_LABELS[status], uk, nl)
            for status, (uk, nl) in exports.STATUS_CROSSWALK.items()
        ],
        schema_version=exports.SCHEMA_VERSION,
        licence=coalition.data_licence_terms,
        feed_limit=queries_data.FEED_LIMIT,
    )


@bp.get("/c/<slug>/register/schema.json")
def table_schema(slug: str) -> ResponseReturnValue:
    """The CSV's columns as a Frictionless Table Schema, for validators and data portals."""
    coalition = _coalition(slug)
    document = exports.table_schema(
        _("%(coalition)s : registre des algorithmes", coalition=coalition.name),
        external_url("register_data.schema", slug=slug),
    )
    response = Response(json.dumps(document, ensure_ascii=False), mimetype="application/json")
    return _licensed(response, coalition)


# -- the Atom feed ------------------------------------------------------------------------
# Ids and links come from BASE_URL, never from the request's Host, as in the other feeds.


def _tag(coalition: Coalition, specific: str) -> str:
    """A tag: URI (RFC 4151) for an item of the coalition: stable whatever its URL."""
    authority = urlsplit(str(current_app.config["BASE_URL"])).hostname
    return f"tag:{authority},{coalition.created_at.date().isoformat()}:{coalition.slug}/{specific}"


@bp.get("/c/<slug>/register.atom")
def feed(slug: str) -> ResponseReturnValue:
    """New and changed published entries: one each, updated at its latest change."""
    session = db_session()
    coalition = _coalition(slug)
    terms = coalition.data_licence_terms
    atom = Feed(
        id=external_url("register_data.feed", slug=slug),
        title=_("%(coalition)s : registre des algorithmes", coalition=coalition.name),
        subtitle=_(
            "Les systèmes algorithmiques et usages d'IA des acteurs de la coalition, "
            "à leur publication et à chaque modification."
        ),
        self_link=external_url("register_data.feed", slug=slug),
        alternate_link=external_url("register.listing", slug=slug),
        author=coalition.name,
        since=coalition.created_at,
        rights=_(
            "Ce fil est publié sous %(licence)s : %(url)s", licence=terms.label, url=terms.url
        ),
        licence_link=terms.url,
    )
    entries = [_feed_entry(coalition, e) for e in queries_data.latest_published(session, coalition)]
    return _atom(coalition, atom, entries, queries_data.last_change(session, coalition))


def _atom(
    coalition: Coalition, feed: Feed, entries: list[FeedEntry], changed: datetime
) -> Response:
    """The feed, with an ETag and a Last-Modified: 304 when the reader already has it."""
    response = Response(atom_bytes(feed, entries), mimetype="application/atom+xml")
    response.last_modified = changed
    response.add_etag()
    _licensed(response, coalition).make_conditional(request)
    return response


def _feed_entry(coalition: Coalition, entry: PublishedEntry) -> FeedEntry:
    title = entry.name
    if entry.owner:
        title = _("%(name)s (%(owner)s)", name=entry.name, owner=entry.owner)
    lines = [
        _("État : %(status)s", status=ENTRY_STATUS_LABELS[entry.status]),
        _("Décisions individuelles : oui")
        if entry.individual_decisions
        else _("Décisions individuelles : non"),
    ]
    if entry.version and entry.version > 1 and entry.changed:
        changed = ", ".join(exports.changed_labels(entry.changed))
        lines.append(
            _("Version %(number)d, modifié : %(fields)s", number=entry.version, fields=changed)
        )
    if entry.purpose:
        lines += ["", entry.purpose]
    return FeedEntry(
        id=_tag(coalition, f"register/{entry.id}"),
        title=title,
        link=external_url("register.entry", slug=coalition.slug, entry_id=entry.id),
        updated=entry.updated_at,
        published=entry.published_at,
        content="\n".join(lines),
    )
