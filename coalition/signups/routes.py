"""Sign-ups for workshops: the form after answering, online or on a stall's tablet; the
facilitator's list, export and message; the withdrawal link of every message.

Nothing of the answering reaches a sign-up: the form is reached by a link that names only the
coalition (online) or the stall's link (on the tablet, which the sign-up does not keep)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coalition.access import require, viewer
from coalition.actors.import_csv import spreadsheet_csv
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.consultations.answer_form import Outcome
from coalition.consultations.models import Consultation
from coalition.consultations.queries import stall_of_link
from coalition.consultations.routes_stall import KIOSK_HEADERS, too_many_at_stall
from coalition.core import limits
from coalition.core.dates import date_text
from coalition.core.extensions import csrf
from coalition.core.links import external_url
from coalition.core.writes import save
from coalition.db import db_session
from coalition.signups import service
from coalition.signups.forms import ConfirmForm, MessageForm, SignUpForm
from coalition.signups.models import SignUp
from coalition.signups.queries import signup_or_none, signups_of
from coalition.signups.service import add_months, paris_today, phone_text

bp = Blueprint("signups", __name__)
SIGNUP_LIMIT, SIGNUP_WINDOW = 20, 600  # sign-ups per client address in 10 minutes, as answers
PRIVATE_HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
EXPIRED = _l("La page a expiré : rechargez-la, puis recommencez.")


# --- the form, online and on a stall's tablet -----------------------------------------------


def _too_many_signups() -> bool:
    """Count this post against its client's limit; call it before the request's session."""
    config = current_app.config
    window = int(config.get("SIGNUP_WINDOW", SIGNUP_WINDOW))
    hits = limits.hit("signup", request.remote_addr or "", window=window)
    return hits > int(config.get("SIGNUP_LIMIT", SIGNUP_LIMIT))


def _take(session: Session, coalition: Coalition, form: SignUpForm) -> int | None:
    """Store the posted sign-up: None once committed, else the status of the form shown again
    with what is wrong (nothing stored)."""
    if not form.validate_on_submit():
        if form.csrf_token.errors:
            form.form_errors.append(str(EXPIRED))
        return 400
    if form.website.data:
        form.form_errors.append(_("Votre inscription n'a pas pu être enregistrée."))
        return 400
    saved = save(
        session,
        lambda: service.sign_up(
            session,
            coalition,
            first_name=form.first_name.data or "",
            email=form.email.data,
            phone=form.phone.data,
            consent=bool(form.consent.data),
            may_be_drawn=bool(form.may_be_drawn.data),
            language=str(get_locale() or "fr"),
            today=paris_today(),
            shown_months=form.shown_months(),
        ),
        form=form,
    )
    return None if saved.ok else saved.status


def _fresh(form: SignUpForm, coalition: Coalition) -> SignUpForm:
    """The form shown again says the current retention (a change meanwhile was refused)."""
    form.months.data = str(coalition.signup_retention_months)
    form.months.raw_data = None
    return form


def _form_page(
    template: str,
    coalition: Coalition,
    form: SignUpForm,
    status: int = 200,
    headers: dict[str, str] = PRIVATE_HEADERS,
    **context: object,
) -> ResponseReturnValue:
    page = render_template(
        template,
        coalition=coalition,
        form=form,
        sentence=service.consent_sentence(coalition),
        draw_sentence=service.draw_consent_sentence(coalition),
        deleted_on=add_months(paris_today(), coalition.signup_retention_months),
        privacy_url=external_url("privacy.page"),
        **context,
    )
    return page, status, headers


@bp.route("/c/<slug>/signup", methods=["GET", "POST"])
def signup(slug: str) -> ResponseReturnValue:
    too_many = request.method == "POST" and _too_many_signups()  # before the session begins
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    form = SignUpForm()
    if request.method == "GET":
        return _form_page("signups/signup.html", coalition, _fresh(form, coalition))
    if too_many:
        form.form_errors.append(
            _(
                "Trop d'inscriptions sont parties de cette connexion en peu de temps : "
                "réessayez dans quelques minutes."
            )
        )
        return _form_page("signups/signup.html", coalition, _fresh(form, coalition), 429)
    status = _take(session, coalition, form)
    if status is None:
        return redirect(url_for(".thanks", slug=slug), 303)
    return _form_page("signups/signup.html", coalition, _fresh(form, coalition), status)


@bp.get("/c/<slug>/signup/thanks")
def thanks(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    return render_template(
        "signups/thanks.html",
        coalition=coalition,
        deleted_on=add_months(paris_today(), coalition.signup_retention_months),
    )


def _kiosk_gone(status: int) -> ResponseReturnValue:
    """The kiosk's own page for a revoked (410) or unknown (404) link."""
    page = render_template(
        "consultations/kiosk.html",
        stall=None,
        consultation=None,
        form=None,
        outcome=Outcome(status),
        refusal=None,
        count=0,
    )
    return page, status, KIOSK_HEADERS


