"""Small factories: each makes one valid entity, flushed, with overridable fields."""

import itertools
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, Family, Holding
from coalition.auth.models import Membership, MembershipRole, User
from coalition.auth.passwords import hash_password
from coalition.coalitions.models import Axis, Coalition, Lever
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


def log_in(client: FlaskClient, user: User, password: str = PASSWORD) -> None:
    from tests.conftest import post_form

    response = post_form(client, "/login", {"email": user.email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)
