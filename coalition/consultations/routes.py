"""Consultations for everyone: the list, answering online, the results, the network of stalls
and the CSVs."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import can, require, viewer
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.consultations import queries
from coalition.consultations.answer_form import (
    AnswerForm,
    Outcome,
    fresh_form,
    take_answer,
    too_many_answers,
)
from coalition.consultations.charts import answer_bars, answers_by_day
from coalition.consultations.models import Channel, Consultation, ConsultationStatus, Source, Stall
from coalition.consultations.network import (
    NETWORK_CSV_HEADER,
    TERRITORY,
    Network,
    network_csv_rows,
    network_of,
    territory_crosstabs,
)
from coalition.consultations.results import (
    CrossTabs,
    consultation_results,
    cross_tabulate,
    csv_rows,
)
from coalition.core.exports import csv_cell, to_csv
from coalition.db import db_session

bp = Blueprint("consultations", __name__)
CSV_CHUNK = 64_000  # characters sent at a time: the export streams, whatever its size


@bp.get("/c/<slug>/consultations")
def index(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    return render_template(
        "consultations/index.html",
        coalition=coalition,
        consultations=queries.visible_consultations(session, coalition, viewer()),
    )


def _answer_page(
    coalition: Coalition,
    consultation: Consultation,
    form: AnswerForm,
    outcome: Outcome,
    stall: Stall | None = None,
) -> ResponseReturnValue:
    online = consultation.channel in (Channel.online, Channel.both) or stall is not None
    return render_template(
        "consultations/answer.html",
        coalition=coalition,
        consultation=consultation,
        form=form,
        outcome=outcome,
        stall=stall,
        accepting=consultation.status == ConsultationStatus.open and online,
    ), outcome.status


@bp.get("/s/<code>")
def stall_code(code: str) -> ResponseReturnValue:
    """The address on a stall's posters: the consultation's form, answers counted for the stall."""
    session = db_session()
    stall = queries.stall_of_code(session, code)
    if stall is None:
        abort(404)
    consultation = queries.consultation_of(session, stall)
    require("consultation.view", consultation, hide=True)
    coalition = session.get_one(Coalition, consultation.coalition_id)
    target = url_for(
        ".answer", slug=coalition.slug, consultation_id=consultation.id, stand=stall.code
    )
    return redirect(target, 303)


@bp.route("/c/<slug>/consultations/<int:consultation_id>", methods=["GET", "POST"])
def answer(slug: str, consultation_id: int) -> ResponseReturnValue:
    # counted first, in its own transaction, before this request's session begins
    too_many = request.method == "POST" and too_many_answers()
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    stall = queries.stall_of_stand(session, consultation, request.args.get("stand", ""))
    if request.method == "GET":
        return _answer_page(coalition, consultation, fresh_form(consultation), Outcome(200), stall)
    if too_many:
        message = _(
            "Trop de réponses sont parties de cette connexion en peu de temps : "
            "réessayez dans quelques minutes."
        )
        outcome = Outcome(429, message, values=request.form.copy())
        return _answer_page(coalition, consultation, fresh_form(consultation), outcome, stall)
    outcome = take_answer(session, consultation, AnswerForm(), source=Source.online, stall=stall)
    if outcome.status == 303:
        already = 1 if outcome.already_counted else None  # a form sent again: said on the page
        thanks_url = url_for(".thanks", slug=slug, consultation_id=consultation.id, already=already)
        return redirect(thanks_url, 303)
    return _answer_page(coalition, consultation, fresh_form(consultation), outcome, stall)


@bp.get("/c/<slug>/consultations/<int:consultation_id>/thanks")
def thanks(slug: str, consultation_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    return render_template(
        "consultations/thanks.html",
        coalition=coalition,
        consultation=consultation,
        already_counted=request.args.get("already") == "1",
    )


def _crosstabs(
    session: Session, consultation: Consultation, network: Network, by: str
) -> CrossTabs | None:
    """The cross-tables `?by=` asks for: by a profile question, or by the stalls' territory
    (when the consultation has stalls); 404 for anything else."""
    if not by:
        return None
    if by == TERRITORY and network.stalls:
        return territory_crosstabs(session, consultation, network)
    profile = next((q for q in consultation.questions if q.is_profile and str(q.id) == by), None)
    if profile is None:
        abort(404)
    return cross_tabulate(session, consultation, profile)


@bp.get("/c/<slug>/consultations/<int:consultation_id>/results")
def results(slug: str, consultation_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    network = network_of(session, consultation)
    crosstabs = _crosstabs(session, consultation, network, request.args.get("by", ""))
    return render_template(
        "consultations/results.html",
        coalition=coalition,
        consultation=consultation,
        results=consultation_results(session, consultation),
        profiles=[question for question in consultation.questions if question.is_profile],
        network=network,
        crosstabs=crosstabs,
        manages=can(viewer(), "consultation.manage", coalition),
        answer_bars=lambda result: answer_bars(result, percent_label=_("Part des personnes (%)")),
        day_chart=_day_chart(network),
    )


def _day_chart(network: Network) -> dict[str, Any]:
    return answers_by_day(
        network.days,
        at_stalls_label=_("Sur un stand"),
        online_label=_("En ligne, sans stand"),
        count_label=_("Réponses"),
    )


@bp.get("/c/<slug>/consultations/<int:consultation_id>/stands")
def stands(slug: str, consultation_id: int) -> ResponseReturnValue:
    """The stalls held for the consultation, public: where, when and how many answered."""
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    network = network_of(session, consultation)
    return render_template(
        "consultations/stalls_network.html",
        coalition=coalition,
        consultation=consultation,
        network=network,
    )


@bp.get("/c/<slug>/consultations/<int:consultation_id>/stands.csv")
def stands_csv(slug: str, consultation_id: int) -> ResponseReturnValue:
    session = db_session()
    _coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    rows = network_csv_rows(network_of(session, consultation))
    filename = f"consultation-{consultation.id}-stands.csv"
    return Response(
        to_csv(NETWORK_CSV_HEADER, rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/c/<slug>/consultations/<int:consultation_id>/answers.csv")
def answers_csv(slug: str, consultation_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    rows = csv_rows(
        session,
        consultation,
        with_pending_texts=can(viewer(), "consultation.manage", coalition),
    )

    def chunks() -> Iterator[str]:  # UTF-8 without BOM, CRLF line ends (RFC 4180)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        for row in rows:
            writer.writerow([csv_cell(cell) for cell in row])
            if buffer.tell() > CSV_CHUNK:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    filename = f"consultation-{consultation.id}-reponses.csv"
    return Response(
        stream_with_context(chunks()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
