"""The roadmap: the board, the timeline, an action's page, proposals and objectives."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from coalition.access import can, require, viewer
from coalition.coalitions import queries as coalition_queries
from coalition.coalitions.models import Axis, Coalition
from coalition.coalitions.naming import shown_name
from coalition.coalitions.queries import coalition_or_404
from coalition.core import dates
from coalition.core.errors import ValidationError
from coalition.core.writes import save
from coalition.db import db_session
from coalition.meetings.views import meeting_number
from coalition.roadmap import queries, service
from coalition.roadmap.charts import timeline_figure
from coalition.roadmap.forms import (
    ActionForm,
    DecideForm,
    ObjectiveForm,
    framing_choices,
    label_choices,
    parse_roadmap_filters,
    row_choices,
)
from coalition.roadmap.models import (
    ACTION_STATUS_LABELS,
    HORIZON_LABELS,
    Action,
    ActionStatus,
    Horizon,
    Objective,
    ObjectiveStatus,
)
from coalition.roadmap.queries import BoardPage, BoardView, Card, RoadmapFilters

bp = Blueprint("roadmap", __name__)
Options = dict[str, Any]  # what a filter form offers: the coalition's levers, the actors seen
NEW_ACTION_STATUSES = (ActionStatus.proposed, ActionStatus.committed)


def _load(
    slug: str, action_id: int, *, with_levers: bool = False
) -> tuple[Session, Coalition, Action]:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    return (
        session,
        coalition,
        queries.action_or_404(session, coalition, action_id, with_levers=with_levers),
    )


# -- the board and the timeline -----------------------------------------------------------


@dataclass(frozen=True)
class Group:
    key: str
    title: str
    cards: list[Card]  # on this page
    total: int = 0  # on every page
    starts_on: int = 1  # the page of its first card


def _groups(found: BoardPage, view: BoardView, axes: list[Axis]) -> list[Group]:
    """The board's sections: every status, every horizon, or every axis then "no axis"; in the
    order of the cards (`queries.board`), so that each says on which page it starts."""
    sections: list[tuple[str, str, Any]]
    if view == BoardView.status:
        sections = [(s.value, str(label), s) for s, label in ACTION_STATUS_LABELS.items()]
    elif view == BoardView.horizon:
        sections = [(h.value, str(label), h) for h, label in HORIZON_LABELS.items()]
    else:
        sections = [
            (f"axis-{axis.id}", shown_name(axis), axis.id)
            for axis in axes
            if axis.retired_at is None or found.totals.get(axis.id)  # while actions have it
        ]
        sections.append(("none", _("Sans approche"), None))
    value_of = {
        BoardView.status: lambda card: card.action.status,
        BoardView.horizon: lambda card: card.action.horizon,
        BoardView.axis: lambda card: card.action.axis_id,
    }[view]
    groups, before = [], 0
    for key, title, value in sections:
        total = found.totals.get(value, 0)
        cards = [card for card in found.cards if value_of(card) == value]
        groups.append(Group(key, title, cards, total, found.page.holding(before)))
        before += total
    return groups


def _filters_or_400(session: Session, coalition: Coalition) -> tuple[RoadmapFilters, Options]:
    """The filters of the query string and what the filter form offers; or a clear 400.

    The form offers the actors in a select, or asks for a name when there are too many."""
    levers = coalition_queries.coalition_levers(session, coalition)
    filters, problem = parse_roadmap_filters(
        request.args,
        {lever.id for lever in levers},
        lambda actor_id: queries.is_viewable_actor(session, coalition, viewer(), actor_id),
    )
    if problem:
        page = render_template("errors/error.html", code=400, message=problem)
        abort(make_response(page, 400))
    actors = queries.actor_choices(session, coalition, viewer())
    return filters, {"levers": levers, "actors": actors}


def _page_link(endpoint: str, slug: str, filters: RoadmapFilters) -> Callable[[int], str]:
    """The URL of another page of the same filtered list."""
    args: dict[str, Any] = filters.args()
    if filters.view != BoardView.status:
        args["view"] = filters.view.value
    return lambda page: url_for(endpoint, slug=slug, **args, page=page)


@bp.get("/c/<slug>/roadmap")
def board(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    filters, options = _filters_or_400(session, coalition)
    axes = (
        coalition_queries.coalition_axes(session, coalition)
        if filters.view == BoardView.axis
        else []
    )
    found = queries.board(
        session, coalition, viewer(), filters, levers=options["levers"], axes=axes
    )
    return render_template(
        "roadmap/board.html",
        coalition=coalition,
        filters=filters,
        found=found,
        groups=_groups(found, filters.view, axes),
        link=_page_link("roadmap.board", slug, filters),
        **options,
    )


@bp.get("/c/<slug>/roadmap/timeline")
def timeline(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    filters, options = _filters_or_400(session, coalition)
    found = queries.timeline(session, coalition, viewer(), filters)
    status_labels = {status.value: str(label) for status, label in ACTION_STATUS_LABELS.items()}
    figure = timeline_figure(
        found.timeline,
        status_labels,
        title=_("Les actions, de rencontre en rencontre"),
        progress_label=_("Avancement (%)"),
        number_label=meeting_number,
        date_label=dates.date_text,
    )
    return render_template(
        "roadmap/timeline.html",
        coalition=coalition,
        filters=filters,
        timeline=found.timeline,
        page=found.page,
        figure=figure,
        link=_page_link("roadmap.timeline", slug, filters),
        **options,
    )


# -- an action ----------------------------------------------------------------------------


def _action_page(
    session: Session,
    coalition: Coalition,
    action: Action,
    *,
    decide: DecideForm | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The action's page; a refused decision comes back with its errors."""
    runs = can(viewer(), "roadmap.manage", coalition)
    if decide is None and runs and action.status == ActionStatus.proposed:
        decide = DecideForm(formdata=None, version=action.version)
    sheet = queries.action_sheet(session, action, viewer())
    return render_template(
        "roadmap/action.html", coalition=coalition, sheet=sheet, decide=decide
    ), status


