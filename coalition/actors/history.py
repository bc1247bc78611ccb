"""The audit log of an actor, told as lines a person can read: field names and recorded codes
are shown as their labels in the viewer's language."""

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

from coalition.core.audit import AuditEvent
from coalition.core.labels import recorded_value

FIELD_LABELS = {
    "name": _l("Nom"),
    "family": _l("Famille"),
    "kind": _l("Type"),
    "territory": _l("Territoire"),
    "website": _l("Site web"),
    "description": _l("Présentation"),
    "status": _l("Statut"),
    "is_partner": _l("Partenaire"),
    "is_listed": _l("Dans l'annuaire public"),
    "lever_id": _l("Levier"),
    "capacity": _l("Capacité"),
    "note": _l("Note"),
    "action_id": _l("Action"),
    "role": _l("Rôle"),
    "contribution": _l("Apport"),
    # a resource the actor contributed
    "url": _l("Adresse web"),
    "summary": _l("Résumé"),
    "language": _l("Langue"),
    "rejection_reason": _l("Motif du refus"),
}

WHAT = {
    ("actor", "create"): _l("Fiche créée"),
    ("actor", "update"): _l("Fiche modifiée"),
    ("holding", "create"): _l("Levier ajouté"),
    ("holding", "update"): _l("Levier modifié"),
    ("holding", "delete"): _l("Levier retiré"),
    ("charter_signature", "create"): _l("Charte signée"),
    ("label_award", "create"): _l("Label attribué"),
    ("label_award", "delete"): _l("Label retiré"),
    ("commitment", "create"): _l("Engagement pris"),
    ("commitment", "update"): _l("Engagement modifié"),
    ("resource", "create"): _l("Ressource proposée"),
    ("resource", "publish"): _l("Ressource publiée"),
    ("resource", "reject"): _l("Ressource refusée"),
    ("invitation", "create"): _l("Invitation envoyée"),
    ("membership", "update"): _l("Rôle modifié"),
}


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryLine:
    event: AuditEvent
    what: str
    subject: str
    changes: list[Change]


def _value(entity: str, field: str, value: Any, names: dict[str, dict[int, str]]) -> str:
    if value is None or value == "":
        return "—"
    if field == "lever_id":
        return names["levers"].get(value, f"#{value}")
    if field == "action_id":
        return names["actions"].get(value, f"#{value}")
    if isinstance(value, bool):
        return str(_l("oui") if value else _l("non"))
    return recorded_value(entity, field, value)


def describe(event: AuditEvent, names: dict[str, dict[int, str]]) -> HistoryLine:
    """One audit event as: what happened, to what, and each field that changed."""
    before, after = event.before or {}, event.after or {}
    fields = [f for f in {**before, **after} if f != "version" and f in FIELD_LABELS]
    if before and after:  # an update, a moderation: what it changed
        fields = [f for f in fields if before.get(f) != after.get(f)]
    state = after or before
    subject = ""
    if "lever_id" in state:
        subject = _value(event.entity, "lever_id", state["lever_id"], names)
    elif "action_id" in state:
        subject = _value(event.entity, "action_id", state["action_id"], names)
    elif event.entity == "resource":
        subject = str(state.get("title", ""))
    changes = [
        Change(
            str(FIELD_LABELS[f]),
            _value(event.entity, f, before.get(f), names) if before else "",
            _value(event.entity, f, after.get(f), names) if after else "",
        )
        for f in fields
        if f not in ("lever_id", "action_id")
    ]
    what = WHAT.get((event.entity, event.action), _l("Modification"))
    return HistoryLine(event, str(what), subject, changes)
