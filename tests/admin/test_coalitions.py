"""The admin creates coalitions and invites their facilitators."""

import html
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from coalition.coalitions.models import Coalition, Phase
from coalition.core.audit import AuditEvent
from coalition.core.tokens import token_hash
from coalition.mail.models import OutboxMessage
from coalition.people.models import Invitation
from tests.admin.conftest import row_counts
from tests.conftest import World, post_form

LINK_RE = re.compile(r"http://localhost/invitations/([A-Za-z0-9_-]+)")
NEW = {"slug": "coalition-test", "name": "Coalition test", "emails": "alice@example.org"}


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def test_the_admin_creates_a_coalition_and_invites_its_facilitators(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "admin")
    emails = " Alice@Example.org;bob@example.org,\n\ncarol@example.org  alice@example.org "
    response = post_form(client, "/admin/coalitions", {**NEW, "emails": emails}, form_url="/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    coalition = db.scalars(select(Coalition).where(Coalition.slug == "coalition-test")).one()
    assert (coalition.name, coalition.phase) == ("Coalition test", Phase.framing)
    invitations = db.scalars(
        select(Invitation).where(Invitation.coalition_id == coalition.id).order_by(Invitation.email)
    ).all()
    addresses = ["alice@example.org", "bob@example.org", "carol@example.org"]
    assert [i.email for i in invitations] == addresses
    assert all(i.role == MembershipRole.facilitator and i.actor_id is None for i in invitations)
    assert all(i.invited_by_id == world.users["admin"].id for i in invitations)
    messages = db.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)).all()
    assert [m.to_address for m in messages] == addresses
    for message, invitation in zip(messages, invitations, strict=True):
        match = LINK_RE.search(message.text_body)
        assert match, message.text_body
        assert token_hash(match.group(1)) == invitation.token_hash
    created = db.scalars(
        select(AuditEvent).where(AuditEvent.entity == "coalition", AuditEvent.action == "create")
    ).one()
    assert created.entity_id == coalition.id
    assert created.user_id == world.users["admin"].id
    assert created.after == {
        "slug": "coalition-test",
        "name": "Coalition test",
        "phase": "framing",
        "version": 1,
    }
    page = page_text(client.get("/admin/"))
    assert "Coalition « Coalition test » créée" in page
    assert all(address in page for address in addresses)  # pending invitations
    assert 'href="/c/coalition-test/"' in page and 'href="/c/coalition-test/people"' in page


def test_the_list_shows_every_coalition_with_its_facilitators(
    client: FlaskClient, world: World
) -> None:
    world.log_in(client, "admin")
    page = page_text(client.get("/admin/"))
    facilitator, other = world.users["facilitator"], world.users["other_facilitator"]
    mine, theirs = page.index("Ma coalition</h3>"), page.index("Autre coalition</h3>")
    assert theirs < mine  # by name
    assert mine < page.index(facilitator.email)
    assert theirs < page.index(other.email) < mine
    assert facilitator.name in page and other.name in page
    assert world.users["member"].email not in page  # members are not facilitators
    assert 'href="/c/ma-coalition/people"' in page and 'href="/c/autre-coalition/"' in page


BAD_COALITIONS = [
    ({"slug": "Ma Coalition"}, "slug", 400, "lettres minuscules sans accent"),
    ({"slug": "-coalition"}, "slug", 400, "sans tiret au début ni à la fin"),
    ({"slug": "é"}, "slug", 400, "De 2 à 64 caractères"),
    ({"slug": "a"}, "slug", 400, "De 2 à 64 caractères"),
    ({"slug": "a" * 65}, "slug", 400, "De 2 à 64 caractères"),
    ({"slug": ""}, "slug", 400, "L'adresse courte est obligatoire."),
    ({"slug": "ma-coalition"}, "slug", 409, "Une coalition a déjà cette adresse courte."),
    ({"name": "  "}, "name", 400, "Le nom est obligatoire."),
    ({"name": "n" * 201}, "name", 400, "Le nom compte au plus 200 caractères."),
    ({"emails": ""}, "emails", 400, "Indiquez au moins une adresse e-mail."),
    ({"emails": " ;, \n"}, "emails", 400, "Indiquez au moins une adresse e-mail."),
    (
        {"emails": "bon@example.org, pas-une-adresse; x@"},
        "emails",
        400,
        "Adresse e-mail invalide : pas-une-adresse, x@",
    ),
    (
        {"emails": " ".join(f"p{n}@example.org" for n in range(101))},
        "emails",
        400,
        "Au plus 100 adresses à la fois.",
    ),
]


