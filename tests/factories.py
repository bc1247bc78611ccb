"""Small factories: each makes one valid entity, flushed, with overridable fields."""

import itertools
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session, object_session

from coalition.actors.models import Actor, Family, Holding
from coalition.auth.models import Membership, MembershipRole, User
from coalition.auth.passwords import hash_password
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.core.extensions import login_manager
from coalition.db import utcnow
from coalition.meetings.models import Meeting
from coalition.roadmap.models import Action, Commitment, Horizon, Objective, Role

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(1)


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)


def _n() -> int:
    return next(_numbers)


def coalition(db: Session, **fields: Any) -> Coalition:
    n = _n()
    obj = Coalition(**{"slug": f"coalition-{n}", "name": f"Coalition {n}", **fields})
    db.add(obj)
    db.flush()
    return obj


def lever(db: Session, coalition: Coalition, **fields: Any) -> Lever:
    obj = Lever(**{"coalition_id": coalition.id, "name": f"Levier {_n()}", **fields})
    db.add(obj)
    db.flush()
    return obj


def axis(db: Session, coalition: Coalition, **fields: Any) -> Axis:
    obj = Axis(**{"coalition_id": coalition.id, "name": f"Axe {_n()}", **fields})
    db.add(obj)
    db.flush()
    return obj


def actor(db: Session, coalition: Coalition, **fields: Any) -> Actor:
    obj = Actor(
        **{"coalition_id": coalition.id, "name": f"Acteur {_n()}", "family": Family.use, **fields}
    )
    db.add(obj)
    db.flush()
    return obj


def holding(db: Session, actor: Actor, lever: Lever, **fields: Any) -> Holding:
    obj = Holding(**{"actor_id": actor.id, "lever_id": lever.id, "capacity": 2, **fields})
    db.add(obj)
    db.flush()
    return obj


def action(db: Session, coalition: Coalition, **fields: Any) -> Action:
    obj = Action(**{"coalition_id": coalition.id, "title": f"Action {_n()}", **fields})
    db.add(obj)
    db.flush()
    return obj


def objective(db: Session, coalition: Coalition, **fields: Any) -> Objective:
    obj = Objective(
        **{
            "coalition_id": coalition.id,
            "title": f"Objectif {_n()}",
            "horizon": Horizon.short,
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


def commitment(db: Session, actor: Actor, action: Action, **fields: Any) -> Commitment:
    obj = Commitment(
        **{"actor_id": actor.id, "action_id": action.id, "role": Role.contributor, **fields}
    )
    db.add(obj)
    db.flush()
    return obj


def meeting(db: Session, coalition: Coalition, **fields: Any) -> Meeting:
    n = _n()
    starts = fields.pop("starts_at", datetime(2030, 1, 1, 13, tzinfo=UTC) + timedelta(days=n))
    obj = Meeting(
        **{
            "coalition_id": coalition.id,
            "number": n,
            "title": f"Rencontre {n}",
            "starts_at": starts,
            "ends_at": starts + timedelta(hours=2),
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


def user(db: Session, **fields: Any) -> User:
    n = _n()
    obj = User(
        **{
            "email": f"personne{n}@example.org",
            "name": f"Personne {n}",
            "password_hash": _password_hash(),
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


def membership(
    db: Session, user: User, coalition: Coalition, role: MembershipRole, actor: Actor | None = None
) -> Membership:
    obj = Membership(
        user_id=user.id, coalition_id=coalition.id, role=role, actor_id=actor and actor.id
    )
    db.add(obj)
    db.flush()
    return obj


def log_in(client: FlaskClient, user: User, password: str | None = None) -> None:
    """Log the client in as this user. Without a password, straight into its session, as the
    login route leaves it (the user's session token, the account's language unless one was
    chosen before; the time of the last login in the database): no request, no password
    check. With one, through the login form."""
    if password is not None:
        log_in_with_form(client, user, password)
        return
    assert user.is_active, "an inactive account cannot log in"
    db = object_session(user)
    if db is not None:
        user.last_login_at = utcnow()
        db.flush()
    app = client.application
    with app.test_request_context(environ_base=client.environ_base):
        identifier = login_manager._session_identifier_generator()
    with client.session_transaction() as session:
        lang = session.get("lang")
        session.clear()
        session["lang"] = lang or user.language
        session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})


def log_in_with_form(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    """Log in as a person would: the login form, its CSRF token, the password checked."""
    from tests.conftest import post_form

    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
