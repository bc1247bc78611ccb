"""What changed since the previous meeting, from the audit log.

For the public, the audit log is read through what the public sees now: an actor is named by
its current name only when the public graph holds it, never by a name kept in an event.
"""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from coalition.diagnostics.facts import (
    CHANGE_KEYS,
    LEFT,
    UNNAMED,
    WITHDRAWN,
    ChangeFacts,
    DiagnosticInputs,
    Item,
    Names,
    lever_item,
)

Change = tuple[str, Item] | None


def changes_since(inputs: DiagnosticInputs) -> dict[str, list[Item]]:
    """The audit events sorted into lists, earliest first; unknown entities are ignored."""
    names = Names(inputs.graph, {action.id: action.title for action in inputs.actions})
    found: dict[str, list[Item]] = {key: [] for key in CHANGE_KEYS}
    for event in sorted(inputs.changes, key=lambda event: event.at):
        sort = CHANGE_SORTERS.get(event.entity)
        change = sort(event, names) if sort else None
        if change is not None and inputs.public:
            change = for_public(change, event, names, inputs.unnamed_label)
        if change is not None:
            found[change[0]].append(change[1])
    found["new_resources"] = [
        Item(kind="resource", id=resource.id, label=resource.title)
        for resource in inputs.new_resources
    ]
    return found


def _field(event: ChangeFacts, key: str) -> Any:
    """A field of the record after the event, or before it when deleted."""
    after, before = event.after or {}, event.before or {}
    return after.get(key, before.get(key))


def _status_before(event: ChangeFacts) -> Any:
    return (event.before or {}).get("status")


def _status_after(event: ChangeFacts) -> Any:
    return (event.after or {}).get("status")


def commitment_change(event: ChangeFacts, names: Names) -> Change:
    before, after = _status_before(event), _status_after(event)
    if event.action == "create":
        key = "new_commitments"
    elif event.action == "update" and after == WITHDRAWN != before:
        key = "withdrawn_commitments"
    elif event.action == "update" and before == WITHDRAWN and after not in (None, WITHDRAWN):
        key = "new_commitments"
    else:
        return None
    action_id = _field(event, "action_id")
    if action_id is None:
        return None
    actor = names.actor(event.actor_id, str(_field(event, "name") or ""))
    return key, Item(kind="action", id=action_id, label=names.action(action_id), detail=actor)


def holding_change(event: ChangeFacts, names: Names) -> Change:
    lever_id = _field(event, "lever_id")
    if lever_id is None:
        return None
    actor = names.actor(event.actor_id, str(_field(event, "name") or ""))
    if event.action == "create":
        return "holdings_added", lever_item(names, lever_id, actor)
    if event.action == "delete":
        return "holdings_removed", lever_item(names, lever_id, actor)
    before, after = (event.before or {}).get("capacity"), (event.after or {}).get("capacity")
    if event.action == "update" and None not in (before, after) and before != after:
        detail = f"{actor}: {before} → {after}" if actor else f"{before} → {after}"
        return "holdings_changed", lever_item(names, lever_id, detail)
    return None


def action_change(event: ChangeFacts, names: Names) -> Change:
    before, after = _status_before(event), _status_after(event)
    if None in (before, after) or before == after:
        return None
    label = names.action(event.entity_id, str(_field(event, "title") or ""))
    item = Item(kind="action", id=event.entity_id, label=label, detail=f"{before}→{after}")
    return "status_changes", item


def actor_change(event: ChangeFacts, names: Names) -> Change:
    if event.action == "create":
        key = "new_actors"
    elif event.action == "update" and _status_after(event) == LEFT != _status_before(event):
        key = "actors_left"
    else:
        return None
    label = str(_field(event, "name") or "") or names.actor(event.entity_id)
    return key, Item(kind="actor", id=event.entity_id, label=label)


def for_public(change: tuple[str, Item], event: ChangeFacts, names: Names, unnamed: str) -> Change:
    """The change as the public may read it, or None. Changes to actions are public. A change
    about an actor is kept when the public graph holds the actor, under its current name; an
    actor who left while in the directory is counted without its name; anything else about
    an actor the public does not see (opted out, left, deleted) is left out."""
    key, item = change
    if event.entity == "action":
        return change
    if event.entity not in ACTOR_ENTITIES:
        return None
    actor_id = event.entity_id if event.entity == "actor" else event.actor_id
    name = names.node("actor", actor_id)
    if name:
        return (key, replace(item, label=name)) if event.entity == "actor" else change
    if key == "actors_left" and (event.after or {}).get("is_listed") is True:
        return key, Item(kind=UNNAMED, id=0, label=unnamed)
    return None


ACTOR_ENTITIES = ("actor", "commitment", "holding")

CHANGE_SORTERS: dict[str, Callable[[ChangeFacts, Names], Change]] = {
    "commitment": commitment_change,
    "holding": holding_change,
    "action": action_change,
    "actor": actor_change,
}
