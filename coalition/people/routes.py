"""The "Personnes" page of a coalition: its people, its invitations, inviting, changing a
person's role or actor, removing them. Accepting an invitation is in `routes_accept.py`."""

from typing import Any

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import Session

from coalition.access import can, require, viewer
from coalition.actors.models import Actor, Family
from coalition.actors.service import ActorDetails
from coalition.auth.models import MembershipRole
from coalition.coalitions.models import Coalition
from coalition.coalitions.queries import coalition_or_404
from coalition.core.errors import Conflict, ValidationError
from coalition.core.forms import apply_domain_error
from coalition.core.writes import Saved, save
from coalition.db import db_session, utcnow
from coalition.people import queries, service, service_memberships
from coalition.people.forms import (
    NEW_ACTOR,
    InviteForm,
    MembershipForm,
    actor_choices,
)
from coalition.people.models import Invitation

bp = Blueprint("people", __name__)

# the invitation form's fields for a new actor, as the actor service names them
NEW_ACTOR_FIELDS = {"name": "new_actor_name", "family": "new_actor_family"}


def _load(slug: str) -> tuple[Session, Coalition]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("people.manage", coalition)
    return session, coalition


def _status(saved: Saved[Any]) -> int:
    """This page answers 409 to any conflict (a closed invitation, the last facilitator), not
    only to someone else's change at the same instant."""
    return 409 if isinstance(saved.error, Conflict) else saved.status


def _role(value: str | None, field: str = "role") -> MembershipRole:
    if value not in set(MembershipRole):
        raise ValidationError(_("Choisissez un rôle : membre ou animation."), field=field)
    return MembershipRole(value)


def _actor(session: Session, value: str | None) -> Actor | None:
    """The actor a select names ("" for none); the service says why one is refused."""
    if not value:
        return None
    actor = session.get(Actor, int(value)) if value.isdigit() else None
    if actor is None:
        raise ValidationError(_("Cet acteur n'existe pas."), field="actor")
    return actor


