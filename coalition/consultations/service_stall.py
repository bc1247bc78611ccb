"""Market stalls' links: a stall records answers through its own link, whose secret only the
facilitator sees, once; revoking it stops it at once, renewing it gives a new one."""

from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from coalition.consultations.models import Channel, Consultation, ConsultationStatus, Stall
from coalition.core.errors import Conflict
from coalition.core.tokens import new_token


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


def kiosk_refusal(consultation: Consultation) -> str | None:
    """Why a stall's kiosk records no answer for this consultation now, or None."""
    if consultation.status == ConsultationStatus.closed:
        return _("Cette consultation est close : les réponses ne sont plus recueillies.")
    if consultation.status != ConsultationStatus.open:
        return _("Cette consultation n'est pas encore ouverte : revenez un peu plus tard.")
    if consultation.channel not in (Channel.stall, Channel.both):
        return _("Cette consultation ne se tient pas sur un stand.")
    return None
