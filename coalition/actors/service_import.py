"""Applying an import plan through the actors service: every write checked and audited.

The route builds the plan from the current database in the same transaction, then calls
`apply_plan`; any error rolls the whole import back.
"""

from dataclasses import dataclass, fields, replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.actors import service
from coalition.actors.import_plan import Outcome, Plan
from coalition.actors.models import Actor, ActorKind
from coalition.auth.models import User
from coalition.coalitions.models import Coalition, Lever
from coalition.core.errors import ValidationError


@dataclass(frozen=True)
class Applied:
    created: int
    updated: int
    unchanged: int


def _details(actor: Actor) -> service.ActorDetails:
    """The actor's record as it is, whatever fields the details carry."""
    names = [f.name for f in fields(service.ActorDetails)]
    return service.ActorDetails(**{name: getattr(actor, name) for name in names})


def apply_plan(session: Session, coalition: Coalition, plan: Plan, *, by: User | None) -> Applied:
    """Create and update the plan's actors and holdings; refuse a plan with any error."""
    if plan.has_errors:
        raise ValidationError("an import plan with errors is never applied")
    levers = {
        lever.id: lever
        for lever in session.scalars(select(Lever).where(Lever.coalition_id == coalition.id))
    }
    changed_ids = [e.actor_id for e in plan.entries if e.outcome == Outcome.updated]
    actors = {
        actor.id: actor
        for actor in session.scalars(
            select(Actor)
            .where(Actor.coalition_id == coalition.id, Actor.id.in_(changed_ids))
            .options(selectinload(Actor.holdings))
        )
    }
    for entry in plan.entries:
        if entry.outcome == Outcome.new:
            details = service.ActorDetails(
                name=entry.name,
                family=entry.values["family"],
                kind=entry.values.get("kind", ActorKind.other),
                territory=entry.values.get("territory", ""),
                website=entry.values.get("website"),
            )
            actor = service.create_actor(session, coalition, details, by=by)
            for lever_id, capacity in entry.capacities.items():
                service.add_holding(
                    session, actor, levers[lever_id], capacity=capacity, note="", by=by
                )
        elif entry.outcome == Outcome.updated:
            assert entry.actor_id is not None  # an update names its actor
            actor = actors[entry.actor_id]
            attributes = {c.field: c.after for c in entry.changes if c.field != "lever"}
            if attributes:
                details = replace(_details(actor), **attributes)
                service.update_actor(session, actor, details, seen_version=actor.version, by=by)
            held = {holding.lever_id: holding for holding in actor.holdings}
            for change in entry.changes:
                if change.lever_id is None:
                    continue
                holding = held.get(change.lever_id)
                if holding is None:
                    lever = levers[change.lever_id]
                    service.add_holding(
                        session, actor, lever, capacity=change.after, note="", by=by
                    )
                else:
                    service.update_holding(
                        session,
                        actor,
                        holding,
                        capacity=change.after,
                        note=holding.note,
                        seen_version=holding.version,
                        by=by,
                    )
    totals = plan.totals
    return Applied(totals[Outcome.new], totals[Outcome.updated], totals[Outcome.unchanged])
