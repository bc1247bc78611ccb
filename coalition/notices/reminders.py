"""TO BE WRITTEN: the reminders that are due."""

from datetime import datetime

from sqlalchemy.orm import Session


def queue_due(session: Session, now: datetime) -> int:
    """Write the reminders that are due to the outbox; how many were written."""
    return 0
