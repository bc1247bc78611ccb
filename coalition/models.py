"""Every model, imported once so that Base.metadata knows the whole schema."""

from coalition.actors.models import Actor, Holding
from coalition.auth.models import AccountToken, Membership, User
from coalition.charter.models import CharterVersion, Label, LabelAward, Signature
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.consultations.models import (
    Answer,
    Choice,
    Consultation,
    Question,
    Stall,
    Submission,
    Tally,
)
from coalition.core.audit import AuditEvent
from coalition.core.limits import ThrottleCounter
from coalition.db import Base
from coalition.diagnostics.models import DiagnosticEntry, DiagnosticSnapshot
from coalition.mail.models import OutboxMessage
from coalition.meetings.models import ActionReview, AgendaItem, Attendance, Decision, Meeting
from coalition.notices.models import CalendarFeed, Notice, NoticePreference
from coalition.panels.models import Panel, PanelQuota, PanelRun, Volunteer
from coalition.people.models import Invitation
from coalition.recommendations.models import Recommendation
from coalition.register.models import EntryVersion, RegisterEntry
from coalition.resources.models import Resource, Tag
from coalition.roadmap.models import Action, Commitment, Objective
from coalition.signups.models import SignUp
from coalition.workshops.models import CommonIssue, Contribution, UseCase, Workshop

__all__ = [
    "AccountToken",
    "Action",
    "ActionReview",
    "Actor",
    "AgendaItem",
    "Answer",
    "Attendance",
    "AuditEvent",
    "Axis",
    "Base",
    "CalendarFeed",
    "CharterVersion",
    "Choice",
    "Coalition",
    "Commitment",
    "CommonIssue",
    "Consultation",
    "Contribution",
    "Decision",
    "DiagnosticEntry",
    "DiagnosticSnapshot",
    "EntryVersion",
    "Holding",
    "Invitation",
    "Label",
    "LabelAward",
    "Lever",
    "Meeting",
    "Membership",
    "Notice",
    "NoticePreference",
    "Objective",
    "OutboxMessage",
    "Panel",
    "PanelQuota",
    "PanelRun",
    "Question",
    "Recommendation",
    "RegisterEntry",
    "Resource",
    "SignUp",
    "Signature",
    "Stall",
    "Submission",
    "Tag",
    "Tally",
    "ThrottleCounter",
    "UseCase",
    "User",
    "Volunteer",
    "Workshop",
]
