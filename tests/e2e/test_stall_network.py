"""A network of market stalls, tried as its people would: the facilitator imports ten stalls
from a spreadsheet; each holder gets their link by mail (through a real SMTP server); two holders
open it on a tablet and record answers; a passer-by signs up for the workshops; the results show
the answers by stall and by territory; the poster of one stall, printed on A4 by Chromium, carries
a QR code that a decoder reads back as that stall's address, which leads to the form for that
stall. The axe check on every page, and on the tablet nothing wider than the screen."""

from collections.abc import Callable, Iterator
from typing import Any

import pypdfium2
import pytest
import zxingcpp
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO, serious_violations
from tests.e2e.staffing_server import StaffingServer, staffing_server
from tests.e2e.test_members import log_in
from tests.e2e.test_stall_kiosk import SLUG, answer, new_consultation

FACILITATOR = "animation@example.org"
DESKTOP = {"width": 1280, "height": 800}
TABLET = {"width": 820, "height": 1180}
STALLS = "Lieu;Territoire;Date;Responsable;Mail\n" + "".join(
    f"Marché {n};{'Die' if n % 2 else 'Crest'};{n + 1:02d}/07/2026;Personne {n};p{n}@example.org\n"
    for n in range(10)
)


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaffingServer]:
    with staffing_server(tmp_path_factory.mktemp("network")) as server:
        result = server.app.test_cli_runner().invoke(args=["seed", "--demo-users", str(DEMO)])
        assert result.exit_code == 0, result.output
        yield server


def check(page: Any) -> None:
    page.wait_for_load_state("load")
    assert serious_violations(page) == [], page.url
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def qr_codes(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    assert len(document) == 1
    image = document[0].render(scale=2).to_pil()
    return [code.text for code in zxingcpp.read_barcodes(image)]


def test_a_network_of_stalls_from_the_spreadsheet_to_the_poster(
    network: StaffingServer, open_page: Callable[[dict[str, int]], Any]
) -> None:
    base = network.url
    desk = open_page(DESKTOP)
    log_in(desk, base, FACILITATOR)
    new_consultation(desk, base, "Le Marché de l'IA, en réseau")
    desk.get_by_role("link", name="Mode stand et saisie des questionnaires papier").click()
    desk.get_by_role("link", name="Importer des stands depuis un tableur").click()
    check(desk)
    desk.get_by_label("Fichier CSV des stands").set_input_files(
        files=[{"name": "stands.csv", "mimeType": "text/csv", "buffer": STALLS.encode()}]
    )
    desk.get_by_role("button", name="Voir l'aperçu").click()
    expect(desk.get_by_role("cell", name="p9@example.org")).to_be_visible()
    check(desk)
    desk.get_by_role("button", name="Créer les stands").click()
    expect(desk.get_by_role("status").first).to_contain_text("10 stands créés")
    check(desk)
    consultation = desk.url.split("/stalls")[0]

    for holder, choices in (("p1@example.org", ["Oui", "Non"]), ("p2@example.org", ["Oui"])):
        tablet = open_page(TABLET)
        tablet.goto(network.link(holder, "/stall/"))
        check(tablet)
        for choice in choices:
            answer(tablet, choice)
            expect(tablet.get_by_role("status").first).to_contain_text("Merci")
    tablet.get_by_role("link", name="Être prévenu·e des prochains ateliers").click()
    check(tablet)
    tablet.get_by_role("textbox", name="Prénom").fill("Louise")
    tablet.get_by_label("Adresse e-mail").fill("louise@example.org")
    tablet.locator("#consent").check()
    tablet.get_by_role("button", name="M'inscrire").click()
    expect(tablet.get_by_role("button", name="Envoyer mes réponses")).to_be_visible()
    check(tablet)

    desk.goto(f"{consultation}/results")
    by_stall = desk.get_by_role("table", name="Réponses par stand")
    expect(by_stall.get_by_role("row", name="Marché 1")).to_contain_text("2")
    expect(by_stall.get_by_role("row", name="Marché 2")).to_contain_text("1")
    by_territory = desk.get_by_role("table", name="Réponses par territoire")
    expect(by_territory.get_by_role("row", name="Die")).to_contain_text("2")
    expect(by_territory.get_by_role("row", name="Crest")).to_contain_text("1")
    check(desk)
    desk.goto(f"{base}/c/{SLUG}/signups")
    expect(desk.get_by_role("cell", name="louise@example.org", exact=True)).to_be_visible()
    check(desk)

    desk.goto(f"{consultation}/edit")
    desk.get_by_role("link", name="Kit d'animation (affiches, flyers)").click()
    check(desk)
    stall = desk.get_by_role("region", name="Marché 1", exact=True)
    stall.get_by_role("link", name="à imprimer (Affiche A4, Marché 1)").click()
    [link] = qr_codes(desk.pdf(format="A4", prefer_css_page_size=True))
    assert link.startswith(f"{base}/s/"), link

    phone = open_page({"width": 390, "height": 844})
    phone.goto(link)
    expect(phone.get_by_text("Vous répondez pour le stand Marché 1")).to_be_visible()
    check(phone)
