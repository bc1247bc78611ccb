"""The animation kit: posters (A4, A3) and flyers (A6, four to an A4 sheet) whose QR code, read
back by a decoder from the printed PDF, is the stall's short link or the consultation's form;
the QR code alone as segno's SVG; nothing for a closed consultation, nothing of the holders."""

import base64
import hashlib
import re
import subprocess
from datetime import date
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pypdfium2
import pytest
import segno
import zxingcpp
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.consultations import kit
from coalition.consultations.models import Consultation, ConsultationStatus, Stall
from tests.conftest import World
from tests.consultations.conftest import make_consultation
from tests.core.test_html_valid import VNU, needs_vnu

C = "/c/ma-coalition/consultations"
A4, A3 = (595.3, 841.9), (841.9, 1190.6)  # points
SVG = "{http://www.w3.org/2000/svg}"
HOLDER, HOLDER_MAIL = "Camille Tenant", "camille.tenant@example.org"
INTRODUCTION = (
    "Le **Marché de l'IA** vient à votre rencontre : dites-nous ce que l'intelligence "
    "artificielle change pour vous, au travail comme à la maison. [En savoir plus]"
    "(https://example.org/ia). Vos réponses sont anonymes ; elles nourriront les ateliers "
    "de l'automne, dans chaque territoire, avec les élus, les associations et les "
    "conseillers numériques qui les animent, et le bilan sera public."
)


def kit_url(consultation: Consultation, tail: str = "", stall: Stall | None = None) -> str:
    stand = f"?stand={stall.code}" if stall else ""
    return f"{C}/{consultation.id}/kit{tail}{stand}"


def pdf_pages(data: bytes) -> list[tuple[float, float]]:
    document = pypdfium2.PdfDocument(data)
    return [document[n].get_size() for n in range(len(document))]


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    return "\n".join(document[n].get_textpage().get_text_range() for n in range(len(document)))


def codes_in_pdf(data: bytes, scale: float = 2) -> list[str]:
    """What a QR decoder reads on the rendered pages (scale 2: 144 dots per inch)."""
    document = pypdfium2.PdfDocument(data)
    found = []
    for n in range(len(document)):
        image = document[n].render(scale=scale).to_pil()
        found += [code.text for code in zxingcpp.read_barcodes(image)]
    return found


def same_size(size: tuple[float, float], expected: tuple[float, float]) -> bool:
    return abs(size[0] - expected[0]) <= 1 and abs(size[1] - expected[1]) <= 1


def text_of(response: Any) -> str:
    return str(response.get_data(as_text=True)).replace("&#39;", "'")


@pytest.fixture
def stall(db: Session, consultation: Consultation) -> Stall:
    consultation.introduction = INTRODUCTION
    stall = Stall(
        consultation_id=consultation.id,
        place="Marché de Dié",
        territory="Drôme",
        held_on=date(2025, 7, 5),
        holder_name=HOLDER,
        holder_email=HOLDER_MAIL,
    )
    db.add(stall)
    db.flush()
    return stall


@pytest.mark.parametrize(("paper", "size", "copies"), [("a4", A4, 1), ("a3", A3, 1), ("a6", A4, 4)])
def test_a_stalls_printed_kit_is_one_sheet_whose_qr_codes_read_as_its_short_link(
    client: FlaskClient,
    consultation: Consultation,
    stall: Stall,
    paper: str,
    size: tuple[float, float],
    copies: int,
) -> None:
    response = client.get(kit_url(consultation, f"/{paper}.pdf", stall))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    kind = "flyers" if paper == "a6" else "affiche"
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="{kind}-{paper}-{stall.code}.pdf"'
    )
    pages = pdf_pages(response.data)
    assert len(pages) == 1 and same_size(pages[0], size), pages
    assert codes_in_pdf(response.data) == [f"http://localhost/s/{stall.code}"] * copies
    printed = pdf_text(response.data)
    assert "Et vous, l'IA ?" in printed and "Marché de Dié" in printed
    assert "localhost/s/" + stall.code in printed.replace("\r", "").replace("\n", "")
    assert HOLDER not in printed and HOLDER_MAIL not in printed