def _page(
    session: Session,
    coalition: Coalition,
    *,
    form: InviteForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    actors = queries.open_actors(session, coalition)
    if form is None:
        form = InviteForm(formdata=None)
    form.actor.choices = actor_choices(actors, with_new=True)
    return render_template(
        "people/index.html",
        coalition=coalition,
        people=queries.people(session, coalition),
        invitations=queries.open_invitations(session, coalition, now=utcnow()),
        form=form,
        problems=problems or [],
    ), status


@bp.get("/c/<slug>/people")
def index(slug: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    return _page(session, coalition)


def _new_actor(form: InviteForm) -> ActorDetails | None:
    """The actor to create, when the form asks for one (chosen, or only its name typed)."""
    name = (form.new_actor_name.data or "").strip()
    if form.actor.data != NEW_ACTOR and not name:
        return None
    if form.actor.data not in ("", NEW_ACTOR):
        raise ValidationError(
            _("Choisissez un acteur existant ou décrivez-en un nouveau, pas les deux."),
            field="actor",
        )
    if form.new_actor_family.data not in set(Family):
        raise ValidationError(
            _("Choisissez la famille du nouvel acteur."), field="new_actor_family"
        )
    return ActorDetails(name=name, family=Family(form.new_actor_family.data))


@bp.post("/c/<slug>/people/invitations")
def invite(slug: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    form = InviteForm()
    if not form.validate_on_submit():
        return _page(session, coalition, form=form, status=400)

    def write() -> list[Invitation]:
        role = _role(form.role.data)
        new_actor = _new_actor(form) if role == MembershipRole.member else None
        chosen = None if new_actor is not None else form.actor.data
        return service.invite_many(
            session,
            coalition,
            emails=form.emails.data or "",
            role=role,
            actor=_actor(session, chosen) if role == MembershipRole.member else None,
            new_actor=new_actor,
            by=viewer(),
            now=utcnow(),
        )

    saved = save(session, write)
    if saved.error is not None:
        error = saved.error
        error.field = NEW_ACTOR_FIELDS.get(error.field or "", error.field)
        apply_domain_error(form, error)  # on the field of the form that holds it
        return _page(session, coalition, form=form, status=saved.status)
    count = len(saved.value or [])
    flash(
        ngettext("%(num)d invitation envoyée.", "%(num)d invitations envoyées.", count),
        "success",
    )
    return redirect(url_for(".index", slug=slug))


def _invitation_write(slug: str, invitation_id: int, action: str) -> ResponseReturnValue:
    session, coalition = _load(slug)
    invitation = queries.invitation_or_404(session, coalition, invitation_id)
    # (the CSRF token these buttons send was checked before the view, by CSRFProtect)
    email = invitation.email

    def write() -> str:
        if action == "resend":
            service.resend(session, invitation, coalition, by=viewer(), now=utcnow())
            return _(
                "Invitation renvoyée à %(email)s : l'ancien lien ne fonctionne plus.", email=email
            )
        service.revoke(session, invitation, by=viewer(), now=utcnow())
        return _("Invitation de %(email)s révoquée : son lien ne fonctionne plus.", email=email)

    saved = save(session, write)
    if not saved.ok:
        return _page(session, coalition, problems=[str(saved.error)], status=_status(saved))
    flash(saved.value or "", "success")
    return redirect(url_for(".index", slug=slug))


@bp.post("/c/<slug>/people/invitations/<int:invitation_id>/resend")
def resend(slug: str, invitation_id: int) -> ResponseReturnValue:
    return _invitation_write(slug, invitation_id, "resend")


@bp.post("/c/<slug>/people/invitations/<int:invitation_id>/revoke")
def revoke(slug: str, invitation_id: int) -> ResponseReturnValue:
    return _invitation_write(slug, invitation_id, "revoke")


# -- one person ---------------------------------------------------------------------------


def _person_page(
    session: Session,
    coalition: Coalition,
    person: queries.Person,
    *,
    form: MembershipForm | None = None,
    problems: list[str] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    if form is None:
        membership = person.membership
        form = MembershipForm(
            formdata=None,
            role=membership.role.value,
            actor=str(membership.actor_id) if membership.actor_id else "",
        )
    form.actor.choices = actor_choices(queries.open_actors(session, coalition), with_new=False)
    return render_template(
        "people/person.html",
        coalition=coalition,
        person=person,
        form=form,
        problems=problems or [],
    ), status


def _after_change(slug: str, coalition: Coalition, *, left: bool = False) -> ResponseReturnValue:
    """Back to the list, or to the coalition's home for who no longer manages its people
    (`left`: the viewer just removed themselves)."""
    user = viewer()
    if can(user, "people.manage", coalition) and not (left and user and not user.is_admin):
        return redirect(url_for(".index", slug=slug))
    return redirect(url_for("web.home", slug=slug))


@bp.route("/c/<slug>/people/<int:membership_id>", methods=["GET", "POST"])
def person(slug: str, membership_id: int) -> ResponseReturnValue:
    session, coalition = _load(slug)
    found = queries.person_or_404(session, coalition, membership_id)
    form = MembershipForm()
    form.actor.choices = []
    if not form.is_submitted():
        return _person_page(session, coalition, found)
    if not form.validate():
        return _person_page(session, coalition, found, form=form, status=400)

    def write() -> bool:
        role = _role(form.role.data)
        actor = _actor(session, form.actor.data) if role == MembershipRole.member else None
        return service_memberships.change_membership(
            session, found.membership, coalition, role=role, actor=actor, by=viewer()
        )

    saved = save(session, write, form=form)
    if not saved.ok:
        return _person_page(session, coalition, found, form=form, status=_status(saved))
    if saved.value:
        flash(_("Rôle de %(name)s mis à jour.", name=found.user.name), "success")
    else:
        flash(_("Rien n'a changé pour %(name)s.", name=found.user.name), "info")
    return _after_change(slug, coalition)


@bp.post("/c/<slug>/people/<int:membership_id>/remove")
def remove(slug: str, membership_id: int) -> ResponseReturnValue:
    session, coalition = _load(slug)
    found = queries.person_or_404(session, coalition, membership_id)
    saved = save(
        session,
        lambda: service_memberships.remove_membership(
            session, found.membership, coalition, by=viewer()
        ),
    )
    if not saved.ok:
        problems = [str(saved.error)]
        return _person_page(session, coalition, found, problems=problems, status=_status(saved))
    flash(_("%(name)s ne fait plus partie de la coalition.", name=found.user.name), "success")
    user = viewer()
    return _after_change(slug, coalition, left=user is not None and user.id == found.user.id)
