"""A large, realistic coalition for benchmarks and demos: `flask --app wsgi generate`."""

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, ActorKind, ActorStatus, Family, Holding
from coalition.coalitions.models import Axis, Coalition, Lever, Phase
from coalition.meetings.models import ActionReview, Meeting, MeetingStatus
from coalition.roadmap.models import (
    Action,
    ActionStatus,
    Commitment,
    CommitmentStatus,
    Horizon,
    Role,
    action_levers,
)

LEVERS = [
    "Régulation et développement d'outils",
    "Commandes pédagogiques",
    "Médiation citoyenne et inclusion numérique",
    "Certifications et évaluations des systèmes",
    "Commande publique exemplaire",
]
AXES = ["IA en démocratie", "IA en ressource limitée", "IA dans un monde incertain"]
KINDS = {
    Family.research: [ActorKind.university, ActorKind.school, ActorKind.research_body],
    Family.use: [ActorKind.association, ActorKind.lab, ActorKind.foundation],
    Family.supply: [ActorKind.company, ActorKind.network],
    Family.procurement: [ActorKind.local_authority, ActorKind.state_agency],
}
PREFIXES = {
    Family.research: ["Université", "Institut", "Laboratoire", "École"],
    Family.use: ["Association", "Fablab", "Collectif", "Maison"],
    Family.supply: ["Société", "Studio", "Groupe", "Coopérative"],
    Family.procurement: ["Ville de", "Métropole de", "Département de", "Agence de"],
}
PLACES = ["Lyon", "Lille", "Nantes", "Rennes", "Montpellier", "Bordeaux", "Grenoble", "Brest",
          "Toulouse", "Strasbourg", "Dijon", "Metz", "Tours", "Nîmes", "Arras", "Pau"]  # fmt: skip
VERBS = ["Expérimenter", "Documenter", "Former à", "Évaluer", "Mutualiser", "Ouvrir"]
TOPICS = ["l'IA publique", "les algorithmes locaux", "la donnée citoyenne", "les achats numériques",
          "la médiation numérique", "l'empreinte des modèles"]  # fmt: skip
CHUNK = 1000

Progress = Callable[[int], None]


def generate_coalition(
    session: Session,
    *,
    slug: str,
    actors: int,
    actions: int,
    meetings: int,
    seed: int = 1,
    progress: Progress = lambda done: None,
) -> Coalition:
    """Insert a coalition of the given size, reproducible for a seed; `progress` gets the
    number of actors written so far."""
    rng = random.Random(seed)
    coalition = Coalition(
        slug=slug, name=f"Coalition générée {slug}", tagline="Données de test", phase=Phase.action
    )
    session.add(coalition)
    session.flush()
    lever_ids = _insert_named(session, Lever, coalition.id, LEVERS)
    axis_ids = _insert_named(session, Axis, coalition.id, AXES)
    actor_ids = _insert_actors(session, rng, coalition.id, actors, lever_ids, progress)
    _insert_actions(session, rng, coalition.id, actions, actor_ids, lever_ids, axis_ids)
    _insert_meetings(session, coalition.id, meetings)
    _insert_reviews(session, rng, coalition.id)
    return coalition


def _insert_named(
    session: Session, model: type[Lever | Axis], cid: int, names: list[str]
) -> list[int]:
    rows = [{"coalition_id": cid, "name": n, "position": i} for i, n in enumerate(names)]
    session.execute(insert(model), rows)
    return list(
        session.scalars(select(model.id).where(model.coalition_id == cid).order_by(model.id))
    )


