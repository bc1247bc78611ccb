"""Open data: the datasets page, their CSV and JSON exports, the Atom feeds."""

from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, current_app, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from coalition.access import require
from coalition.coalitions.models import Coalition, LicenceTerms
from coalition.coalitions.queries import coalition_or_404
from coalition.core.exports import Row, to_csv, to_json
from coalition.core.links import external_url
from coalition.core.markdown import render_markdown
from coalition.db import db_session
from coalition.meetings.models import Meeting
from coalition.opendata import tables
from coalition.opendata.columns import DATASETS, Dataset
from coalition.opendata.feeds import Feed, FeedEntry, atom_bytes
from coalition.recommendations import queries as recommendation_queries
from coalition.recommendations.models import ANSWER_STATUS_LABELS, Recommendation
from coalition.resources.models import Resource

bp = Blueprint("opendata", __name__)


@bp.get("/c/<slug>/data")
def index(slug: str) -> ResponseReturnValue:
    coalition = coalition_or_404(db_session(), slug)
    require("coalition.view", coalition)
    return render_template(
        "opendata/index.html",
        coalition=coalition,
        datasets=list(DATASETS.values()),
        feed_limit=tables.FEED_LIMIT,
        licence=coalition.data_licence_terms,
    )


def _licensed(response: Response, coalition: Coalition) -> Response:
    """The response, with a Link header naming the licence of what it carries."""
    response.headers["Link"] = coalition.data_licence_terms.link_header
    return response


