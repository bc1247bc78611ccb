"""The whole access policy of the application, in one place, above the models it reads.

Every view calls `require(permission, target)` once it has loaded what it is about; templates
call `can(...)` to hide what the viewer may not do. The functions are side-effect free and take
the user explicitly (None for the anonymous public). Each visibility rule (`Visibility`) says
both whether the viewer sees one record and, as an SQL condition, which records of a list.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import ColumnElement, true

from coalition.actors.models import Actor
from coalition.auth.models import Membership, MembershipRole, User
from coalition.coalitions.models import Coalition
from coalition.consultations.models import Consultation, ConsultationStatus
from coalition.workshops.models import Workshop


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


@dataclass(frozen=True)
class Visibility:
    """Who sees the records of one kind: everyone sees those matching `public` (an SQL
    condition, and `is_public` for one loaded record, the same rule); `insiders` of the
    coalition see them all."""

    public: Callable[[], ColumnElement[bool]]
    is_public: Callable[[Any], bool]
    insiders: Callable[[User | None, int], bool]

    def sees(self, user: User | None, record: Any) -> bool:
        return self.is_public(record) or self.insiders(user, record.coalition_id)

    def where(self, user: User | None, coalition_id: int) -> ColumnElement[bool]:
        """The SQL condition for a list of the coalition's records."""
        return true() if self.insiders(user, coalition_id) else self.public()


# actors who opted out of the public directory: the coalition's participants only
ACTORS = Visibility(lambda: Actor.is_listed.is_(True), lambda a: a.is_listed, is_participant)
# draft questionnaires: facilitators only
CONSULTATIONS = Visibility(
    lambda: Consultation.status != ConsultationStatus.draft,
    lambda c: c.status != ConsultationStatus.draft,
    is_facilitator,
)
WORKSHOPS = Visibility(
    lambda: Workshop.is_published.is_(True), lambda w: w.is_published, is_facilitator
)


def _sees_resource(user: User | None, resource: Any) -> bool:
    """Published: everyone; else its submitter and facilitators (lists show published ones)."""
    if resource.status == "published":
        return True
    submitted = user is not None and resource.submitted_by_id == user.id
    return submitted or is_facilitator(user, resource.coalition_id)


def _speaks_for_owner(user: User | None, entry: Any) -> bool:
    membership = membership_in(user, entry.coalition_id)
    return membership is not None and membership.actor_id == entry.owner_id


def _sees_entry(user: User | None, entry: Any) -> bool:
    """A register entry: published, everyone; a draft, its owner's people and facilitators."""
    return (
        entry.is_published
        or _speaks_for_owner(user, entry)
        or is_facilitator(user, entry.coalition_id)
    )


def _edits_entry(user: User | None, entry: Any) -> bool:
    return _speaks_for_owner(user, entry) or is_facilitator(user, entry.coalition_id)


def _administers(user: User | None, target: Any) -> bool:
    return user is not None and user.is_admin


def _edits_actor(user: User | None, actor: Actor) -> bool:
    return speaks_for(user, actor) or is_facilitator(user, actor.coalition_id)


POLICY: dict[str, Callable[[User | None, Any], bool]] = {
    # public pages: the coalitions, their home, actors directory, levers, graph and exports
    "site.view": _anyone,
    "coalition.view": _anyone,
    "actor.view": ACTORS.sees,  # actors who opted out of the directory: participants only
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
    "consultation.view": CONSULTATIONS.sees,  # open or closed: everyone; drafts: facilitators
    "consultation.manage": _runs,
    "workshop.view": WORKSHOPS.sees,  # published: everyone; else facilitators
    "workshop.manage": _runs,
    # recommendations and their answers: everyone reads them; facilitators record them
    "recommendation.manage": _runs,
    # panels drawn by lot: everyone reads the record of a draw; facilitators build the pool
    # (names and contacts) and draw
    "panel.manage": _runs,
    # the register of algorithmic systems: everyone reads published entries; an entry's owner
    # (the actor's people) and facilitators see its drafts and edit it; facilitators publish
    "register.record": _participates,  # a member records an entry for their own actor
    "entry.view": _sees_entry,
    "entry.edit": _edits_entry,
    "entry.publish": _runs,
    # the charter and labels: everyone reads them; facilitators write versions and labels;
    # only an actor's own people sign for it
    "charter.manage": _runs,
    "charter.sign": speaks_for,
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
