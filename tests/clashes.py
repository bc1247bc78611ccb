"""Another write at the same instant, made to happen: what the simultaneous-write tests share."""

import html
from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

SIMULTANEOUS = "Quelqu'un a enregistré un changement au même instant"


def clashing(write: Callable[..., Any], error: Exception | None = None) -> Callable[..., Any]:
    """`write`, which then meets another write of the same rows (a unique constraint)."""

    def clash(*args: Any, **kwargs: Any) -> Any:
        write(*args, **kwargs)
        raise error or IntegrityError("INSERT ...", {}, Exception("UNIQUE constraint failed"))

    return clash


def text_of(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0