@bp.route("/stall/<secret>/signup", methods=["GET", "POST"])
@csrf.exempt  # checked by the form itself, so that an expired page stays in the kiosk
def stall_signup(secret: str) -> ResponseReturnValue:
    too_many = request.method == "POST" and too_many_at_stall(secret)  # before the session
    require("site.view")  # anyone holding the stall's link: it is the only key
    session = db_session()
    stall = stall_of_link(session, secret)
    if stall is None or not stall.has_working_link:
        return _kiosk_gone(404 if stall is None else 410)
    consultation = session.get_one(Consultation, stall.consultation_id)
    coalition = session.get_one(Coalition, consultation.coalition_id)
    form = SignUpForm()
    context = {"secret": secret, "stall": stall}
    template = "signups/kiosk_signup.html"
    if request.method == "GET":
        return _form_page(
            template, coalition, _fresh(form, coalition), 200, KIOSK_HEADERS, **context
        )
    if too_many:
        form.form_errors.append(
            _(
                "Trop d'envois sont partis de ce stand en peu de temps : attendez quelques "
                "minutes avant le suivant."
            )
        )
        status = 429
    else:
        taken = _take(session, coalition, form)
        if taken is None:
            when = add_months(paris_today(), coalition.signup_retention_months)
            flash(
                _(
                    "C'est noté : vous serez prévenu·e des prochains ateliers. Votre inscription "
                    "s'effacera d'elle-même le %(date)s ; chaque message contient un lien pour la "
                    "retirer avant.",
                    date=date_text(when),
                ),
                "info",  # not "success": the kiosk offers to sign up after an answer's thanks
            )
            return redirect(url_for("stall.kiosk", secret=secret), 303)
        status = taken
    return _form_page(
        template, coalition, _fresh(form, coalition), status, KIOSK_HEADERS, **context
    )


# --- facilitators: the list, the export, a message to everyone ---------------------------------


def _load(slug: str) -> tuple[Session, Coalition]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("consultation.manage", coalition)
    return session, coalition


def _listing_page(
    session: Session, coalition: Coalition, status: int = 200, error: str | None = None
) -> ResponseReturnValue:
    signups = signups_of(session, coalition, paris_today())
    page = render_template(
        "signups/listing.html",
        coalition=coalition,
        signups=signups,
        phone_text=phone_text,
        error=error,
    )
    return page, status


@bp.get("/c/<slug>/signups")
def listing(slug: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    return _listing_page(session, coalition)


@bp.get("/c/<slug>/signups.csv")
def export(slug: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    header = [
        _("Prénom"),
        _("Adresse e-mail"),
        _("Téléphone"),
        _("Langue"),
        _("Inscription le"),
        _("Effacée le"),
    ]
    rows = [
        [
            signup.first_name,
            signup.email or "",
            phone_text(signup.phone) if signup.phone else "",
            signup.language,
            signup.signed_up_on.isoformat(),
            signup.expires_on.isoformat(),
        ]
        for signup in signups_of(session, coalition, paris_today())
    ]
    response = Response(spreadsheet_csv([header, *rows]), mimetype="text/csv")
    filename = f"{coalition.slug}-inscriptions-ateliers.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/c/<slug>/signups/write", methods=["GET", "POST"])
def write(slug: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    form = MessageForm()
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            saved = save(
                session,
                lambda: service.write_to_signups(
                    session,
                    coalition,
                    subject=form.subject.data or "",
                    body=form.body.data or "",
                    today=paris_today(),
                    by=viewer(),
                ),
                form=form,
            )
            if saved.value is not None:
                flash(_written(saved.value), "success")
                return redirect(url_for(".listing", slug=slug), 303)
            status = saved.status
        elif form.csrf_token.errors:
            form.form_errors.append(str(EXPIRED))
    signups = signups_of(session, coalition, paris_today())
    with_mail = sum(1 for signup in signups if signup.email)
    page = render_template(
        "signups/write.html",
        coalition=coalition,
        form=form,
        with_mail=with_mail,
        phone_only=len(signups) - with_mail,
    )
    return page, status


def _written(mailing: service.Mailing) -> str:
    message = ngettext(
        "Message écrit à %(num)d personne inscrite : il part avec le prochain envoi du courrier.",
        "Message écrit à %(num)d personnes inscrites : il part avec le prochain envoi du courrier.",
        mailing.written,
    )
    if mailing.phone_only:
        message += " " + ngettext(
            "%(num)d personne n'a laissé qu'un numéro de téléphone : prévenez-la autrement.",
            "%(num)d personnes n'ont laissé qu'un numéro de téléphone : prévenez-les autrement.",
            mailing.phone_only,
        )
    return message


@bp.post("/c/<slug>/signups/<signup_id>/remove")
def remove(slug: str, signup_id: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    signup = signup_or_none(session, coalition, signup_id)
    if signup is None:
        abort(404)
    if not ConfirmForm().validate_on_submit():
        return _listing_page(session, coalition, 400, str(EXPIRED))
    name = signup.first_name
    saved = save(session, lambda: service.remove(session, coalition, signup, by=viewer()))
    if not saved.ok:
        return _listing_page(session, coalition, saved.status, str(saved.error))
    flash(_("L'inscription de %(name)s est effacée.", name=name), "success")
    return redirect(url_for(".listing", slug=slug), 303)


# --- the withdrawal link of every message -------------------------------------------------------


@bp.route("/signups/withdraw/<token>", methods=["GET", "POST"])
@csrf.exempt  # the signed token is the key; a mail client posts without a page (RFC 8058)
def withdraw(token: str) -> ResponseReturnValue:
    require("site.view")
    session = db_session()
    signup_id = service.read_withdrawal_token(token)
    if signup_id is None:
        return _withdraw_page("invalid", 404)
    signup = session.get(SignUp, signup_id)
    if signup is None:
        return _withdraw_page("gone", 410)
    coalition = session.get_one(Coalition, signup.coalition_id)
    if request.method == "GET":
        return _withdraw_page("confirm", 200, token=token, signup=signup, coalition=coalition)
    saved = save(session, lambda: service.withdraw(session, signup))
    if not saved.ok:
        return _withdraw_page("gone", 410)  # withdrawn meanwhile, by another click
    return _withdraw_page("done", 200, coalition=coalition)


def _withdraw_page(state: str, status: int, **context: object) -> ResponseReturnValue:
    page = render_template("signups/withdraw.html", state=state, phone_text=phone_text, **context)
    return page, status, PRIVATE_HEADERS
