"""An error answers in the format the address asks for: JSON for `.json`, plain text for a
calendar, a feed or a file, a page in the visitor's language for the rest."""

import pytest
from flask.testing import FlaskClient

from tests.conftest import World, post_form

C = "/c/ma-coalition"


@pytest.mark.parametrize(
    "url",
    [f"{C}/data/inconnu.json", f"{C}/meetings/999999/diagnostic.json", "/c/nulle/data/actors.json"],
)
def test_a_missing_json_address_answers_json(client: FlaskClient, world: World, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json()["error"]["status"] == 404
    assert "n'existe pas" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "url", [f"{C}/meetings/999999.ics", f"{C}/data/inconnu.csv", "/c/nulle/minutes.atom"]
)
def test_a_missing_calendar_feed_or_file_answers_plain_text(
    client: FlaskClient, world: World, url: str
) -> None:
    response = client.get(url)
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "<html" not in response.get_data(as_text=True)


def test_a_missing_page_answers_a_page_in_the_visitors_language(
    client: FlaskClient, world: World
) -> None:
    response = client.get(f"{C}/actors/999999")
    assert response.status_code == 404 and response.mimetype == "text/html"
    assert "Page introuvable" in response.get_data(as_text=True)
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    english = client.get(f"{C}/data/inconnu.json").get_json()["error"]["message"]
    assert english.startswith("This page does not exist")
    assert "Page not found" in client.get(f"{C}/actors/999999").get_data(as_text=True)
