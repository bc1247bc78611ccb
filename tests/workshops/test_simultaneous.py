"""Deleting a contribution goes through the one write helper: refused, it says why on the error
page and deletes nothing."""

import html
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from coalition.core.errors import ValidationError
from coalition.workshops import service as ws
from coalition.workshops.models import Contribution
from tests.clashes import SIMULTANEOUS
from tests.conftest import World, post_form
from tests.workshops.test_routes import build

C = "/c/ma-coalition"


@pytest.mark.parametrize(
    ("error", "status", "message"),
    [
        (IntegrityError("DELETE ...", {}, Exception("FOREIGN KEY")), 409, SIMULTANEOUS),
        (ValidationError("Cette contribution est tenue."), 400, "Cette contribution est tenue."),
    ],
)
def test_a_refused_deletion_says_why_and_deletes_nothing(
    client: FlaskClient,
    world: World,
    db: Session,
    monkeypatch: pytest.MonkeyPatch,
    error: Exception,
    status: int,
    message: str,
) -> None:
    workshop = build(db, world, cases=1, per_case=2)
    first = db.scalars(select(Contribution).order_by(Contribution.id)).first()
    assert first is not None

    delete = ws.delete_contribution

    def refused(*args: Any, **kwargs: Any) -> None:
        if isinstance(error, IntegrityError):  # deleted, then another write met it
            delete(*args, **kwargs)
        raise error

    monkeypatch.setattr(ws, "delete_contribution", refused)
    world.log_in(client, "facilitator")
    url = f"{C}/workshops/{workshop.id}/contributions/{first.id}/delete"
    response = post_form(client, url, {}, form_url="/")
    assert response.status_code == status
    assert message in html.unescape(response.get_data(as_text=True))
    assert [c.text for c in db.scalars(select(Contribution))] == ["Avis 0.0", "Avis 0.1"]
