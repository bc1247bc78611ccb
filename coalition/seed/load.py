"""Writing a checked seed into the database: an upsert by natural keys, in one transaction.

Loading the same file twice changes nothing; entries edited in the file are updated; nothing
the coalition added through the app is removed.
"""

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.actors.models import Actor, Holding
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.core import audit
from coalition.db import Base, utcnow
from coalition.diagnostics.models import DiagnosticEntry
from coalition.meetings.models import Meeting
from coalition.resources.models import Resource, ResourceStatus, Tag
from coalition.resources.text import search_text
from coalition.roadmap.models import Action, Commitment, Objective
from coalition.seed.consultations import load_consultations, load_workshops
from coalition.seed.panels import load_panels
from coalition.seed.recommendations import load_recommendations, load_reviews
from coalition.seed.register import load_charter, load_labels, load_register
from coalition.seed.schema import SeedData

M = TypeVar("M", bound=Base)


@dataclass
class SeedResult:
    coalition: Coalition
    created: int = 0
    updated: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def update(self, obj: Base, values: dict[str, Any]) -> bool:
        """Set the values that differ (lists are relationships: compared as sets); count it."""
        changed = False
        for key, value in values.items():
            current = getattr(obj, key)
            same = set(current) == set(value) if isinstance(value, list) else current == value
            if not same:
                setattr(obj, key, value)
                changed = True
        self.updated += changed
        return changed


def load_seed(session: Session, data: SeedData) -> SeedResult:
    values = _columns(data.coalition)
    coalition = session.scalars(
        select(Coalition).where(Coalition.slug == values["slug"])
    ).one_or_none()
    result = SeedResult(coalition or Coalition(**values))
    if coalition is None:
        session.add(result.coalition)
        session.flush()
        result.created += 1
    else:
        result.update(coalition, values)
    coalition = result.coalition
    cid = coalition.id

    axes = _upsert_all(session, result, Axis, "name", data.sections["axes"], coalition_id=cid)
    levers = _upsert_all(session, result, Lever, "name", data.sections["levers"], coalition_id=cid)
    actors = _upsert_all(session, result, Actor, "name", data.sections["actors"], coalition_id=cid)
    _upsert_all(session, result, Objective, "title", data.sections["objectives"], coalition_id=cid)
    _upsert_all(session, result, Meeting, "number", data.sections["meetings"], coalition_id=cid)
    _load_holdings(session, result, data, actors, levers)
    objectives = {
        o.title: o for o in session.scalars(select(Objective).where(Objective.coalition_id == cid))
    }
    actions = _load_actions(session, result, data, axes, levers, objectives, actors)
    _load_commitments(session, result, data, actors, actions)
    _load_diagnostic(session, result, data)
    _load_resources(session, result, data, axes, levers, actors)
    load_consultations(session, result, data.sections["consultations"])
    load_workshops(session, result, data.sections["workshops"])
    load_reviews(session, result, data.sections["reviews"])
    load_recommendations(session, result, data.sections["recommendations"])
    load_panels(session, result, data.sections["panels"])
    entries = load_register(session, result, data.sections["register"])
    load_charter(session, result, data.sections["charter"])
    load_labels(session, result, data.sections["labels"], entries)

    if result.changed:
        session.flush()
        audit.record(
            session,
            entity="coalition",
            entity_id=cid,
            action="seed",
            user_id=None,
            coalition_id=cid,
            after={"file": data.source, "created": result.created, "updated": result.updated},
        )
    return result


def _columns(entry: dict[str, Any], *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if not k.startswith("_") and k not in skip}


def _upsert_all(
    session: Session,
    result: SeedResult,
    model: type[M],
    key: str,
    entries: list[dict[str, Any]],
    *,
    coalition_id: int,
    skip: tuple[str, ...] = (),
) -> dict[Any, M]:
    existing = {
        getattr(obj, key): obj
        for obj in session.scalars(
            select(model).where(model.coalition_id == coalition_id)  # type: ignore[attr-defined]
        )
    }
    ordered = hasattr(model, "position")
    for position, entry in enumerate(entries):
        values = _columns(entry, skip=skip)
        if ordered:
            values["position"] = position
        obj = existing.get(values[key])
        if obj is None:
            obj = model(coalition_id=coalition_id, **values)
            session.add(obj)
            existing[values[key]] = obj
            result.created += 1
        else:
            result.update(obj, values)
    session.flush()
    return existing


