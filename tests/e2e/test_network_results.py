"""In a browser, on a phone (390 px wide): the results page shows the network of stalls, crosses
the answers by territory and links to the public page of the stalls; nothing scrolls sideways
but the wide tables in their own boxes, no serious accessibility violation, and the tables are
all there without JavaScript.

The demo coalition is served on a free local port from its own SQLite file, as in tests/e2e;
its stalls are given territories and a holder first."""

import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from coalition import create_app
from coalition.consultations.models import Consultation, Stall
from coalition.db import Database
from tests.e2e.conftest import CHROMIUM, DEMO, serious_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]
PHONE = {"width": 390, "height": 844}
MARKET = "Le Marché de l'IA : et vous, qu'en pensez-vous ?"
TERRITORIES = {"Marché de Dié": "Drôme", "Marché de Bletterans": "Jura"}
HOLDER = "Claude Tenant-du-stand"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from alembic import command

    from tests.conftest import alembic_config

    url = f"sqlite:///{tmp_path_factory.mktemp('network') / 'network.db'}"
    database = Database(url)
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    app = create_app({"DATABASE": database, "DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["seed", "--demo-users", str(DEMO)])
    assert result.exit_code == 0, result.output
    with database.new_session() as session:
        for stall in session.scalars(select(Stall)):
            stall.territory = TERRITORIES.get(stall.place, "")
            stall.holder_name, stall.holder_email = HOLDER, "tenant@example.org"
        session.commit()
        consultation = session.scalars(select(Consultation).where(Consultation.title == MARKET))
        consultation_id = consultation.one().id
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/c/ia-responsable/consultations/{consultation_id}"
    server.shutdown()
    database.engine.dispose()


# the session's one browser (tests/e2e/conftest.py): a second Playwright in the same worker
# would fail to start while the first one's event loop runs
@pytest.fixture(params=[True, False], ids=["with JavaScript", "without JavaScript"])
def phone(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[Any, bool]]:
    context = browser.new_context(locale="fr-FR", viewport=PHONE, java_script_enabled=request.param)
    yield context.new_page(), request.param
    context.close()


def fits(page: Any, scripts: bool) -> None:
    """Nothing scrolls sideways, no holder shown, and (axe needs JavaScript) no serious
    accessibility violation."""
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url
    if scripts:
        assert serious_violations(page) == [], page.url
    assert HOLDER not in page.content() and "tenant@example.org" not in page.content()


def test_the_network_on_a_phone(server: str, phone: tuple[Any, bool]) -> None:
    from playwright.sync_api import expect

    page, scripts = phone
    page.goto(f"{server}/results")
    stalls = page.get_by_role("table", name="Réponses par stand")
    expect(stalls).to_be_visible()
    expect(stalls.get_by_role("row", name="Marché de Dié")).to_contain_text("Drôme")
    expect(page.get_by_role("table", name="Réponses par territoire")).to_contain_text("Jura")
    expect(page.get_by_role("table", name="Réponses par date")).to_be_visible()
    fits(page, scripts)

    page.get_by_label("Croiser les réponses avec").select_option(label="Territoire du stand")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name="Réponses selon : Territoire du stand")).to_be_visible()
    expect(page.get_by_role("columnheader", name="Drôme").first).to_be_visible()
    fits(page, scripts)

    page.get_by_role("link", name="La page des stands tenus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Les stands : {MARKET}")
    expect(page.get_by_role("row", name="Marché de Plouézec")).to_contain_text(
        "Territoire non précisé"
    )
    fits(page, scripts)
    csv = page.request.get(f"{server}/stands.csv").text()
    assert csv.startswith("stall,territory,date,kiosk,qr,paper,total\r\n")
    assert HOLDER not in csv


def test_the_answers_by_day_are_drawn_as_a_chart_too(server: str, browser: Any) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(locale="fr-FR", viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server}/results")
    expect(page.locator("#days-chart .main-svg").first).to_be_visible()
    expect(page.locator("#days-chart")).to_have_attribute("role", "img")
    context.close()