@bp.get("/c/<slug>/actions/<int:action_id>")
def action(slug: str, action_id: int) -> ResponseReturnValue:
    session, coalition, action = _load(slug, action_id)
    require("coalition.view", coalition)
    return _action_page(session, coalition, action)


def _choose_from(
    session: Session,
    coalition: Coalition,
    form: ActionForm,
    lead: int | None,
    action: Action | None = None,
) -> None:
    """The selects offer the coalition's rows; the lead, actors still in it (and the current);
    axes and levers, the current ones (and the retired ones the action already has)."""
    form.axis.choices = framing_choices(
        coalition_queries.coalition_axes(session, coalition),
        [action.axis_id] if action and action.axis_id else [],
        empty=_("— aucune —"),
    )
    form.objective.choices = row_choices(
        queries.coalition_objectives(session, coalition), empty=_("— aucun —")
    )
    form.lead_actor.choices = row_choices(
        queries.lead_candidates(session, coalition, lead), empty=_("— aucun —")
    )
    form.levers.choices = framing_choices(
        coalition_queries.coalition_levers(session, coalition),
        {lever.id for lever in action.levers} if action else (),
    )


def _id(value: str | None, field: str) -> int | None:
    if not value:
        return None
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(_("Ce choix n'appartient pas à cette coalition."), field=field)
    return int(value)


def _details(form: ActionForm) -> service.ActionDetails:
    lever_ids = [_id(value, "levers") for value in form.levers.data or []]
    return service.ActionDetails(
        title=form.title.data or "",
        description=(form.description.data or "").strip(),
        axis_id=_id(form.axis.data, "axis"),
        objective_id=_id(form.objective.data, "objective"),
        lead_actor_id=_id(form.lead_actor.data, "lead_actor"),
        lever_ids=[lever_id for lever_id in lever_ids if lever_id is not None],
        horizon=Horizon(form.horizon.data),
        target_date=form.target_date.data,
        success_criteria=(form.success_criteria.data or "").strip(),
    )


def _status(form: ActionForm) -> ActionStatus:
    try:
        return ActionStatus(form.status.data)
    except ValueError:
        raise ValidationError(_("Choisissez un état."), field="status") from None


def _action_form(
    coalition: Coalition, form: ActionForm, action: Action | None, status: int
) -> ResponseReturnValue:
    return render_template(
        "roadmap/action_form.html", coalition=coalition, form=form, action=action
    ), status


@bp.route("/c/<slug>/actions/new", methods=["GET", "POST"])
def new_action(slug: str) -> ResponseReturnValue:
    """Facilitators create an action (proposed or committed); members propose one."""
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("action.propose", coalition)
    runs = can(viewer(), "roadmap.manage", coalition)
    form = ActionForm(status=ActionStatus.committed.value)
    if runs:
        form.status.choices = label_choices(
            {status: ACTION_STATUS_LABELS[status] for status in NEW_ACTION_STATUSES}
        )
    else:
        del form.status
    _choose_from(session, coalition, form, None)
    if not form.validate_on_submit():
        return _action_form(coalition, form, None, 400 if form.is_submitted() else 200)

    def write() -> Action:
        status = _status(form) if runs else ActionStatus.proposed
        return service.create_action(session, coalition, _details(form), status=status, by=viewer())

    saved = save(session, write, form=form)
    created = saved.value
    if created is None:
        return _action_form(coalition, form, None, saved.status)
    if created.status == ActionStatus.proposed and not runs:
        flash(_("Proposition envoyée : l'équipe d'animation va l'examiner."), "success")
    else:
        flash(_("Action créée."), "success")
    return redirect(url_for("roadmap.action", slug=slug, action_id=created.id))