@pytest.mark.parametrize(("change", "field", "status", "message"), BAD_COALITIONS)
def test_a_refused_coalition_writes_nothing(
    client: FlaskClient,
    world: World,
    db: Session,
    change: dict[str, str],
    field: str,
    status: int,
    message: str,
) -> None:
    world.log_in(client, "admin")
    before = row_counts(db)
    response = post_form(client, "/admin/coalitions", {**NEW, **change}, form_url="/admin/")
    assert response.status_code == status
    page = page_text(response)
    assert message in page
    assert f'id="{field}-error"' in page  # shown next to its field
    if field != "name":
        assert 'value="Coalition test"' in page  # the form comes back filled in
    assert row_counts(db) == before


def test_every_mistake_is_told_at_once(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "admin")
    before = row_counts(db)
    bad = {"slug": "Avec Espaces", "name": "", "emails": "ok@example.org pas-une-adresse"}
    response = post_form(client, "/admin/coalitions", bad, form_url="/admin/")
    assert response.status_code == 400
    page = page_text(response)
    for field in ("slug", "name", "emails"):
        assert f'id="{field}-error"' in page
    assert "Adresse e-mail invalide : pas-une-adresse" in page
    assert row_counts(db) == before


def invite_url(world: World) -> str:
    return f"/admin/coalitions/{world.coalition.slug}/facilitators"


def test_the_admin_invites_more_facilitators(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "admin")
    field = f"c{world.coalition.id}-emails"
    response = post_form(
        client,
        invite_url(world),
        {field: "dora@example.org\nemile@example.org"},
        form_url="/admin/",
    )
    assert response.status_code == 302
    invitations = db.scalars(
        select(Invitation).where(Invitation.coalition_id == world.coalition.id)
    ).all()
    assert sorted(i.email for i in invitations) == ["dora@example.org", "emile@example.org"]
    messages = db.scalars(select(OutboxMessage)).all()
    assert sorted(m.to_address for m in messages) == ["dora@example.org", "emile@example.org"]
    assert all(LINK_RE.search(m.text_body) for m in messages)
    assert "2 invitations envoyées pour Ma coalition." in page_text(client.get("/admin/"))


def test_refused_invitations_write_nothing(client: FlaskClient, world: World, db: Session) -> None:
    world.log_in(client, "admin")
    field = f"c{world.coalition.id}-emails"
    facilitator = world.users["facilitator"].email
    cases = [
        ("", 400, "Indiquez au moins une adresse e-mail."),
        ("ok@example.org pas@", 400, "Adresse e-mail invalide : pas@"),
        (f"ok@example.org {facilitator.upper()}", 409, "fait déjà partie de cette coalition"),
    ]
    for emails, status, message in cases:
        before = row_counts(db)
        response = post_form(client, invite_url(world), {field: emails}, form_url="/admin/")
        assert response.status_code == status, emails
        page = page_text(response)
        assert message in page, emails
        assert f'id="{field}-error"' in page
        assert emails in page  # the form comes back filled in
        assert row_counts(db) == before, emails


def test_an_address_already_invited_is_refused_until_the_invitation_ends(
    client: FlaskClient, world: World, db: Session
) -> None:
    world.log_in(client, "admin")
    field = f"c{world.coalition.id}-emails"
    first = post_form(client, invite_url(world), {field: "dora@example.org"}, form_url="/admin/")
    assert first.status_code == 302
    before = row_counts(db)
    again = post_form(
        client, invite_url(world), {field: "fred@example.org, dora@example.org"}, form_url="/admin/"
    )
    assert again.status_code == 409
    assert "invitation en attente" in page_text(again)
    assert row_counts(db) == before


def test_the_list_issues_the_same_statements_at_2_and_20_coalitions(
    client: FlaskClient,
    world: World,
    db: Session,
    count_queries,  # type: ignore[no-untyped-def]
) -> None:
    from tests import factories as f

    world.log_in(client, "admin")

    def statements() -> int:
        with count_queries() as counter:
            assert client.get("/admin/").status_code == 200
        return counter.count

    small = statements()
    for n in range(18):
        coalition = f.coalition(db)
        for _ in range(3):
            f.membership(db, f.user(db), coalition, MembershipRole.facilitator)
        post_form(
            client,
            f"/admin/coalitions/{coalition.slug}/facilitators",
            {f"c{coalition.id}-emails": f"invite{n}@example.org"},
            form_url="/",
        )
    assert statements() == small
