"""The demo's Montpellier convention: a generated pool of fictional volunteers, the seed
announced, the draw done for real; the same panel on every load; mistakes are refused."""

from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.core.audit import AuditEvent
from coalition.mail.models import OutboxMessage
from coalition.panels.models import (
    Panel,
    PanelRun,
    PanelStatus,
    RunState,
    Source,
    Volunteer,
    VolunteerStatus,
)
from coalition.seed.load import load_seed
from coalition.seed.panels import draw_once
from coalition.seed.schema import SeedError, read_seed
from tests.seed.test_seed import DEMO, broken, run_seed, table_counts

TITLE = "Convention citoyenne de Montpellier sur l'IA"


def the_panel(db: Session) -> Panel:
    return db.scalars(select(Panel).where(Panel.title == TITLE)).one()


def volunteers(db: Session, panel: Panel) -> list[Volunteer]:
    return list(
        db.scalars(
            select(Volunteer).where(Volunteer.panel_id == panel.id).order_by(Volunteer.number)
        )
    )


def drawn(db: Session) -> list[tuple[str, str, str, tuple[tuple[str, str], ...]]]:
    """Each volunteer's code, first name, status and features: what a second load must repeat."""
    return [
        (v.code, v.first_name, v.status.value, tuple(sorted(v.features.items())))
        for v in volunteers(db, the_panel(db))
    ]


def test_the_convention_is_drawn_forty_meeting_every_quota(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    panel = the_panel(db)
    assert panel.status == PanelStatus.drawn
    assert (panel.size, panel.reserve_size, panel.seed) == (40, 8, 20230915)
    people = volunteers(db, panel)
    statuses = Counter(v.status for v in people)
    assert statuses == {
        VolunteerStatus.selected: 40,
        VolunteerStatus.reserve: 8,
        VolunteerStatus.pool: 152,
    }
    selected = [v for v in people if v.status == VolunteerStatus.selected]
    assert len(panel.quotas) == 20
    assert panel.features == [
        "Tranche d'âge",
        "Genre",
        "Catégorie socio-professionnelle",
        "Commune",
    ]
    for quota in panel.quotas:
        count = sum(1 for v in selected if v.features[quota.feature] == quota.value)
        assert quota.minimum <= count <= quota.maximum, (quota.feature, quota.value, count)
    # the volunteers do not look like the population: the quotas had something to correct
    pool_cadres = sum(
        1 for v in people if v.features["Catégorie socio-professionnelle"].startswith("Cadres")
    )
    assert pool_cadres / len(people) > 9 / 40


def test_the_record_shows_the_seed_the_algorithm_and_the_dates(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    panel = the_panel(db)
    runs = db.scalars(select(PanelRun).where(PanelRun.panel_id == panel.id)).all()
    assert [(r.state, r.seed, r.algorithm) for r in runs] == [(RunState.done, 20230915, "legacy")]
    assert panel.algorithm == "legacy" and panel.library_version
    # 18:00 and 10:00 in Paris, summer time
    assert panel.seed_announced_at == datetime(2023, 9, 4, 16, 0, tzinfo=UTC)
    assert panel.drawn_at == datetime(2023, 9, 11, 8, 0, tzinfo=UTC)
    changed = db.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "panel",
            AuditEvent.entity_id == panel.id,
            AuditEvent.action == "seed_algorithm",
        )
    ).one()
    assert changed.before == {"algorithm": "maximin"}
    assert changed.after == {"algorithm": "legacy"}


def test_the_volunteers_are_fictional_first_names_with_no_contact(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    people = volunteers(db, the_panel(db))
    assert len(people) == 200
    assert all(v.first_name and not v.last_name for v in people)
    assert all(v.email is None and v.phone is None for v in people)
    assert {v.source for v in people} == {Source.imported}
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == 0  # nobody mailed


def test_loading_twice_keeps_the_same_panel(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    first = drawn(db)
    before = table_counts(db)
    assert not load_seed(db, read_seed(DEMO)).changed
    assert table_counts(db) == before
    assert drawn(db) == first


def test_a_fresh_load_draws_the_same_panel_again(db: Session) -> None:
    load_seed(db, read_seed(DEMO))
    first = drawn(db)
    db.rollback()  # back to an empty database: the pool is generated and drawn once more...
    draw_once.cache_clear()  # ...by the library in a new process, not from the last outcome
    assert db.scalar(select(func.count()).select_from(Panel)) == 0
    load_seed(db, read_seed(DEMO))
    assert draw_once.cache_info().misses == 1  # the library did run again
    assert drawn(db) == first


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "Tranche d'âge ; 45-59 ans ; 8 ; 10",
            "Tranche d'âge ; 45-59 ans ; 12 ; 10",
            f"panels[1] ({TITLE}): quotas: line 3: min 12 is more than max 10",
        ),
        (
            "Genre ; Homme ; 18 ; 21",
            "Genre ; Homme ; 18",
            "quotas: line 7: expected 4 cells separated by ';'",
        ),
        (
            "pool_size = 200",
            "pool_size = 30",
            f"panels[1] ({TITLE}): pool_size: 30 is less than the panel's size 40",
        ),
        (
            "Genre ; Femme ; 56",
            "Genre ; Femmes ; 56",
            "pool: line 6: 'Genre' = 'Femmes' has no quota",
        ),
        ("reserve = 8", "reserve = 41", "reserve: 41 is more than the panel's size"),
        ('algorithm = "legacy"', 'algorithm = "nash"', "algorithm: unknown value 'nash'"),
        (
            "drawn_at = 2023-09-11T10:00:00",
            "drawn_at = 2023-09-01T10:00:00",
            "drawn_at: must be after announced_at",
        ),
    ],
)
def test_a_mistaken_panel_is_refused(tmp_path: Path, old: str, new: str, expected: str) -> None:
    with pytest.raises(SeedError) as refused:
        read_seed(broken(tmp_path, old, new))
    assert expected in str(refused.value)


def test_quotas_the_generated_pool_cannot_meet_are_refused(tmp_path: Path) -> None:
    path = broken(tmp_path, "Commune ; Pérols ; 0 ; 2", "Commune ; Pérols ; 3 ; 4")
    with pytest.raises(SeedError) as refused:
        read_seed(path)
    message = str(refused.value)
    assert f"panels[1] ({TITLE}): the generated pool cannot be drawn: " in message
    assert "« Pérols »" in message and "au moins 3" in message


def test_a_mistaken_panel_changes_nothing(app: Flask, db: Session, tmp_path: Path) -> None:
    path = broken(tmp_path, "pool_size = 200", "pool_size = 30")
    before = table_counts(db)
    result = run_seed(app, str(path))
    assert result.exit_code != 0
    assert "pool_size: 30 is less than the panel's size 40" in result.output
    assert "nothing was changed" in result.output
    assert table_counts(db) == before
