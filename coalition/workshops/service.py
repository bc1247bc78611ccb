"""Use-case workshops: what facilitators write (workshops, cases, common issues, contributions)
and what the pages read (a workshop with everything its result page shows)."""

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import ValidationError
from coalition.core.versions import check_version
from coalition.workshops.models import (
    CommonIssue,
    Contribution,
    ContributionKind,
    GeneralObjective,
    UseCase,
    Workshop,
)

WORKSHOP_FIELDS = ("title", "description", "place", "held_on", "is_published", "version")
CASE_FIELDS = ("workshop_id", "position", "title", "scenario")
ISSUE_FIELDS = ("workshop_id", "position", "title", "question")
CONTRIBUTION_FIELDS = ("case_id", "kind", "text", "objective", "issue_id")
MAX_CONTRIBUTION = 1000
AUDITED: dict[type, tuple[str, tuple[str, ...]]] = {
    Workshop: ("workshop", WORKSHOP_FIELDS),
    UseCase: ("workshop_case", CASE_FIELDS),
    CommonIssue: ("workshop_issue", ISSUE_FIELDS),
    Contribution: ("workshop_contribution", CONTRIBUTION_FIELDS),
}
E = TypeVar("E", bound=StrEnum)


# -- writes -------------------------------------------------------------------------------


@dataclass
class WorkshopDetails:
    title: str
    description: str = ""
    place: str = ""
    held_on: date | None = None
    is_published: bool = False


def _text(value: str, limit: int, field: str, *, required: Any = None) -> str:
    value = value.strip()
    if required is not None and not value:
        raise ValidationError(required, field=field)
    if len(value) > limit:
        raise ValidationError(
            _l("Ce texte est trop long : %(max)d caractères au plus.", max=limit), field=field
        )
    return value


def _check_details(details: WorkshopDetails) -> WorkshopDetails:
    return WorkshopDetails(
        title=_text(details.title, 300, "title", required=_l("Le titre est obligatoire.")),
        description=_text(details.description, 20_000, "description"),
        place=_text(details.place, 200, "place"),
        held_on=details.held_on,
        is_published=details.is_published,
    )


def _log(
    session: Session,
    workshop: Workshop,
    obj: Any,
    action: str,
    *,
    by: User | None,
    before: dict[str, Any] | None = None,
) -> None:
    entity, fields = AUDITED[type(obj)]
    coalition_id = workshop.coalition_id
    audit.record_change(
        session, entity, obj, action, by=by, coalition_id=coalition_id, before=before, fields=fields
    )


def create_workshop(
    session: Session, coalition: Coalition, details: WorkshopDetails, *, by: User | None
) -> Workshop:
    checked = _check_details(details)
    workshop = Workshop(coalition_id=coalition.id, **vars(checked))
    session.add(workshop)
    _log(session, workshop, workshop, "create", by=by)
    return workshop


def update_workshop(
    session: Session,
    workshop: Workshop,
    details: WorkshopDetails,
    *,
    seen_version: int | None,
    by: User | None,
) -> Workshop:
    check_version("workshop", workshop, seen_version)
    checked = _check_details(details)
    before = audit.snapshot(workshop, WORKSHOP_FIELDS)
    for name, value in vars(checked).items():
        setattr(workshop, name, value)
    if audit.changed(workshop, before, WORKSHOP_FIELDS):
        _log(session, workshop, workshop, "update", by=by, before=before)
    return workshop


def add_case(
    session: Session, workshop: Workshop, *, title: str, scenario: str, by: User | None
) -> UseCase:
    case = UseCase(
        workshop_id=workshop.id,
        position=max((c.position for c in workshop.cases), default=-1) + 1,
        title=_text(title, 300, "title", required=_l("Donnez un titre au cas d'usage.")),
        scenario=_text(scenario, 5000, "scenario"),
    )
    workshop.cases.append(case)
    _log(session, workshop, case, "create", by=by)
    return case


def add_issue(
    session: Session, workshop: Workshop, *, title: str, question: str, by: User | None
) -> CommonIssue:
    title = _text(title, 300, "title", required=_l("Donnez un titre à l'enjeu commun."))
    if any(issue.title.casefold() == title.casefold() for issue in workshop.issues):
        raise ValidationError(_l("Cet enjeu commun existe déjà dans l'atelier."), field="title")
    issue = CommonIssue(
        workshop_id=workshop.id,
        position=max((i.position for i in workshop.issues), default=-1) + 1,
        title=title,
        question=_text(question, 2000, "question"),
    )
    workshop.issues.append(issue)
    _log(session, workshop, issue, "create", by=by)
    return issue


def _member(enum: type[E], value: str | None, message: Any, field: str) -> E:
    try:
        return enum(value or "")
    except ValueError:
        raise ValidationError(message, field=field) from None


def record_contribution(
    session: Session,
    workshop: Workshop,
    case: UseCase,
    *,
    kind: str,
    text: str,
    objective: str | None = None,
    issue_id: int | str | None = None,
    by: User | None,
) -> Contribution:
    """A participant's benefit, fear or condition about a case, as a facilitator typed it.
    The optional tags are checked here: an unknown objective, or an issue of another workshop,
    is refused with a message the facilitator can act on."""
    if case.workshop_id != workshop.id:
        raise ValidationError(_l("Ce cas d'usage n'appartient pas à cet atelier."))
    chosen_kind = _member(
        ContributionKind, kind, _l("Choisissez : bénéfice, crainte ou condition."), "kind"
    )
    required = _l("Écrivez la contribution.")
    text = _text(text, MAX_CONTRIBUTION, "text", required=required)
    chosen_objective = (
        _member(GeneralObjective, objective, _l("Cet objectif général n'existe pas."), "objective")
        if objective
        else None
    )
    issue = None
    if issue_id not in (None, ""):
        issue = next((i for i in workshop.issues if str(i.id) == str(issue_id)), None)
        if issue is None:
            message = _l("Cet enjeu commun n'existe pas dans cet atelier.")
            raise ValidationError(message, field="issue")
    contribution = Contribution(
        case_id=case.id,
        kind=chosen_kind,
        text=text,
        objective=chosen_objective,
        issue_id=issue.id if issue else None,
    )
    session.add(contribution)
    _log(session, workshop, contribution, "create", by=by)
    return contribution


def delete_contribution(
    session: Session, workshop: Workshop, contribution: Contribution, *, by: User | None
) -> None:
    before = audit.snapshot(contribution, CONTRIBUTION_FIELDS)
    session.delete(contribution)
    _log(session, workshop, contribution, "delete", by=by, before=before)


# -- reads --------------------------------------------------------------------------------
