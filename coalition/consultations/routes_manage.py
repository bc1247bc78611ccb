"""Facilitators prepare a consultation: its questions, opening and closing, and the review of
free-text answers."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.consultations import queries
from coalition.consultations import service_questionnaire as questionnaire
from coalition.consultations.forms import (
    ConfirmForm,
    ConsultationForm,
    MoveForm,
    QuestionForm,
    StatusForm,
    TextReviewForm,
)
from coalition.consultations.models import (
    Channel,
    Consultation,
    ConsultationStatus,
    Question,
    QuestionKind,
    TextReview,
)
from coalition.core.writes import save
from coalition.db import db_session

bp = Blueprint("consultation_manage", __name__)


def _load(slug: str, consultation_id: int) -> tuple[Session, Coalition, Consultation]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    consultation = queries.consultation_or_404(session, coalition, consultation_id)
    require("consultation.view", consultation, hide=True)  # a draft stays unknown to others
    require("consultation.manage", coalition)
    return session, coalition, consultation


def _question(consultation: Consultation, question_id: int) -> Question:
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def _details(form: ConsultationForm) -> questionnaire.ConsultationDetails:
    return questionnaire.ConsultationDetails(
        title=form.title.data or "",
        introduction=form.introduction.data or "",
        channel=Channel(form.channel.data),
    )


def _spec(form: QuestionForm) -> questionnaire.QuestionSpec:
    return questionnaire.QuestionSpec(
        kind=QuestionKind(form.kind.data),
        prompt=form.prompt.data or "",
        help=form.help.data or "",
        is_required=bool(form.is_required.data),
        is_profile=bool(form.is_profile.data),
        choices=questionnaire.parse_choices(form.choices.data or ""),
    )


def _back(slug: str, consultation: Consultation) -> ResponseReturnValue:
    return redirect(url_for(".edit", slug=slug, consultation_id=consultation.id))


@bp.route("/c/<slug>/consultations/new", methods=["GET", "POST"])
def create(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("consultation.manage", coalition)
    form = ConsultationForm()
    status = 200
    if form.validate_on_submit():
        saved = save(
            session,
            lambda: questionnaire.create_consultation(
                session, coalition, _details(form), by=viewer()
            ),
            form=form,
        )
        if saved.value is not None:
            flash(_("Consultation créée : ajoutez ses questions."), "success")
            return redirect(url_for(".edit", slug=slug, consultation_id=saved.value.id))
        status = saved.status
    elif form.is_submitted():
        status = 400
    return render_template("consultations/create.html", coalition=coalition, form=form), status


def _edit_page(
    coalition: Coalition,
    consultation: Consultation,
    *,
    form: ConsultationForm | None = None,
    question_form: QuestionForm | None = None,
    status_form: StatusForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    return render_template(
        "consultations/edit.html",
        coalition=coalition,
        consultation=consultation,
        form=form or ConsultationForm(formdata=None, obj=consultation),
        question_form=question_form or QuestionForm(formdata=None),
        status_form=status_form or StatusForm(formdata=None),
        button=ConfirmForm(formdata=None),
        move_form=MoveForm(formdata=None),
    ), status


@bp.route("/c/<slug>/consultations/<int:consultation_id>/edit", methods=["GET", "POST"])
def edit(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    form = ConsultationForm()
    if not form.is_submitted():
        return _edit_page(coalition, consultation)
    if not form.validate():
        return _edit_page(coalition, consultation, form=form, status=400)
    saved = save(
        session,
        lambda: questionnaire.edit_consultation(
            session, consultation, _details(form), seen_version=form.version.data, by=viewer()
        ),
        form=form,
    )
    if not saved.ok:
        return _edit_page(coalition, consultation, form=form, status=saved.status)
    flash(_("Consultation enregistrée."), "success")
    return _back(slug, consultation)


@bp.post("/c/<slug>/consultations/<int:consultation_id>/status")
def set_status(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    form = StatusForm()
    if not form.validate_on_submit():
        return _edit_page(coalition, consultation, status_form=form, status=400)
    saved = save(
        session,
        lambda: questionnaire.set_status(
            session, consultation, ConsultationStatus(form.status.data), by=viewer()
        ),
        form=form,
    )
    if not saved.ok:
        return _edit_page(coalition, consultation, status_form=form, status=saved.status)
    opened = consultation.status == ConsultationStatus.open
    flash(_("Consultation ouverte.") if opened else _("Consultation close."), "success")
    return _back(slug, consultation)


@bp.post("/c/<slug>/consultations/<int:consultation_id>/questions")
def add_question(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    form = QuestionForm()
    if not form.validate_on_submit():
        return _edit_page(coalition, consultation, question_form=form, status=400)
    saved = save(
        session,
        lambda: questionnaire.add_question(session, consultation, _spec(form), by=viewer()),
        form=form,
    )
    if not saved.ok:
        return _edit_page(coalition, consultation, question_form=form, status=saved.status)
    flash(_("Question ajoutée."), "success")
    return _back(slug, consultation)


@bp.route(
    "/c/<slug>/consultations/<int:consultation_id>/questions/<int:question_id>",
    methods=["GET", "POST"],
)
def edit_question(slug: str, consultation_id: int, question_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    question = _question(consultation, question_id)
    form = QuestionForm()
    status = 200
    if not form.is_submitted():
        form = QuestionForm(formdata=None, obj=question)
        form.choices.data = "\n".join(choice.label for choice in question.choices)
    elif form.validate():
        saved = save(
            session,
            lambda: questionnaire.edit_question(
                session, question, consultation, _spec(form), by=viewer()
            ),
            form=form,
        )
        if saved.ok:
            flash(_("Question enregistrée."), "success")
            return _back(slug, consultation)
        status = saved.status
    else:
        status = 400
    return render_template(
        "consultations/question.html",
        coalition=coalition,
        consultation=consultation,
        question=question,
        form=form,
    ), status


@bp.post("/c/<slug>/consultations/<int:consultation_id>/questions/<int:question_id>/delete")
def delete_question(slug: str, consultation_id: int, question_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    question = _question(consultation, question_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return _edit_page(coalition, consultation, status=400)
    saved = save(
        session, lambda: questionnaire.delete_question(session, question, consultation, by=viewer())
    )
    if not saved.ok:
        flash(str(saved.error), "error")
        return _edit_page(coalition, consultation, status=saved.status)
    flash(_("Question supprimée."), "success")
    return _back(slug, consultation)


@bp.post("/c/<slug>/consultations/<int:consultation_id>/questions/<int:question_id>/move")
def move_question(slug: str, consultation_id: int, question_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    question = _question(consultation, question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        return _edit_page(coalition, consultation, status=400)
    up = form.direction.data == "up"
    saved = save(
        session,
        lambda: questionnaire.move_question(session, question, consultation, up=up, by=viewer()),
    )
    if not saved.ok:
        flash(str(saved.error), "error")
        return _edit_page(coalition, consultation, status=saved.status)
    return _back(slug, consultation)


@bp.get("/c/<slug>/consultations/<int:consultation_id>/texts")
def texts(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    return _texts_page(session, coalition, consultation)


def _texts_page(
    session: Session,
    coalition: Coalition,
    consultation: Consultation,
    form: TextReviewForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    prompts = {question.id: question.prompt for question in consultation.questions}
    return render_template(
        "consultations/texts.html",
        coalition=coalition,
        consultation=consultation,
        answers=queries.texts_to_review(session, consultation),
        prompts=prompts,
        form=form or TextReviewForm(formdata=None),
    ), status


@bp.post("/c/<slug>/consultations/<int:consultation_id>/texts/<int:answer_id>")
def review_text(slug: str, consultation_id: int, answer_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    answer = queries.answer_or_404(session, consultation, answer_id)
    form = TextReviewForm()
    if not form.validate_on_submit():
        return _texts_page(session, coalition, consultation, form, 400)
    saved = save(
        session,
        lambda: questionnaire.review_text(
            session, answer, consultation, TextReview(form.decision.data), by=viewer()
        ),
        form=form,
    )
    if not saved.ok:
        return _texts_page(session, coalition, consultation, form, saved.status)
    approved = answer.text_review == TextReview.approved
    flash(_("Réponse publiée.") if approved else _("Réponse écartée."), "success")
    return redirect(url_for(".texts", slug=slug, consultation_id=consultation.id))
