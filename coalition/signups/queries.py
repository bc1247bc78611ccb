"""Reads of the sign-ups: a coalition's list for its facilitators (the routes check who may see
it), never one whose term has come; each coalition's retention for the privacy page."""

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.signups.models import SignUp


def signups_of(session: Session, coalition: Coalition, today: date) -> list[SignUp]:
    """The coalition's sign-ups still kept on `today`, by first name: an order that tells
    nothing of when each came."""
    query = (
        select(SignUp)
        .where(SignUp.coalition_id == coalition.id, SignUp.expires_on > today)
        .order_by(func.lower(SignUp.first_name), SignUp.id)
    )
    return list(session.scalars(query))


def signup_or_none(session: Session, coalition: Coalition, signup_id: str) -> SignUp | None:
    signup = session.get(SignUp, signup_id)
    return signup if signup is not None and signup.coalition_id == coalition.id else None


def retention_by_coalition(session: Session) -> list[tuple[str, str, int]]:
    """(name, slug, months) of every coalition, by name."""
    query = select(Coalition.name, Coalition.slug, Coalition.signup_retention_months)
    rows = session.execute(query.order_by(func.lower(Coalition.name), Coalition.id))
    return [(name, slug, months) for name, slug, months in rows]
