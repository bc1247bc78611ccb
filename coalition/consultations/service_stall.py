"""Market stalls: creating them (one by one or from a spreadsheet), their holders' links, which
only the holder receives, by mail, and only the facilitator sees, once; revoking a link stops it
at once, renewing it gives (and mails) a new one."""

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from coalition.auth.models import User
from coalition.coalitions.models import Coalition
from coalition.consultations.models import Channel, Consultation, ConsultationStatus, Stall
from coalition.consultations.stall_import import StallSheet
from coalition.core import audit
from coalition.core.errors import Conflict
from coalition.core.links import external_url
from coalition.core.tokens import new_token
from coalition.mail.outbox import queue_mail


@dataclass(frozen=True)
class StallDetails:
    place: str
    territory: str
    held_on: date
    holder_name: str = ""
    holder_email: str = ""


def new_link(stall: Stall, now: datetime) -> str:
    """Give the stall a new link (the old one stops working); the secret, to show once."""
    secret, secret_hash = new_token()
    stall.link_hash = secret_hash
    stall.link_created_at = now
    stall.link_revoked_at = None
    return secret


def revoke_link(stall: Stall, now: datetime) -> None:
    if not stall.has_working_link:
        raise Conflict(_l("Le lien de ce stand ne fonctionne déjà plus."))
    stall.link_revoked_at = now


def link_audit(stall: Stall) -> dict[str, object]:
    return {
        "link_created_at": stall.link_created_at.isoformat() if stall.link_created_at else None,
        "link_revoked_at": stall.link_revoked_at.isoformat() if stall.link_revoked_at else None,
        "link_sent_at": stall.link_sent_at.isoformat() if stall.link_sent_at else None,
    }


def mail_link(
    session: Session,
    coalition: Coalition,
    consultation: Consultation,
    stall: Stall,
    secret: str,
    now: datetime,
) -> bool:
    """Mail the stall's link to its holder, if the stall has one; True when mailed."""
    if not stall.holder_email:
        return False
    queue_mail(
        session,
        to=stall.holder_email,
        language="fr",
        subject=_l("Le lien de votre stand : %(place)s", place=stall.place),
        template="stall_link",
        context={
            "stall": stall,
            "consultation": consultation,
            "coalition": coalition,
            "link": external_url("stall.kiosk", secret=secret),
            "kit_url": external_url(
                "kit.page", slug=coalition.slug, consultation_id=consultation.id
            )
            + f"#kit-stall-{stall.id}",
        },
    )
    stall.link_sent_at = now
    return True


def create_stall(
    session: Session,
    coalition: Coalition,
    consultation: Consultation,
    details: StallDetails,
    *,
    by: User | None,
    now: datetime,
) -> tuple[Stall, str]:
    """A new stall with its link, mailed to its holder; the link's secret, to show once."""
    stall = Stall(
        consultation_id=consultation.id,
        place=details.place,
        territory=details.territory,
        held_on=details.held_on,
        holder_name=details.holder_name,
        holder_email=details.holder_email,
    )
    secret = new_link(stall, now)
    session.add(stall)
    session.flush()
    mail_link(session, coalition, consultation, stall, secret, now)
    audit.record(
        session,
        entity="consultation_stall",
        entity_id=stall.id,
        action="create",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        after={
            "place": stall.place,
            "territory": stall.territory,
            "held_on": stall.held_on.isoformat(),
            "holder_name": stall.holder_name,
            "holder_email": stall.holder_email,
            **link_audit(stall),
        },
    )
    return stall, secret


def import_stalls(
    session: Session,
    coalition: Coalition,
    consultation: Consultation,
    sheet: StallSheet,
    *,
    by: User | None,
    now: datetime,
) -> list[tuple[Stall, str]]:
    """Every row of a checked sheet as a stall, or nothing (the caller checked has_errors)."""
    created = []
    for row in sheet.rows:
        assert row.held_on is not None and not row.problems
        details = StallDetails(
            place=row.place,
            territory=row.territory,
            held_on=row.held_on,
            holder_name=row.holder_name,
            holder_email=row.holder_email,
        )
        created.append(create_stall(session, coalition, consultation, details, by=by, now=now))
    return created


def kiosk_refusal(consultation: Consultation) -> str | None:
    """Why a stall's kiosk records no answer for this consultation now, or None."""
    if consultation.status == ConsultationStatus.closed:
        return _("Cette consultation est close : les réponses ne sont plus recueillies.")
    if consultation.status != ConsultationStatus.open:
        return _("Cette consultation n'est pas encore ouverte : revenez un peu plus tard.")
    if consultation.channel not in (Channel.stall, Channel.both):
        return _("Cette consultation ne se tient pas sur un stand.")
    return None
