"""Every model, imported once so that Base.metadata knows the whole schema."""

from coalition.actors.models import Actor, Holding
from coalition.auth.models import Membership, User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.consultations.models import (
    Answer,
    Choice,
    CommonIssue,
    Consultation,
    Contribution,
    Question,
    Stall,
    Submission,
    Tally,
    UseCase,
    Workshop,
)
from coalition.core.audit import AuditEvent
from coalition.db import Base
from coalition.diagnostics.models import DiagnosticEntry, DiagnosticSnapshot
from coalition.meetings.models import ActionReview, AgendaItem, Attendance, Decision, Meeting
from coalition.resources.models import Resource, Tag
from coalition.roadmap.models import Action, Commitment, Objective

__all__ = [
    "Action",
    "ActionReview",
    "Actor",
    "AgendaItem",
    "Answer",
    "Attendance",
    "AuditEvent",
    "Axis",
    "Base",
    "Choice",
    "Coalition",
    "Commitment",
    "CommonIssue",
    "Consultation",
    "Contribution",
    "Decision",
    "DiagnosticEntry",
    "DiagnosticSnapshot",
    "Holding",
    "Lever",
    "Meeting",
    "Membership",
    "Objective",
    "Question",
    "Resource",
    "Stall",
    "Submission",
    "Tag",
    "Tally",
    "UseCase",
    "User",
    "Workshop",
]
