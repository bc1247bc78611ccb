"""Workshop sign-ups: a first name and a mail or phone number, with the consent ticked; the same
mail or phone renews its sign-up instead of adding one; a signed link in every message withdraws
it; each is deleted once its term is past.

Signing up is neither audited nor timed finer than the day (see models.py), and sends no mail:
any of these would tie the sign-up to the moment it was made, and so to the answers given just
before it. What facilitators do (write to the people, remove one) is audited, with counts only."""

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import CursorResult, delete, or_, select
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.dates import PARIS
from coalition.core.errors import ValidationError
from coalition.core.links import external_url
from coalition.mail.models import OutboxMessage
from coalition.mail.outbox import queue_mail
from coalition.signups.models import SignUp
from coalition.signups.queries import signups_of

FIRST_NAME_LENGTH = 100
EMAIL_LENGTH = 254
PHONE_LENGTH = 40  # as typed, spaces and dots included, before it is read
SUBJECT_LENGTH, BODY_LENGTH = 200, 10_000
DEFAULT_REGION = "FR"  # a number typed without its country code is read as French
WITHDRAW_SALT = "coalition-signup-withdraw"

NAME_REQUIRED = _l("Indiquez votre prénom.")
NAME_TOO_LONG = _l("%(limit)d caractères au plus, s'il vous plaît.", limit=FIRST_NAME_LENGTH)
BAD_EMAIL = _l("Cette adresse e-mail n'est pas valable : vérifiez-la (par exemple lea@exemple.fr).")
BAD_PHONE = _l(
    "Ce numéro de téléphone n'est pas valable : vérifiez-le (par exemple 06 12 34 56 78, ou "
    "+32 470 12 34 56 hors de France)."
)
NO_WAY_TO_REACH = _l(
    "Indiquez une adresse e-mail ou un numéro de téléphone : sans l'un des deux, personne ne "
    "pourra vous prévenir."
)
NO_CONSENT = _l("Cochez la phrase d'accord pour vous inscrire : sans elle, rien n'est gardé.")
RETENTION_CHANGED = _l(
    "La durée de conservation vient de changer : relisez la phrase d'accord, puis cochez-la de "
    "nouveau."
)


def paris_today() -> date:
    return datetime.now(PARIS).date()


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last))


def consent_sentence(coalition: Coalition) -> str:
    """The sentence a person ticks, in the current language; stored as shown."""
    return ngettext(
        "J'accepte que %(coalition)s garde mon prénom et le moyen de me joindre que j'indique "
        "pendant %(num)d mois, pour me prévenir de ses prochains ateliers. Je peux retirer mon "
        "inscription à tout moment avec le lien présent dans chaque message, ou en le demandant "
        "à l'équipe de la coalition.",
        "J'accepte que %(coalition)s garde mon prénom et le moyen de me joindre que j'indique "
        "pendant %(num)d mois, pour me prévenir de ses prochains ateliers. Je peux retirer mon "
        "inscription à tout moment avec le lien présent dans chaque message, ou en le demandant "
        "à l'équipe de la coalition.",
        coalition.signup_retention_months,
        coalition=coalition.name,
    )


def draw_consent_sentence(coalition: Coalition) -> str:
    return str(
        _l(
            "J'accepte aussi de faire partie du vivier dans lequel %(coalition)s tire au sort les "
            "membres de ses panels citoyens ; si je suis tiré·e au sort, je serai contacté·e et "
            "libre de refuser.",
            coalition=coalition.name,
        )
    )


def read_first_name(value: str) -> str:
    name = " ".join(value.split())
    if not name:
        raise ValidationError(NAME_REQUIRED, field="first_name")
    if len(name) > FIRST_NAME_LENGTH:
        raise ValidationError(NAME_TOO_LONG, field="first_name")
    return name


def read_email(value: str) -> str | None:
    """The address, normalised, or None when none was given."""
    value = value.strip()
    if not value:
        return None
    if len(value) > EMAIL_LENGTH:
        raise ValidationError(BAD_EMAIL, field="email")
    try:
        checked = validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise ValidationError(BAD_EMAIL, field="email") from None
    return str(checked.normalized).lower()


