"""Every kind of notice mail is valid HTML for the Nu checker: invitations, cancellations,
reminders (member and facilitator), digests (after a meeting and weekly), commitments (near
their date, stuck)."""

import subprocess
from datetime import timedelta
from pathlib import Path

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.mail.models import OutboxMessage
from coalition.meetings.service import cancel_meeting
from coalition.notices import commitments, digests, invitations, reminders
from coalition.notices.models import NoticeKind, Setting
from coalition.notices.service import choose
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.conftest import World
from tests.core.test_html_valid import VNU, needs_vnu
from tests.notices import test_commitments as c
from tests.notices import test_digests as d


@needs_vnu
def test_every_kind_of_notice_mail_is_valid_html(
    app: Flask, db: Session, world: World, tmp_path: Path
) -> None:
    now = d.NOW
    f.meeting(db, world.coalition, title="Rencontre", starts_at=now + timedelta(days=2))
    cancelled = f.meeting(db, world.coalition, title="Annulée", starts_at=now + timedelta(days=9))
    held = d._meeting(db, world)
    d._publish_minutes(db, held)
    c._due(db, world.action, c.TODAY + timedelta(days=5))
    f.commitment(db, world.actor, world.other_action)  # the held meeting reviews world.action
    c._review(db, world, world.other_action, ActionStatus.in_progress, days_ago=40)
    c._review(db, world, world.other_action, ActionStatus.in_progress, days_ago=3)
    choose(db, world.users["other_member"].id, NoticeKind.digest, Setting.weekly)
    with app.test_request_context():
        invitations.queue_due(db, now)
        cancel_meeting(db, cancelled, seen_version=cancelled.version, by=world.users["facilitator"])
        for queue_due in (invitations.queue_due, reminders.queue_due, commitments.queue_due):
            queue_due(db, now)
        digests.queue_due(db, now)
        digests.queue_due(db, d.NEXT_MONDAY)
    templates = set()
    for message in db.scalars(select(OutboxMessage)):
        templates.add(message.subject.split(":")[0].strip())
        (tmp_path / f"{message.id}.html").write_text(message.html_body)
    kinds = {"Invitation", "Rencontre annulée", "Rappel", "À préparer", "Compte rendu"}
    kinds |= {
        "Les comptes rendus de la semaine du 18 mars 2030",
        "Échéance proche",
        "Action à l'arrêt",
    }
    assert kinds <= templates, templates  # every kind and variant of notice is checked
    result = subprocess.run(  # noqa: S603 - our own files, a fixed command
        ["java", "-jar", str(VNU), "--errors-only", *sorted(map(str, tmp_path.glob("*.html")))],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