def test_the_consultations_poster_reads_as_its_online_form(
    client: FlaskClient, consultation: Consultation
) -> None:
    response = client.get(kit_url(consultation, "/a4.pdf"))
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        f'inline; filename="affiche-a4-consultation-{consultation.id}.pdf"'
    )
    assert len(pdf_pages(response.data)) == 1
    form = f"http://localhost/c/ma-coalition/consultations/{consultation.id}"
    assert codes_in_pdf(response.data) == [form]
    assert client.get(form.removeprefix("http://localhost")).status_code == 200


def test_the_stalls_short_link_leads_to_the_form_counting_for_the_stall(
    client: FlaskClient, consultation: Consultation, stall: Stall
) -> None:
    [link] = codes_in_pdf(client.get(kit_url(consultation, "/a4.pdf", stall)).data)
    response = client.get(link.removeprefix("http://localhost"))
    assert response.status_code in (302, 303)
    assert response.headers["Location"].endswith(
        f"/consultations/{stall.consultation_id}?stand={stall.code}"
    )


def test_the_longest_title_text_and_place_still_fit_one_sheet(
    client: FlaskClient, db: Session, stall: Stall, consultation: Consultation
) -> None:
    consultation.title = "Intelligence artificielle au quotidien " * 7 + "?"
    consultation.introduction = "Un texte d'introduction très long. " * 40
    stall.place = "Place du marché couvert, " * 8
    stall.territory = "Communauté de communes du Diois " * 6
    db.flush()
    assert len(consultation.title) <= 300 and len(stall.place) <= 200
    for paper, copies in (("a4", 1), ("a3", 1), ("a6", 4)):
        data = client.get(kit_url(consultation, f"/{paper}.pdf", stall)).data
        assert len(pdf_pages(data)) == 1, paper
        assert codes_in_pdf(data) == [f"http://localhost/s/{stall.code}"] * copies, paper


def test_the_qr_code_alone_is_segnos_svg_and_reads_as_the_stalls_link(
    client: FlaskClient, consultation: Consultation, stall: Stall
) -> None:
    response = client.get(kit_url(consultation, "/qr.svg", stall))
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Content-Disposition"] == f'attachment; filename="qr-{stall.code}.svg"'
    link = f"http://localhost/s/{stall.code}"
    root = ElementTree.fromstring(response.data)  # well-formed XML
    assert root.tag == f"{SVG}svg" and root.get("viewBox")
    assert link in (root.findtext(f"{SVG}title") or "")
    [light, dark] = root.iter(f"{SVG}path")
    made = ElementTree.fromstring(segno.make(link, error="m").svg_inline(dark="#000"))
    [modules] = made.iter("path")
    assert dark.get("d") == modules.get("d")  # segno's own modules, nothing by hand
    assert light.get("fill") == "#fff"
    page = f"<!doctype html><title>QR</title><body>{response.get_data(as_text=True)}</body>"
    style = "<style>@page { size: A5; margin: 10mm } svg { width: 80mm; height: 80mm }</style>"
    assert codes_in_pdf(kit.pdf_of(style + page, "http://localhost/")) == [link]


def test_the_kit_page_lists_the_consultation_and_each_stall_without_its_holder(
    client: FlaskClient, world: World, db: Session, stall: Stall, consultation: Consultation
) -> None:
    other = Stall(consultation_id=consultation.id, place="Halle de Crest", held_on=date(2025, 6, 1))
    db.add(other)
    db.flush()
    for role in ("anonymous", "facilitator"):
        world.log_in(client, role)
        html = text_of(client.get(kit_url(consultation)))
        assert html.index("Halle de Crest") < html.index("Marché de Dié")  # by date
        assert "Drôme" in html and "5 juillet 2025" in html
        for each in (stall, other):  # the address, to try it; the section a holder's mail names
            assert f'<a href="http://localhost/s/{each.code}"><code>' in html
            assert f'id="kit-stall-{each.id}"' in html
        form = f"http://localhost/c/ma-coalition/consultations/{consultation.id}"
        assert f'<a href="{form}"><code>{form}</code></a>' in html
        for tail in ("/a4", "/a4.pdf", "/a3", "/a3.pdf", "/a6", "/a6.pdf", "/qr.svg"):
            assert f'href="{kit_url(consultation, tail, stall)}"' in html, tail
            assert f'href="{kit_url(consultation, tail)}"' in html, tail
        assert "quatre sur une feuille A4" in html and "(100 %)" in html and "%%" not in html
        assert HOLDER not in html and HOLDER_MAIL not in html


