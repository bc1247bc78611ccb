"""The public's read pages, kept ready: rendered once per coalition data version, language and
URL, then served from the cache (Flask-Caching: Redis when REDIS_URL is set, so that every
worker and host shares it; else each process keeps its own).

A key holds the coalition's data version (coalitions/freshness.py), which every write to the
coalition raises in its own transaction: no reader gets a page older than the last committed
write. What changes with time alone (a meeting becoming past, a consultation closing at its
hour) is at most `TIMEOUT` late, and the day is in the key. Signed-in people, flashed messages
and anything but GET go to the view. The page's CSRF token (the language and logout forms) is
the visitor's own: the cache holds a marker in its place.
"""

import hashlib
from datetime import datetime
from typing import Any

from flask import Flask, Response, g, request, session
from flask_caching import Cache
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response as BaseResponse

from coalition.access import require
from coalition.coalitions.freshness import data_version
from coalition.core.dates import PARIS
from coalition.db import db_session

TIMEOUT = 60  # seconds
TOKEN = b"\x00csrf\x00"
KEPT_HEADERS = ("Content-Type", "Content-Language", "Link", "Vary")
PAGES = frozenset(
    {
        "web.home",
        "actors.directory",
        "actors.page",
        "diagnostics.coverage",
        "diagnostics.network",
        "roadmap.board",
        "roadmap.timeline",
        "roadmap.action",
        "roadmap.objectives",
        "meetings.calendar",
        "meetings.page",
        "meetings.attendance",
        "resources.listing",
        "resources.page",
        "resources.tag_page",
        "diagnostic.index",
        "diagnostic.published",
        "consultations.index",
        "consultations.results",
        "workshops.listing",
        "workshops.page",
        "opendata.index",
        "recommendations.listing",
        "recommendations.page",
        "panels.listing",
        "register.listing",
        "register.entry",
        "register.history",
        "charter.page",
        "charter.version",
        "charter.labels",
        "charter.label",
    }
)

cache = Cache()


def init_page_cache(app: Flask) -> None:
    if app.config.get("PAGE_CACHE") is False:
        return  # every page built by its view (most tests)
    redis_url = str(app.config.get("REDIS_URL") or "")
    if redis_url:
        settings: dict[str, Any] = {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url}
    else:
        settings = {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2000}
    cache.init_app(
        app,
        {
            **settings,
            "CACHE_KEY_PREFIX": app.config.get("PAGE_CACHE_PREFIX", "coalition:pages:"),
            "CACHE_DEFAULT_TIMEOUT": TIMEOUT,
        },
    )
    app.before_request(_serve_kept)
    app.after_request(_keep)


def page_key() -> str | None:
    """The key of this request's page, or None when it is not one the cache serves."""
    if request.method != "GET" or request.endpoint not in PAGES:
        return None
    if current_user.is_authenticated or "_flashes" in session:
        return None
    slug = (request.view_args or {}).get("slug")
    version = data_version(db_session(), slug) if isinstance(slug, str) else None
    if version is None:
        return None
    from coalition import select_locale

    day = datetime.now(PARIS).date().isoformat()
    return f"{slug}:{version}:{day}:{select_locale()}:{request.full_path}"


def _serve_kept() -> BaseResponse | None:
    g.page_key = key = page_key()
    kept = cache.get(key) if key else None
    if kept is None:
        return None
    g.page_key = None  # served from the cache: nothing to keep
    require("site.view")  # the page was the public's: anyone may read it
    body, headers = kept
    response = Response(body.replace(TOKEN, generate_csrf().encode()), headers=headers)
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)


def _keep(response: Response) -> BaseResponse:
    if response.status_code != 200 or response.is_streamed or "ETag" in response.headers:
        return response
    key = g.get("page_key")
    if key is None:
        return response
    body = response.get_data()
    token = session.get("csrf_token") and generate_csrf().encode()
    if token:
        body = body.replace(token, TOKEN)
    headers = [(name, response.headers[name]) for name in KEPT_HEADERS if name in response.headers]
    cache.set(key, (body, headers))
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    return response.make_conditional(request)
