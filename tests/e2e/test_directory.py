"""The public browses a directory of more actors than one page holds."""

import re
from typing import Any

from playwright.sync_api import expect

from tests.e2e.conftest import LARGE, serious_violations


def test_directory_pages(live_server: str, page: Any) -> None:
    page.goto(f"{live_server}/c/{LARGE}/actors?sort=name")
    rows = page.locator("table.directory tbody th[scope=row]")
    assert rows.count() == 100
    first_page = rows.all_inner_texts()
    expect(page.get_by_text("Page 1 sur 2")).to_be_visible()
    assert serious_violations(page) == []

    page.get_by_role("navigation", name="Pages de l'annuaire").get_by_role(
        "link", name="Page suivante"
    ).click()
    assert re.search(r"sort=name&page=2$", page.url)
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    second_page = rows.all_inner_texts()
    assert len(second_page) == 50 and not set(first_page) & set(second_page)
    assert page.get_by_role("status").inner_text() == "150 acteurs"
    assert serious_violations(page) == []
    page.get_by_role("link", name="Page précédente").click()
    assert rows.all_inner_texts() == first_page
