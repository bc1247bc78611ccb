"""Reading the charter: its versions, who signed which, the labels and who holds them."""

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.charter.models import CharterVersion, Signature


def current_version(session: Session, coalition_id: int) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion)
        .where(CharterVersion.coalition_id == coalition_id)
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )


def signed_versions(
    session: Session, coalition_id: int, actor_ids: Iterable[int]
) -> dict[int, CharterVersion]:
    """For each actor that signed the charter, the latest version it signed (one statement)."""
    ids = list(set(actor_ids))
    if not ids:
        return {}
    latest = (
        select(Signature.actor_id, func.max(CharterVersion.number).label("number"))
        .join(CharterVersion, CharterVersion.id == Signature.version_id)
        .where(CharterVersion.coalition_id == coalition_id, Signature.actor_id.in_(ids))
        .group_by(Signature.actor_id)
        .subquery()
    )
    rows = session.execute(
        select(latest.c.actor_id, CharterVersion).join(
            CharterVersion,
            (CharterVersion.number == latest.c.number)
            & (CharterVersion.coalition_id == coalition_id),
        )
    )
    return {actor_id: version for actor_id, version in rows}
