"""Translated labels of every enumeration, for templates: `labels.family[actor.family]`."""

from coalition.actors.models import (
    ACTOR_KIND_LABELS,
    ACTOR_STATUS_LABELS,
    CAPACITY_LABELS,
    FAMILY_LABELS,
)
from coalition.auth.models import MEMBERSHIP_ROLE_LABELS
from coalition.coalitions.models import PHASE_LABELS
from coalition.consultations.models import (
    CHANNEL_LABELS,
    CONSULTATION_STATUS_LABELS,
    QUESTION_KIND_LABELS,
    SOURCE_LABELS,
    TEXT_REVIEW_LABELS,
)
from coalition.core.labels import LANGUAGE_LABELS
from coalition.diagnostics.models import DIAGNOSTIC_COLUMN_LABELS
from coalition.meetings.models import MEETING_STATUS_LABELS, PRESENCE_LABELS
from coalition.resources.models import RESOURCE_KIND_LABELS, RESOURCE_STATUS_LABELS
from coalition.roadmap.models import (
    ACTION_STATUS_LABELS,
    COMMITMENT_STATUS_LABELS,
    HORIZON_LABELS,
    OBJECTIVE_STATUS_LABELS,
    ROLE_LABELS,
)
from coalition.workshops.models import CONTRIBUTION_KIND_LABELS, GENERAL_OBJECTIVE_LABELS

family = FAMILY_LABELS
actor_kind = ACTOR_KIND_LABELS
actor_status = ACTOR_STATUS_LABELS
membership_role = MEMBERSHIP_ROLE_LABELS
phase = PHASE_LABELS
diagnostic_column = DIAGNOSTIC_COLUMN_LABELS
meeting_status = MEETING_STATUS_LABELS
presence = PRESENCE_LABELS
resource_kind = RESOURCE_KIND_LABELS
resource_status = RESOURCE_STATUS_LABELS
action_status = ACTION_STATUS_LABELS
commitment_status = COMMITMENT_STATUS_LABELS
horizon = HORIZON_LABELS
objective_status = OBJECTIVE_STATUS_LABELS
role = ROLE_LABELS
capacity = CAPACITY_LABELS
consultation_status = CONSULTATION_STATUS_LABELS
channel = CHANNEL_LABELS
source = SOURCE_LABELS
question_kind = QUESTION_KIND_LABELS
text_review = TEXT_REVIEW_LABELS
general_objective = GENERAL_OBJECTIVE_LABELS
contribution_kind = CONTRIBUTION_KIND_LABELS
language = LANGUAGE_LABELS
