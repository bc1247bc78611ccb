"""Committing to an action: a refused form keeps the user's choice and never picks a role."""

import re
from html import unescape
from html.parser import HTMLParser

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.roadmap.models import Commitment, Role
from tests.conftest import World, post_form

C = "/c/ma-coalition"


class SelectOptions(HTMLParser):
    """The options of every <select> of a page: name -> [(value, text, selected)]."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.selects: dict[str, list[tuple[str, str, bool]]] = {}
        self._select: str | None = None
        self._option: list[str | bool] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "select":
            self._select = values.get("name") or ""
            self.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self._option = [values.get("value") or "", "", "selected" in values]

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[1] = str(self._option[1]) + data

    def handle_endtag(self, tag: str) -> None:
        if tag == "option" and self._option is not None and self._select is not None:
            value, text, selected = self._option
            self.selects[self._select].append((str(value), str(text).strip(), bool(selected)))
            self._option = None
        elif tag == "select":
            self._select = None


def options(html: str, name: str) -> list[tuple[str, str, bool]]:
    return SelectOptions(html).selects[name]


def selected(html: str, name: str) -> list[str]:
    return [value for value, _, is_selected in options(html, name) if is_selected]


def error_of(html: str, field_id: str) -> str:
    match = re.search(rf'<p class="error" id="{field_id}-error">(.*?)</p>', html, re.S)
    assert match, f"no error shown next to {field_id}"
    return unescape(match.group(1)).strip()


def commit(client: FlaskClient, world: World, **fields: str):  # type: ignore[no-untyped-def]
    data = {f"commit-{key}": value for key, value in fields.items()}
    return post_form(client, f"{C}/actors/{world.actor.id}/commitments", data, form_url="/")


def count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Commitment)) or 0


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_already_committed_keeps_the_chosen_action_and_role(
    client: FlaskClient, world: World, db: Session, role: str
) -> None:
    """The refused form shows the same action and role, the error next to the action."""
    world.log_in(client, "member")
    response = commit(
        client, world, action=str(world.action.id), role=role, contribution="Des fonds"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert selected(html, "commit-action") == [str(world.action.id)]
    assert selected(html, "commit-role") == [role]
    assert "déjà engagé sur cette action" in error_of(html, "commit-action")
    assert "Des fonds</textarea>" in html
    assert count(db) == 1


def test_a_fresh_commit_form_preselects_no_action_and_no_role(
    client: FlaskClient, world: World
) -> None:
    world.log_in(client, "member")
    html = client.get(f"{C}/actors/{world.actor.id}/manage").get_data(as_text=True)
    roles = options(html, "commit-role")
    assert roles[0][:2] == ("", "Choisissez un rôle")
    assert [value for value, _, _ in roles[1:]] == [role.value for role in Role]
    assert selected(html, "commit-role") in ([], [""])
    actions = options(html, "commit-action")
    assert actions[0][:2] == ("", "Choisissez une action")
    assert selected(html, "commit-action") in ([], [""])


@pytest.mark.parametrize("role", [None, ""])
def test_no_role_is_a_clear_400_that_keeps_the_action(
    client: FlaskClient, world: World, db: Session, role: str | None
) -> None:
    world.log_in(client, "member")
    fields = {"action": str(world.other_action.id)}
    if role is not None:
        fields["role"] = role
    response = commit(client, world, **fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert error_of(html, "commit-role") == "Choisissez un rôle."
    assert selected(html, "commit-action") == [str(world.other_action.id)]
    assert options(html, "commit-role")[0][:2] == ("", "Choisissez un rôle")
    assert selected(html, "commit-role") in ([], [""])
    assert count(db) == 1

    response = commit(client, world, action=str(world.other_action.id), role="expert")
    assert response.status_code == 302
    created = db.scalars(
        select(Commitment).where(Commitment.action_id == world.other_action.id)
    ).one()
    assert created.role == Role.expert
