"""Reading panels: the list, the public record of a draw, the pool for facilitators.

The public sees counts only: the quotas, how many volunteers of each value are in the pool and
on the panel, the seed, the algorithm and its version. Names and contacts are for facilitators.
"""

from collections import Counter
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from coalition.coalitions.models import Coalition
from coalition.panels.models import Panel, PanelRun, RunKind, RunState, Volunteer, VolunteerStatus


def panel_or_404(session: Session, coalition: Coalition, panel_id: int) -> Panel:
    panel = session.scalar(
        select(Panel)
        .where(Panel.id == panel_id, Panel.coalition_id == coalition.id)
        .options(selectinload(Panel.quotas))
    )
    if panel is None:
        abort(404)
    return panel


def volunteer_or_404(session: Session, panel: Panel, volunteer_id: int) -> Volunteer:
    volunteer = session.get(Volunteer, volunteer_id)
    if volunteer is None or volunteer.panel_id != panel.id:
        abort(404)
    return volunteer


@dataclass(frozen=True)
class PanelRow:
    panel: Panel
    pool: int
    selected: int


def panels(session: Session, coalition: Coalition) -> list[PanelRow]:
    counts = (
        select(
            Volunteer.panel_id,
            func.count().label("pool"),
            func.count().filter(Volunteer.status == VolunteerStatus.selected).label("selected"),
        )
        .group_by(Volunteer.panel_id)
        .subquery()
    )
    rows = session.execute(
        select(Panel, counts.c.pool, counts.c.selected)
        .outerjoin(counts, counts.c.panel_id == Panel.id)
        .where(Panel.coalition_id == coalition.id)
        .order_by(Panel.created_at.desc(), Panel.id.desc())
    )
    return [PanelRow(panel, pool or 0, selected or 0) for panel, pool, selected in rows]


def volunteers(session: Session, panel: Panel) -> list[Volunteer]:
    return list(
        session.scalars(
            select(Volunteer).where(Volunteer.panel_id == panel.id).order_by(Volunteer.number)
        )
    )


@dataclass(frozen=True)
class QuotaRow:
    feature: str
    value: str
    minimum: int
    maximum: int
    pool: int
    panel: int

    @property
    def met(self) -> bool:
        return self.minimum <= self.panel <= self.maximum


@dataclass
class Record:
    """What the public page and export of a draw show."""

    panel: Panel
    rows: list[QuotaRow]
    statuses: Counter[VolunteerStatus]
    runs: list[PanelRun]
    incomplete: int  # volunteers missing a value for a feature
    replacements: list[PanelRun] = field(default_factory=list)

    @property
    def pool(self) -> int:
        return sum(self.statuses.values())

    @property
    def selected(self) -> int:
        return self.statuses[VolunteerStatus.selected]

    @property
    def pending(self) -> PanelRun | None:
        return next((run for run in reversed(self.runs) if run.is_pending), None)

    @property
    def last_run(self) -> PanelRun | None:
        return self.runs[-1] if self.runs else None


def record(session: Session, panel: Panel) -> Record:
    """One statement for the pool whatever its size, one for the runs."""
    people = session.execute(
        select(Volunteer.status, Volunteer.features).where(Volunteer.panel_id == panel.id)
    ).all()
    pool: Counter[tuple[str, str]] = Counter()
    drawn: Counter[tuple[str, str]] = Counter()
    statuses: Counter[VolunteerStatus] = Counter()
    names = panel.features
    incomplete = 0
    for status, features in people:
        statuses[status] += 1
        values = features or {}
        incomplete += any(not values.get(name) for name in names)
        for name in names:
            pool[(name, values.get(name, ""))] += 1
            if status == VolunteerStatus.selected:
                drawn[(name, values.get(name, ""))] += 1
    rows = [
        QuotaRow(
            q.feature,
            q.value,
            q.minimum,
            q.maximum,
            pool[(q.feature, q.value)],
            drawn[(q.feature, q.value)],
        )
        for q in panel.quotas
    ]
    runs = list(
        session.scalars(select(PanelRun).where(PanelRun.panel_id == panel.id).order_by(PanelRun.id))
    )
    replacements = [
        run for run in runs if run.kind == RunKind.replacement and run.state == RunState.done
    ]
    return Record(panel, rows, statuses, runs, incomplete, replacements)


def selected_people(session: Session, panel: Panel) -> list[Volunteer]:
    return list(
        session.scalars(
            select(Volunteer)
            .where(
                Volunteer.panel_id == panel.id,
                Volunteer.status.in_(
                    (VolunteerStatus.selected, VolunteerStatus.reserve, VolunteerStatus.declined)
                ),
            )
            .order_by(Volunteer.status, Volunteer.number)
        )
    )
