"""Atom feeds (RFC 4287), built from plain rows.

Pure functions: no database, no Flask. The caller gives the feed's identity and links and its
entries, newest first; `atom_bytes` writes the XML with ElementTree, which escapes `<`, `&` and
quotes. Characters XML 1.0 cannot carry at all (most control characters) are dropped. HTML
content (`type="html"`) travels escaped, as RFC 4287 asks: readers unescape it, then render it.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
GENERATOR = "Coalition"
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class FeedEntry:
    id: str  # a tag: URI or an absolute URL, stable for the life of the entry
    title: str
    link: str  # absolute URL of what the entry is about
    updated: datetime  # aware
    published: datetime | None = None
    summary: str = ""  # plain text
    content: str = ""  # plain text, or sanitised HTML when content_type is "html"
    content_type: Literal["text", "html"] = "text"
    language: str | None = None


@dataclass(frozen=True)
class Feed:
    id: str  # an absolute URL: the feed's own
    title: str
    self_link: str  # absolute URL of the feed
    alternate_link: str  # absolute URL of the page that shows the same items
    author: str
    since: datetime  # aware; the feed's `updated` while it has no entry
    subtitle: str = ""
    language: str = "fr"
    rights: str = ""  # plain text: the licence of what the feed carries
    licence_link: str = ""  # absolute URL of that licence (RFC 4946)


def xml_text(text: str) -> str:
    return NOT_XML.sub("", text)


def rfc3339(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime given where a point in time is expected")
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _add(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    element.text = xml_text(text)
    return element


def _link(parent: ET.Element, rel: str, href: str, mimetype: str | None = None) -> None:
    attributes = {"rel": rel, "href": xml_text(href)}
    if mimetype:
        attributes["type"] = mimetype
    ET.SubElement(parent, "link", attributes)


def atom_bytes(feed: Feed, entries: Sequence[FeedEntry]) -> bytes:
    """The feed as UTF-8 XML; `updated` is that of its latest entry."""
    root = ET.Element("feed", {"xmlns": ATOM_NAMESPACE, XML_LANG: feed.language})
    _add(root, "id", feed.id)
    _add(root, "title", feed.title, type="text")
    if feed.subtitle:
        _add(root, "subtitle", feed.subtitle, type="text")
    updated = max((entry.updated for entry in entries), default=feed.since)
    _add(root, "updated", rfc3339(updated))
    author = ET.SubElement(root, "author")
    _add(author, "name", feed.author)
    _link(root, "self", feed.self_link, "application/atom+xml")
    _link(root, "alternate", feed.alternate_link, "text/html")
    if feed.licence_link:
        _link(root, "license", feed.licence_link)
    if feed.rights:
        _add(root, "rights", feed.rights, type="text")
    _add(root, "generator", GENERATOR)
    for entry in entries:
        element = ET.SubElement(root, "entry")
        if entry.language:
            element.set(XML_LANG, entry.language)
        _add(element, "id", entry.id)
        _add(element, "title", entry.title, type="text")
        _add(element, "updated", rfc3339(entry.updated))
        if entry.published:
            _add(element, "published", rfc3339(entry.published))
        _link(element, "alternate", entry.link)
        if entry.summary:
            _add(element, "summary", entry.summary, type="text")
        if entry.content:
            _add(element, "content", entry.content, type=entry.content_type)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
