"""The roadmap pages: the board, the timeline, an action's page, proposals and objectives."""

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.actors.models import ActorStatus, Family
from coalition.core.audit import AuditEvent
from coalition.meetings.models import ActionReview, Decision, Meeting, MeetingStatus
from coalition.roadmap.models import (
    Action,
    ActionStatus,
    CommitmentStatus,
    Horizon,
    Objective,
    ObjectiveStatus,
    Role,
)
from tests import factories as f
from tests.conftest import World, csrf_token, post_form

C = "/c/ma-coalition"


def review(
    db: Session, meeting: Meeting, action: Action, status: str, progress: int, **fields: Any
) -> ActionReview:
    obj = ActionReview(
        meeting_id=meeting.id,
        action_id=action.id,
        status=ActionStatus(status),
        progress=progress,
        **fields,
    )
    db.add(obj)
    db.flush()
    return obj


def objective(db: Session, world: World, **fields: Any) -> Objective:
    obj = Objective(
        **{
            "coalition_id": world.coalition.id,
            "title": "Former 100 agents",
            "horizon": Horizon.short,
            **fields,
        }
    )
    db.add(obj)
    db.flush()
    return obj


def html_of(client: FlaskClient, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def card_titles(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a></h3>', html)


def section(html: str, key: str) -> str:
    """The board section of one group, up to the next one."""
    return html.split(f'id="groupe-{key}"')[1].split('id="groupe-')[0]


# -- the board ----------------------------------------------------------------------------


def test_board_groups_actions_by_status_axis_and_horizon(
    client: FlaskClient, world: World, db: Session
) -> None:
    axis = f.axis(db, world.coalition, name="IA en démocratie")
    world.action.status = ActionStatus.in_progress
    world.action.axis_id = axis.id
    world.action.horizon = Horizon.medium
    world.action.lead_actor_id = world.other_actor.id
    world.action.target_date = date(2031, 6, 30)
    world.action.levers = [world.other_lever, world.lever]
    f.commitment(db, world.other_actor, world.action, status=CommitmentStatus.withdrawn)
    f.commitment(db, world.other_actor, world.other_action)
    early = f.meeting(db, world.coalition, starts_at=datetime(2030, 1, 10, 13, tzinfo=UTC))
    late = f.meeting(db, world.coalition, starts_at=datetime(2030, 3, 10, 13, tzinfo=UTC))
    review(db, late, world.action, "in_progress", 60)  # the latest by meeting date, added first
    review(db, early, world.action, "committed", 20)

    html = html_of(client, f"{C}/roadmap")
    headings = re.findall(r'<h2 id="groupe-([a-z_]+)">', html)
    assert headings == [status.value for status in ActionStatus]
    card = section(html, "in_progress")
    assert card_titles(card) == ["Action 1"]
    assert "60 %" in card and "20 %" not in card
    assert "Acteur B" in card  # the lead
    assert "Levier 1, Levier 2" in card  # in the coalition's order
    assert "<dt>Engagements</dt><dd>1</dd>" in card  # the withdrawn one does not count
    assert "30 juin 2031" in card
    proposed = section(html, "proposed")
    assert card_titles(proposed) == ["Action 2"] and "<dd>—</dd>" in proposed
    assert "Aucune action." in section(html, "done")

    by_axis = html_of(client, f"{C}/roadmap?view=axis")
    assert card_titles(section(by_axis, f"axis-{axis.id}")) == ["Action 1"]
    assert "Sans approche" in by_axis and card_titles(section(by_axis, "none")) == ["Action 2"]
    by_horizon = html_of(client, f"{C}/roadmap?view=horizon")
    assert card_titles(section(by_horizon, "medium")) == ["Action 1"]
    assert card_titles(section(by_horizon, "short")) == ["Action 2"]


def test_board_filters(client: FlaskClient, world: World, db: Session) -> None:
    researcher = f.actor(db, world.coalition, name="Labo", family=Family.research)
    led = f.action(db, world.coalition, title="Menée par le labo", lead_actor_id=researcher.id)
    gone = f.action(db, world.coalition, title="Engagement retiré")
    f.commitment(db, researcher, gone, status=CommitmentStatus.withdrawn)
    world.other_action.levers = [world.lever]
    db.flush()

    def titles(query: str) -> list[str]:
        return card_titles(html_of(client, f"{C}/roadmap?{query}"))

    assert sorted(titles("")) == ["Action 1", "Action 2", "Engagement retiré", led.title]
    assert titles(f"lever={world.lever.id}") == ["Action 2"]
    assert titles("family=research") == [led.title]  # a withdrawn commitment does not count
    assert titles("family=use") == ["Action 1"]  # Acteur A commits to it
    assert titles(f"actor={world.actor.id}") == ["Action 1"]
    assert titles(f"actor={researcher.id}&view=horizon") == [led.title]
    assert titles(f"actor={researcher.id}&family=use") == []
    foreign = f.lever(db, world.other_coalition)
    stranger = f.actor(db, world.other_coalition)
    for bad, message in [
        ("view=gantt", "Filtre inconnu"),
        ("family=aliens", "Filtre inconnu"),
        ("lever=abc", "Ce levier n&#39;existe pas"),
        (f"lever={foreign.id}", "Ce levier n&#39;existe pas"),
        ("actor=²", "Cet acteur n&#39;existe pas"),
        (f"actor={stranger.id}", "Cet acteur n&#39;existe pas"),
    ]:
        assert message in html_of(client, f"{C}/roadmap?{bad}", 400), bad
        assert message in html_of(client, f"{C}/roadmap/timeline?{bad}", 400), bad


def test_board_links_depend_on_the_role(client: FlaskClient, world: World) -> None:
    public = html_of(client, f"{C}/roadmap")
    assert "Proposer une action" not in public and "Nouvelle action" not in public
    world.log_in(client, "member")
    member = html_of(client, f"{C}/roadmap")
    assert "Proposer une action" in member and "Nouvelle action" not in member
    world.log_in(client, "facilitator")
    facilitator = html_of(client, f"{C}/roadmap")
    assert "Nouvelle action" in facilitator and f"{C}/objectives" in facilitator


def test_unlisted_actors_stay_out_of_what_the_public_sees(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.other_actor.is_listed = False
    world.action.lead_actor_id = world.other_actor.id
    f.commitment(db, world.other_actor, world.other_action, contribution="Secret")
    db.flush()
    assert client.get(f"{C}/roadmap?actor={world.other_actor.id}").status_code == 400
    page = html_of(client, f"{C}/actions/{world.other_action.id}")
    assert "Acteur B" not in page and "Secret" not in page
    assert "Acteur B" not in html_of(client, f"{C}/roadmap")
    world.log_in(client, "member")
    assert "Acteur B" in html_of(client, f"{C}/actions/{world.other_action.id}")


# -- the timeline -------------------------------------------------------------------------


def test_timeline_shows_each_review_in_the_chart_and_the_table(
    client: FlaskClient, world: World, db: Session
) -> None:
    january = f.meeting(
        db,
        world.coalition,
        number=1,
        title="Janvier",
        starts_at=datetime(2030, 1, 9, 23, 30, tzinfo=UTC),
    )
    march = f.meeting(
        db, world.coalition, number=3, title="Mars", starts_at=datetime(2030, 3, 6, 13, tzinfo=UTC)
    )
    f.meeting(
        db, world.coalition, number=2, title="Février annulée", status=MeetingStatus.cancelled
    )
    review(db, january, world.action, "committed", 10)
    review(db, march, world.action, "in_progress", 40)
    review(db, march, world.other_action, "blocked", 5)
    world.other_action.levers = [world.lever]
    db.flush()

    html = html_of(client, f"{C}/roadmap/timeline")
    table = html.split("<table")[1]
    assert "<caption" in table and 'scope="col"' in table and 'scope="row"' in table
    assert "Février annulée" not in table
    assert table.index("Janvier") < table.index("Mars")
    assert "10 janvier 2030" in table  # 23:30 UTC on the 9th is the 10th in Paris
    row = table.split(f'/actions/{world.action.id}"')[1].split("</tr>")[0]
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells == ["Engagée, 10 %", "En cours, 40 %"]
    other = table.split(f'/actions/{world.other_action.id}"')[1].split("</tr>")[0]
    assert "non revue" in other and "Bloquée, 5 %" in other
    data = re.search(r'<script type="application/json" id="timeline-data">(.*?)</script>', html)
    assert data is not None
    figure = json.loads(data.group(1))
    trace = figure["data"][0]
    assert trace["x"] == ["n°1 10 janvier 2030", "n°3 6 mars 2030"]  # in Paris time
    assert trace["z"][0] == [10, 40]
    assert "En cours" in json.dumps(trace["text"])  # the translated status labels

    filtered = html_of(client, f"{C}/roadmap/timeline?lever={world.lever.id}")
    assert f'/actions/{world.other_action.id}"' in filtered
    assert f'/actions/{world.action.id}"' not in filtered


# -- an action's page ---------------------------------------------------------------------


def test_action_page_tells_everything_about_the_action(
    client: FlaskClient, world: World, db: Session
) -> None:
    axis = f.axis(db, world.coalition, name="IA en ressource limitée")
    goal = objective(db, world)
    world.action.description = (
        "Un **atelier** <script>alert(1)</script> <img src=x onerror=alert(2)>"
    )
    world.action.axis_id = axis.id
    world.action.objective_id = goal.id
    world.action.lead_actor_id = world.actor.id
    world.action.horizon = Horizon.medium
    world.action.target_date = date(2031, 2, 1)
    world.action.success_criteria = "Cent agents formés"
    world.action.levers = [world.lever]
    world.commitment.role = Role.lead
    world.commitment.contribution = "Deux formateurs"
    late = f.meeting(
        db,
        world.coalition,
        title="Rencontre de mars",
        starts_at=datetime(2030, 3, 5, 13, tzinfo=UTC),
    )
    early = f.meeting(
        db,
        world.coalition,
        title="Rencontre de janvier",
        starts_at=datetime(2030, 1, 8, 13, tzinfo=UTC),
        minutes_published_at=datetime(2030, 1, 9, tzinfo=UTC),
    )
    review(db, late, world.action, "in_progress", 50, note="Bien parti", next_steps="Bilan")
    review(db, early, world.action, "committed", 10, note="Lancement")
    db.add_all(
        [
            Decision(meeting_id=early.id, text="Lancer l'atelier", action_id=world.action.id),
            Decision(meeting_id=late.id, text="Pas encore publiée", action_id=world.action.id),
            Decision(meeting_id=early.id, text="Autre sujet", action_id=world.other_action.id),
        ]
    )
    db.flush()

    html = html_of(client, f"{C}/actions/{world.action.id}")
    assert "<h1>Action 1</h1>" in html and "Proposée" in html
    assert "<strong>atelier</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html
    for text in (
        "IA en ressource limitée",
        "Former 100 agents",
        "Levier 1",
        "Moyen terme",
        "1 février 2031",
        "Cent agents formés",
    ):
        assert text in html, text
    assert f'href="{C}/actors/{world.actor.id}">Acteur A</a>' in html
    commitments = html.split('id="commitments"')[1].split("</section>")[0]
    assert (
        "Acteur A" in commitments and "Pilote" in commitments and "Deux formateurs" in commitments
    )
    reviews = html.split('id="reviews"')[1].split("</section>")[0]
    assert reviews.index("Rencontre de janvier") < reviews.index("Rencontre de mars")
    assert "Bilan" in reviews and "50 %" in reviews and "Bien parti" not in reviews
    assert "Lancement" not in reviews  # review notes are internal to the coalition
    decisions = html.split('id="decisions"')[1].split("</section>")[0]
    assert "Lancer l&#39;atelier" in decisions and "Rencontre de janvier" in decisions
    assert "Autre sujet" not in decisions
    assert "Pas encore publiée" not in decisions  # the public waits for the minutes
    assert "Modifier" not in html and "Décliner" not in html
    world.log_in(client, "facilitator")
    html = html_of(client, f"{C}/actions/{world.action.id}")
    assert "Lancement" in html.split('id="reviews"')[1].split("</section>")[0]
    assert "Pas encore publiée" in html
    assert f"{C}/actions/{world.action.id}/edit" in html and "Décliner avec ce motif" in html


def test_an_action_of_another_coalition_is_not_found(
    client: FlaskClient, world: World, db: Session
) -> None:
    stranger = f.action(db, world.other_coalition)
    world.log_in(client, "admin")
    for url in (
        f"{C}/actions/{stranger.id}",
        f"{C}/actions/{stranger.id}/edit",
        f"{C}/actions/999999",
    ):
        assert client.get(url).status_code == 404, url
    response = post_form(
        client,
        f"{C}/actions/{stranger.id}/decide",
        {"decision": "accept", "version": "1"},
        form_url="/",
    )
    assert response.status_code == 404


# -- proposals and decisions --------------------------------------------------------------


def test_a_member_proposes_an_action(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "member")
    form = html_of(client, f"{C}/actions/new")
    assert "Proposer une action" in form and 'name="status"' not in form
    assert 'type="checkbox"' in form and "<legend>Leviers mobilisés</legend>" in form
    response = post_form(
        client,
        f"{C}/actions/new",
        {
            "title": "Un guide des achats d'IA",
            "description": "Pour les *acheteurs*",
            "levers": [str(world.lever.id), str(world.other_lever.id)],
            "lead_actor": str(world.actor.id),
            "horizon": "medium",
            "target_date": "2031-05-01",
            "status": "committed",  # not the member's to choose
        },
    )
    assert response.status_code == 302
    action = db.scalars(select(Action).where(Action.title == "Un guide des achats d'IA")).one()
    assert action.status == ActionStatus.proposed
    assert action.proposed_by_id == world.users["member"].id
    assert action.target_date == date(2031, 5, 1) and action.horizon == Horizon.medium
    assert sorted(lever.id for lever in action.levers) == sorted(
        [world.lever.id, world.other_lever.id]
    )
    assert response.headers["Location"].endswith(f"/actions/{action.id}")
    assert "Proposition envoyée" in html_of(client, response.headers["Location"])


def test_a_facilitator_creates_a_committed_action(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    form = html_of(client, f"{C}/actions/new")
    status = form.split('name="status"')[1].split("</select>")[0]
    assert re.findall(r'value="([a-z_]+)"', status) == ["proposed", "committed"]
    assert '<option selected value="committed">' in status
    blank = post_form(
        client, f"{C}/actions/new", {"title": " ", "horizon": "short", "status": "committed"}
    )
    assert blank.status_code == 400 and "Le titre est obligatoire" in blank.get_data(as_text=True)
    done = post_form(
        client, f"{C}/actions/new", {"title": "Déjà finie", "horizon": "short", "status": "done"}
    )
    assert done.status_code == 400 and "proposée ou engagée" in done.get_data(as_text=True)
    response = post_form(
        client,
        f"{C}/actions/new",
        {"title": "Ouvrir un pôle GPU", "horizon": "short", "status": "committed"},
    )
    assert response.status_code == 302
    action = db.scalars(select(Action).where(Action.title == "Ouvrir un pôle GPU")).one()
    assert action.status == ActionStatus.committed
    assert (
        db.scalar(select(func.count()).select_from(Action).where(Action.title == "Déjà finie")) == 0
    )


def test_the_lead_is_chosen_among_actors_still_in_the_coalition(
    client: FlaskClient, world: World, db: Session
) -> None:
    gone = f.actor(db, world.coalition, name="Parti SA", status=ActorStatus.left)
    world.log_in(client, "facilitator")
    assert "Parti SA" not in html_of(client, f"{C}/actions/new")
    world.action.lead_actor_id = gone.id  # an action it led keeps its lead when edited
    db.flush()
    edit = html_of(client, f"{C}/actions/{world.action.id}/edit")
    assert f'<option selected value="{gone.id}">Parti SA</option>' in edit


def test_a_facilitator_accepts_a_proposal(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "facilitator")
    url = f"{C}/actions/{world.action.id}/decide"
    response = post_form(
        client,
        url,
        {"decision": "accept", "version": "1"},
        form_url=f"{C}/actions/{world.action.id}",
    )
    assert response.status_code == 302
    db.refresh(world.action)
    assert world.action.status == ActionStatus.committed
    again = post_form(
        client, url, {"decision": "accept", "version": str(world.action.version)}, form_url="/"
    )
    assert again.status_code == 400 and "plus une proposition" in again.get_data(as_text=True)


def test_a_facilitator_declines_a_proposal_with_a_reason(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    url = f"{C}/actions/{world.action.id}/decide"
    response = post_form(
        client,
        url,
        {"decision": "decline", "reason": "Hors du périmètre", "version": "1"},
        form_url="/",
    )
    assert response.status_code == 302
    db.refresh(world.action)
    assert (world.action.status, world.action.status_reason) == (
        ActionStatus.dropped,
        "Hors du périmètre",
    )
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    page = html_of(client, f"{C}/actions/{world.action.id}")
    assert "Hors du périmètre" in page and "Abandonnée" in page
    events = db.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity == "action", AuditEvent.entity_id == world.action.id
        )
    ).all()
    assert events == ["decline"]


def test_declining_without_a_reason_changes_nothing(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    url = f"{C}/actions/{world.action.id}/decide"
    for data in ({"decision": "decline", "reason": "  "}, {"decision": "maybe"}):
        response = post_form(client, url, {**data, "version": "1"}, form_url="/")
        html = response.get_data(as_text=True)
        assert response.status_code == 400
        assert "<h1>Action 1</h1>" in html  # back on the action page
    assert "Dites pourquoi la proposition est déclinée" in post_form(
        client, url, {"decision": "decline", "version": "1"}, form_url="/"
    ).get_data(as_text=True)
    db.refresh(world.action)
    assert (world.action.status, world.action.version) == (ActionStatus.proposed, 1)
    stale = post_form(client, url, {"decision": "accept", "version": "0"}, form_url="/")
    assert stale.status_code == 409 and "modifiée par quelqu&#39;un d&#39;autre" in stale.get_data(
        as_text=True
    )


# -- editing an action --------------------------------------------------------------------


def edit_data(world: World, **changes: Any) -> dict[str, Any]:
    return {
        "title": "Action 1",
        "horizon": "short",
        "status": "proposed",
        "lead_actor": "",
        "levers": [],
        "version": "1",
        **changes,
    }


def test_a_facilitator_edits_an_action(client: FlaskClient, world: World, db: Session) -> None:
    world.action.levers = [world.lever]
    world.action.target_date = date(2031, 1, 15)
    db.flush()
    world.log_in(client, "facilitator")
    url = f"{C}/actions/{world.action.id}/edit"
    form = html_of(client, url)
    assert (
        f'<input checked id="levers-0" name="levers" type="checkbox" value="{world.lever.id}">'
        in form
    )
    version = world.action.version
    assert (
        'value="2031-01-15"' in form and f'name="version" type="hidden" value="{version}"' in form
    )
    response = post_form(
        client,
        url,
        edit_data(
            world,
            title="Action première",
            status="committed",
            levers=[str(world.other_lever.id)],
            version=str(version),
        ),
    )
    assert response.status_code == 302
    db.refresh(world.action)
    assert world.action.title == "Action première" and world.action.status == ActionStatus.committed
    assert [lever.id for lever in world.action.levers] == [world.other_lever.id]
    assert world.action.target_date is None  # emptied in the form


def test_a_forbidden_transition_is_refused_and_changes_nothing(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.action.status = ActionStatus.done
    db.flush()
    world.log_in(client, "facilitator")
    response = post_form(
        client,
        f"{C}/actions/{world.action.id}/edit",
        edit_data(world, title="Renommée", status="proposed", version=str(world.action.version)),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Une action « Réalisée » ne peut pas passer à « Proposée »" in html
    assert 'id="status-error"' in html  # next to the field
    db.refresh(world.action)
    assert (world.action.title, world.action.status) == ("Action 1", ActionStatus.done)


def test_a_stale_edit_is_refused_and_keeps_the_form(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.action.title = "Renommée entre-temps"
    db.flush()  # now at version 2
    world.log_in(client, "facilitator")
    response = post_form(
        client,
        f"{C}/actions/{world.action.id}/edit",
        edit_data(world, title="Mon titre", description="Mon texte", version="1"),
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "modifiée par quelqu&#39;un d&#39;autre" in html
    assert 'value="Mon titre"' in html and "Mon texte</textarea>" in html
    assert 'name="version" type="hidden" value="2"' in html
    db.refresh(world.action)
    assert world.action.title == "Renommée entre-temps"


@pytest.mark.parametrize("field", ["levers", "axis", "objective", "lead_actor", "bad_lever"])
@pytest.mark.parametrize("page", ["new", "edit"])
def test_choices_of_another_coalition_are_refused_and_nothing_is_saved(
    client: FlaskClient, world: World, db: Session, field: str, page: str
) -> None:
    foreign = {
        "levers": lambda: str(f.lever(db, world.other_coalition).id),
        "axis": lambda: str(f.axis(db, world.other_coalition).id),
        "objective": lambda: str(
            objective(db, world, coalition_id=world.other_coalition.id, title="Ailleurs").id
        ),
        "lead_actor": lambda: str(f.actor(db, world.other_coalition).id),
        "bad_lever": lambda: "abc",
    }[field]()
    name = "levers" if field == "bad_lever" else field
    world.log_in(client, "facilitator")
    url = f"{C}/actions/new" if page == "new" else f"{C}/actions/{world.action.id}/edit"
    data = edit_data(
        world,
        title="Tentative",
        status="proposed",
        **{name: [foreign] if name == "levers" else foreign},
    )
    actions = db.scalar(select(func.count()).select_from(Action))
    events = db.scalar(select(func.count()).select_from(AuditEvent))
    response = post_form(client, url, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "n&#39;appartient pas à cette coalition" in html
    assert f'id="{name}-error"' in html
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Action)) == actions
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert db.get(Action, world.action.id).title == "Action 1"  # type: ignore[union-attr]


# -- objectives ---------------------------------------------------------------------------


def test_objectives_are_created_listed_and_edited(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "facilitator")
    response = post_form(
        client,
        f"{C}/objectives/new",
        {
            "title": "Cent agents formés",
            "description": "Dans *trois* ans",
            "horizon": "medium",
            "status": "open",
        },
    )
    assert response.status_code == 302
    goal = db.scalars(select(Objective).where(Objective.title == "Cent agents formés")).one()
    assert response.headers["Location"].endswith(f"/objectives#objectif-{goal.id}")
    duplicate = post_form(
        client,
        f"{C}/objectives/new",
        {"title": "Cent agents formés", "horizon": "short", "status": "open"},
    )
    assert duplicate.status_code == 400 and "Un objectif porte déjà ce titre" in duplicate.get_data(
        as_text=True
    )
    world.action.objective_id = goal.id
    db.flush()

    listing = html_of(client, f"{C}/objectives")
    medium = listing.split('id="horizon-medium"')[1]
    assert "Cent agents formés" in medium and "<em>trois</em>" in medium and "Action 1" in medium
    assert "Objectif 1" in listing.split('id="horizon-short"')[1].split("</section>")[0]

    url = f"{C}/objectives/{goal.id}/edit"
    assert 'value="Cent agents formés"' in html_of(client, url)
    edited = post_form(
        client,
        url,
        {"title": "Cent agents formés", "horizon": "medium", "status": "achieved", "version": "1"},
    )
    assert edited.status_code == 302
    db.refresh(goal)
    assert goal.status == ObjectiveStatus.achieved
    stale = post_form(
        client, url, {"title": "Autre", "horizon": "short", "status": "open", "version": "1"}
    )
    assert stale.status_code == 409
    db.refresh(goal)
    assert goal.title == "Cent agents formés"
    stranger = objective(db, world, coalition_id=world.other_coalition.id, title="Ailleurs")
    assert client.get(f"{C}/objectives/{stranger.id}/edit").status_code == 404


# -- a fixed number of statements ---------------------------------------------------------


def populate(db: Session, size: int) -> str:
    """A coalition with `size` actions, 24 meetings and some reviews."""
    coalition = f.coalition(db)
    levers = [f.lever(db, coalition) for _ in range(5)]
    axes = [f.axis(db, coalition) for _ in range(3)]
    actors = [f.actor(db, coalition, family=list(Family)[i % 4]) for i in range(8)]
    start = datetime(2030, 1, 7, 13, tzinfo=UTC)
    meetings = [
        f.meeting(db, coalition, starts_at=start + timedelta(days=28 * i)) for i in range(24)
    ]
    for i in range(size):
        action = f.action(
            db,
            coalition,
            status=list(ActionStatus)[i % 6],
            axis_id=axes[i % 3].id if i % 4 else None,
            lead_actor_id=actors[i % 8].id,
            target_date=date(2031, 1, 1) + timedelta(days=i),
        )
        action.levers = [levers[i % 5], levers[(i + 2) % 5]]
        f.commitment(db, actors[(i + 1) % 8], action)
        for n in range(i % 4):
            db.add(
                ActionReview(
                    meeting_id=meetings[(i + n * 5) % 24].id,
                    action_id=action.id,
                    status=ActionStatus.in_progress,
                    progress=10 * n,
                )
            )
    db.flush()
    return coalition.slug


@pytest.mark.parametrize(
    "page",
    [
        "roadmap",
        "roadmap?view=axis",
        "roadmap?view=horizon&family=use",
        "roadmap?view=axis&page=2",
        "roadmap?actor_name=acteur&page=9",
        "roadmap/timeline",
        "roadmap/timeline?page=3",
        "objectives",
    ],
)
def test_pages_issue_the_same_statements_at_10_and_300_actions(
    client: FlaskClient, db: Session, count_queries: Any, page: str
) -> None:
    def statements(slug: str) -> int:
        with count_queries() as counter:
            assert client.get(f"/c/{slug}/{page}").status_code == 200
        return counter.count

    small, large = populate(db, 10), populate(db, 300)
    assert statements(small) == statements(large)
