"""Recommendations: the public list and pages; facilitators record them and their answers."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.input import chosen_id, chosen_ids
from coalition.core.writes import save
from coalition.db import db_session, utcnow
from coalition.recommendations import queries, service
from coalition.recommendations.forms import AnswerForm, RecommendationForm
from coalition.recommendations.models import (
    ANSWER_STATUS_LABELS,
    ORIGIN_LABELS,
    Recommendation,
)
from coalition.workshops.models import GENERAL_OBJECTIVE_LABELS

bp = Blueprint("recommendations", __name__)


@bp.context_processor
def recommendation_labels() -> dict[str, Any]:
    return {
        "answer_labels": ANSWER_STATUS_LABELS,
        "origin_labels": ORIGIN_LABELS,
        "objective_labels": GENERAL_OBJECTIVE_LABELS,
    }


def _load(slug: str, recommendation_id: int) -> tuple[Session, Coalition, Recommendation]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    return session, coalition, queries.recommendation_or_404(session, coalition, recommendation_id)


@bp.get("/c/<slug>/recommendations")
def listing(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    status, objective = request.args.get("status", ""), request.args.get("objective", "")
    filters = queries.parse_filters(status, objective)
    if filters is None:
        abort(400, description=_("Ce filtre n'existe pas."))
    return render_template(
        "recommendations/list.html",
        coalition=coalition,
        recommendations=queries.recommendations(session, coalition, filters),
        status=status,
        objective=objective,
        unanswered=queries.UNANSWERED,
    )


@bp.get("/c/<slug>/recommendations/<int:recommendation_id>")
def page(slug: str, recommendation_id: int) -> ResponseReturnValue:
    session, coalition, recommendation = _load(slug, recommendation_id)
    require("coalition.view", coalition)
    sheet = queries.recommendation_sheet(session, recommendation, viewer())
    return render_template("recommendations/page.html", coalition=coalition, sheet=sheet)


# -- recording a recommendation -----------------------------------------------------------


def _offer(session: Session, coalition: Coalition, form: RecommendationForm) -> None:
    form.offer(
        queries.coalition_workshops(session, coalition),
        queries.coalition_consultations(session, coalition),
        queries.coalition_issues(session, coalition),
    )


def _details(form: RecommendationForm) -> service.RecommendationDetails:
    return service.RecommendationDetails(
        title=form.title.data or "",
        origin=form.origin.data or "",
        text=form.text.data or "",
        workshop_id=chosen_id(form.workshop.data, "workshop"),
        consultation_id=chosen_id(form.consultation.data, "consultation"),
        objectives=list(form.objectives.data or []),
        issue_ids=chosen_ids(form.issues.data, "issues"),
    )


def _form_page(
    coalition: Coalition,
    form: RecommendationForm,
    recommendation: Recommendation | None,
    status: int,
) -> ResponseReturnValue:
    return render_template(
        "recommendations/form.html",
        coalition=coalition,
        form=form,
        recommendation=recommendation,
    ), status


@bp.route("/c/<slug>/recommendations/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("recommendation.manage", coalition)
    form = RecommendationForm() if request.method == "POST" else RecommendationForm(formdata=None)
    _offer(session, coalition, form)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            saved = save(
                session,
                lambda: service.create_recommendation(
                    session, coalition, _details(form), by=viewer()
                ),
                form=form,
            )
            if saved.value is not None:
                flash(_("Recommandation enregistrée."), "success")
                return redirect(
                    url_for("recommendations.page", slug=slug, recommendation_id=saved.value.id)
                )
            status = saved.status
            _offer(session, coalition, form)
    return _form_page(coalition, form, None, status)


@bp.route("/c/<slug>/recommendations/<int:recommendation_id>/edit", methods=["GET", "POST"])
def edit(slug: str, recommendation_id: int) -> ResponseReturnValue:
    session, coalition, recommendation = _load(slug, recommendation_id)
    require("recommendation.manage", coalition)
    if request.method == "GET":
        form = RecommendationForm(
            formdata=None,
            version=recommendation.version,
            title=recommendation.title,
            text=recommendation.text,
            origin=recommendation.origin.value,
            workshop=str(recommendation.workshop_id or ""),
            consultation=str(recommendation.consultation_id or ""),
            objectives=recommendation.objective_codes,
            issues=[str(issue.id) for issue in recommendation.issues],
        )
        _offer(session, coalition, form)
        return _form_page(coalition, form, recommendation, 200)
    form = RecommendationForm()
    _offer(session, coalition, form)
    status = 400
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.update_recommendation(
                session,
                coalition,
                recommendation,
                _details(form),
                seen_version=form.version.data,
                by=viewer(),
            ),
            form=form,
        )
        if saved.ok:
            flash(_("Recommandation enregistrée."), "success")
            return redirect(
                url_for("recommendations.page", slug=slug, recommendation_id=recommendation_id)
            )
        status = saved.status
        recommendation = queries.recommendation_or_404(session, coalition, recommendation_id)
        _offer(session, coalition, form)
    return _form_page(coalition, form, recommendation, status)


# -- its answer ---------------------------------------------------------------------------


def _answer(form: AnswerForm) -> service.AnswerDetails:
    return service.AnswerDetails(
        status=form.status.data or "",
        reason=form.reason.data or "",
        answered_on=form.answered_on.data,
        actor_id=chosen_id(form.answered_by.data, "answered_by"),
        action_ids=chosen_ids(form.actions.data, "actions"),
    )


def _answer_page(
    session: Session,
    coalition: Coalition,
    recommendation: Recommendation,
    form: AnswerForm,
    status: int,
) -> ResponseReturnValue:
    form.offer(
        coalition.name,
        queries.coalition_actors(session, coalition),
        queries.coalition_actions(session, coalition),
    )
    return render_template(
        "recommendations/answer.html",
        coalition=coalition,
        recommendation=recommendation,
        form=form,
    ), status


@bp.route("/c/<slug>/recommendations/<int:recommendation_id>/answer", methods=["GET", "POST"])
def answer(slug: str, recommendation_id: int) -> ResponseReturnValue:
    session, coalition, recommendation = _load(slug, recommendation_id)
    require("recommendation.manage", coalition)
    if request.method == "GET":
        form = AnswerForm(
            formdata=None,
            version=recommendation.version,
            status=recommendation.answer_status,
            reason=recommendation.answer_reason,
            answered_by=str(recommendation.answered_by_actor_id or ""),
            answered_on=recommendation.answered_on or utcnow().date(),
            actions=[str(ident) for ident in recommendation.action_ids],
        )
        return _answer_page(session, coalition, recommendation, form, 200)
    form = AnswerForm()
    status = 400
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: service.answer_recommendation(
                session,
                coalition,
                recommendation,
                _answer(form),
                seen_version=form.version.data,
                by=viewer(),
                now=utcnow(),
            ),
            form=form,
        )
        if saved.ok:
            flash(_("Réponse enregistrée."), "success")
            return redirect(
                url_for("recommendations.page", slug=slug, recommendation_id=recommendation_id)
            )
        status = saved.status
        recommendation = queries.recommendation_or_404(session, coalition, recommendation_id)
    return _answer_page(session, coalition, recommendation, form, status)