def read_phone(value: str, region: str = DEFAULT_REGION) -> str | None:
    """The number in E.164 (+33612345678), or None when none was given."""
    value = value.strip()
    if not value:
        return None
    if len(value) > PHONE_LENGTH:
        raise ValidationError(BAD_PHONE, field="phone")
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(BAD_PHONE, field="phone") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(BAD_PHONE, field="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def phone_text(e164: str) -> str:
    """A stored number as people read it: +33 6 12 34 56 78."""
    number = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def sign_up(
    session: Session,
    coalition: Coalition,
    *,
    first_name: str,
    email: str | None,
    phone: str | None,
    consent: bool,
    language: str,
    today: date,
    shown_months: int | None = None,
    region: str = DEFAULT_REGION,
    may_be_drawn: bool = False,
) -> SignUp:
    """Keep this person's sign-up for the coalition's retention, from `today`; the same mail or
    phone renews the sign-up that has it. `shown_months`: the retention the person read."""
    name = read_first_name(first_name)
    address = read_email(email or "")
    number = read_phone(phone or "", region)
    if address is None and number is None:
        raise ValidationError(NO_WAY_TO_REACH, field="email")
    if not consent:
        raise ValidationError(NO_CONSENT, field="consent")
    if shown_months is not None and shown_months != coalition.signup_retention_months:
        raise ValidationError(RETENTION_CHANGED, field="consent")
    if language not in current_app.config["LANGUAGES"]:
        language = "fr"
    with force_locale(language):
        sentence = consent_sentence(coalition)
        draw_sentence = draw_consent_sentence(coalition) if may_be_drawn else None
    same = [SignUp.email == address] if address else []
    same += [SignUp.phone == number] if number else []
    found = list(
        session.scalars(
            select(SignUp)
            .where(SignUp.coalition_id == coalition.id, or_(*same))
            .order_by(SignUp.id)
        )
    )
    signup = found[0] if found else SignUp(coalition_id=coalition.id)
    for duplicate in found[1:]:  # one had this mail, another this phone: they become one
        session.delete(duplicate)
    signup.first_name, signup.email, signup.phone = name, address, number
    signup.language, signup.consent, signup.draw_consent = language, sentence, draw_sentence
    signup.signed_up_on = today
    signup.expires_on = add_months(today, coalition.signup_retention_months)
    session.add(signup)
    session.flush()
    return signup


# -- withdrawal ---------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.config["SECRET_KEY"]), salt=WITHDRAW_SALT)


def withdrawal_token(signup: SignUp) -> str:
    """A signed token naming the sign-up, with no expiry: the key of its withdrawal link."""
    return _serializer().dumps(signup.id)


def read_withdrawal_token(token: str) -> str | None:
    """The id of the sign-up a token names, or None if it is not one of ours."""
    try:
        signup_id = _serializer().loads(token)
    except BadData:
        return None
    return signup_id if isinstance(signup_id, str) else None


def _forget_mails(session: Session, signup: SignUp) -> None:
    """Delete the messages written to this sign-up from the outbox (they carry its token)."""
    if not signup.email:
        return
    token = withdrawal_token(signup)
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.to_address == signup.email)
    )
    for message in messages:
        if token in str((message.headers or {}).get("List-Unsubscribe", "")):
            session.delete(message)


def withdraw(session: Session, signup: SignUp) -> None:
    """Delete the sign-up and the messages written to it: nothing of it is kept."""
    _forget_mails(session, signup)
    session.delete(signup)
    session.flush()


def remove(session: Session, coalition: Coalition, signup: SignUp, *, by: User | None) -> None:
    """A facilitator deletes a sign-up on its person's request (one who left only a phone has
    no link); the history says that one was removed, and nothing of whom."""
    withdraw(session, signup)
    audit.record(
        session,
        entity="workshop_signups",
        entity_id=coalition.id,
        action="remove",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        after={"removed": 1},
    )


def purge_expired(session: Session, today: date) -> int:
    """Delete every sign-up whose term has come (all coalitions) and the messages written to
    them; how many sign-ups."""
    with_mail = select(SignUp).where(SignUp.expires_on <= today, SignUp.email.is_not(None))
    for signup in session.scalars(with_mail).all():
        _forget_mails(session, signup)
    statement = delete(SignUp).where(SignUp.expires_on <= today)
    result = cast(CursorResult[Any], session.execute(statement))
    return int(result.rowcount)


# -- writing to the people signed up ------------------------------------------------------


@dataclass(frozen=True)
class Mailing:
    written: int  # messages written to the outbox, one per sign-up with a mail
    phone_only: int  # sign-ups with a phone number only: no message for them


def write_to_signups(
    session: Session,
    coalition: Coalition,
    *,
    subject: str,
    body: str,
    today: date,
    by: User | None,
) -> Mailing:
    """One message to each sign-up with a mail, through the outbox, each with its own
    withdrawal link (in the text and as List-Unsubscribe); audited with the counts only."""
    subject = " ".join(subject.split())
    body = body.replace("\r\n", "\n").strip()
    if not subject:
        raise ValidationError(_l("Écrivez l'objet du message."), field="subject")
    if len(subject) > SUBJECT_LENGTH:
        raise ValidationError(
            _l("%(limit)d caractères au plus, s'il vous plaît.", limit=SUBJECT_LENGTH),
            field="subject",
        )
    if not body:
        raise ValidationError(_l("Écrivez le message."), field="body")
    if len(body) > BODY_LENGTH:
        raise ValidationError(
            _l("%(limit)d caractères au plus, s'il vous plaît.", limit=BODY_LENGTH), field="body"
        )
    signups = signups_of(session, coalition, today)
    with_mail = [signup for signup in signups if signup.email]
    if not with_mail:
        raise ValidationError(
            _l("Personne n'est inscrit avec une adresse e-mail : ce message n'irait à personne.")
        )
    for signup in with_mail:
        assert signup.email is not None
        link = external_url("signups.withdraw", token=withdrawal_token(signup))
        queue_mail(
            session,
            to=signup.email,
            language=signup.language,
            subject=subject,
            template="signup_message",
            context={
                "coalition": coalition,
                "first_name": signup.first_name,
                "body": body,
                "expires_on": signup.expires_on,
                "withdraw_url": link,
            },
            headers={
                "List-Unsubscribe": f"<{link}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
    mailing = Mailing(written=len(with_mail), phone_only=len(signups) - len(with_mail))
    audit.record(
        session,
        entity="workshop_signups",
        entity_id=coalition.id,
        action="write",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        after={
            "subject": subject,
            "written_to": mailing.written,
            "phone_only": mailing.phone_only,
        },
    )
    return mailing
