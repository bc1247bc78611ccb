"""Business rules for actors, holdings and commitments, called without a request."""

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coalition.actors import service
from coalition.actors.models import ActorStatus, Family, Holding
from coalition.core.audit import AuditEvent
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import StaleEdit
from coalition.roadmap.models import ActionStatus, Commitment, CommitmentStatus, Role
from tests import factories as f


@pytest.fixture
def setting(db: Session):  # type: ignore[no-untyped-def]
    coalition = f.coalition(db)
    return coalition, f.actor(db, coalition), f.lever(db, coalition), f.user(db)


def events(db: Session, entity: str) -> list[AuditEvent]:
    return list(
        db.scalars(select(AuditEvent).where(AuditEvent.entity == entity).order_by(AuditEvent.id))
    )


def test_adding_a_holding_is_audited(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _, actor, lever, user = setting
    holding = service.add_holding(db, actor, lever, capacity=2, note=" Ateliers ", by=user)
    assert (holding.capacity, holding.note, holding.version) == (2, "Ateliers", 1)
    [event] = events(db, "holding")
    assert (event.action, event.user_id, event.actor_id) == ("create", user.id, actor.id)
    assert event.after == {"lever_id": lever.id, "capacity": 2, "note": "Ateliers", "version": 1}


@pytest.mark.parametrize("capacity", [0, 4, -1, None])
def test_capacity_outside_1_to_3_is_refused(db: Session, setting, capacity) -> None:  # type: ignore[no-untyped-def]
    _, actor, lever, user = setting
    with pytest.raises(ValidationError) as refused:
        service.add_holding(db, actor, lever, capacity=capacity, note="", by=user)
    assert refused.value.field == "capacity"
    assert db.scalar(select(func.count()).select_from(Holding)) == 0


def test_a_lever_of_another_coalition_is_refused(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _, actor, _, user = setting
    foreign = f.lever(db, f.coalition(db))
    with pytest.raises(ValidationError, match="n'appartient pas"):
        service.add_holding(db, actor, foreign, capacity=2, note="", by=user)


def test_holding_a_lever_twice_is_refused(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _, actor, lever, user = setting
    service.add_holding(db, actor, lever, capacity=2, note="", by=user)
    with pytest.raises(Conflict):
        service.add_holding(db, actor, lever, capacity=3, note="", by=user)


def test_update_records_before_and_after(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _, actor, lever, user = setting
    holding = service.add_holding(db, actor, lever, capacity=1, note="", by=user)
    service.update_holding(db, actor, holding, capacity=3, note="", seen_version=1, by=user)
    db.flush()
    update = [e for e in events(db, "holding") if e.action == "update"]
    assert update[0].before["capacity"] == 1 and update[0].after["capacity"] == 3
    assert holding.version == 2


def test_saving_unchanged_values_writes_nothing(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _, actor, lever, user = setting
    holding = service.add_holding(db, actor, lever, capacity=2, note="x", by=user)
    service.update_holding(db, actor, holding, capacity=2, note="x", seen_version=1, by=user)
    db.flush()
    assert len(events(db, "holding")) == 1
    assert holding.version == 1


def test_a_stale_version_is_refused_and_nothing_is_overwritten(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _, actor, lever, user = setting
    holding = service.add_holding(db, actor, lever, capacity=2, note="", by=user)
    service.update_holding(db, actor, holding, capacity=3, note="", seen_version=1, by=user)
    db.flush()
    with pytest.raises(StaleEdit) as stale:
        service.update_holding(db, actor, holding, capacity=1, note="", seen_version=1, by=user)
    assert stale.value.seen_version == 1
    assert holding.capacity == 3


def test_a_concurrent_write_is_caught_by_the_version_column(tmp_path: Path) -> None:
    """Two sessions load the same holding; the second to save matches no row and fails."""
    from coalition.db import Database
    from coalition.models import Base

    database = Database(f"sqlite:///{tmp_path / 'race.db'}")
    Base.metadata.create_all(database.engine)
    with database.new_session() as session:
        coalition = f.coalition(session)
        holding = f.holding(session, f.actor(session, coalition), f.lever(session, coalition))
        session.commit()
        holding_id = holding.id
    first, second = database.new_session(write=False), database.new_session(write=False)
    mine, theirs = first.get(Holding, holding_id), second.get(Holding, holding_id)
    assert mine is not None and theirs is not None
    first.commit()  # ends the read transaction, keeps the loaded state
    second.commit()
    theirs.capacity = 3
    second.commit()
    mine.capacity = 1
    with pytest.raises(StaleDataError):
        first.commit()
    first.close()
    second.close()
    with database.new_session() as session:
        assert session.get(Holding, holding_id).capacity == 3  # type: ignore[union-attr]
    database.engine.dispose()


def test_removing_a_holding_keeps_it_in_the_history(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    _, actor, lever, user = setting
    holding = service.add_holding(db, actor, lever, capacity=2, note="", by=user)
    service.remove_holding(db, actor, holding, seen_version=1, by=user)
    assert db.scalar(select(func.count()).select_from(Holding)) == 0
    deleted = [e for e in events(db, "holding") if e.action == "delete"]
    assert deleted[0].before["capacity"] == 2 and deleted[0].actor_id == actor.id


def test_commitments(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    coalition, actor, _, user = setting
    action = f.action(db, coalition)
    commitment = service.commit_to_action(
        db, actor, action, role=Role.lead, contribution="Du temps", by=user
    )
    assert commitment.status == CommitmentStatus.pledged
    with pytest.raises(Conflict):
        service.commit_to_action(db, actor, action, role=Role.expert, contribution="", by=user)
    service.withdraw_commitment(db, actor, commitment, seen_version=1, by=user)
    assert commitment.status == CommitmentStatus.withdrawn
    db.flush()
    renewed = service.commit_to_action(
        db, actor, action, role=Role.funder, contribution="", by=user
    )
    assert renewed.id == commitment.id
    assert (renewed.status, renewed.role) == (CommitmentStatus.pledged, Role.funder)
    assert db.scalar(select(func.count()).select_from(Commitment)) == 1
    assert [e.action for e in events(db, "commitment")] == ["create", "update", "update"]


def test_commitment_rules(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    coalition, actor, _, user = setting
    foreign = f.action(db, f.coalition(db))
    with pytest.raises(ValidationError, match="n'appartient pas"):
        service.commit_to_action(db, actor, foreign, role=Role.lead, contribution="", by=user)
    done = f.action(db, coalition, status=ActionStatus.done)
    with pytest.raises(ValidationError, match="terminée"):
        service.commit_to_action(db, actor, done, role=Role.lead, contribution="", by=user)
    gone = f.actor(db, coalition, status=ActorStatus.left)
    with pytest.raises(ValidationError, match="parti"):
        service.commit_to_action(
            db, gone, f.action(db, coalition), role=Role.lead, contribution="", by=user
        )
    assert db.scalar(select(func.count()).select_from(Commitment)) == 0


def test_actor_details_rules(db: Session, setting) -> None:  # type: ignore[no-untyped-def]
    coalition, actor, _, user = setting
    with pytest.raises(Conflict):
        service.create_actor(
            db, coalition, service.ActorDetails(name=actor.name, family=Family.use), by=user
        )
    with pytest.raises(ValidationError):
        service.create_actor(
            db,
            coalition,
            service.ActorDetails(name="Neuf", family=Family.use, website="ftp://x"),
            by=user,
        )
    created = service.create_actor(
        db, coalition, service.ActorDetails(name="  Neuf  ", family=Family.supply), by=user
    )
    assert created.name == "Neuf"
    details = service.ActorDetails(name="Neuf", family=Family.supply, status=ActorStatus.left)
    service.update_actor(db, created, details, seen_version=1, by=user)
    assert created.status == ActorStatus.left
    assert [e.action for e in events(db, "actor")] == ["create", "update"]


def test_a_withdrawn_commitment_cannot_come_back_on_a_closed_action(
    db: Session,
    setting,  # type: ignore[no-untyped-def]
) -> None:
    coalition, actor, _, user = setting
    action = f.action(db, coalition)
    commitment = service.commit_to_action(
        db, actor, action, role=Role.lead, contribution="", by=user
    )
    service.withdraw_commitment(db, actor, commitment, seen_version=1, by=user)
    db.flush()
    action.status = ActionStatus.done
    db.flush()
    with pytest.raises(ValidationError, match="terminée"):
        service.update_commitment(
            db,
            actor,
            commitment,
            role=Role.lead,
            contribution="",
            status=CommitmentStatus.active,
            seen_version=2,
            by=user,
        )
    assert commitment.status == CommitmentStatus.withdrawn
