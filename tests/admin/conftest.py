"""What the administration's tests share: counting what a form may have written."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.auth.models import Membership, User
from coalition.coalitions.models import Coalition
from coalition.core.audit import AuditEvent
from coalition.mail.models import OutboxMessage
from coalition.people.models import Invitation

TABLES = (Coalition, Invitation, OutboxMessage, AuditEvent, Membership, User)


def row_counts(db: Session) -> dict[str, int]:
    """The number of rows of every table an administration form writes to."""
    return {
        table.__tablename__: db.scalar(select(func.count()).select_from(table)) or 0
        for table in TABLES
    }
