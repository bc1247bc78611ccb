"""What waits for a facilitator, read without a request: each list filled and empty."""

from datetime import timedelta

from sqlalchemy.orm import Session

from coalition.auth.models import MembershipRole
from coalition.consultations.models import TextReview
from coalition.meetings.models import MeetingStatus
from coalition.resources.models import ResourceStatus
from coalition.roadmap.models import ActionStatus
from coalition.web import todo
from tests import factories as f
from tests.web import things as t
from tests.web.things import NOW


def test_an_empty_coalition_has_nothing_to_do(db: Session) -> None:
    coalition = f.coalition(db)

    things = todo.todo_for(db, coalition, now=NOW)

    assert things.total == 0
    assert set(things.counts.values()) == {0}
    assert things.actions == things.resources == things.texts == []
    assert things.minutes == things.invitations == []
    assert things.meeting is None
    assert todo.total_for(db, coalition.id, now=NOW) == 0


def test_proposed_actions_await_a_decision_oldest_first(db: Session) -> None:
    coalition = f.coalition(db)
    first, second = t.proposed(db, coalition, "Première"), t.proposed(db, coalition, "Seconde")
    f.action(db, coalition, status=ActionStatus.committed)  # already decided
    t.proposed(db, f.coalition(db))  # another coalition's

    things = todo.todo_for(db, coalition, now=NOW)

    assert [(a.id, a.title) for a in things.actions] == [
        (first.id, "Première"),
        (second.id, "Seconde"),
    ]
    assert things.counts["actions"] == 2


def test_the_lists_are_short_but_the_counts_are_whole(db: Session) -> None:
    coalition = f.coalition(db)
    for n in range(todo.LIMIT + 3):
        t.proposed(db, coalition, f"Action {n}")

    things = todo.todo_for(db, coalition, now=NOW)

    assert len(things.actions) == todo.LIMIT
    assert things.counts["actions"] == todo.LIMIT + 3 == things.total


def test_resources_awaiting_moderation(db: Session) -> None:
    coalition = f.coalition(db)
    waiting = t.resource(db, coalition, "À relire")
    t.resource(db, coalition, "Publiée", ResourceStatus.published)
    t.resource(db, coalition, "Refusée", ResourceStatus.rejected)

    things = todo.todo_for(db, coalition, now=NOW)

    assert [(r.id, r.title) for r in things.resources] == [(waiting.id, "À relire")]
    assert things.counts["resources"] == 1


def test_free_text_answers_to_review_by_consultation(db: Session) -> None:
    coalition = f.coalition(db)
    busy, quiet, done = (t.consultation(db, coalition, name) for name in ("A", "B", "C"))
    for text in ("un", "deux"):
        t.free_text(db, busy, text)
    t.free_text(db, quiet, "trois")
    t.free_text(db, done, "publiée", TextReview.approved)
    t.free_text(db, done, "écartée", TextReview.rejected)

    things = todo.todo_for(db, coalition, now=NOW)

    assert [(c.title, c.pending) for c in things.texts] == [("A", 2), ("B", 1)]
    assert things.counts["texts"] == 3


def test_the_next_meeting_to_prepare_with_its_agenda_and_diagnostic(db: Session) -> None:
    coalition = f.coalition(db)
    t.meeting(db, coalition, -3, status=MeetingStatus.held, minutes_published_at=NOW)
    t.meeting(db, coalition, 2, status=MeetingStatus.cancelled)
    later = t.meeting(db, coalition, 40)
    upcoming = t.meeting(db, coalition, 5)
    t.agenda_item(db, upcoming)
    t.agenda_item(db, upcoming, "Autre point")
    t.entry(db, upcoming)
    t.agenda_item(db, later)

    things = todo.todo_for(db, coalition, now=NOW)

    assert things.meeting is not None
    assert (things.meeting.id, things.meeting.agenda_items) == (upcoming.id, 2)
    assert things.meeting.diagnostic_entries == 1
    assert things.meeting.needs_preparing and things.counts["meeting"] == 1


def test_a_next_meeting_whose_diagnostic_is_published_is_ready(db: Session) -> None:
    coalition = f.coalition(db)
    upcoming = t.meeting(db, coalition, 5)
    t.publish(db, upcoming)
    t.meeting(db, coalition, 40)  # not the next one: not counted

    things = todo.todo_for(db, coalition, now=NOW)

    assert things.meeting is not None and things.meeting.id == upcoming.id
    assert not things.meeting.needs_preparing
    assert things.counts["meeting"] == 0 == things.total


def test_held_meetings_whose_minutes_are_unpublished(db: Session) -> None:
    coalition = f.coalition(db)
    older = t.held_without_minutes(db, coalition, -60)
    recent = t.held_without_minutes(db, coalition, -30)
    t.meeting(db, coalition, -10, status=MeetingStatus.held, minutes_published_at=NOW)

    things = todo.todo_for(db, coalition, now=NOW)

    assert [m.id for m in things.minutes] == [recent.id, older.id]
    assert things.counts["minutes"] == 2


def test_invitations_that_expired_unanswered(db: Session) -> None:
    coalition = f.coalition(db)
    t.invitation(db, coalition, "oubli@example.org", expires_in_days=-1)
    t.invitation(db, coalition, "encore@example.org", expires_in_days=3)  # still running
    t.invitation(db, coalition, "non@example.org", expires_in_days=-1, revoked_at=NOW)
    t.invitation(db, coalition, "oui@example.org", expires_in_days=-1, accepted_at=NOW)

    things = todo.todo_for(db, coalition, now=NOW)

    assert [i.email for i in things.invitations] == ["oubli@example.org"]
    assert things.counts["invitations"] == 1


def test_one_of_each_is_counted_once_in_the_total(db: Session) -> None:
    coalition = f.coalition(db)
    t.one_of_each(db, coalition)

    assert todo.todo_for(db, coalition, now=NOW).total == 6
    assert todo.total_for(db, coalition.id, now=NOW) == 6
    assert todo.total_for(db, coalition.id, now=NOW + timedelta(days=400)) == 5  # no meeting


def test_the_coalitions_a_person_runs_each_with_its_total(db: Session) -> None:
    busy, quiet, joined = f.coalition(db, name="B"), f.coalition(db, name="A"), f.coalition(db)
    t.one_of_each(db, busy)
    person = f.user(db)
    f.membership(db, person, busy, MembershipRole.facilitator)
    f.membership(db, person, quiet, MembershipRole.facilitator)
    f.membership(db, person, joined, MembershipRole.member, f.actor(db, joined))

    runs = todo.facilitated(db, person.id, now=NOW)

    assert [(c.name, c.total) for c in runs] == [("A", 0), ("B", 6)]
    assert todo.landing_slugs(db, person.id) == [quiet.slug, busy.slug]
    assert todo.landing_slugs(db, f.user(db, is_admin=True).id) == []
