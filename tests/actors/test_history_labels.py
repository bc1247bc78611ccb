"""An actor's history shows what changed in words a person reads: the labels of the recorded
codes (a resource's type and status, a commitment's role), in the viewer's language."""

import re

from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy.orm import Session

from coalition.actors import service as actors
from coalition.actors.history import describe
from coalition.core.audit import AuditEvent
from coalition.resources import service as resources
from coalition.resources.models import ResourceKind
from coalition.roadmap.models import Role
from tests.conftest import World, post_form

C = "/c/ma-coalition"
CODES = {"charter", "submitted", "published", "pilot_site", "pledged", "member", "fr"}


def shown_changes(html: str) -> list[tuple[str, str]]:
    """The (field, value) pairs of the history's change lists, as the page shows them."""
    history = html.split('id="history"')[1]
    pairs = []
    for ul in re.findall(r'<ul class="changes">(.*?)</ul>', history, re.S):
        for item in re.findall(r"<li>(.*?)</li>", ul, re.S):
            field, _, value = re.sub(r"<[^>]+>", "", item).partition(" :")
            pairs.append((field.strip(), " ".join(value.split())))
    return pairs


def make_history(db: Session, world: World) -> None:
    """A member proposes a charter and commits as pilot site; the facilitator publishes it."""
    member = world.users["member"]
    details = resources.ResourceDetails(
        title="Notre charte éthique", url="https://example.org/ethique", kind=ResourceKind.charter
    )
    resource = resources.submit_resource(db, world.coalition, details, actor=world.actor, by=member)
    actors.commit_to_action(
        db, world.actor, world.other_action, role=Role.pilot_site, contribution="", by=member
    )
    resources.moderate(
        db,
        resource,
        publish=True,
        reason="",
        seen_version=resource.version,
        by=world.users["facilitator"],
    )
    db.flush()


def test_history_shows_labels_not_codes_in_french(
    client: FlaskClient, world: World, db: Session
) -> None:
    make_history(db, world)
    world.log_in(client, "facilitator")
    html = client.get(f"{C}/actors/{world.actor.id}").get_data(as_text=True)
    changes = shown_changes(html)
    assert ("Type", "Charte") in changes
    assert ("Statut", "Proposée") in changes  # the proposal
    assert ("Statut", "Proposée → Publiée") in changes  # its moderation, before and after
    assert ("Langue", "Français") in changes
    assert ("Rôle", "Site pilote") in changes and ("Statut", "Promis") in changes
    assert not [value for _, value in changes if set(re.split(r" → ", value)) & CODES]
    history = html.split('id="history"')[1]
    assert "Ressource proposée</strong> : Notre charte éthique" in history
    assert "Ressource publiée</strong>" in history
    assert ("Type", "Charte → Charte") not in changes  # a moderation lists only what it changed


def test_history_shows_english_labels_in_english(
    client: FlaskClient, world: World, db: Session
) -> None:
    make_history(db, world)
    world.log_in(client, "facilitator")
    post_form(client, "/language", {"lang": "en", "next": "/"}, form_url="/")
    html = client.get(f"{C}/actors/{world.actor.id}").get_data(as_text=True)
    assert '<html lang="en">' in html
    changes = shown_changes(html)
    assert ("Type", "Charter") in changes
    assert ("Status", "Proposed → Published") in changes
    assert ("Language", "French") in changes
    assert ("Role", "Pilot site") in changes and ("Status", "Pledged") in changes
    assert not [value for _, value in changes if set(re.split(r" → ", value)) & CODES]


def event(entity: str, before: dict | None, after: dict | None) -> AuditEvent:  # type: ignore[type-arg]
    action = "update" if before and after else "create"
    return AuditEvent(entity=entity, entity_id=1, action=action, before=before, after=after)


def test_a_code_of_another_record_is_read_with_that_records_labels(app: Flask) -> None:
    """'member' is an actor's status and a person's role; 'proposed' an action's status."""
    with app.test_request_context(), force_locale("fr"):
        actor = describe(event("actor", {"status": "interested"}, {"status": "member"}), {})
        membership = describe(event("membership", {"role": "member"}, {"role": "facilitator"}), {})
        action = describe(event("action", None, {"status": "proposed"}), {})
        unknown = describe(event("resource", None, {"kind": "podcast"}), {})
    assert [(c.before, c.after) for c in actor.changes] == [("Intéressé", "Membre")]
    assert [(c.before, c.after) for c in membership.changes] == [
        ("Membre", "Animateur ou animatrice")
    ]
    assert [(c.field, c.after) for c in action.changes] == [("Statut", "Proposée")]
    assert [(c.field, c.after) for c in unknown.changes] == [("Type", "podcast")]  # raw, no label
