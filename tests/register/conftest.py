"""The register's setting: a vendor of the "Offre" family, a published workshop whose use case
citizens weighed (a benefit, a fear, a condition) and an unpublished one, a draft entry and a
published one of Acteur A (the member's actor), and an entry of another coalition."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor, Family
from coalition.core.audit import AuditEvent
from coalition.register import service
from coalition.register.models import EntryVersion, RegisterEntry
from coalition.workshops.models import Contribution, ContributionKind, UseCase, Workshop
from tests import factories as f
from tests.conftest import World

NOW = datetime(2026, 6, 1, 10, tzinfo=UTC)


@dataclass
class RegisterSetting:
    world: World
    vendor: Actor  # of the "Offre" family
    foreign_vendor: Actor  # of the "Offre" family, in the other coalition
    workshop: Workshop  # published
    case: UseCase
    hidden_case: UseCase  # of an unpublished workshop
    foreign_case: UseCase  # of a workshop of the other coalition
    draft: RegisterEntry  # Acteur A's, not published
    published: RegisterEntry  # Acteur A's, published
    other: RegisterEntry  # of the other coalition


def _workshop(
    db: Session, coalition_id: int, title: str, *, published: bool
) -> tuple[Workshop, UseCase]:
    workshop = Workshop(coalition_id=coalition_id, title=title, is_published=published)
    db.add(workshop)
    db.flush()
    case = UseCase(workshop_id=workshop.id, title=f"Cas de {title}")
    db.add(case)
    db.flush()
    return workshop, case


def said(db: Session, case: UseCase, kind: ContributionKind, text: str) -> Contribution:
    contribution = Contribution(case_id=case.id, kind=kind, text=text)
    db.add(contribution)
    db.flush()
    return contribution


def details(**fields: Any) -> service.EntryDetails:
    values: dict[str, Any] = {"name": "Tri des demandes", "status": "pilot", **fields}
    values.setdefault("owner_id", None)
    return service.EntryDetails(**values)


def state(db: Session) -> tuple[Any, ...]:
    """What a refused write must leave as it was: every entry, version and audit row."""
    db.expire_all()
    entries = db.execute(
        select(
            RegisterEntry.id,
            RegisterEntry.name,
            RegisterEntry.owner_id,
            RegisterEntry.vendor_id,
            RegisterEntry.source_code_url,
            RegisterEntry.contact,
            RegisterEntry.is_published,
            RegisterEntry.version,
        ).order_by(RegisterEntry.id)
    ).all()
    versions = db.scalar(select(func.count()).select_from(EntryVersion))
    events = db.scalar(select(func.count()).select_from(AuditEvent))
    return tuple(entries), versions, events


@pytest.fixture
def setting(db: Session, world: World) -> RegisterSetting:
    vendor = f.actor(db, world.coalition, name="Offre IA", family=Family.supply)
    foreign_vendor = f.actor(
        db, world.other_coalition, name="Offre d'ailleurs", family=Family.supply
    )
    workshop, case = _workshop(db, world.coalition.id, "Atelier santé", published=True)
    _, hidden_case = _workshop(db, world.coalition.id, "Atelier en préparation", published=False)
    _, foreign_case = _workshop(db, world.other_coalition.id, "Atelier d'ailleurs", published=True)
    said(db, case, ContributionKind.benefit, "Moins d'attente aux urgences")
    said(db, case, ContributionKind.fear, "Un tri sans médecin")
    said(db, case, ContributionKind.condition, "Un médecin relit chaque tri")
    said(db, hidden_case, ContributionKind.fear, "Une crainte pas encore publiée")
    member = world.users["member"]
    draft = service.record_entry(
        db,
        world.coalition,
        details(name="Orientation des usagers", status="idea", owner_id=world.actor.id),
        by=member,
    )
    published = service.record_entry(
        db,
        world.coalition,
        details(
            name="Tri des appels au 15",
            status="in_use",
            owner_id=world.actor.id,
            purpose="Classer les appels par **urgence**.",
            individual_decisions=True,
            personal_data=True,
            human_oversight="Un médecin régulateur décide.",
            data_used="Les appels enregistrés.",
            vendor_id=vendor.id,
            source_code_url="https://code.example.org/tri",
            licence="EUPL-1.2",
            impact_assessment_url="https://example.org/aipd.pdf",
            contact="dpo@example.org",
            lever_ids=[world.lever.id],
            action_ids=[world.action.id],
            case_ids=[case.id],
        ),
        by=member,
    )
    service.publish_entry(
        db,
        world.coalition,
        published,
        seen_version=published.version,
        by=world.users["facilitator"],
        now=NOW,
    )
    elsewhere = f.actor(db, world.other_coalition, name="Acteur d'ailleurs")
    other = service.record_entry(
        db, world.other_coalition, details(name="Ailleurs", owner_id=elsewhere.id), by=None
    )
    db.flush()
    return RegisterSetting(
        world,
        vendor,
        foreign_vendor,
        workshop,
        case,
        hidden_case,
        foreign_case,
        draft,
        published,
        other,
    )
