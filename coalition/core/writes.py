"""One way to write: run a service call, commit, and turn what went wrong into the user's answer.

A route loads, checks access, then `save(session, write, form=form)`: on success the change is
committed; on any failure everything is rolled back. A stale edit, or a write that met another
one at the same instant (an integrity error, a stale row), is refused with 409 and one wording;
a broken rule (`DomainError`) with 400, its message on the form's field.
Anything else rolls back and goes on up, to the 500 page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from flask import abort
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coalition.core.errors import Conflict, DomainError
from coalition.core.forms import VersionedForm, apply_domain_error
from coalition.core.versions import StaleEdit

T = TypeVar("T")
SIMULTANEOUS = _l(
    "Quelqu'un a enregistré un changement au même instant : rien n'a été enregistré. "
    "Rechargez la page et recommencez."
)


@dataclass(frozen=True)
class Saved(Generic[T]):
    """What `save` did: the write's result, or why nothing was saved."""

    value: T | None = None
    error: DomainError | None = None
    clashed: bool = False  # a stale edit, or another write at the same instant

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def status(self) -> int:
        """The HTTP status of a refusal: 409 when someone else's change came first, else 400."""
        return 409 if self.clashed else 400

    @property
    def stale(self) -> StaleEdit | None:
        return self.error if isinstance(self.error, StaleEdit) else None


def save(
    session: Session,
    write: Callable[[], T],
    *,
    form: FlaskForm | None = None,
    stale_on_form: bool = True,
) -> Saved[T]:
    """Write and commit, or roll back and say why (on `form`, when given; a stale edit too,
    unless the page shows it on its own with what changed).

    After a stale edit, the record is read again (a 404 if it is gone): the form then carries
    its current version, so that sending it again, once the user has read the change, replaces
    that version."""
    try:
        value = write()
        session.commit()
    except StaleEdit as stale:
        session.rollback()
        current = session.get(type(stale.record), stale.record.id)
        if current is None:
            abort(404)
        stale.record = current
        if isinstance(form, VersionedForm):
            form.now_at(current.version)
        if not stale_on_form:
            return Saved(error=stale, clashed=True)
        error: DomainError = stale
        clashed = True
    except (IntegrityError, StaleDataError):
        session.rollback()
        error, clashed = Conflict(SIMULTANEOUS), True
    except DomainError as refused:
        session.rollback()
        error, clashed = refused, False
    except BaseException:
        session.rollback()
        raise
    else:
        return Saved(value)
    if form is not None:
        apply_domain_error(form, error)
    return Saved(error=error, clashed=clashed)