def test_the_print_view_is_standalone_with_its_own_inline_style(
    client: FlaskClient, stall: Stall, consultation: Consultation
) -> None:
    response = client.get(kit_url(consultation, "/a4", stall))
    html = text_of(response)
    assert response.status_code == 200
    assert "<h1" in html and "Et vous, l'IA ?" in html and "Marché de Dié" in html
    assert "5 juillet 2025" in html and f"ou tapez http://localhost/s/{stall.code}" in html
    assert "Le Marché de l'IA vient à votre rencontre" in html and "**" not in html
    assert "Imprimer" in html and 'class="hint"' in html and "(100 %)" in html and "%%" not in html
    assert "coalition-nav" not in html and "<link" not in html and "src=" not in html
    assert HOLDER not in html and HOLDER_MAIL not in html
    [css] = re.findall(r"<style>(.*?)</style>", html, re.S)
    assert "size: A4 portrait" in css and "@media print" in css
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    policy = response.headers["Content-Security-Policy"]
    assert f"style-src 'sha256-{digest}'" in policy and "unsafe-inline" not in policy
    assert "size: A3 portrait" in text_of(client.get(kit_url(consultation, "/a3", stall)))
    flyers = text_of(client.get(kit_url(consultation, "/a6", stall)))
    assert flyers.count('class="copy"') == 4 and flyers.count("<h1") == 1
    assert "découpez-la le long des pointillés" in flyers


def test_the_pdf_is_made_without_fetching_anything(
    client: FlaskClient, app: Any, stall: Stall, consultation: Consultation
) -> None:
    fetched: list[str] = []

    class Recording(kit.NoFetch):
        def fetch(self, url: str, headers: Any = None) -> Any:
            fetched.append(url)
            return super().fetch(url, headers)

    for paper in kit.PAPERS:
        html = text_of(client.get(kit_url(consultation, f"/{paper}", stall)))
        assert kit.pdf_of(html, "http://localhost/", Recording()).startswith(b"%PDF")
    assert fetched == []


def test_unknown_papers_and_stalls_are_not_found(
    client: FlaskClient, db: Session, world: World, stall: Stall, consultation: Consultation
) -> None:
    other = make_consultation(db, world.coalition)
    elsewhere = Stall(consultation_id=other.id, place="Ailleurs", held_on=date(2025, 7, 6))
    db.add(elsewhere)
    db.flush()
    for tail in ("/a5", "/a5.pdf", "/A4", "/qr.pdf", "/a4.svg"):
        assert client.get(kit_url(consultation, tail)).status_code == 404, tail
    for tail in ("/a4", "/a4.pdf", "/qr.svg"):
        assert client.get(kit_url(consultation, tail, elsewhere)).status_code == 404, tail
        for code in ("inconnu2", "x" * 40, "../a4", "%00"):
            response = client.get(f"{kit_url(consultation, tail)}?stand={code}")
            assert response.status_code in (400, 404), (tail, code)
    assert client.get(kit_url(other, "/a4", elsewhere)).status_code == 200
    assert client.get(f"/c/autre-coalition/consultations/{consultation.id}/kit").status_code == 404


