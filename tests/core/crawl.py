"""A small crawler for the hostile-input test: the links and forms a browser would find."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter

TEXT_TYPES = {"text", "search", "email", "url", "tel", "password", "textarea", None}


@dataclass
class Field:
    name: str
    kind: str | None  # the input's type, "select" or "textarea"
    value: str = ""


@dataclass
class Form:
    action: str
    method: str
    fields: list[Field] = field(default_factory=list)

    def values(self) -> dict[str, str]:
        return {f.name: f.value for f in self.fields}


class PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._select: Field | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag in ("a", "link") and "href" in a:
            self.links.append(a["href"])
        elif tag == "script" and "src" in a:
            self.links.append(a["src"])
        elif tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        elif not self.forms or "name" not in a:
            return
        elif tag == "input" and a.get("type") not in ("submit", "button", "reset", "file"):
            kind = a.get("type")
            unchecked = kind in ("checkbox", "radio") and "checked" not in a
            if unchecked and any(f.name == a["name"] for f in self.forms[-1].fields):
                return
            self.forms[-1].fields.append(Field(a["name"], kind, a.get("value", "on")))
        elif tag == "select":
            self._select = Field(a["name"], "select")
            self.forms[-1].fields.append(self._select)
        elif tag == "option" and self._select is not None:
            if not self._select.value or "selected" in a:
                self._select.value = a.get("value", "")
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self.forms[-1].fields.append(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.value += data


@dataclass
class Site:
    """What a crawl found: one or two pages per endpoint, and the forms they hold."""

    pages: dict[str, list[str]] = field(default_factory=dict)  # endpoint -> urls
    forms: dict[tuple[str, str], Form] = field(default_factory=dict)  # (endpoint, method)

    def merge(self, other: "Site") -> None:
        for endpoint, urls in other.pages.items():
            self.pages.setdefault(endpoint, []).extend(urls)
        for key, form in other.forms.items():
            self.forms.setdefault(key, form)

    def endpoints(self) -> set[str]:
        return set(self.pages) | {endpoint for endpoint, _ in self.forms}


def endpoint_of(adapter: MapAdapter, url: str, method: str = "GET") -> str | None:
    parts = urlsplit(url)
    try:
        endpoint, _ = adapter.match(parts.path, method=method.upper())
    except HTTPException:
        return None
    return str(endpoint)


def crawl(app: Flask, client: FlaskClient, start: Iterable[str], *, per_endpoint: int = 2) -> Site:
    """Follow the site's own links from `start`, keeping `per_endpoint` pages of each route
    beside the `start` pages, which are all read."""
    adapter = app.url_map.bind("localhost")
    site = Site()
    queue = list(start)
    named = set(queue)
    seen: set[str] = set()
    while queue:
        url = queue.pop(0)
        endpoint = endpoint_of(adapter, url)
        if url in seen or endpoint is None or endpoint in ("auth.logout", "static"):
            continue
        seen.add(url)
        pages = site.pages.setdefault(endpoint, [])
        if len(pages) >= per_endpoint and url not in named:
            continue
        response = client.get(url)
        body = response.get_data()  # a streamed export runs to its end; a PDF is bytes
        pages.append(url)
        if response.status_code != 200 or "html" not in (response.content_type or ""):
            continue
        parser = PageParser()
        parser.feed(body.decode())
        for form in parser.forms:
            form.action = urljoin(url, form.action or url)
            form_endpoint = endpoint_of(adapter, form.action, form.method)
            if form_endpoint and (form_endpoint, form.method) not in site.forms:
                site.forms[(form_endpoint, form.method)] = form
        queue.extend(_own_links(url, parser.links))
    return site


def _own_links(base: str, links: list[str]) -> Iterator[str]:
    for link in links:
        absolute = urlsplit(urljoin("http://localhost" + base, link))
        if absolute.netloc == "localhost" and not link.startswith("#"):
            yield absolute.path + (f"?{absolute.query}" if absolute.query else "")
