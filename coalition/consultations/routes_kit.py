"""The animation kit: posters and flyers with a QR code, for a consultation and for each stall.

The print views are standalone pages whose only stylesheet is inline (allowed by its hash), so
that WeasyPrint makes the PDF from the same HTML without fetching anything. A stall's QR code
leads to its short address (`/s/<code>`), which counts the answers for that stall. A closed
consultation offers no kit: its posters' addresses answer 410 with a page that says so."""

import base64
import hashlib
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy.orm import Session

from coalition.access import can, viewer
from coalition.coalitions.models import Coalition
from coalition.consultations import kit, queries
from coalition.consultations.models import Consultation, ConsultationStatus, Stall
from coalition.core.links import external_url
from coalition.db import db_session

bp = Blueprint("kit", __name__)
KIT = "/c/<slug>/consultations/<int:consultation_id>/kit"


@dataclass(frozen=True)
class Poster:
    coalition: Coalition
    consultation: Consultation
    stall: Stall | None
    paper: kit.Paper


def _load(slug: str, consultation_id: int) -> tuple[Session, Coalition, Consultation]:
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    return session, coalition, consultation


def _form_url(coalition: Coalition, consultation: Consultation, stall: Stall | None) -> str:
    """What the QR code encodes: the stall's short address, else the consultation's form."""
    if stall is not None:
        return external_url("consultations.stall_code", code=stall.code)
    return external_url(
        "consultations.answer", slug=coalition.slug, consultation_id=consultation.id
    )


def _refuse_if_closed(coalition: Coalition, consultation: Consultation) -> None:
    if consultation.status == ConsultationStatus.closed:
        page = render_template(
            "consultations/kit_closed.html", coalition=coalition, consultation=consultation
        )
        abort(Response(page, status=410, mimetype="text/html"))


def _poster(slug: str, consultation_id: int, paper_name: str) -> Poster:
    session, coalition, consultation = _load(slug, consultation_id)
    paper = kit.paper_of(paper_name)
    if paper is None:
        abort(404)
    stall = queries.stall_of_stand(session, consultation, request.args.get("stand", ""))
    _refuse_if_closed(coalition, consultation)
    return Poster(coalition, consultation, stall, paper)


def _style_policy(css: str) -> str:
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    return (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'self' data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _printed(poster: Poster) -> tuple[str, str]:
    """The print view's HTML and the Content-Security-Policy that lets its inline style in."""
    coalition, consultation = poster.coalition, poster.consultation
    stall, paper = poster.stall, poster.paper
    url = _form_url(coalition, consultation, stall)
    css = render_template("consultations/kit_print_style.html", paper=paper)
    ids: dict[str, Any] = {"slug": coalition.slug, "consultation_id": consultation.id}
    stand = stall.code if stall else None
    html = render_template(
        "consultations/kit_print.html",
        coalition=coalition,
        consultation=consultation,
        stall=stall,
        paper=paper,
        css=Markup(css),  # noqa: S704 - our own template, numbers only
        qr=Markup(kit.qr_svg(url, _("Code QR du questionnaire : %(url)s", url=url))),  # noqa: S704 - segno's SVG
        text=kit.short_text(consultation.introduction, poster.paper.text_limit),
        size=kit.title_size(consultation.title),
        address=kit.shown_address(url),
        pdf_url=url_for(".pdf", paper=paper.name, stand=stand, **ids),
        kit_url=url_for(".page", **ids),
    )
    return html, _style_policy(css)


def _file_name(poster: Poster, suffix: str) -> str:
    kind = "flyers" if poster.paper.is_flyer else "affiche"
    owner = poster.stall.code if poster.stall else f"consultation-{poster.consultation.id}"
    return f"{kind}-{poster.paper.name}-{owner}.{suffix}"


@bp.get(KIT)
def page(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    stalls = [
        stall for stall, _at_stall, _on_paper in queries.stalls_with_counts(session, consultation)
    ]
    stalls.sort(key=lambda stall: (stall.held_on, stall.place, stall.id))
    return render_template(
        "consultations/kit.html",
        coalition=coalition,
        consultation=consultation,
        stalls=stalls,
        papers=list(kit.PAPERS.values()),
        closed=consultation.status == ConsultationStatus.closed,
        manages=can(viewer(), "consultation.manage", coalition),
        form_url=lambda stall: _form_url(coalition, consultation, stall),
        shown_address=kit.shown_address,
    )


@bp.get(KIT + "/<paper>")
def print_view(slug: str, consultation_id: int, paper: str) -> ResponseReturnValue:
    html, policy = _printed(_poster(slug, consultation_id, paper))
    return html, 200, {"Content-Security-Policy": policy}


@bp.get(KIT + "/<paper>.pdf")
def pdf(slug: str, consultation_id: int, paper: str) -> ResponseReturnValue:
    poster = _poster(slug, consultation_id, paper)
    html, _policy = _printed(poster)
    document = kit.pdf_of(html, base_url=str(current_app.config["BASE_URL"]) + "/")
    disposition = f'inline; filename="{_file_name(poster, "pdf")}"'
    return Response(
        document, mimetype="application/pdf", headers={"Content-Disposition": disposition}
    )


@bp.get(KIT + "/qr.svg")
def qr_svg(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    stall = queries.stall_of_stand(session, consultation, request.args.get("stand", ""))
    _refuse_if_closed(coalition, consultation)
    url = _form_url(coalition, consultation, stall)
    svg = kit.qr_svg(url, _("Code QR du questionnaire : %(url)s", url=url), size=400)
    owner = stall.code if stall else f"consultation-{consultation.id}"
    disposition = f'attachment; filename="qr-{owner}.svg"'
    return Response(svg, mimetype="image/svg+xml", headers={"Content-Disposition": disposition})
