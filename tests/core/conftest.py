"""The demo coalition crawled as an administrator and as the public: every page and form of the
app, for the tests that go through all of them (hostile input, valid HTML)."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import MembershipRole, User
from coalition.auth.service_account import request_email_change, request_password_reset
from coalition.coalitions.models import Coalition
from coalition.consultations.models import ConsultationStatus, Stall
from coalition.consultations.service_stall import new_link
from coalition.diagnostics.models import DiagnosticColumn, DiagnosticEntry
from coalition.diagnostics.snapshots import publish_starting_diagnostic
from coalition.meetings.models import AgendaItem, Decision
from coalition.notices.models import NoticeKind
from coalition.notices.service import renew_feed, unsubscribe_token
from coalition.panels import service as panel_service
from coalition.panels.models import Panel, PanelStatus
from coalition.people import service as people
from coalition.register.models import RegisterEntry
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed
from coalition.signups.service import sign_up, withdrawal_token
from tests import factories as f
from tests.auth.outbox import link_in, mails_to
from tests.consultations.conftest import make_consultation
from tests.core.crawl import Site, crawl
from tests.panels.conftest import make_panel

DEMO = Path(__file__).parents[2] / "seeds" / "reset-ia-responsable.toml"


def drawn_panel_id(db: Session, coalition: Coalition) -> int:
    query = select(Panel.id).where(
        Panel.coalition_id == coalition.id, Panel.status == PanelStatus.drawn
    )
    return db.scalars(query).one()


def draft_entry_id(db: Session, coalition: Coalition) -> int:
    query = select(RegisterEntry.id).where(
        RegisterEntry.coalition_id == coalition.id, RegisterEntry.is_published.is_(False)
    )
    return db.scalars(query.order_by(RegisterEntry.id)).first() or 0


def extra_data(db: Session, coalition: Coalition, admin: User) -> tuple[list[str], list[str]]:
    """What the demo lacks for every form to show, and the pages that show it."""
    now = datetime.now(UTC)
    c = f"/c/{coalition.slug}"
    actor = db.scalars(select(Actor).where(Actor.coalition_id == coalition.id)).first()
    assert actor is not None
    member = f.user(db)
    f.membership(db, member, coalition, MembershipRole.member, actor)
    commitment = f.commitment(db, actor, f.action(db, coalition))
    f.holding(db, actor, f.lever(db, coalition, name="Levier tenu"))
    meeting = f.meeting(db, coalition, number=99, starts_at=now + timedelta(days=30))
    db.add_all(
        [
            AgendaItem(meeting_id=meeting.id, title="Point"),
            AgendaItem(meeting_id=meeting.id, title="Autre point"),
            Decision(meeting_id=meeting.id, text="Décision"),
            DiagnosticEntry(
                coalition_id=coalition.id,
                meeting_id=meeting.id,
                column=DiagnosticColumn.hard,
                text="Difficile",
            ),
        ]
    )
    f.lever(db, coalition, name="Levier retiré", retired_at=now)
    draft = make_consultation(db, coalition, status=ConsultationStatus.draft)
    people.invite(
        db,
        coalition,
        email="invitee@example.org",
        role=MembershipRole.facilitator,
        actor=None,
        by=admin,
        now=now,
    )
    stall = db.scalars(select(Stall).order_by(Stall.id)).first()
    assert stall is not None
    stall_link = new_link(stall, now)
    signup = sign_up(
        db,
        coalition,
        first_name="Léa",
        email="lea@example.org",
        phone="0612345678",
        consent=True,
        language="fr",
        today=now.date(),
    )
    open_panel = make_panel(db, coalition.id, title="Panel en constitution")
    announced = make_panel(db, coalition.id, title="Panel annoncé")
    panel_service.announce(
        db, announced, seed=12, seen_version=announced.version, by=admin, now=now
    )
    inactive = f.user(db, is_active=False)
    request_password_reset(db, member.email, now=now)
    email_token = request_email_change(
        db, admin, new_email="nouvelle@example.org", password=f.PASSWORD, now=now
    )
    db.flush()
    return [
        f"{c}/actors/{actor.id}/manage",
        f"{c}/actors/{commitment.actor_id}/manage",
        f"{c}/meetings/{meeting.id}",
        f"{c}/meetings/{meeting.id}/prepare",
        f"{c}/framing",
        f"{c}/consultations/{draft.id}/edit",
        f"{c}/people",
        f"{c}/my-organisation",
        f"{c}/diagnostics/compare",
        f"{c}/panels/{open_panel.id}/manage",
        f"{c}/panels/{drawn_panel_id(db, coalition)}/manage",  # the seed's, drawn
        f"{c}/register/{draft_entry_id(db, coalition)}",  # a draft, to publish
        f"{c}/panels/{announced.id}/manage",
        f"{c}/consultations/{draft.id}/thanks",
        f"/admin/users?q={inactive.email}",
        f"/account/email/{email_token}",
        f"/notices/unsubscribe/{unsubscribe_token(member.id, NoticeKind.reminder)}",
        "/account/notices",
    ], [
        f"/calendar/{renew_feed(db, admin.id, now)}.ics",  # the admin sees it revocable
        urlsplit(link_in(mails_to(db, "invitee@example.org")[-1], "/invitations/")).path,
        urlsplit(link_in(mails_to(db, member.email)[-1], "/password/reset/")).path,
        f"/stall/{stall_link}",
        f"/stall/{stall_link}/signup",
        f"/c/{coalition.slug}/signup/thanks",
        f"/signups/withdraw/{withdrawal_token(signup)}",
    ]


@pytest.fixture
def site(app: Flask, client: FlaskClient, db: Session) -> Site:
    coalition = load_seed(db, read_seed(DEMO)).coalition
    publish_starting_diagnostic(db, coalition)
    admin = f.user(db, is_admin=True)
    with app.test_request_context():  # the mails are written in the request's language
        pages, public_pages = extra_data(db, coalition, admin)
    public = crawl(
        app, app.test_client(), ["/", "/login", "/password/forgot", "/healthz", *public_pages]
    )
    f.log_in(client, admin)
    site = crawl(app, client, ["/", f"/c/{coalition.slug}/", "/admin/", "/admin/users", *pages])
    site.merge(public)
    return site
