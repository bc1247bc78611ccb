"""The whole access policy of the application, in one place.

Every view calls `require(permission, target)` once it has loaded what it is about; templates
call `can(...)` to hide what the viewer may not do. The functions are side-effect free and take
the user explicitly (None for the anonymous public).
"""

from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from coalition.auth.models import Membership, MembershipRole, User
from coalition.coalitions.models import Coalition


def membership_in(user: User | None, coalition_id: int) -> Membership | None:
    if user is None:
        return None
    return next((m for m in user.memberships if m.coalition_id == coalition_id), None)


def is_facilitator(user: User | None, coalition: Coalition) -> bool:
    if user is None:
        return False
    if user.is_admin:
        return True
    membership = membership_in(user, coalition.id)
    return membership is not None and membership.role == MembershipRole.facilitator


def _anyone(user: User | None, target: Any) -> bool:
    return True


def _signed_in(user: User | None, target: Any) -> bool:
    return user is not None


def _facilitator(user: User | None, coalition: Coalition) -> bool:
    return is_facilitator(user, coalition)


def _admin(user: User | None, target: Any) -> bool:
    return user is not None and user.is_admin


POLICY: dict[str, Callable[[User | None, Any], bool]] = {
    # public pages: the coalitions, their home, actors directory, levers
    "site.view": _anyone,
    "coalition.view": _anyone,
    # one's own account
    "account.manage": _signed_in,
    # running a coalition
    "coalition.manage": _facilitator,
    # the installation
    "site.admin": _admin,
}


def viewer() -> User | None:
    """The signed-in user, or None for the public."""
    return current_user if current_user.is_authenticated else None


def can(user: User | None, permission: str, target: Any = None) -> bool:
    return POLICY[permission](user, target)


def require(permission: str, target: Any = None) -> None:
    """Let the view go on, or stop it: the public is sent to log in, others get 403."""
    g.permission_checked = permission
    user = viewer()
    if can(user, permission, target):
        return
    if user is None:
        abort(redirect(url_for("auth.login", next=request.full_path.rstrip("?"))))
    abort(403)
