"""Another write at the same instant: the administration's forms answer 409, say so, keep what
was typed, and save nothing."""

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.admin import service
from coalition.auth.models import User
from tests.admin.conftest import row_counts
from tests.clashes import SIMULTANEOUS, clashing, text_of
from tests.conftest import World, post_form


def test_a_coalition_created_at_the_same_instant_is_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "create_coalition", clashing(service.create_coalition))
    world.log_in(client, "admin")
    before = row_counts(db)
    data = {"slug": "coalition-test", "name": "Coalition test", "emails": "alice@example.org"}
    response = post_form(client, "/admin/coalitions", data, form_url="/admin/")
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert 'value="coalition-test"' in response.get_data(as_text=True)  # kept
    assert row_counts(db) == before


def test_facilitators_invited_at_the_same_instant_are_refused(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "invite_facilitators", clashing(service.invite_facilitators))
    world.log_in(client, "admin")
    before = row_counts(db)
    field = f"c{world.coalition.id}-emails"
    url = f"/admin/coalitions/{world.coalition.slug}/facilitators"
    response = post_form(client, url, {field: "dora@example.org"}, form_url="/admin/")
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert "dora@example.org</textarea>" in response.get_data(as_text=True)  # kept
    assert row_counts(db) == before


def test_an_account_deactivated_at_the_same_instant_stays_active(
    client: FlaskClient, world: World, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "set_active", clashing(service.set_active))
    member = world.users["member"]
    world.log_in(client, "admin")
    before = row_counts(db)
    url = f"/admin/users/{member.id}/deactivate"
    response = post_form(client, url, {"q": "pers"}, form_url="/admin/users")
    assert response.status_code == 409
    assert SIMULTANEOUS in text_of(response)
    assert row_counts(db) == before
    db.expire_all()
    assert db.get(User, member.id).is_active  # type: ignore[union-attr]
