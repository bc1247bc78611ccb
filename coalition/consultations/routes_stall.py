"""Market stalls: each runs on its own link, a kiosk with no account logged in that records
answers for that stall only, full screen on a tablet, reset after each answer; facilitators
create stalls, revoke or renew their links and type the questionnaires collected on paper.

A stall's link carries a secret of which only the hash is stored: the facilitator sees the
link once, when it is made (the stall created or its link renewed), to open the kiosk, mail it
or print it. Opening the kiosk from the stalls page logs the facilitator out of this browser,
so that passers-by reach no facilitator page and leaving the kiosk needs a login again."""

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import session as browser_session
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import logout_user
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.auth.service import normalise_email
from coalition.coalitions.models import Coalition
from coalition.consultations import queries
from coalition.consultations.answer_form import AnswerForm, Outcome, fresh_form, take_answer
from coalition.consultations.forms import ConfirmForm, OpenKioskForm, StallForm
from coalition.consultations.models import (
    Consultation,
    Source,
    Stall,
)
from coalition.consultations.queries import consultation_of, stall_of_link
from coalition.consultations.service_stall import (
    StallDetails,
    create_stall,
    kiosk_refusal,
    link_audit,
    mail_link,
    new_link,
    revoke_link,
)
from coalition.core import audit, limits
from coalition.core.errors import Conflict
from coalition.core.extensions import csrf
from coalition.core.links import external_url
from coalition.core.tokens import token_hash
from coalition.core.writes import save
from coalition.db import db_session, utcnow

bp = Blueprint("stall", __name__)
FRESH_LINKS = "fresh_stall_links"  # in the facilitator's session until the next stalls page
# A stall's tablets share one address (often a phone's hotspot or the market's wifi): answers
# through a stall link are counted per link, not per address, apart from the public form.
STALL_ANSWER_LIMIT = 120
STALL_ANSWER_WINDOW = 600
KIOSK_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


# --- facilitators: the stalls page, links, paper entry ----------------------------------------


def _load(slug: str, consultation_id: int) -> tuple[Session, Coalition, Consultation]:
    session = db_session()
    coalition, consultation = queries.visible_or_404(session, slug, consultation_id)
    require("consultation.manage", coalition)
    return session, coalition, consultation


def keep_fresh_links(links: dict[str, str]) -> None:
    """Links just made, by stall id, shown once on the next stalls page of this browser."""
    browser_session[FRESH_LINKS] = {**browser_session.get(FRESH_LINKS, {}), **links}


def _keep_fresh_link(stall: Stall, secret: str) -> None:
    keep_fresh_links({str(stall.id): secret})


def _stalls_page(
    session: Session,
    coalition: Coalition,
    consultation: Consultation,
    form: StallForm,
    status: int = 200,
    error: str | None = None,
) -> ResponseReturnValue:
    kept = browser_session.pop(FRESH_LINKS, {}) if status == 200 else {}
    stalls = queries.stalls_with_counts(session, consultation)
    fresh = {
        stall.id: kept[str(stall.id)]
        for stall, _, _ in stalls
        if str(stall.id) in kept
        and stall.has_working_link
        and token_hash(kept[str(stall.id)]) == stall.link_hash
    }
    return render_template(
        "consultations/stalls.html",
        coalition=coalition,
        consultation=consultation,
        form=form,
        stalls=stalls,
        fresh=fresh,
        link_url=lambda secret: external_url("stall.kiosk", secret=secret),
        error=error,
    ), status


def _record_link_change(
    session: Session, coalition: Coalition, stall: Stall, action: str, before: dict[str, object]
) -> None:
    user = viewer()
    audit.record(
        session,
        entity="consultation_stall",
        entity_id=stall.id,
        action=action,
        user_id=user.id if user else None,
        coalition_id=coalition.id,
        before=before,
        after=link_audit(stall),
    )