def _as_form_data(action: Action) -> dict[str, Any]:
    return {
        "title": action.title,
        "description": action.description,
        "axis": str(action.axis_id or ""),
        "objective": str(action.objective_id or ""),
        "lead_actor": str(action.lead_actor_id or ""),
        "levers": [str(lever.id) for lever in action.levers],
        "horizon": action.horizon.value,
        "target_date": action.target_date,
        "success_criteria": action.success_criteria,
        "status": action.status.value,
        "version": action.version,
    }


@bp.route("/c/<slug>/actions/<int:action_id>/edit", methods=["GET", "POST"])
def edit_action(slug: str, action_id: int) -> ResponseReturnValue:
    session, coalition, action = _load(slug, action_id, with_levers=True)
    require("roadmap.manage", coalition)
    # on a POST, only what was sent counts: a missing version must not pass for the current one
    form = ActionForm() if request.method == "POST" else ActionForm(data=_as_form_data(action))
    form.status.choices = label_choices(ACTION_STATUS_LABELS)
    _choose_from(session, coalition, form, action.lead_actor_id, action)
    if not form.validate_on_submit():
        return _action_form(coalition, form, action, 400 if form.is_submitted() else 200)

    def write() -> Action:
        return service.update_action(
            session,
            action,
            _details(form),
            status=_status(form),
            seen_version=form.version.data,
            by=viewer(),
        )

    saved = save(session, write, form=form)
    if not saved.ok:
        return _action_form(coalition, form, action, saved.status)
    flash(_("Action mise à jour."), "success")
    return redirect(url_for("roadmap.action", slug=slug, action_id=action.id))


@bp.post("/c/<slug>/actions/<int:action_id>/decide")
def decide(slug: str, action_id: int) -> ResponseReturnValue:
    """Accept a member's proposal, or decline it with a reason its author will read."""
    session, coalition, action = _load(slug, action_id)
    require("roadmap.manage", coalition)
    form = DecideForm()
    if not form.validate_on_submit():
        return _action_page(session, coalition, action, decide=form, status=400)
    accept = form.decision.data == "accept"

    def write() -> Action:
        return service.decide_proposal(
            session,
            action,
            accept=accept,
            reason=form.reason.data or "",
            seen_version=form.version.data,
            by=viewer(),
        )

    saved = save(session, write, form=form)
    if not saved.ok:
        return _action_page(session, coalition, action, decide=form, status=saved.status)
    flash(
        _("Proposition acceptée : l'action est engagée.") if accept else _("Proposition déclinée."),
        "success",
    )
    return redirect(url_for("roadmap.action", slug=slug, action_id=action.id))


# -- objectives ---------------------------------------------------------------------------


@bp.get("/c/<slug>/objectives")
def objectives(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("coalition.view", coalition)
    entries = queries.objectives(session, coalition)
    groups = [
        (horizon, label, [e for e in entries if e.objective.horizon == horizon])
        for horizon, label in HORIZON_LABELS.items()
    ]
    return render_template("roadmap/objectives.html", coalition=coalition, groups=groups)


def _objective_form(
    coalition: Coalition, form: ObjectiveForm, objective: Objective | None, status: int
) -> ResponseReturnValue:
    return render_template(
        "roadmap/objective_form.html", coalition=coalition, form=form, objective=objective
    ), status


def _save_objective(
    session: Session, coalition: Coalition, form: ObjectiveForm, objective: Objective | None
) -> ResponseReturnValue:
    if not form.validate_on_submit():
        return _objective_form(coalition, form, objective, 400 if form.is_submitted() else 200)

    def write() -> Objective:
        return service.save_objective(
            session,
            coalition,
            objective,
            title=form.title.data or "",
            description=form.description.data or "",
            horizon=Horizon(form.horizon.data),
            status=ObjectiveStatus(form.status.data),
            seen_version=form.version.data,
            by=viewer(),
        )

    saved = save(session, write, form=form)
    if saved.value is None:
        return _objective_form(coalition, form, objective, saved.status)
    flash(_("Objectif mis à jour.") if objective else _("Objectif créé."), "success")
    url = url_for("roadmap.objectives", slug=coalition.slug)
    return redirect(f"{url}#objectif-{saved.value.id}")


@bp.route("/c/<slug>/objectives/new", methods=["GET", "POST"])
def new_objective(slug: str) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    require("roadmap.manage", coalition)
    return _save_objective(session, coalition, ObjectiveForm(), None)


@bp.route("/c/<slug>/objectives/<int:objective_id>/edit", methods=["GET", "POST"])
def edit_objective(slug: str, objective_id: int) -> ResponseReturnValue:
    session = db_session()
    coalition = coalition_or_404(session, slug)
    objective = queries.objective_or_404(session, coalition, objective_id)
    require("roadmap.manage", coalition)
    form = ObjectiveForm() if request.method == "POST" else ObjectiveForm(obj=objective)
    return _save_objective(session, coalition, form, objective)
