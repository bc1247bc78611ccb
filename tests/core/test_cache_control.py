"""A logged-in page is never kept by a browser or a proxy cache: the next person at a shared
computer cannot bring it back with the Back button."""

import pytest
from flask.testing import FlaskClient

from coalition.web import assets
from tests.conftest import World

PAGES = [
    "/",
    "/c/ma-coalition/",
    "/c/ma-coalition/resources/pending",
    "/c/ma-coalition/people",
    "/c/ma-coalition/framing",
    "/admin/",
    "/account",
]


@pytest.mark.parametrize("url", PAGES)
def test_logged_in_pages_are_not_stored(client: FlaskClient, world: World, url: str) -> None:
    world.log_in(client, "admin")
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_an_error_page_of_a_logged_in_person_is_not_stored(
    client: FlaskClient, world: World
) -> None:
    world.log_in(client, "member")
    response = client.get("/c/ma-coalition/people")
    assert response.status_code == 403
    assert response.headers["Cache-Control"] == "no-store"


def test_public_pages_and_shared_assets_keep_their_caching(
    client: FlaskClient, world: World
) -> None:
    assert "no-store" not in client.get("/c/ma-coalition/").headers.get("Cache-Control", "")
    world.log_in(client, "admin")
    asset = client.get(f"/assets/plotly-{assets.PLOTLY_VERSION}.min.js")
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
