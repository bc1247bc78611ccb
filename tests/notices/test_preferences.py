"""The page where a signed-in person chooses which notices they get."""

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.notices.models import NoticeKind, NoticePreference, Setting
from coalition.notices.service import settings_of, unsubscribe_token
from tests.conftest import World, post_form


def _page(client: FlaskClient) -> str:
    response = client.get("/account/notices")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_account_page_links_the_choices(client: FlaskClient, world: World) -> None:
    world.log_in(client, "member")
    assert 'href="/account/notices"' in client.get("/account").get_data(as_text=True)


def test_every_kind_has_its_radio_group_with_on_checked_by_default(
    client: FlaskClient, world: World
) -> None:
    world.log_in(client, "member")
    page = _page(client)
    for kind in NoticeKind:
        assert f'id="{kind.value}-on" name="{kind.value}" value="on" checked' in page
        assert f'id="{kind.value}-off" name="{kind.value}" value="off">' in page
    assert 'name="digest" value="weekly"' in page
    assert 'name="reminder" value="weekly"' not in page


def test_choices_are_saved_and_shown(client: FlaskClient, db: Session, world: World) -> None:
    world.log_in(client, "member")
    data = {"meeting": "on", "reminder": "off", "digest": "weekly", "commitment": "on"}
    response = post_form(client, "/account/notices", data)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/account/notices")
    page = _page(client)
    assert "Vos choix sont enregistrés." in page
    assert 'id="reminder-off" name="reminder" value="off" checked' in page
    assert 'id="digest-weekly" name="digest" value="weekly" checked' in page
    chosen = settings_of(db, world.users["member"].id)
    assert chosen[NoticeKind.reminder] is Setting.off
    assert chosen[NoticeKind.digest] is Setting.weekly
    # only what differs from the default is written
    count = db.scalar(select(func.count()).select_from(NoticePreference))
    assert count == 2
    # turned on again
    assert post_form(client, "/account/notices", {"reminder": "on"}).status_code == 302
    assert settings_of(db, world.users["member"].id)[NoticeKind.reminder] is Setting.on


def test_someone_elses_choices_are_not_touched(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "member")
    post_form(client, "/account/notices", {"reminder": "off"})
    assert settings_of(db, world.users["other_member"].id)[NoticeKind.reminder] is Setting.on


def test_unknown_kind_or_setting_is_a_clear_400_and_changes_nothing(
    client: FlaskClient, db: Session, world: World
) -> None:
    world.log_in(client, "member")
    for data in (
        {"reminder": "off", "newsletter": "off"},  # a kind that does not exist
        {"reminder": "off", "meeting": "weekly"},  # weekly is for digests only
        {"reminder": "sometimes"},
        {"reminder": "x" * 10_000},
    ):
        response = post_form(client, "/account/notices", data)
        assert response.status_code == 400, data
        assert "Ce choix n&#39;existe pas" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(NoticePreference)) == 0


def test_the_public_is_sent_to_log_in(client: FlaskClient, world: World) -> None:
    response = client.get("/account/notices")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_the_unsubscribe_page_links_the_choices(
    app: Flask, client: FlaskClient, world: World
) -> None:
    with app.app_context():
        token = unsubscribe_token(world.users["member"].id, NoticeKind.reminder)
    before = client.get(f"/notices/unsubscribe/{token}").get_data(as_text=True)
    assert 'href="/account/notices"' in before
    after = post_form(client, f"/notices/unsubscribe/{token}", {"List-Unsubscribe": "One-Click"})
    assert after.status_code == 200
    assert 'href="/account/notices"' in after.get_data(as_text=True)
