"""Reads of workshops: what the viewer may see, a case's contributions, the results page."""

from collections import defaultdict
from dataclasses import dataclass

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.access import WORKSHOPS
from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.workshops.models import (
    CommonIssue,
    Contribution,
    ContributionKind,
    GeneralObjective,
    UseCase,
    Workshop,
)


def workshop_or_404(session: Session, coalition: Coalition, workshop_id: int) -> Workshop:
    """The coalition's workshop with its cases and issues (reloaded after a rollback)."""
    workshop = session.scalars(
        select(Workshop)
        .where(Workshop.id == workshop_id, Workshop.coalition_id == coalition.id)
        .options(selectinload(Workshop.cases), selectinload(Workshop.issues))
        .execution_options(populate_existing=True)
    ).one_or_none()
    if workshop is None:
        abort(404)
    return workshop


def case_or_404(workshop: Workshop, case_id: int) -> UseCase:
    case = next((c for c in workshop.cases if c.id == case_id), None)
    if case is None:
        abort(404)
    return case


def contribution_or_404(session: Session, workshop: Workshop, contribution_id: int) -> Contribution:
    contribution = session.get(Contribution, contribution_id)
    if contribution is None or contribution.case_id not in {c.id for c in workshop.cases}:
        abort(404)
    return contribution


def visible_workshops(
    session: Session, coalition: Coalition, viewer: User | None
) -> list[Workshop]:
    """The coalition's workshops, latest first: the published ones, or all for its facilitators."""
    query = select(Workshop).where(
        Workshop.coalition_id == coalition.id, WORKSHOPS.where(viewer, coalition.id)
    )
    order = (Workshop.held_on.desc().nulls_last(), Workshop.id.desc())
    return list(session.scalars(query.order_by(*order)))


def case_contributions(session: Session, case: UseCase) -> list[Contribution]:
    return list(
        session.scalars(
            select(Contribution).where(Contribution.case_id == case.id).order_by(Contribution.id)
        )
    )


@dataclass(frozen=True)
class CaseResult:
    case: UseCase
    by_kind: dict[ContributionKind, list[Contribution]]  # every kind, in the labels' order

    @property
    def total(self) -> int:
        return sum(len(items) for items in self.by_kind.values())


@dataclass(frozen=True)
class WorkshopResults:
    cases: list[CaseResult]
    by_objective: list[tuple[GeneralObjective, list[Contribution]]]
    by_issue: list[tuple[CommonIssue, list[Contribution]]]
    untagged: list[Contribution]  # neither an objective nor a common issue
    case_titles: dict[int, str]
    issue_titles: dict[int, str]


def workshop_results(session: Session, workshop: Workshop) -> WorkshopResults:
    """The result page, from one query beyond the workshop (its cases and issues loaded)."""
    contributions = list(
        session.scalars(
            select(Contribution)
            .join(UseCase, UseCase.id == Contribution.case_id)
            .where(UseCase.workshop_id == workshop.id)
            .order_by(Contribution.id)
        )
    )
    by_case: dict[tuple[int, ContributionKind], list[Contribution]] = defaultdict(list)
    by_objective: dict[GeneralObjective, list[Contribution]] = defaultdict(list)
    by_issue: dict[int, list[Contribution]] = defaultdict(list)
    untagged = []
    for contribution in contributions:
        by_case[contribution.case_id, contribution.kind].append(contribution)
        if contribution.objective is not None:
            by_objective[contribution.objective].append(contribution)
        if contribution.issue_id is not None:
            by_issue[contribution.issue_id].append(contribution)
        if contribution.objective is None and contribution.issue_id is None:
            untagged.append(contribution)
    return WorkshopResults(
        cases=[
            CaseResult(case, {kind: by_case[case.id, kind] for kind in ContributionKind})
            for case in workshop.cases
        ],
        by_objective=[(objective, by_objective[objective]) for objective in GeneralObjective],
        by_issue=[(issue, by_issue[issue.id]) for issue in workshop.issues],
        untagged=untagged,
        case_titles={case.id: case.title for case in workshop.cases},
        issue_titles={issue.id: issue.title for issue in workshop.issues},
    )
