"""The resource space: search and browse, resource and tag pages, submission, moderation."""

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.datastructures import MultiDict

from coalition.access import can, membership_in, require, viewer
from coalition.actors.models import FAMILY_LABELS, Actor, Family
from coalition.coalitions import queries as coalition_queries
from coalition.coalitions.models import Coalition
from coalition.coalitions.naming import shown_name
from coalition.coalitions.queries import coalition_or_404
from coalition.core.forms import choices
from coalition.core.writes import save
from coalition.db import db_session
from coalition.resources import service
from coalition.resources.forms import ModerationForm, ResourceForm
from coalition.resources.models import RESOURCE_KIND_LABELS, Resource, ResourceKind, ResourceStatus
from coalition.resources.search import SearchQuery, search_resources
from coalition.roadmap.forms import row_choices

bp = Blueprint("resources", __name__)


def _int(value: str | None) -> int | None:
    if value is None or value == "":
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise ValueError(value)
    return int(value)


def parse_search(args: MultiDict[str, str], tag: str | None = None) -> SearchQuery:
    """The search of the query string; a value that cannot be understood raises ValueError."""
    kind, family, language = (
        args.get("kind") or None,
        args.get("family") or None,
        args.get("language") or None,
    )
    if kind is not None:
        ResourceKind(kind)
    if family is not None:
        Family(family)
    if language not in (None, "fr", "en"):
        raise ValueError(language)
    sort = args.get("sort") or "relevance"
    if sort not in ("relevance", "date"):
        raise ValueError(sort)
    return SearchQuery(
        text=(args.get("q") or "")[:500],
        kind=kind,
        axis_id=_int(args.get("axis")),
        lever_id=_int(args.get("lever")),
        language=language,
        family=family,
        tag=tag if tag is not None else (args.get("tag") or None),
        sort=sort,
        page=max(1, _int(args.get("page")) or 1),
    )


def search_link(slug: str, query: SearchQuery, **changes: Any) -> str:
    """The listing's URL with some filters changed (None removes one); page goes back to 1."""
    params = {
        "q": query.text,
        "kind": query.kind,
        "axis": query.axis_id,
        "lever": query.lever_id,
        "language": query.language,
        "family": query.family,
        "tag": query.tag,
        "sort": query.sort if query.sort != "relevance" else None,
        "page": None,
        **changes,
    }
    kept = {key: value for key, value in params.items() if value not in (None, "")}
    return url_for("resources.listing", slug=slug, **kept)


def _page_of(session: Session, ids: list[int]) -> list[Resource]:
    by_id = {
        resource.id: resource
        for resource in session.scalars(
            select(Resource)
            .where(Resource.id.in_(ids))
            .options(selectinload(Resource.levers), selectinload(Resource.tags))
        )
    }
    return [by_id[id] for id in ids if id in by_id]


def _listing(slug: str, tag: str | None = None) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    try:
        query = parse_search(request.args, tag)
    except ValueError:
        message = _("Filtre inconnu : retirez-le de l'adresse de la page.")
        return render_template("errors/error.html", code=400, message=message), 400
    result = search_resources(session, coalition.id, query)
    axes = coalition_queries.coalition_axes(session, coalition)
    levers = coalition_queries.coalition_levers(session, coalition)
    return render_template(
        "resources/list.html",
        coalition=coalition,
        query=query,
        result=result,
        resources=_page_of(session, result.ids),
        axes={str(axis.id): shown_name(axis) for axis in axes},  # retired ones: for history
        levers={str(lever.id): shown_name(lever) for lever in levers},
        tag=tag,
        link=lambda **changes: search_link(slug, query, **changes),
        kind_names=dict(choices(RESOURCE_KIND_LABELS)),
        family_names=dict(choices(FAMILY_LABELS)),
    )


@bp.get("/c/<slug>/resources")
def listing(slug: str) -> ResponseReturnValue:
    return _listing(slug)


@bp.get("/c/<slug>/tags/<tag>")
def tag_page(slug: str, tag: str) -> ResponseReturnValue:
    return _listing(slug, tag=tag[:80])


def _resource_or_404(session: Session, coalition: Coalition, resource_id: int) -> Resource:
    resource = session.scalars(
        select(Resource)
        .where(Resource.id == resource_id, Resource.coalition_id == coalition.id)
        .options(selectinload(Resource.levers), selectinload(Resource.tags))
    ).one_or_none()
    if resource is None:
        abort(404)
    require("resource.view", resource, hide=True)
    return resource


