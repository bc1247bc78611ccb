"""The installation's reads: every coalition with its facilitators, the accounts."""

import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, and_, func, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from coalition.actors.models import Actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.coalitions.models import Coalition
from coalition.people.models import Invitation

USERS_PAGE_SIZE = 50
SEARCH_WORDS = 8  # more words than this in a search are ignored
# What PostgreSQL folds (SQLite calls `fold` itself): capitals, whose lower() may keep, and
# accented letters, to their plain letter; then the two ligatures.
ACCENTED = "àâäáãåçéèêëîïíìñôöóòõøûüúùÿýÀÂÄÁÃÅÇÉÈÊËÎÏÍÌÑÔÖÓÒÕØÛÜÚÙŸÝŒÆ"
PLAIN = "aaaaaaceeeeiiiinoooooouuuuyyaaaaaaceeeeiiiinoooooouuuuyyœæ"
SQLITE_FOLD = "coalition_fold"


@dataclass(frozen=True)
class CoalitionStaff:
    coalition: Coalition
    facilitators: list[User]
    invitations: list[Invitation]  # pending facilitator invitations


def coalitions_with_staff(session: Session, *, now: datetime) -> list[CoalitionStaff]:
    """Every coalition with its facilitators and pending facilitator invitations (3 statements)."""
    coalitions = session.scalars(select(Coalition).order_by(Coalition.name, Coalition.id)).all()
    facilitators: dict[int, list[User]] = defaultdict(list)
    rows = session.execute(
        select(Membership.coalition_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.role == MembershipRole.facilitator)
        .order_by(User.name, User.id)
    )
    for coalition_id, user in rows:
        facilitators[coalition_id].append(user)
    invitations: dict[int, list[Invitation]] = defaultdict(list)
    pending = session.scalars(
        select(Invitation)
        .where(
            Invitation.role == MembershipRole.facilitator,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > now,
        )
        .order_by(Invitation.email)
    )
    for invitation in pending:
        invitations[invitation.coalition_id].append(invitation)
    return [CoalitionStaff(c, facilitators[c.id], invitations[c.id]) for c in coalitions]


def fold(text: str) -> str:
    """Lower case, without accents: what a search compares."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ø", "o")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class folded(FunctionElement[str]):
    """The SQL counterpart of `fold`."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)  # SQLite
def _folded_by_python(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FOLD}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_by_translate(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    text = f"lower(translate({compiler.process(element.clauses, **kw)}, '{ACCENTED}', '{PLAIN}'))"
    return f"replace(replace({text}, 'œ', 'oe'), 'æ', 'ae')"


def _let_sqlite_fold(session: Session) -> None:
    """SQLite has no translate(): its connection calls `fold` (no statement is sent)."""
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        raw.create_function(SQLITE_FOLD, 1, fold, deterministic=True)  # type: ignore[union-attr]


def like_pattern(word: str) -> str:
    """`%word%` where the user's own `%`, `_` and `\\` mean themselves."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search_words(q: str) -> list[str]:
    return fold(q).split()[:SEARCH_WORDS]


@dataclass(frozen=True)
class MembershipLine:
    coalition: Coalition
    role: MembershipRole
    actor_name: str | None


@dataclass(frozen=True)
class UserLine:
    user: User
    memberships: list[MembershipLine]


@dataclass(frozen=True)
class UsersPage:
    lines: list[UserLine]
    total: int
    page: int  # the one asked for, or the last
    pages: int


def _matching_users(q: str) -> Select[User]:
    """Accounts whose name or address holds every word of the search."""
    query = select(User)
    name, email = folded(User.name), folded(User.email)
    conditions = []
    for word in search_words(q):
        pattern = like_pattern(word)
        conditions.append(or_(name.like(pattern, escape="\\"), email.like(pattern, escape="\\")))
    return query.where(and_(*conditions)) if conditions else query


def users_page(session: Session, *, q: str, page: int) -> UsersPage:
    """One page of the accounts matching the search, by name, with their memberships
    (3 statements whatever the number of accounts)."""
    _let_sqlite_fold(session)
    matching = _matching_users(q)
    total = session.scalar(select(func.count()).select_from(matching.subquery())) or 0
    pages = max(1, -(-total // USERS_PAGE_SIZE))
    page = min(page, pages)
    users = session.scalars(
        matching.order_by(User.name, User.id)
        .limit(USERS_PAGE_SIZE)
        .offset((page - 1) * USERS_PAGE_SIZE)
    ).all()
    lines: dict[int, list[MembershipLine]] = {user.id: [] for user in users}
    if users:
        rows = session.execute(
            select(Membership.user_id, Membership.role, Coalition, Actor.name)
            .join(Coalition, Coalition.id == Membership.coalition_id)
            .outerjoin(Actor, Actor.id == Membership.actor_id)
            .where(Membership.user_id.in_(lines))
            .order_by(Coalition.name, Coalition.id)
        )
        for user_id, role, coalition, actor_name in rows:
            lines[user_id].append(MembershipLine(coalition, role, actor_name))
    return UsersPage([UserLine(user, lines[user.id]) for user in users], total, page, pages)
