"""The installation's writes: new coalitions and their facilitators, accounts on and off."""

import re
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole, User
from coalition.auth.service import end_sessions, valid_email
from coalition.coalitions.models import Coalition
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.people import service as people_service
from coalition.people.models import Invitation
from coalition.people.service import invite

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{0,62}[a-z0-9]")
NAME_MAX = 200
SLUG_RULE = _l(
    "De 2 à 64 caractères : lettres minuscules sans accent, chiffres et tirets, "
    "sans tiret au début ni à la fin."
)


def parse_addresses(text: str) -> list[str]:
    """The addresses of a list typed by hand, as the People page reads them; refused whole if
    one is malformed."""
    addresses = people_service.parse_addresses(text)
    malformed = [address for address in addresses if not valid_email(address)]
    if malformed:
        raise ValidationError(
            _l("Adresse e-mail invalide : %(emails)s", emails=", ".join(malformed)), field="emails"
        )
    return addresses


def invite_facilitators(
    session: Session, coalition: Coalition, emails: str, *, by: User | None, now: datetime
) -> list[Invitation]:
    """Invite every address of the list as a facilitator of the coalition (each mailed a link)."""
    return _invite_each(session, coalition, parse_addresses(emails), by=by, now=now)


def _invite_each(
    session: Session, coalition: Coalition, addresses: list[str], *, by: User | None, now: datetime
) -> list[Invitation]:
    role = MembershipRole.facilitator
    return [
        invite(session, coalition, email=address, role=role, actor=None, by=by, now=now)
        for address in addresses
    ]


def create_coalition(
    session: Session, *, slug: str, name: str, emails: str, by: User | None, now: datetime
) -> Coalition:
    """A new coalition, in its framing phase, and the invitations of its first facilitators."""
    slug, name = slug.strip(), name.strip()
    if not SLUG_RE.fullmatch(slug):
        raise ValidationError(SLUG_RULE, field="slug")
    if not name:
        raise ValidationError(_l("Le nom est obligatoire."), field="name")
    if len(name) > NAME_MAX:
        raise ValidationError(
            _l("Le nom compte au plus %(max)d caractères.", max=NAME_MAX), field="name"
        )
    addresses = parse_addresses(emails)  # every address checked before anything is written
    if session.scalar(select(func.count()).where(Coalition.slug == slug)):
        raise Conflict(_l("Une coalition a déjà cette adresse courte."), field="slug")
    coalition = Coalition(slug=slug, name=name)
    session.add(coalition)
    session.flush()
    audit.record(
        session,
        entity="coalition",
        entity_id=coalition.id,
        action="create",
        user_id=by.id if by else None,
        coalition_id=coalition.id,
        after=audit.snapshot(coalition, ("slug", "name", "phase", "version")),
    )
    _invite_each(session, coalition, addresses, by=by, now=now)
    return coalition


def set_active(session: Session, user: User, *, active: bool, by: User) -> bool:
    """Deactivate an account (its sessions end at once; memberships and history stay) or
    reactivate it; False when it already was so."""
    if not active and user.id == by.id:
        raise ValidationError(
            _l("Vous ne pouvez pas désactiver votre propre compte."), field="user"
        )
    if user.is_active == active:
        return False
    user.is_active = active
    if not active:
        end_sessions(user)
    session.flush()
    audit.record(
        session,
        entity="user",
        entity_id=user.id,
        action="reactivate" if active else "deactivate",
        user_id=by.id,
        coalition_id=None,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return True
