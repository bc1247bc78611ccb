"""TO BE WRITTEN: the commitments that are due."""

from datetime import datetime

from sqlalchemy.orm import Session


def queue_due(session: Session, now: datetime) -> int:
    """Write the commitments that are due to the outbox; how many were written."""
    return 0
