"""A coalition whose charter has a first version, a label, and register entries here and in
the other coalition."""

from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session

from coalition.charter import service
from coalition.charter.models import CharterVersion, Label
from coalition.register.models import EntryStatus, RegisterEntry
from tests import factories as f
from tests.conftest import World

NOW = datetime(2026, 6, 1, 10, tzinfo=UTC)
TEXT_V1 = "## Nos valeurs\n\nTransparence des algorithmes publics.\n\nLoyauté envers les usagers."


@dataclass
class Setting:
    world: World
    v1: CharterVersion
    label: Label
    other_label: Label  # of the other coalition
    entry: RegisterEntry
    other_entry: RegisterEntry  # of the other coalition


def entry(db: Session, owner_id: int, coalition_id: int, name: str) -> RegisterEntry:
    found = RegisterEntry(
        coalition_id=coalition_id,
        owner_id=owner_id,
        name=name,
        status=EntryStatus.in_use,
        is_published=True,
    )
    db.add(found)
    db.flush()
    return found


@pytest.fixture
def setting(db: Session, world: World) -> Setting:
    v1 = service.publish_version(
        db,
        world.coalition,
        service.VersionDetails(title="Charte de la coalition", text=TEXT_V1),
        based_on=0,
        by=world.users["facilitator"],
        now=NOW,
    )
    label = service.create_label(
        db,
        world.coalition,
        service.LabelDetails(name="Algorithme public loyal", criteria="Code **publié**."),
        by=None,
    )
    other_label = service.create_label(
        db, world.other_coalition, service.LabelDetails(name="Ailleurs"), by=None
    )
    here = entry(db, world.actor.id, world.coalition.id, "Tri des demandes de logement")
    stranger = f.actor(db, world.other_coalition, name="Acteur d'ailleurs")
    there = entry(db, stranger.id, world.other_coalition.id, "Chatbot d'ailleurs")
    return Setting(world, v1, label, other_label, here, there)
