"""Use-case workshops: cases, common issues, contributions, and the result page."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.writes import save
from coalition.db import db_session
from coalition.workshops import queries as workshop_queries
from coalition.workshops import service as ws
from coalition.workshops.forms import (
    CaseForm,
    ContributionForm,
    DeleteForm,
    IssueForm,
    WorkshopEditForm,
    WorkshopForm,
)
from coalition.workshops.models import (
    CONTRIBUTION_KIND_LABELS,
    GENERAL_OBJECTIVE_LABELS,
    ContributionKind,
    Workshop,
)

bp = Blueprint("workshops", __name__)


@bp.context_processor
def workshop_labels() -> dict[str, Any]:
    return {"kind_labels": CONTRIBUTION_KIND_LABELS, "objective_labels": GENERAL_OBJECTIVE_LABELS}


def _load(slug: str, workshop_id: int, *, manage: bool) -> tuple[Session, Coalition, Workshop]:
    """The workshop (404 if it is not the coalition's, or a draft the viewer may not see);
    for `manage`, the public is sent to log in and others without the right get 403."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    workshop = workshop_queries.workshop_or_404(session, coalition, workshop_id)
    require("workshop.view", workshop, hide=True)
    if manage:
        require("workshop.manage", workshop)
    return session, coalition, workshop


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
    workshops = workshop_queries.visible_workshops(session, coalition, viewer())
    return render_template("workshops/list.html", coalition=coalition, workshops=workshops)


@bp.route("/c/<slug>/workshops/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("workshop.manage", coalition)
    form = WorkshopForm()
    status = 400 if form.is_submitted() else 200
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: ws.create_workshop(session, coalition, _details(form), by=viewer()),
            form=form,
        )
        if saved.value is not None:
            flash(_("Atelier créé : ajoutez-lui ses cas d'usage."), "success")
            return redirect(url_for("workshops.edit", slug=slug, workshop_id=saved.value.id))
        status = saved.status
    return render_template("workshops/new.html", coalition=coalition, form=form), status


@bp.get("/c/<slug>/workshops/<int:workshop_id>")
def page(slug: str, workshop_id: int) -> ResponseReturnValue:
    session, coalition, workshop = _load(slug, workshop_id, manage=False)
    results = workshop_queries.workshop_results(session, workshop)
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
        saved = save(
            session,
            lambda: ws.update_workshop(
                session, workshop, _details(form), seen_version=form.version.data, by=viewer()
            ),
            form=form,
        )
        if saved.ok:
            flash(_("Atelier enregistré."), "success")
            return redirect(url_for("workshops.page", slug=slug, workshop_id=workshop.id))
        status = saved.status
        workshop = workshop_queries.workshop_or_404(session, coalition, workshop_id)
        if saved.clashed:
            form.now_at(workshop.version)
    return _edit_page(coalition, workshop, form=form, status=status)


@bp.post("/c/<slug>/workshops/<int:workshop_id>/cases")
def add_case(slug: str, workshop_id: int) -> ResponseReturnValue:
    session, coalition, workshop = _load(slug, workshop_id, manage=True)
    form = CaseForm(prefix="case")
    status = 400
    if form.validate_on_submit():
        title, scenario = form.title.data or "", form.scenario.data or ""
        saved = save(
            session,
            lambda: ws.add_case(session, workshop, title=title, scenario=scenario, by=viewer()),
            form=form,
        )
        if saved.ok:
            flash(_("Cas d'usage ajouté."), "success")
            return redirect(
                url_for("workshops.edit", slug=slug, workshop_id=workshop_id) + "#cases"
            )
        status = saved.status
        workshop = workshop_queries.workshop_or_404(session, coalition, workshop_id)
    return _edit_page(coalition, workshop, case_form=form, status=status)


@bp.post("/c/<slug>/workshops/<int:workshop_id>/issues")
def add_issue(slug: str, workshop_id: int) -> ResponseReturnValue:
    session, coalition, workshop = _load(slug, workshop_id, manage=True)
    form = IssueForm(prefix="issue")
    status = 400
    if form.validate_on_submit():
        title, question = form.title.data or "", form.question.data or ""
        saved = save(
            session,
            lambda: ws.add_issue(session, workshop, title=title, question=question, by=viewer()),
            form=form,
        )
        if saved.ok:
            flash(_("Enjeu commun ajouté."), "success")
            url = url_for("workshops.edit", slug=slug, workshop_id=workshop_id)
            return redirect(url + "#issues")
        status = saved.status
        workshop = workshop_queries.workshop_or_404(session, coalition, workshop_id)
    return _edit_page(coalition, workshop, issue_form=form, status=status)


@bp.route("/c/<slug>/workshops/<int:workshop_id>/cases/<int:case_id>", methods=["GET", "POST"])
def case_page(slug: str, workshop_id: int, case_id: int) -> ResponseReturnValue:
    """Record contributions one after another: after each, the same page comes back, ready
    for the next one, with the kind of the previous one ticked."""
    session, coalition, workshop = _load(slug, workshop_id, manage=True)
    case = workshop_queries.case_or_404(workshop, case_id)
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
        saved = save(
            session,
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
            form=form,
        )
        if saved.ok:
            flash(_("Contribution enregistrée : vous pouvez saisir la suivante."), "success")
            url = url_for(
                "workshops.case_page",
                slug=slug,
                workshop_id=workshop_id,
                case_id=case_id,
                kind=form.kind.data,
            )
            return redirect(url + "#saisie")
        status = saved.status
        workshop = workshop_queries.workshop_or_404(session, coalition, workshop_id)
        case = workshop_queries.case_or_404(workshop, case_id)
        form.offer_issues(workshop.issues)
    return render_template(
        "workshops/case.html",
        coalition=coalition,
        workshop=workshop,
        case=case,
        form=form,
        delete_form=DeleteForm(formdata=None),
        contributions=workshop_queries.case_contributions(session, case),
        issue_titles={issue.id: issue.title for issue in workshop.issues},
    ), status


@bp.post("/c/<slug>/workshops/<int:workshop_id>/contributions/<int:contribution_id>/delete")
def delete_contribution(slug: str, workshop_id: int, contribution_id: int) -> ResponseReturnValue:
    session, _coalition, workshop = _load(slug, workshop_id, manage=True)
    contribution = workshop_queries.contribution_or_404(session, workshop, contribution_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    url = url_for(
        "workshops.case_page", slug=slug, workshop_id=workshop_id, case_id=contribution.case_id
    )
    saved = save(
        session, lambda: ws.delete_contribution(session, workshop, contribution, by=viewer())
    )
    if not saved.ok:  # a button without a form of its own: the error page says why
        abort(saved.status, description=str(saved.error))
    flash(_("Contribution supprimée."), "success")
    return redirect(url + "#contributions")
