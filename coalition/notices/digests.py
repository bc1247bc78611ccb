"""TO BE WRITTEN: the digests that are due."""

from datetime import datetime

from sqlalchemy.orm import Session


def queue_due(session: Session, now: datetime) -> int:
    """Write the digests that are due to the outbox; how many were written."""
    return 0
