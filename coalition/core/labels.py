"""Translated labels of every enumeration, for templates: `labels.family[actor.family]`."""

from collections.abc import Hashable, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

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
    CONTRIBUTION_KIND_LABELS,
    GENERAL_OBJECTIVE_LABELS,
    QUESTION_KIND_LABELS,
    SOURCE_LABELS,
    TEXT_REVIEW_LABELS,
)
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
language = {"fr": _l("Français"), "en": _l("Anglais")}

# the label table of a recorded field, by the entity the audit log names it with: a field's
# codes mean different things on different records ("member" is an actor's status and a role)
RECORDED_VALUES: dict[tuple[str, str], Mapping[Any, Any]] = {
    ("actor", "family"): family,
    ("actor", "kind"): actor_kind,
    ("actor", "status"): actor_status,
    ("commitment", "role"): role,
    ("commitment", "status"): commitment_status,
    ("membership", "role"): membership_role,
    ("invitation", "role"): membership_role,
    ("resource", "kind"): resource_kind,
    ("resource", "status"): resource_status,
    ("resource", "language"): language,
    ("action", "status"): action_status,
    ("action", "horizon"): horizon,
    ("objective", "status"): objective_status,
    ("objective", "horizon"): horizon,
    ("meeting", "status"): meeting_status,
    ("attendance", "presence"): presence,
    ("diagnostic_entry", "column"): diagnostic_column,
    ("consultation", "status"): consultation_status,
    ("coalition", "phase"): phase,
}


def recorded_value(entity: str, field: str, value: Any) -> str:
    """The label a person reads for a value the audit log recorded as a code, in the current
    language; the value itself when no label is known (a name, a note, a retired code)."""
    table = RECORDED_VALUES.get((entity, field), {})
    if isinstance(value, Hashable) and not isinstance(value, bool) and value in table:
        return str(table[value])  # StrEnum keys match the codes they were recorded as
    return str(value)


def choices(items: Any) -> list[tuple[str, str]]:
    """(value, label) pairs for a select: from a label table, or from rows with id and name."""
    if isinstance(items, Mapping):
        return [(member.value, str(label)) for member, label in items.items()]
    return [(str(item.id), item.name) for item in items]