def _resource_page(
    session: Session,
    coalition: Coalition,
    resource: Resource,
    form: ModerationForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    contributor = (
        session.get(Actor, resource.contributed_by_id) if resource.contributed_by_id else None
    )
    if contributor is not None and not can(viewer(), "actor.view", contributor):
        contributor = None
    axes = coalition_queries.coalition_axes(session, coalition)
    return render_template(
        "resources/resource.html",
        coalition=coalition,
        resource=resource,
        contributor=contributor,
        axis={axis.id: shown_name(axis) for axis in axes}.get(resource.axis_id or 0),
        lever_names=", ".join(shown_name(lever) for lever in resource.levers),
        form=form or ModerationForm(formdata=None, obj=resource),
    ), status


@bp.get("/c/<slug>/resources/<int:resource_id>")
def page(slug: str, resource_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    resource = _resource_or_404(session, coalition, resource_id)
    return _resource_page(session, coalition, resource)


def _details(form: ResourceForm) -> service.ResourceDetails | None:
    """What the form describes; None when a value is not one the form offers."""
    try:
        return service.ResourceDetails(
            title=form.title.data or "",
            url=form.url.data or "",
            kind=ResourceKind(form.kind.data),
            summary=form.summary.data or "",
            language=form.language.data or "fr",
            axis_id=_int(form.axis.data),
            lever_ids=[_int(v) or 0 for v in form.levers.data or []],
            tags=service.parse_tags(form.tags.data or ""),
        )
    except ValueError:
        return None


@bp.route("/c/<slug>/resources/new", methods=["GET", "POST"])
def submit(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("resource.submit", coalition)
    form = ResourceForm()
    form.axis.choices = row_choices(
        coalition_queries.coalition_axes(session, coalition, with_retired=False),
        empty=_("— aucune —"),
    )
    form.levers.choices = row_choices(
        coalition_queries.coalition_levers(session, coalition, with_retired=False)
    )
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return _submit_page(coalition, form, status=status)
    details = _details(form)
    if details is None:
        form.form_errors.append(_("Une valeur n'est pas reconnue."))
        return _submit_page(coalition, form, status=400)
    membership = membership_in(viewer(), coalition.id)
    actor = session.get(Actor, membership.actor_id) if membership and membership.actor_id else None
    saved = save(
        session,
        lambda: service.submit_resource(session, coalition, details, actor=actor, by=viewer()),
        form=form,
    )
    if saved.value is None:
        error = saved.error
        duplicate = error.existing if isinstance(error, service.DuplicateResource) else None
        return _submit_page(coalition, form, status=saved.status, duplicate=duplicate)
    flash(_("Merci ! La ressource sera publiée après relecture."), "success")
    return redirect(url_for("resources.page", slug=slug, resource_id=saved.value.id))


def _submit_page(
    coalition: Coalition, form: ResourceForm, *, status: int, duplicate: Resource | None = None
) -> ResponseReturnValue:
    return render_template(
        "resources/submit.html", coalition=coalition, form=form, duplicate=duplicate
    ), status


@bp.post("/c/<slug>/resources/<int:resource_id>/moderate")
def moderate(slug: str, resource_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    resource = _resource_or_404(session, coalition, resource_id)
    require("resource.moderate", coalition)
    form = ModerationForm()
    if not form.validate_on_submit():
        return _resource_page(session, coalition, resource, form, 400)
    saved = save(
        session,
        lambda: service.moderate(
            session,
            resource,
            publish=form.decision.data == "publish",
            reason=form.reason.data or "",
            seen_version=form.version.data,
            by=viewer(),
        ),
        form=form,
    )
    if not saved.ok:
        return _resource_page(session, coalition, resource, form, saved.status)
    published = resource.status == ResourceStatus.published
    flash(_("Ressource publiée.") if published else _("Ressource refusée."), "success")
    return redirect(url_for("resources.page", slug=slug, resource_id=resource.id))


def _own_list(session: Session, coalition: Coalition, **where: Any) -> list[Resource]:
    query = select(Resource).where(Resource.coalition_id == coalition.id)
    for column, value in where.items():
        query = query.where(getattr(Resource, column) == value)
    return list(session.scalars(query.order_by(Resource.created_at.desc())))


@bp.get("/c/<slug>/resources/pending")
def pending(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("resource.moderate", coalition)
    items = _own_list(session, coalition, status=ResourceStatus.submitted)
    return render_template(
        "resources/mine.html", coalition=coalition, items=items, heading=_("Ressources à relire")
    )


@bp.get("/c/<slug>/resources/mine")
def mine(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("resource.submit", coalition)
    user = viewer()
    assert user is not None
    items = _own_list(session, coalition, submitted_by_id=user.id)
    return render_template(
        "resources/mine.html", coalition=coalition, items=items, heading=_("Mes propositions")
    )
