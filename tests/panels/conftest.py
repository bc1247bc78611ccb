"""A panel of the coalition with its quotas and a complete pool of 12, and one elsewhere."""

from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.panels import service
from coalition.panels.models import Panel, Source, Volunteer
from tests.conftest import World

QUOTAS = "Âge ; jeune ; 2 ; 3\nÂge ; aîné ; 2 ; 3\nGenre ; femme ; 2 ; 3\nGenre ; homme ; 2 ; 3"


def make_panel(
    db: Session,
    coalition_id: int,
    *,
    size: int = 4,
    reserve: int = 2,
    people: int = 12,
    quotas: str = QUOTAS,
    title: str = "Panel citoyen",
) -> Panel:
    panel = Panel(coalition_id=coalition_id, title=title, size=size, reserve_size=reserve)
    db.add(panel)
    db.flush()
    service.set_quotas(db, panel, quotas, by=None)
    service.add_volunteers(db, panel, volunteers(people), source=Source.imported, by=None)
    db.flush()
    return panel


def volunteers(count: int, start: int = 0) -> Sequence[service.NewVolunteer]:
    return [
        service.NewVolunteer(
            first_name=f"Prénom{i}",
            last_name=f"Nom{i}",
            email=f"volontaire{i}@example.org",
            features={"Âge": "jeune" if i % 2 else "aîné", "Genre": "femme" if i % 3 else "homme"},
        )
        for i in range(start, start + count)
    ]


@dataclass
class PanelSetting:
    world: World
    panel: Panel
    other_panel: Panel  # of the other coalition
    first: Volunteer  # V0001 of the panel


@pytest.fixture
def panels(world: World, db: Session) -> PanelSetting:
    panel = make_panel(db, world.coalition.id)
    other = make_panel(db, world.other_coalition.id, title="Ailleurs")
    first = db.scalars(
        select(Volunteer).where(Volunteer.panel_id == panel.id, Volunteer.number == 1)
    ).one()
    return PanelSetting(world, panel, other, first)
