"""Browser journeys: the app served on a free local port, Debian's Chromium driven by Playwright.

The server uses its own SQLite file, migrated and seeded with the demo coalition and accounts,
because a browser cannot share the rolled-back transaction of the other tests.
"""

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from coalition import create_app
from coalition.db import Database

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"
LARGE, LARGE_ACTORS = "grande", 150  # a generated coalition, for what only shows at that size
# large enough for the network's summary (above 600 nodes) and the board's pages (above 100)
VERY_LARGE = "tres-grande"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "e2e" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if not os.path.exists(CHROMIUM):
                item.add_marker(
                    pytest.mark.skip(reason=f"no Chromium at {CHROMIUM} (apt-get install chromium)")
                )


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from alembic import command

    from tests.conftest import alembic_config

    url = f"sqlite:///{tmp_path_factory.mktemp('e2e') / 'e2e.db'}"
    database = Database(url)
    with database.engine.begin() as connection:
        command.upgrade(alembic_config(connection), "head")
    app = create_app({"DATABASE": database, "DATABASE_URL": url})
    result = app.test_cli_runner().invoke(args=["seed", "--demo-users", str(DEMO)])
    assert result.exit_code == 0, result.output
    large = ["generate", "--actors", str(LARGE_ACTORS), "--actions", "10", "--meetings", "2"]
    result = app.test_cli_runner().invoke(args=[*large, "--slug", LARGE])
    assert result.exit_code == 0, result.output
    very_large = ["generate", "--actors", "650", "--actions", "120", "--meetings", "2"]
    result = app.test_cli_runner().invoke(args=[*very_large, "--slug", VERY_LARGE])
    assert result.exit_code == 0, result.output
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    database.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


def serious_violations(page: Any) -> list[str]:
    """axe-core's serious and critical violations on the current page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[dict[str, int]], Any]]:
    """A page in a browser context of its own (one person, one browser), closed after."""
    contexts: list[Any] = []

    def open_page(viewport: dict[str, int]) -> Any:
        contexts.append(browser.new_context(locale="fr-FR", viewport=viewport))
        return contexts[-1].new_page()

    yield open_page
    for context in contexts:
        context.close()
