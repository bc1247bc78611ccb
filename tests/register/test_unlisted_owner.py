"""An owner out of the public directory is not named to the public on the register's pages,
as in its exports; participants see its name."""

from html import unescape

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.register.conftest import RegisterSetting

R = "/c/ma-coalition/register"


def test_the_public_does_not_read_the_name_of_an_unlisted_owner(
    client: FlaskClient, setting: RegisterSetting, db: Session
) -> None:
    owner = setting.world.actor
    owner.is_listed = False
    db.flush()
    entry = setting.published
    pages = [R, f"{R}/{entry.id}", f"{R}/{entry.id}/history"]
    for url in pages:
        html = unescape(client.get(url).get_data(as_text=True))
        assert owner.name not in html, url
        assert "un acteur hors de l'annuaire public" in html, url
    setting.world.log_in(client, "other_member")
    for url in pages:
        assert owner.name in client.get(url).get_data(as_text=True), url