def test_a_closed_consultation_offers_no_kit(
    client: FlaskClient, db: Session, stall: Stall, consultation: Consultation
) -> None:
    consultation.status = ConsultationStatus.closed
    db.flush()
    page = text_of(client.get(kit_url(consultation)))
    assert "Cette consultation est close" in page
    assert "/kit/a4" not in page and "qr.svg" not in page and stall.code not in page
    for tail in ("/a4", "/a4.pdf", "/a3.pdf", "/a6", "/qr.svg"):
        for owner in (None, stall):
            response = client.get(kit_url(consultation, tail, owner))
            assert response.status_code == 410, tail
            assert response.mimetype == "text/html"
            assert "Cette consultation est close" in text_of(response)
            assert "ne sont plus proposés" in text_of(response)


def test_a_draft_kit_is_hidden_from_the_public_and_previewed_by_facilitators(
    client: FlaskClient, db: Session, world: World, stall: Stall, consultation: Consultation
) -> None:
    consultation.status = ConsultationStatus.draft
    db.flush()
    tails = ("", "/a4", "/a4.pdf", "/qr.svg")
    for tail in tails:
        assert client.get(kit_url(consultation, tail, stall)).status_code == 404, tail
    world.log_in(client, "facilitator")
    for tail in tails:
        assert client.get(kit_url(consultation, tail, stall)).status_code == 200, tail
    assert "en préparation" in text_of(client.get(kit_url(consultation)))


def test_the_prepare_page_links_to_the_kit(
    client: FlaskClient, world: World, consultation: Consultation
) -> None:
    world.log_in(client, "facilitator")
    html = text_of(client.get(f"{C}/{consultation.id}/edit"))
    link = re.search(r'<a href="([^"]+)">Kit d\'animation \(affiches, flyers\)</a>', html)
    assert link and link.group(1) == kit_url(consultation)


def test_the_short_text_is_the_introduction_cut_at_a_word() -> None:
    assert kit.short_text("", 280) == ""
    assert kit.short_text("Un *court* texte, [un lien](https://example.org).", 280) == (
        "Un court texte, un lien."
    )
    cut = kit.short_text(INTRODUCTION, 280)
    assert 240 <= len(cut) <= 281 and cut.endswith("…")
    assert INTRODUCTION.replace("**", "").startswith(cut[:-1].split(" [")[0][:100])
    assert cut[:-1].split()[-1] in INTRODUCTION  # a whole word, not a piece of one
    assert kit.short_text("a" * 400, 280) == "a" * 280 + "…"
    assert kit.short_text("Deux\n\nparagraphes &amp; <b>balises</b>", 280) == (
        "Deux paragraphes & balises"
    )
    assert kit.short_text(INTRODUCTION, 0) == ""  # the A6 flyer has no room for it


def test_long_titles_print_smaller() -> None:
    sizes = [kit.title_size("x" * n) for n in (20, 60, 61, 140, 141, 300)]
    assert sizes == ["short", "short", "medium", "medium", "long", "long"]


@needs_vnu
def test_kit_pages_are_valid_html(
    client: FlaskClient,
    db: Session,
    world: World,
    stall: Stall,
    consultation: Consultation,
    tmp_path: Path,
) -> None:
    world.log_in(client, "facilitator")
    pages = {"kit": text_of(client.get(kit_url(consultation)))}
    for paper in kit.PAPERS:
        pages[f"stall-{paper}"] = text_of(client.get(kit_url(consultation, f"/{paper}", stall)))
        pages[f"consultation-{paper}"] = text_of(client.get(kit_url(consultation, f"/{paper}")))
    empty = make_consultation(db, world.coalition, status=ConsultationStatus.draft)
    pages["kit-empty-draft"] = text_of(client.get(kit_url(empty)))
    consultation.status = ConsultationStatus.closed
    db.flush()
    pages["kit-closed"] = text_of(client.get(kit_url(consultation)))
    pages["gone"] = text_of(client.get(kit_url(consultation, "/a4", stall)))
    for name, html in pages.items():
        (tmp_path / f"{name}.html").write_text(html)
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *sorted(map(str, tmp_path.glob("*.html")))],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
