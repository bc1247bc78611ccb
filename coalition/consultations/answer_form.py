"""The answer form shared by the public page, the stall and paper entry: CSRF, a one-time
token, a honeypot, the questions; one function takes a POST and says what happened.

A form sent again (the same one-time token) is not counted twice: it is answered as a success
with `already_counted` set, so that the person sees "Merci" again and is told why."""

from dataclasses import dataclass, field

from flask import current_app, request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from coalition.consultations.models import Consultation, Source, Stall
from coalition.consultations.service_answering import (
    InvalidAnswers,
    ReplayedForm,
    is_counted,
    new_form_token,
    parse_answers,
    read_form_token,
    record_submission,
)
from coalition.core import limits
from coalition.core.errors import DomainError
from coalition.core.writes import save


class AnswerForm(FlaskForm):
    form_token = HiddenField()
    # A honeypot: hidden from people (and from screen readers), filled by robots.
    website = StringField(validators=[Length(max=200)])


@dataclass
class Outcome:
    """What became of a posted answer: `status` 303 when stored (or already stored from the same
    form: `already_counted`), else the page to show again."""

    status: int
    message: str = ""
    errors: dict[int, object] = field(default_factory=dict)
    values: MultiDict[str, str] = field(default_factory=MultiDict)
    already_counted: bool = False


def already_counted() -> Outcome:
    return Outcome(303, already_counted=True)


def fresh_form(consultation: Consultation) -> AnswerForm:
    form = AnswerForm(formdata=None)
    form.form_token.data = new_form_token(current_app.config["SECRET_KEY"], consultation)
    return form


def too_many_answers() -> bool:
    """Count this post against its client's limit, shared by every worker and host; True past
    it. Call it before the request's session begins (see core.limits)."""
    config = current_app.config
    window = config["CONSULTATION_ANSWER_WINDOW"]
    hits = limits.hit("answer", request.remote_addr or "", window=window)
    return hits > config["CONSULTATION_ANSWER_LIMIT"]


def take_answer(
    session: Session,
    consultation: Consultation,
    form: AnswerForm,
    *,
    source: Source,
    stall: Stall | None = None,
) -> Outcome:
    """Check and store the posted answers; committed on success, else nothing is stored."""
    values = MultiDict(request.form)
    if not form.validate_on_submit():
        return Outcome(400, _("La page a expiré : rechargez-la, puis répondez à nouveau."))
    if form.website.data:
        return Outcome(400, _("Votre réponse n'a pas pu être enregistrée."))
    secret_key = current_app.config["SECRET_KEY"]
    try:  # a check before any write, outside `save`: nothing to roll back yet
        token = read_form_token(secret_key, consultation, form.form_token.data or "")
    except DomainError as error:
        return Outcome(400, str(error), values=values)
    saved = save(
        session,
        lambda: record_submission(
            session,
            consultation,
            parse_answers(consultation.questions, request.form.to_dict(flat=False)),
            source=source,
            form_token=token,
            stall=stall,
        ),
    )
    if saved.ok:
        return Outcome(303)
    if isinstance(saved.error, ReplayedForm):
        return already_counted()
    if isinstance(saved.error, InvalidAnswers):
        return Outcome(400, str(saved.error), saved.error.errors, values)
    if saved.clashed:
        return _after_conflict(session, token)
    return Outcome(400, str(saved.error), values=values)


def _after_conflict(session: Session, token: str) -> Outcome:
    """The same form sent twice at the same instant: the other send stored it (its row is
    committed, nothing of it is lost), so this one is thanked as already counted. Anything else
    stored nothing and says so."""
    counted = is_counted(session, token)
    # Not around a write (save rolled that back): this only ends the read just made, so that
    # the request's session is left as save left it.
    session.rollback()
    if counted:
        return already_counted()
    return Outcome(409, _("Votre réponse n'a pas pu être enregistrée."))