@bp.route("/c/<slug>/consultations/<int:consultation_id>/stalls", methods=["GET", "POST"])
def stalls(slug: str, consultation_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    form = StallForm()
    if form.validate_on_submit():
        details = StallDetails(
            place=" ".join((form.place.data or "").split()),
            territory=" ".join((form.territory.data or "").split()),
            held_on=form.held_on.data,
            holder_name=" ".join((form.holder_name.data or "").split()),
            holder_email=normalise_email(form.holder_email.data or ""),
        )

        def write() -> tuple[Stall, str]:
            return create_stall(
                session, coalition, consultation, details, by=viewer(), now=utcnow()
            )

        saved = save(session, write, form=form)
        if saved.value is None:
            return _stalls_page(session, coalition, consultation, form, saved.status)
        stall, secret = saved.value
        _keep_fresh_link(stall, secret)
        if stall.link_sent_at:
            message = _(
                "Stand créé : son lien est envoyé par mail à %(email)s et s'affiche ci-dessous, "
                "une seule fois.",
                email=stall.holder_email,
            )
        else:
            message = _("Stand créé : son lien s'affiche ci-dessous, une seule fois.")
        flash(message, "success")
        return redirect(_stalls_url(slug, consultation, stall))
    if form.is_submitted():
        return _stalls_page(session, coalition, consultation, form, 400)
    if form.held_on.data is None:
        form.held_on.data = date.today()
    return _stalls_page(session, coalition, consultation, form)


def _stalls_url(slug: str, consultation: Consultation, stall: Stall) -> str:
    url = url_for(".stalls", slug=slug, consultation_id=consultation.id)
    return f"{url}#stall-{stall.id}"


def _link_action(
    slug: str, consultation_id: int, stall_id: int, action: str
) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    stall = queries.stall_or_404(session, consultation, stall_id)
    if not ConfirmForm().validate_on_submit():
        error = _("La page a expiré : rechargez-la, puis recommencez.")
        return _stalls_page(session, coalition, consultation, StallForm(formdata=None), 400, error)
    renew = action == "renew_link"
    if renew and stall.holder_email:
        message = _(
            "Nouveau lien pour %(place)s, envoyé par mail à %(email)s : l'ancien ne "
            "fonctionne plus.",
            place=stall.place,
            email=stall.holder_email,
        )
    elif renew:
        message = _("Nouveau lien pour %(place)s : l'ancien ne fonctionne plus.", place=stall.place)
    else:
        message = _("Lien de %(place)s révoqué : il n'enregistre plus rien.", place=stall.place)

    def write() -> str | None:
        before = link_audit(stall)
        secret = None
        if renew:
            secret = new_link(stall, utcnow())
            mail_link(session, coalition, consultation, stall, secret, utcnow())
        else:
            revoke_link(stall, utcnow())
        _record_link_change(session, coalition, stall, action, before)
        return secret

    saved = save(session, write)
    if not saved.ok:
        status = 409 if isinstance(saved.error, Conflict) else saved.status  # a revoked link
        form = StallForm(formdata=None)
        return _stalls_page(session, coalition, consultation, form, status, str(saved.error))
    if saved.value is not None:
        _keep_fresh_link(stall, saved.value)
    flash(message, "success")
    return redirect(_stalls_url(slug, consultation, stall), 303)


@bp.post("/c/<slug>/consultations/<int:consultation_id>/stalls/<int:stall_id>/revoke")
def revoke(slug: str, consultation_id: int, stall_id: int) -> ResponseReturnValue:
    return _link_action(slug, consultation_id, stall_id, "revoke_link")


@bp.post("/c/<slug>/consultations/<int:consultation_id>/stalls/<int:stall_id>/renew")
def renew(slug: str, consultation_id: int, stall_id: int) -> ResponseReturnValue:
    return _link_action(slug, consultation_id, stall_id, "renew_link")


@bp.post("/c/<slug>/consultations/<int:consultation_id>/stalls/<int:stall_id>/open")
def open_kiosk(slug: str, consultation_id: int, stall_id: int) -> ResponseReturnValue:
    """Log out of this browser and go to the stall's kiosk: the tablet is left to passers-by."""
    session, coalition, consultation = _load(slug, consultation_id)
    stall = queries.stall_or_404(session, consultation, stall_id)
    form = OpenKioskForm()
    secret = form.link.data or ""
    if not form.validate_on_submit() or stall_of_link(session, secret) is not stall:
        error = _(
            "Ce lien n'est pas celui de ce stand : renouvelez le lien, puis ouvrez le kiosque."
        )
        return _stalls_page(session, coalition, consultation, StallForm(formdata=None), 400, error)
    if not stall.has_working_link:
        error = _("Le lien de ce stand est révoqué : renouvelez-le pour ouvrir le kiosque.")
        return _stalls_page(session, coalition, consultation, StallForm(formdata=None), 409, error)
    session.rollback()  # nothing was written: only ends this request's reads before logging out
    logout_user()
    lang = browser_session.get("lang")
    browser_session.clear()  # nothing of the facilitator's session stays on the tablet
    if lang:
        browser_session["lang"] = lang
    return redirect(url_for(".kiosk", secret=secret), 303)


@bp.get("/c/<slug>/consultations/<int:consultation_id>/stalls/<int:stall_id>")
def old_kiosk(slug: str, consultation_id: int, stall_id: int) -> ResponseReturnValue:
    """The kiosk used to run here, logged in: a bookmark leads to the stalls page."""
    session, _coalition, consultation = _load(slug, consultation_id)
    stall = queries.stall_or_404(session, consultation, stall_id)
    return redirect(_stalls_url(slug, consultation, stall))


def _flash_thanks(session: Session, stall: Stall, source: Source, outcome: Outcome) -> None:
    """Thank the person; a form sent twice (the back button, a double tap) is counted once and
    the next person's form, rendered after the redirect, has a new one-time token."""
    if outcome.already_counted:
        message = _("Ce formulaire avait déjà été envoyé : la réponse n'est pas comptée deux fois.")
        flash(message, "info")
        return
    count = queries.count_at_stall(session, stall, source)
    flash(_("Merci ! Réponse n° %(n)d enregistrée.", n=count), "success")


@bp.route(
    "/c/<slug>/consultations/<int:consultation_id>/stalls/<int:stall_id>/paper",
    methods=["GET", "POST"],
)
def paper(slug: str, consultation_id: int, stall_id: int) -> ResponseReturnValue:
    session, coalition, consultation = _load(slug, consultation_id)
    stall = queries.stall_or_404(session, consultation, stall_id)
    outcome = Outcome(200)
    if request.method == "POST":
        outcome = take_answer(session, consultation, AnswerForm(), source=Source.paper, stall=stall)
        if outcome.status == 303:
            _flash_thanks(session, stall, Source.paper, outcome)
            target = url_for(
                ".paper", slug=slug, consultation_id=consultation.id, stall_id=stall.id
            )
            return redirect(target, 303)
    return render_template(
        "consultations/paper.html",
        coalition=coalition,
        consultation=consultation,
        stall=stall,
        form=fresh_form(consultation),
        outcome=outcome,
        count=queries.count_at_stall(session, stall, Source.paper),
    ), outcome.status


# --- the kiosk: anyone with the stall's link, no account ----------------------------------------


def too_many_at_stall(secret: str) -> bool:
    """Count this post against the link's limit; call it before the request's session begins."""
    config = current_app.config
    window = int(config.get("STALL_ANSWER_WINDOW", STALL_ANSWER_WINDOW))
    hits = limits.hit("stall-answer", token_hash(secret), window=window)
    return hits > int(config.get("STALL_ANSWER_LIMIT", STALL_ANSWER_LIMIT))


def _kiosk_page(
    stall: Stall | None,
    consultation: Consultation | None,
    outcome: Outcome,
    *,
    refusal: str | None = None,
    count: int = 0,
) -> ResponseReturnValue:
    page = render_template(
        "consultations/kiosk.html",
        stall=stall,
        consultation=consultation,
        form=fresh_form(consultation) if consultation and refusal is None else None,
        outcome=outcome,
        refusal=refusal,
        count=count,
    )
    return page, outcome.status, KIOSK_HEADERS


@bp.route("/stall/<secret>", methods=["GET", "POST"])
@csrf.exempt  # checked by the answer form itself, so that an expired page stays in the kiosk
def kiosk(secret: str) -> ResponseReturnValue:
    too_many = request.method == "POST" and too_many_at_stall(secret)  # before the session
    require("site.view")  # anyone holding the link: it is the only key
    session = db_session()
    stall = stall_of_link(session, secret)
    if stall is None or not stall.has_working_link:
        return _kiosk_page(None, None, Outcome(404 if stall is None else 410))
    consultation = consultation_of(session, stall)
    count = queries.count_at_stall(session, stall, Source.stall)
    refusal = kiosk_refusal(consultation)
    if refusal is not None:
        status = 409 if request.method == "POST" else 200
        return _kiosk_page(stall, consultation, Outcome(status), refusal=refusal, count=count)
    if request.method == "GET":
        return _kiosk_page(stall, consultation, Outcome(200), count=count)
    if too_many:
        message = _(
            "Trop de réponses sont parties de ce stand en peu de temps : "
            "attendez quelques minutes avant la suivante."
        )
        outcome = Outcome(429, message, values=request.form.copy())
        return _kiosk_page(stall, consultation, outcome, count=count)
    outcome = take_answer(session, consultation, AnswerForm(), source=Source.stall, stall=stall)
    if outcome.status == 303:
        _flash_thanks(session, stall, Source.stall, outcome)
        return redirect(url_for(".kiosk", secret=secret), 303)
    return _kiosk_page(stall, consultation, outcome, count=count)
