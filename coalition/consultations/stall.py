"""Facilitators at a market stall: a full-screen form on a tablet that resets after each
answer, and the quick entry of questionnaires collected on paper, with a running count."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.consultations import queries
from coalition.consultations.answer_form import AnswerForm, Outcome, fresh_form, take_answer
from coalition.consultations.forms import StallForm
from coalition.consultations.models import Consultation, Source, Stall
from coalition.core import audit
from coalition.core.permissions import require, viewer
from coalition.db import db_session

bp = Blueprint("stall", __name__)
TEMPLATES = {Source.stall: "consultations/kiosk.html", Source.paper: "consultations/paper.html"}


def _load(slug: str, consultation_id: int) -> tuple[Session, Coalition, Consultation]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    consultation = queries.consultation_or_404(session, coalition, consultation_id)
    require("consultation.view", consultation, hide=True)  # a draft stays unknown to others
    require("consultation.manage", coalition)
    return session, coalition, consultation


@bp.route("/c/<slug>/consultations/<int:consultation_id>/stalls", methods=["GET", "POST"])
def stalls(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    form = StallForm()
    status = 200
    if form.validate_on_submit():
        stall = Stall(
            consultation_id=consultation.id,
            place=" ".join((form.place.data or "").split()),
            held_on=form.held_on.data,
        )
        session.add(stall)
        session.flush()
        user = viewer()
        audit.record(
            session,
            entity="consultation_stall",
            entity_id=stall.id,
            action="create",
            user_id=user.id if user else None,
            coalition_id=coalition.id,
            after={"place": stall.place, "held_on": stall.held_on.isoformat()},
        )
        session.commit()
        return redirect(
            url_for(".kiosk", slug=slug, consultation_id=consultation.id, stall_id=stall.id)
        )
    if form.is_submitted():
        status = 400
    elif form.held_on.data is None:
        form.held_on.data = date.today()
    return render_template(
        "consultations/stalls.html",
        coalition=coalition,
        consultation=consultation,
        form=form,
        stalls=queries.stalls_with_counts(session, consultation),
    ), status


def _flash_thanks(session: Session, stall: Stall, source: Source, outcome: Outcome) -> None:
    """Thank the person; a form sent twice (the back button, a double tap) is counted once and
    the next person's form, rendered after the redirect, has a new one-time token."""
    if outcome.already_counted:
        message = _("Ce formulaire avait déjà été envoyé : la réponse n'est pas comptée deux fois.")
        flash(message, "info")
        return
    count = queries.count_at_stall(session, stall, source)
    flash(_("Merci ! Réponse n° %(n)d enregistrée.", n=count), "success")


def _entry(slug: str, consultation_id: int, stall_id: int, source: Source) -> ResponseReturnValue:

    session, coalition, consultation = _load(slug, consultation_id)
    stall = queries.stall_or_404(session, consultation, stall_id)
    outcome = Outcome(200)
    if request.method == "POST":
        outcome = take_answer(session, consultation, AnswerForm(), source=source, stall=stall)
        if outcome.status == 303:
            _flash_thanks(session, stall, source, outcome)
            endpoint = ".kiosk" if source == Source.stall else ".paper"
            return redirect(
                url_for(endpoint, slug=slug, consultation_id=consultation.id, stall_id=stall.id),
                303,
            )
    return render_template(
        TEMPLATES[source],
        coalition=coalition,
        consultation=consultation,
        stall=stall,
        form=fresh_form(consultation),
        outcome=outcome,
        count=queries.count_at_stall(session, stall, source),
    ), outcome.status


@bp.route(
    "/c/<slug>/consultations/<int:consultation_id>/stalls/<int:stall_id>",
    methods=["GET", "POST"],
)
def kiosk(slug: str, consultation_id: int, stall_id: int) -> ResponseReturnValue:
    return _entry(slug, consultation_id, stall_id, Source.stall)


@bp.route(
    "/c/<slug>/consultations/<int:consultation_id>/stalls/<int:stall_id>/paper",
    methods=["GET", "POST"],
)
def paper(slug: str, consultation_id: int, stall_id: int) -> ResponseReturnValue:
    return _entry(slug, consultation_id, stall_id, Source.paper)