def _insert_actors(
    session: Session,
    rng: random.Random,
    cid: int,
    count: int,
    lever_ids: list[int],
    progress: Progress,
) -> list[int]:
    families = list(Family)
    for start in range(0, count, CHUNK):
        rows = []
        for n in range(start, min(start + CHUNK, count)):
            family = families[n % 4]
            place = rng.choice(PLACES)
            rows.append(
                {
                    "coalition_id": cid,
                    "name": f"{rng.choice(PREFIXES[family])} {place} {n + 1}",
                    "family": family,
                    "kind": rng.choice(KINDS[family]),
                    "territory": place,
                    "status": ActorStatus.member if rng.random() < 0.8 else ActorStatus.interested,
                    "version": 1,
                }
            )
        session.execute(insert(Actor), rows)
        progress(len(rows))
    actor_ids = list(session.scalars(select(Actor.id).where(Actor.coalition_id == cid)))
    holdings = [
        {"actor_id": actor_id, "lever_id": lever_id, "capacity": rng.randint(1, 3), "version": 1}
        for actor_id in actor_ids
        for lever_id in rng.sample(lever_ids, rng.choice([0, 1, 1, 2, 3]))
    ]
    for start in range(0, len(holdings), CHUNK):
        session.execute(insert(Holding), holdings[start : start + CHUNK])
    return actor_ids


def _insert_actions(
    session: Session,
    rng: random.Random,
    cid: int,
    count: int,
    actor_ids: list[int],
    lever_ids: list[int],
    axis_ids: list[int],
) -> None:
    statuses = list(ActionStatus)
    rows = [
        {
            "coalition_id": cid,
            "title": f"{rng.choice(VERBS)} {rng.choice(TOPICS)} ({n + 1})",
            "axis_id": rng.choice(axis_ids),
            "lead_actor_id": rng.choice(actor_ids) if actor_ids and rng.random() < 0.7 else None,
            "horizon": rng.choice(list(Horizon)),
            "status": rng.choice(statuses),
            "target_date": date(2022, 1, 1) + timedelta(days=rng.randint(0, 900)),
            "version": 1,
        }
        for n in range(count)
    ]
    if rows:
        session.execute(insert(Action), rows)
    action_ids = list(session.scalars(select(Action.id).where(Action.coalition_id == cid)))
    uses = [
        {"action_id": action_id, "lever_id": lever_id}
        for action_id in action_ids
        for lever_id in rng.sample(lever_ids, rng.randint(1, 2))
    ]
    commitments = [
        {
            "actor_id": actor_id,
            "action_id": action_id,
            "role": rng.choice(list(Role)),
            "status": rng.choice(list(CommitmentStatus)),
            "version": 1,
        }
        for action_id in action_ids
        for actor_id in rng.sample(actor_ids, min(len(actor_ids), rng.randint(0, 5)))
    ]
    for table, batch in ((action_levers, uses), (Commitment, commitments)):
        for start in range(0, len(batch), CHUNK):
            session.execute(insert(table), batch[start : start + CHUNK])


def _insert_meetings(session: Session, cid: int, count: int) -> None:
    first = datetime(2022, 1, 11, 13, 0, tzinfo=UTC)
    rows = [
        {
            "coalition_id": cid,
            "number": n + 1,
            "title": f"Rencontre n°{n + 1}",
            "starts_at": first + timedelta(weeks=4 * n),
            "ends_at": first + timedelta(weeks=4 * n, hours=2),
            "status": MeetingStatus.held,
            "version": 1,
        }
        for n in range(count)
    ]
    if rows:
        session.execute(insert(Meeting), rows)


def _insert_reviews(session: Session, rng: random.Random, cid: int) -> None:
    """About a third of the actions reviewed at each meeting, progress growing over time."""
    meeting_ids = list(
        session.scalars(
            select(Meeting.id).where(Meeting.coalition_id == cid).order_by(Meeting.starts_at)
        )
    )
    action_ids = list(session.scalars(select(Action.id).where(Action.coalition_id == cid)))
    statuses = [ActionStatus.committed, ActionStatus.in_progress, ActionStatus.blocked]
    rows = [
        {
            "meeting_id": meeting_id,
            "action_id": action_id,
            "status": rng.choice(statuses),
            "progress": min(100, rank * 5 + rng.randint(0, 10)),
            "version": 1,
        }
        for rank, meeting_id in enumerate(meeting_ids)
        for action_id in action_ids
        if rng.random() < 0.3
    ]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(ActionReview), rows[start : start + CHUNK])
