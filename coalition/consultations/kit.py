"""The animation kit: what posters and flyers carry and how they are laid out, with no request.

The QR code is made by segno, as SVG: nothing is drawn here. Mediators print on office printers,
so the A6 flyer comes four to an A4 sheet with cut lines rather than on A6 paper."""

import io
from dataclasses import dataclass
from typing import Any

import segno
import weasyprint
from flask_babel import lazy_gettext as _l

from coalition.core.markdown import render_markdown

TITLE_SIZES = ((60, "short"), (140, "medium"))  # longer titles print smaller; else "long"


@dataclass(frozen=True)
class Paper:
    """One printed sheet: its CSS page size and margin, how many copies it carries, the size of
    one copy's box (mm, inside the margin) and the scale of its type against the A4 poster's."""

    name: str
    label: Any  # a lazy string
    page_size: str
    page_margin: float
    copies: int
    width: float
    height: float
    padding: float
    scale: float
    qr_size: float
    text_limit: int  # characters of the introduction it carries (0: none, the flyer is small)

    @property
    def is_flyer(self) -> bool:
        return self.copies > 1

    @property
    def sheet(self) -> str:
        """The paper to put in the printer: "A4" or "A3"."""
        return self.page_size.split()[0]


PAPERS = {
    paper.name: paper
    for paper in (
        # a box a little shorter than the sheet, so that rounding never starts a second page
        Paper("a4", _l("Affiche A4"), "A4 portrait", 15, 1, 180, 265, 0, 1.0, 105, 280),
        Paper("a3", _l("Affiche A3"), "A3 portrait", 20, 1, 257, 378, 0, 1.414, 150, 280),
        Paper(
            "a6", _l("Flyers A6, 4 par feuille A4"), "A4 portrait", 0, 4, 105, 148, 8, 0.62, 48, 0
        ),
    )
}


def paper_of(name: str) -> Paper | None:
    return PAPERS.get(name)


def qr_svg(url: str, title: str, *, size: int | None = None) -> str:
    """The QR code of `url` as an SVG element with a <title> for screen readers. Without a `size`
    it has no width or height, for CSS to size it; with one, it is at most `size` pixels wide
    (whole pixels per module)."""
    code = segno.make(url, error="m")
    out = io.BytesIO()
    options: dict[str, Any] = {"omitsize": True}
    if size is not None:
        options = {"unit": "px", "scale": max(1, size // code.symbol_size()[0])}
    code.save(
        out,
        kind="svg",
        xmldecl=False,
        svgns=True,
        title=title,
        dark="#000",
        light="#fff",
        svgclass="qr-code",
        lineclass=None,
        **options,
    )
    return out.getvalue().decode()


def short_text(introduction: str, limit: int) -> str:
    """The introduction as plain text, cut at the last word that ends within `limit`."""
    if limit <= 0:
        return ""
    text = render_markdown(introduction).striptags()
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut[:limit]
    return head.rstrip(" ,;:.-–—") + "…"


def title_size(title: str) -> str:
    return next((name for longest, name in TITLE_SIZES if len(title) <= longest), "long")


def shown_address(url: str) -> str:
    """The address as people type it: without `https://`, which browsers add themselves."""
    return url.removeprefix("https://")


class NoFetch(weasyprint.URLFetcher):
    """WeasyPrint's fetcher for the kit: the pages carry everything, nothing is fetched."""

    def fetch(self, url: str, headers: Any = None) -> Any:
        raise ValueError(f"the kit fetches nothing: {url}")


def pdf_of(html: str, base_url: str, fetcher: weasyprint.URLFetcher | None = None) -> bytes:
    document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher or NoFetch())
    return bytes(document.write_pdf())
