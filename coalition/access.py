"""The whole access policy of the application, in one place.

Every view calls `require(permission, target)` once it has loaded what it is about; templates
call `can(...)` to hide what the viewer may not do. The functions are side-effect free and take
the user explicitly (None for the anonymous public).
"""

from collections.abc import Callable
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_login import current_user

from coalition.actors.models import Actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.coalitions.models import Coalition


def membership_in(user: User | None, coalition_id: int) -> Membership | None:
    if user is None:
        return None
    return next((m for m in user.memberships if m.coalition_id == coalition_id), None)


def is_facilitator(user: User | None, coalition_id: int) -> bool:
    if user is None:
        return False
    membership = membership_in(user, coalition_id)
    is_running = membership is not None and membership.role == MembershipRole.facilitator
    return user.is_admin or is_running


def is_participant(user: User | None, coalition_id: int) -> bool:
    """A member or facilitator of the coalition, or an admin."""
    return user is not None and (user.is_admin or membership_in(user, coalition_id) is not None)


def speaks_for(user: User | None, actor: Actor) -> bool:
    """The user is a member of the coalition on behalf of this actor."""
    membership = membership_in(user, actor.coalition_id)
    return membership is not None and membership.actor_id == actor.id


def _anyone(user: User | None, target: Any) -> bool:
    return True


def _signed_in(user: User | None, target: Any) -> bool:
    return user is not None


def _runs(user: User | None, target: Coalition | Actor) -> bool:
    coalition_id = target.id if isinstance(target, Coalition) else target.coalition_id
    return is_facilitator(user, coalition_id)


def _participates(user: User | None, coalition: Coalition) -> bool:
    return is_participant(user, coalition.id)


def _sees_actor(user: User | None, actor: Actor) -> bool:
    return actor.is_listed or is_participant(user, actor.coalition_id)


def _sees_resource(user: User | None, resource: Any) -> bool:
    if resource.status == "published":
        return True
    submitted = user is not None and resource.submitted_by_id == user.id
    return submitted or is_facilitator(user, resource.coalition_id)


def _sees_consultation(user: User | None, consultation: Any) -> bool:
    return consultation.status != "draft" or is_facilitator(user, consultation.coalition_id)


def _sees_workshop(user: User | None, workshop: Any) -> bool:
    return workshop.is_published or is_facilitator(user, workshop.coalition_id)


def _administers(user: User | None, target: Any) -> bool:
    return user is not None and user.is_admin


def _edits_actor(user: User | None, actor: Actor) -> bool:
    return speaks_for(user, actor) or is_facilitator(user, actor.coalition_id)


POLICY: dict[str, Callable[[User | None, Any], bool]] = {
    # public pages: the coalitions, their home, actors directory, levers, graph and exports
    "site.view": _anyone,
    "coalition.view": _anyone,
    "actor.view": _sees_actor,  # actors who opted out of the directory: participants only
    # one's own account; recovering it by mail (forgotten password, invitations): anyone
    "account.manage": _signed_in,
    "account.recover": _anyone,
    # the installation: coalitions and accounts
    "installation.manage": _administers,
    # inside a coalition: its members and facilitators
    "coalition.participate": _participates,  # e.g. the history of changes
    "actor.edit": _edits_actor,  # levers held and commitments: the actor's members, facilitators
    # running a coalition: its facilitators (and admins)
    "actor.manage": _runs,  # create, edit, retire and import actors
    "coalition.frame": _runs,  # name, context, phase, axes, levers, partners
    "people.manage": _runs,  # invite people, change their role or actor, remove them
    "action.propose": _participates,  # members propose actions; facilitators create them
    "roadmap.manage": _runs,  # objectives, actions, their status and proposals
    "meeting.manage": _runs,  # schedule, agenda, attendance, minutes, decisions, reviews
    "resource.submit": _participates,  # members propose resources
    "resource.moderate": _runs,  # publish or reject them
    "resource.view": _sees_resource,  # published: everyone; else its submitter, facilitators
    # hearing citizens: anyone answers and reads results; facilitators write the questionnaires,
    # run the stalls, approve free text and record workshops
    "consultation.view": _sees_consultation,  # open or closed: everyone; drafts: facilitators
    "consultation.manage": _runs,
    "workshop.view": _sees_workshop,  # published: everyone; else facilitators
    "workshop.manage": _runs,
}


def viewer() -> User | None:
    """The signed-in user, or None for the public."""
    if not current_user.is_authenticated:
        return None
    user: User = current_user._get_current_object()  # the account, not flask-login's proxy
    return user


def can(user: User | None, permission: str, target: Any = None) -> bool:
    return POLICY[permission](user, target)


def require(permission: str, target: Any = None, *, hide: bool = False) -> None:
    """Let the view go on, or stop it: 404 when `hide` (not even its existence is told),
    else the public is sent to log in and others get 403."""
    g.permission_checked = permission
    user = viewer()
    if can(user, permission, target):
        return
    if hide:
        abort(404)
    if user is None:
        back = request.full_path.rstrip("?") if request.method == "GET" else None
        abort(redirect(url_for("auth.login", next=back)))
    abort(403)