def _load_holdings(
    session: Session,
    result: SeedResult,
    data: SeedData,
    actors: dict[str, Actor],
    levers: dict[str, Lever],
) -> None:
    actor_ids = [actor.id for actor in actors.values()]
    existing = {
        (h.actor_id, h.lever_id): h
        for h in session.scalars(select(Holding).where(Holding.actor_id.in_(actor_ids)))
    }
    for entry in data.sections["holdings"]:
        actor, lever = actors[entry["actor"]], levers[entry["lever"]]
        values = {"capacity": entry["capacity"], "note": entry["note"]}
        holding = existing.get((actor.id, lever.id))
        if holding is None:
            session.add(Holding(actor_id=actor.id, lever_id=lever.id, **values))
            result.created += 1
        else:
            result.update(holding, values)


def _load_actions(
    session: Session,
    result: SeedResult,
    data: SeedData,
    axes: dict[str, Axis],
    levers: dict[str, Lever],
    objectives: dict[str, Objective],
    actors: dict[str, Actor],
) -> dict[str, Action]:
    cid = result.coalition.id
    existing = {
        a.title: a
        for a in session.scalars(
            select(Action).where(Action.coalition_id == cid).options(selectinload(Action.levers))
        )
    }
    for entry in data.sections["actions"]:
        values = _columns(entry, skip=("axis", "levers", "objective", "lead"))
        values["axis_id"] = axes[entry["axis"]].id if entry["axis"] else None
        values["objective_id"] = objectives[entry["objective"]].id if entry["objective"] else None
        values["lead_actor_id"] = actors[entry["lead"]].id if entry["lead"] else None
        values["levers"] = [levers[name] for name in entry["levers"]]
        action = existing.get(values["title"])
        if action is None:
            existing[values["title"]] = Action(coalition_id=cid, **values)
            session.add(existing[values["title"]])
            result.created += 1
        else:
            result.update(action, values)
    session.flush()
    return existing


def _load_commitments(
    session: Session,
    result: SeedResult,
    data: SeedData,
    actors: dict[str, Actor],
    actions: dict[str, Action],
) -> None:
    action_ids = [action.id for action in actions.values()]
    existing = {
        (c.actor_id, c.action_id): c
        for c in session.scalars(select(Commitment).where(Commitment.action_id.in_(action_ids)))
    }
    for entry in data.sections["commitments"]:
        actor, action = actors[entry["actor"]], actions[entry["action"]]
        values = _columns(entry, skip=("actor", "action"))
        commitment = existing.get((actor.id, action.id))
        if commitment is None:
            session.add(Commitment(actor_id=actor.id, action_id=action.id, **values))
            result.created += 1
        else:
            result.update(commitment, values)


def _load_diagnostic(session: Session, result: SeedResult, data: SeedData) -> None:
    """The starting diagnostic (no meeting): entries are known by their column and text."""
    cid = result.coalition.id
    existing = {
        (e.column, e.text): e
        for e in session.scalars(
            select(DiagnosticEntry).where(
                DiagnosticEntry.coalition_id == cid, DiagnosticEntry.meeting_id.is_(None)
            )
        )
    }
    for position, entry in enumerate(data.sections["diagnostic"]):
        found = existing.get((entry["column"], entry["text"]))
        if found is None:
            session.add(
                DiagnosticEntry(
                    coalition_id=cid, column=entry["column"], text=entry["text"], position=position
                )
            )
            result.created += 1
        else:
            result.update(found, {"position": position})


def _load_resources(
    session: Session,
    result: SeedResult,
    data: SeedData,
    axes: dict[str, Axis],
    levers: dict[str, Lever],
    actors: dict[str, Actor],
) -> None:
    cid = result.coalition.id
    tags = {t.name: t for t in session.scalars(select(Tag).where(Tag.coalition_id == cid))}
    existing = {
        r.url: r
        for r in session.scalars(
            select(Resource)
            .where(Resource.coalition_id == cid)
            .options(selectinload(Resource.levers), selectinload(Resource.tags))
        )
    }
    for entry in data.sections["resources"]:
        values = _columns(entry, skip=("axis", "levers", "tags", "contributed_by"))
        values["axis_id"] = axes[entry["axis"]].id if entry["axis"] else None
        values["contributed_by_id"] = (
            actors[entry["contributed_by"]].id if entry["contributed_by"] else None
        )
        values["levers"] = [levers[name] for name in entry["levers"]]
        for name in entry["tags"]:
            if name not in tags:
                tags[name] = Tag(coalition_id=cid, name=name)
                session.add(tags[name])
        values["tags"] = [tags[name] for name in entry["tags"]]
        values["search_text"] = search_text(values["title"], values["summary"], entry["tags"])
        resource = existing.get(values["url"])
        if resource is None:
            if values["status"] == ResourceStatus.published:
                values["published_at"] = utcnow()
            session.add(Resource(coalition_id=cid, **values))
            result.created += 1
        else:
            result.update(resource, values)