def _download(coalition: Coalition, body: str, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return _licensed(response, coalition)


def _dataset(slug: str, name: str) -> tuple[Coalition, Dataset, list[Row]]:
    dataset = DATASETS.get(name)
    if dataset is None:
        abort(404)
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    return coalition, dataset, tables.TABLES[name](session, coalition)


@bp.get("/c/<slug>/data/<dataset>.csv")
def csv_export(slug: str, dataset: str) -> ResponseReturnValue:
    coalition, table, rows = _dataset(slug, dataset)
    body = to_csv(table.header, rows)
    return _download(coalition, body, "text/csv", f"{slug}-{table.name}.csv")


@bp.get("/c/<slug>/data/<dataset>.json")
def json_export(slug: str, dataset: str) -> ResponseReturnValue:
    coalition, table, rows = _dataset(slug, dataset)
    body = to_json(table.header, rows)
    return _download(coalition, body, "application/json", f"{slug}-{table.name}.json")


# -- Atom feeds ---------------------------------------------------------------------------
# Ids and links are built from BASE_URL, never from the request's Host: a reader that reaches
# the feed under another name must see the same entries, not a copy of each.


def _tag(coalition: Coalition, specific: str) -> str:
    """A tag: URI (RFC 4151) for an item of the coalition: stable whatever its URL."""
    authority = urlsplit(str(current_app.config["BASE_URL"])).hostname
    return f"tag:{authority},{coalition.created_at.date().isoformat()}:{coalition.slug}/{specific}"


def _rights(terms: LicenceTerms) -> str:
    """The Atom `rights` of a feed: the coalition's data licence, in words."""
    return _("Ce fil est publié sous %(licence)s : %(url)s", licence=terms.label, url=terms.url)


def _atom(
    coalition: Coalition, feed: Feed, entries: list[FeedEntry], changed: datetime
) -> Response:
    """The feed, with an ETag and a Last-Modified: 304 when the reader already has it."""
    response = Response(atom_bytes(feed, entries), mimetype="application/atom+xml")
    response.last_modified = changed
    response.add_etag()
    _licensed(response, coalition).make_conditional(request)  # 304 and no body if unchanged
    return response


@bp.get("/c/<slug>/resources.atom")
def resources_feed(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    feed = Feed(
        id=external_url("opendata.resources_feed", slug=slug),
        title=_("%(coalition)s : ressources", coalition=coalition.name),
        subtitle=_("Les dernières ressources publiées par la coalition."),
        self_link=external_url("opendata.resources_feed", slug=slug),
        alternate_link=external_url("resources.listing", slug=slug),
        author=coalition.name,
        since=coalition.created_at,
        rights=_rights(coalition.data_licence_terms),
        licence_link=coalition.data_licence_terms.url,
    )
    entries = [_resource_entry(coalition, r) for r in tables.latest_resources(session, coalition)]
    return _atom(coalition, feed, entries, tables.last_change(db_session(), coalition, Resource))


def _resource_entry(coalition: Coalition, resource: Resource) -> FeedEntry:
    published = resource.published_at or resource.updated_at
    return FeedEntry(
        id=_tag(coalition, f"resources/{resource.id}"),
        title=resource.title,
        link=resource.url,
        updated=published,
        published=published,
        summary=resource.summary,
        language=resource.language or None,
    )


@bp.get("/c/<slug>/minutes.atom")
def minutes_feed(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    feed = Feed(
        id=external_url("opendata.minutes_feed", slug=slug),
        title=_("%(coalition)s : comptes rendus des rencontres", coalition=coalition.name),
        subtitle=_("Les comptes rendus des rencontres, à leur publication."),
        self_link=external_url("opendata.minutes_feed", slug=slug),
        alternate_link=external_url("meetings.calendar", slug=slug),
        author=coalition.name,
        since=coalition.created_at,
        rights=_rights(coalition.data_licence_terms),
        licence_link=coalition.data_licence_terms.url,
    )
    entries = [_minutes_entry(coalition, m) for m in tables.published_minutes(session, coalition)]
    return _atom(coalition, feed, entries, tables.last_change(db_session(), coalition, Meeting))


def _minutes_entry(coalition: Coalition, meeting: Meeting) -> FeedEntry:
    assert meeting.minutes_published_at is not None  # published_minutes() keeps only those
    return FeedEntry(
        id=_tag(coalition, f"minutes/{meeting.id}"),
        title=meeting.title,
        link=external_url("meetings.page", slug=coalition.slug, meeting_id=meeting.id),
        updated=meeting.minutes_published_at,
        published=meeting.minutes_published_at,
        content=str(render_markdown(meeting.minutes)),  # what the meeting page shows
        content_type="html",
    )


@bp.get("/c/<slug>/recommendations.atom")
def recommendations_feed(slug: str) -> ResponseReturnValue:
    """New recommendations and those answered: an entry each, updated when it is answered."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    feed = Feed(
        id=external_url("opendata.recommendations_feed", slug=slug),
        title=_("%(coalition)s : recommandations", coalition=coalition.name),
        subtitle=_(
            "Les recommandations reçues par la coalition et les réponses qu'elles ont eues."
        ),
        self_link=external_url("opendata.recommendations_feed", slug=slug),
        alternate_link=external_url("recommendations.listing", slug=slug),
        author=coalition.name,
        since=coalition.created_at,
        rights=_rights(coalition.data_licence_terms),
        licence_link=coalition.data_licence_terms.url,
    )
    found = recommendation_queries.latest_changes(session, coalition)
    entries = [_recommendation_entry(coalition, r) for r in found]
    changed = recommendation_queries.last_change(session, coalition)
    return _atom(coalition, feed, entries, changed)


def _recommendation_entry(coalition: Coalition, recommendation: Recommendation) -> FeedEntry:
    title = recommendation.title
    status = recommendation.answer_status
    if status is not None:
        answer = ANSWER_STATUS_LABELS[status]
        title = _("%(title)s : %(answer)s", title=title, answer=answer)
    return FeedEntry(
        id=_tag(coalition, f"recommendations/{recommendation.id}"),
        title=title,
        link=external_url(
            "recommendations.page", slug=coalition.slug, recommendation_id=recommendation.id
        ),
        updated=recommendation.answer_recorded_at or recommendation.created_at,
        published=recommendation.created_at,
        summary=recommendation.answer_reason,
        content=str(render_markdown(recommendation.text)),
        content_type="html",
    )
