"""Use-case workshops: cases, common issues, contributions, and the result page."""

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.consultations import workshop_service as ws
from coalition.consultations.models import (
    CONTRIBUTION_KIND_LABELS,
    GENERAL_OBJECTIVE_LABELS,
    ContributionKind,
    Workshop,
)
from coalition.consultations.workshop_forms import (
    CaseForm,
    ContributionForm,
    DeleteForm,
    IssueForm,
    WorkshopEditForm,
    WorkshopForm,
)
from coalition.core.errors import DomainError
from coalition.core.forms import apply_domain_error
from coalition.core.permissions import require, viewer
from coalition.core.versions import StaleEdit
from coalition.db import db_session

bp = Blueprint("workshops", __name__)
T = TypeVar("T")


@bp.context_processor
def workshop_labels() -> dict[str, Any]:
    return {"kind_labels": CONTRIBUTION_KIND_LABELS, "objective_labels": GENERAL_OBJECTIVE_LABELS}


def _load(slug: str, workshop_id: int, *, manage: bool) -> tuple[Session, Coalition, Workshop]:
    """The workshop (404 if it is not the coalition's, or a draft the viewer may not see);
    for `manage`, the public is sent to log in and others without the right get 403."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    workshop = ws.workshop_or_404(session, coalition, workshop_id)
    require("workshop.view", workshop, hide=True)
    if manage:
        require("workshop.manage", workshop)
    return session, coalition, workshop


def _save(session: Session, form: FlaskForm, write: Callable[[], T]) -> tuple[T | None, int]:
    """Write and commit: (what was written, 0); or roll back, tell the form why, and give the
    HTTP status of the refusal (400 bad input, 409 someone else's change came first)."""
    try:
        result = write()
        session.commit()
    except (StaleEdit, IntegrityError, StaleDataError) as error:
        session.rollback()
        form.form_errors.append(
            str(error)
            if isinstance(error, StaleEdit)
            else _(
                "Quelqu'un a enregistré un changement au même instant : rien n'a été "
                "enregistré. Rechargez la page et recommencez."
            )
        )
        return None, 409
    except DomainError as error:
        session.rollback()
        apply_domain_error(form, error)
        return None, 400
    return result, 0


def _details(form: WorkshopForm) -> ws.WorkshopDetails:
    return ws.WorkshopDetails(
        title=form.title.data or "",
        description=form.description.data or "",
        place=form.place.data or "",
        held_on=form.held_on.data,
        is_published=bool(form.is_published.data),
    )


@bp.get("/c/<slug>/workshops")
def listing(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    workshops = ws.visible_workshops(session, coalition, viewer())
    return render_template("workshops/list.html", coalition=coalition, workshops=workshops)


@bp.route("/c/<slug>/workshops/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("workshop.manage", coalition)
    form = WorkshopForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        workshop, status = _save(
            session,
            form,
            lambda: ws.create_workshop(session, coalition, _details(form), by=viewer()),
        )
        if workshop is not None:
            flash(_("Atelier créé : ajoutez-lui ses cas d'usage."), "success")
            return redirect(url_for("workshops.edit", slug=slug, workshop_id=workshop.id))
    return render_template("workshops/new.html", coalition=coalition, form=form), status


@bp.get("/c/<slug>/workshops/<int:workshop_id>")
def page(slug: str, workshop_id: int) -> ResponseReturnValue:
    session, coalition, workshop = _load(slug, workshop_id, manage=False)
    results = ws.workshop_results(session, workshop)
    return render_template(
        "workshops/workshop.html", coalition=coalition, workshop=workshop, results=results
    )


def _edit_page(
    coalition: Coalition,
    workshop: Workshop,
    *,
    form: WorkshopEditForm | None = None,
    case_form: CaseForm | None = None,
    issue_form: IssueForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "workshops/edit.html",
        coalition=coalition,
        workshop=workshop,
        form=form or WorkshopEditForm(formdata=None, obj=workshop),
        case_form=case_form or CaseForm(prefix="case", formdata=None),
        issue_form=issue_form or IssueForm(prefix="issue", formdata=None),
    ), status


@bp.route("/c/<slug>/workshops/<int:workshop_id>/edit", methods=["GET", "POST"])
def edit(slug: str, workshop_id: int) -> ResponseReturnValue:
    session, coalition, workshop = _load(slug, workshop_id, manage=True)
    if request.method == "GET":
        return _edit_page(coalition, workshop)
    form = WorkshopEditForm()
    status = 400
    if form.validate_on_submit():
        _written, status = _save(
            session,
            form,
            lambda: ws.update_workshop(
                session, workshop, _details(form), seen_version=form.version.data, by=viewer()
            ),
        )
        if not status:
            flash(_("Atelier enregistré."), "success")
            return redirect(url_for("workshops.page", slug=slug, workshop_id=workshop.id))
        workshop = ws.workshop_or_404(session, coalition, workshop_id)
        if status == 409:
            form.now_at(workshop.version)
    return _edit_page(coalition, workshop, form=form, status=status)


@bp.post("/c/<slug>/workshops/<int:workshop_id>/cases")
def add_case(slug: str, workshop_id: int) -> ResponseReturnValue:
    session, coalition, workshop = _load(slug, workshop_id, manage=True)
    form = CaseForm(prefix="case")
    status = 400
    if form.validate_on_submit():
        title, scenario = form.title.data or "", form.scenario.data or ""
        case, status = _save(
            session,
            form,
            lambda: ws.add_case(session, workshop, title=title, scenario=scenario, by=viewer()),
        )
        if case is not None:
            flash(_("Cas d'usage ajouté."), "success")
            return redirect(
                url_for("workshops.edit", slug=slug, workshop_id=workshop_id) + "#cases"
            )
        workshop = ws.workshop_or_404(session, coalition, workshop_id)
    return _edit_page(coalition, workshop, case_form=form, status=status)


@bp.post("/c/<slug>/workshops/<int:workshop_id>/issues")
def add_issue(slug: str, workshop_id: int) -> ResponseReturnValue:
    session, coalition, workshop = _load(slug, workshop_id, manage=True)
    form = IssueForm(prefix="issue")
    status = 400
    if form.validate_on_submit():
        title, question = form.title.data or "", form.question.data or ""
        issue, status = _save(
            session,
            form,
            lambda: ws.add_issue(session, workshop, title=title, question=question, by=viewer()),
        )
        if issue is not None:
            flash(_("Enjeu commun ajouté."), "success")
            url = url_for("workshops.edit", slug=slug, workshop_id=workshop_id)
            return redirect(url + "#issues")
        workshop = ws.workshop_or_404(session, coalition, workshop_id)
    return _edit_page(coalition, workshop, issue_form=form, status=status)


@bp.route("/c/<slug>/workshops/<int:workshop_id>/cases/<int:case_id>", methods=["GET", "POST"])
def case_page(slug: str, workshop_id: int, case_id: int) -> ResponseReturnValue:
    """Record contributions one after another: after each, the same page comes back, ready
    for the next one, with the kind of the previous one ticked."""
    session, coalition, workshop = _load(slug, workshop_id, manage=True)
    case = ws.case_or_404(workshop, case_id)
    status = 200
    if request.method == "GET":
        previous = request.args.get("kind")
        kind = previous if previous in ContributionKind.__members__ else None
        form = ContributionForm(formdata=None, kind=kind)
    else:
        form = ContributionForm()
        status = 400
    form.offer_issues(workshop.issues)
    if form.validate_on_submit():
        _written, status = _save(
            session,
            form,
            lambda: ws.record_contribution(
                session,
                workshop,
                case,
                kind=form.kind.data or "",
                text=form.text.data or "",
                objective=form.objective.data or None,
                issue_id=form.issue.data or None,
                by=viewer(),
            ),
        )
        if not status:
            flash(_("Contribution enregistrée : vous pouvez saisir la suivante."), "success")
            url = url_for(
                "workshops.case_page",
                slug=slug,
                workshop_id=workshop_id,
                case_id=case_id,
                kind=form.kind.data,
            )
            return redirect(url + "#saisie")
        workshop = ws.workshop_or_404(session, coalition, workshop_id)
        case = ws.case_or_404(workshop, case_id)
        form.offer_issues(workshop.issues)
    return render_template(
        "workshops/case.html",
        coalition=coalition,
        workshop=workshop,
        case=case,
        form=form,
        delete_form=DeleteForm(formdata=None),
        contributions=ws.case_contributions(session, case),
        issue_titles={issue.id: issue.title for issue in workshop.issues},
    ), status


@bp.post("/c/<slug>/workshops/<int:workshop_id>/contributions/<int:contribution_id>/delete")
def delete_contribution(slug: str, workshop_id: int, contribution_id: int) -> ResponseReturnValue:
    session, _coalition, workshop = _load(slug, workshop_id, manage=True)
    contribution = ws.contribution_or_404(session, workshop, contribution_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    ws.delete_contribution(session, workshop, contribution, by=viewer())
    session.commit()
    flash(_("Contribution supprimée."), "success")
    url = url_for(
        "workshops.case_page", slug=slug, workshop_id=workshop_id, case_id=contribution.case_id
    )
    return redirect(url + "#contributions")
