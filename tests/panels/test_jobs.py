"""The draws run by the mail worker: the outcome recorded and mailed, the library's refusal
kept, the same panel as anyone gets again with PYTHONHASHSEED=0, the progress, a dead worker's
run taken again, and `send-mail` drawing before it delivers."""

import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.db import utcnow
from coalition.mail.delivery import WORKER_JOBS
from coalition.mail.models import OutboxMessage
from coalition.panels import jobs, service
from coalition.panels.jobs import LEASE, run_due_draws
from coalition.panels.models import Panel, PanelRun, PanelStatus, RunState, Volunteer
from coalition.panels.models import VolunteerStatus as Status
from tests.conftest import World
from tests.mail.smtp_server import SmtpServer
from tests.panels.test_service import (
    QUOTAS,
    announce,
    features,
    fill_pool,
    new_panel,
    runs,
    volunteers,
)

PROJECT_DIR = Path(__file__).resolve().parents[2]
TITLE = "Convention citoyenne"
SUBJECT = f"Vous êtes tiré·e au sort pour « {TITLE} »"


def queued(
    db: Session,
    world: World,
    *,
    algorithm: str = "legacy",
    reserve_size: int = 2,
    mail_every: int = 2,
    seed: int = 42,
) -> Panel:
    """An announced panel of 10 out of 60 (`features(i)`), its draw queued."""
    panel = new_panel(db, world, reserve_size=reserve_size)
    service.set_quotas(db, panel, QUOTAS, by=None)
    fill_pool(db, panel, 60, mail_every=mail_every)
    announce(db, panel, seed=seed)
    panel.algorithm = algorithm  # maximin for 60, unless told otherwise
    service.queue_draw(db, panel, by=world.users["facilitator"])
    db.flush()
    return panel


def fresh(db: Session, panel: Panel) -> Panel:
    db.expire_all()
    return db.get_one(Panel, panel.id)


def with_status(db: Session, panel: Panel, status: Status) -> list[Volunteer]:
    return [v for v in volunteers(db, panel) if v.status == status]


def outbox(db: Session) -> list[OutboxMessage]:
    return list(db.scalars(select(OutboxMessage).order_by(OutboxMessage.to_address)))


def assert_meets_quotas(people: list[Volunteer]) -> None:
    assert len(people) == 10
    ages = [p.features["age"] for p in people]
    genders = [p.features["genre"] for p in people]
    assert all(3 <= ages.count(age) <= 4 for age in ("jeune", "moyen", "vieux")), ages
    assert genders.count("f") == genders.count("h") == 5, genders


def reference(hash_seed: str, *, seed: int, algorithm: str, reserve_size: int) -> dict[str, Any]:
    """The draw as anyone runs it again: the library's process, from the published data."""
    job = {
        "kind": "draw",
        "quotas": [quota.__dict__ for quota in service.read_quotas(QUOTAS)],
        "people": [[f"V{i:04d}", features(i)] for i in range(1, 61)],
        "size": 10,
        "reserve_size": reserve_size,
        "seed": seed,
        "algorithm": algorithm,
    }
    environment = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(PROJECT_DIR)}
    done = subprocess.run(
        [sys.executable, "-m", "coalition.panels.draw_process"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env=environment,
        check=True,
        timeout=120,
    )
    outcome: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])["outcome"]
    return outcome


# -- one draw -------------------------------------------------------------------------------


def test_a_queued_draw_is_recorded_and_those_drawn_are_mailed(
    app: Flask, db: Session, world: World
) -> None:
    panel = queued(db, world, reserve_size=3)
    [run] = runs(db, panel)
    assert run_due_draws(app) == 1

    panel = fresh(db, panel)
    assert panel.status == PanelStatus.drawn and panel.drawn_at is not None
    selected = with_status(db, panel, Status.selected)
    reserve = with_status(db, panel, Status.reserve)
    assert_meets_quotas(selected)
    assert len(reserve) == 3 and not {v.id for v in reserve} & {v.id for v in selected}
    assert len(with_status(db, panel, Status.pool)) == 47
    run = db.get_one(PanelRun, run.id)
    assert run.state == RunState.done and run.message == ""
    assert run.started_at is not None and run.finished_at is not None

    mailed = sorted(v.email for v in selected if v.email)
    assert mailed and len(mailed) < 10  # every other volunteer has a mail
    messages = outbox(db)
    assert [m.to_address for m in messages] == mailed
    assert {m.subject for m in messages} == {SUBJECT} and {m.language for m in messages} == {"fr"}
    first = next(v for v in selected if v.email)
    [to_first] = [m for m in messages if m.to_address == first.email]
    assert f"Bonjour {first.first_name}," in to_first.text_body
    assert "parmi 60 volontaires" in to_first.text_body
    assert f"/c/ma-coalition/panels/{panel.id}" in to_first.text_body
    assert all(v.mailed_at is not None for v in selected if v.email)
    assert all(v.mailed_at is None for v in [*reserve, *selected] if not v.email)
    assert all(v.mailed_at is None for v in reserve)

    assert run_due_draws(app) == 0  # nothing left to run, nobody mailed twice
    assert len(outbox(db)) == len(mailed)


def test_a_draw_the_library_refuses_fails_with_its_words_and_the_panel_waits(
    app: Flask, db: Session, world: World
) -> None:
    # every man is young and at most 4 young people may sit: no panel has 5 men; the
    # announcement would have refused it, so the panel is announced by hand here
    panel = new_panel(db, world)
    service.set_quotas(
        db,
        panel,
        "age ; jeune ; 0 ; 4\nage ; vieux ; 0 ; 10\ngenre ; f ; 5 ; 5\ngenre ; h ; 5 ; 5",
        by=None,
    )
    people = [
        service.NewVolunteer(
            f"H{i}", email=f"h{i}@example.org", features={"age": "jeune", "genre": "h"}
        )
        for i in range(6)
    ]
    people += [
        service.NewVolunteer(
            f"F{i}", email=f"f{i}@example.org", features={"age": "vieux", "genre": "f"}
        )
        for i in range(6)
    ]
    service.add_volunteers(db, panel, people, source=service.Source.imported, by=None)
    panel.status, panel.seed, panel.algorithm = PanelStatus.announced, 9, "maximin"
    service.queue_draw(db, panel, by=None)
    db.flush()

    assert run_due_draws(app) == 1

    panel = fresh(db, panel)
    [run] = runs(db, panel)
    assert run.state == RunState.failed and run.finished_at is not None
    lines = run.message.splitlines()
    assert lines[0] == "Le tirage a échoué : la bibliothèque de tirage dit :"
    assert "age:jeune maximum target" in run.message  # the library's own advice
    assert panel.status == PanelStatus.announced and panel.drawn_at is None
    assert {v.status for v in volunteers(db, panel)} == {Status.pool}
    assert outbox(db) == []
    assert run_due_draws(app) == 0  # a failed run is not run again by itself
    service.reopen(db, panel, by=None)  # the facilitator may now change the quotas
    assert panel.status == PanelStatus.open


# -- reproducible ---------------------------------------------------------------------------


def test_a_maximin_draw_is_the_one_the_library_gives_again_with_pythonhashseed_0(
    app: Flask, db: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel = queued(db, world, algorithm="maximin", reserve_size=2, mail_every=0, seed=42)
    progress: list[dict[str, Any]] = []
    write_progress = jobs._progress

    def spy(database: Any, run_id: int, line: dict[str, Any]) -> None:
        progress.append(dict(line))
        write_progress(database, run_id, line)

    monkeypatch.setattr(jobs, "_progress", spy)
    assert run_due_draws(app) == 1

    panel = fresh(db, panel)
    codes = {v.code: v for v in volunteers(db, panel)}
    drawn = sorted(v.code for v in codes.values() if v.status == Status.selected)
    kept = sorted(v.code for v in codes.values() if v.status == Status.reserve)
    again = reference("0", seed=42, algorithm="maximin", reserve_size=2)
    assert drawn == again["panel"] and kept == again["reserve"]
    assert {code: v.probability for code, v in codes.items()} == pytest.approx(
        again["probabilities"]
    )
    assert panel.min_probability == pytest.approx(min(again["probabilities"].values()))
    assert panel.max_probability == pytest.approx(max(again["probabilities"].values()))
    assert all(v.probability is not None for v in codes.values())
    # with another hash seed maximin draws another panel: the worker did set it to 0
    assert reference("1", seed=42, algorithm="maximin", reserve_size=2)["panel"] != drawn

    # the page's progress bar was fed while the library ran
    assert progress and all(line["phase"] for line in progress)
    [run] = runs(db, panel)
    assert run.phase != "" and run.phase == progress[-1]["phase"][:200]


def test_a_legacy_draw_is_the_one_the_library_gives_again(
    app: Flask, db: Session, world: World
) -> None:
    panel = queued(db, world, algorithm="legacy", reserve_size=4, mail_every=0, seed=2024)
    assert run_due_draws(app) == 1
    again = reference("0", seed=2024, algorithm="legacy", reserve_size=4)
    assert sorted(v.code for v in with_status(db, panel, Status.selected)) == again["panel"]
    assert sorted(v.code for v in with_status(db, panel, Status.reserve)) == again["reserve"]
    assert fresh(db, panel).min_probability is None  # legacy computes no probability


# -- a replacement --------------------------------------------------------------------------


def test_a_replacement_comes_from_the_reserve_keeps_the_quotas_and_is_mailed(
    app: Flask, db: Session, world: World
) -> None:
    panel = queued(db, world, algorithm="maximin", reserve_size=10, mail_every=1, seed=42)
    assert run_due_draws(app) == 1
    db.expire_all()
    selected = with_status(db, panel, Status.selected)
    reserve = with_status(db, panel, Status.reserve)
    # someone of the panel whose age and gender someone of the reserve shares
    pairs = {(v.features["age"], v.features["genre"]) for v in reserve}
    leaving = next(v for v in selected if (v.features["age"], v.features["genre"]) in pairs)
    mails_before = len(outbox(db))

    service.decline(db, fresh(db, panel), leaving, by=world.users["facilitator"])
    db.flush()
    assert run_due_draws(app) == 1

    db.expire_all()
    now_selected = with_status(db, panel, Status.selected)
    assert_meets_quotas(now_selected)
    [newcomer] = [v for v in now_selected if v.id not in {s.id for s in selected}]
    assert newcomer.id in {v.id for v in reserve}
    assert newcomer.replaces_id == leaving.id
    assert db.get_one(Volunteer, leaving.id).status == Status.declined
    assert runs(db, panel)[-1].state == RunState.done
    new_mails = outbox(db)
    assert len(new_mails) == mails_before + 1
    assert newcomer.email is not None and newcomer.mailed_at is not None
    assert [m.to_address for m in new_mails].count(newcomer.email) == 1


# -- the worker -----------------------------------------------------------------------------


def test_a_run_whose_worker_died_is_run_again_after_its_lease(
    app: Flask, db: Session, world: World
) -> None:
    panel = queued(db, world)
    [run] = runs(db, panel)
    run.state, run.started_at = RunState.running, utcnow() - timedelta(minutes=5)
    db.flush()
    assert run_due_draws(app) == 0  # its worker may still be drawing
    assert fresh(db, panel).status == PanelStatus.announced

    run = db.get_one(PanelRun, run.id)
    run.started_at = utcnow() - LEASE - timedelta(minutes=1)
    db.flush()
    assert run_due_draws(app) == 1
    assert fresh(db, panel).status == PanelStatus.drawn
    assert db.get_one(PanelRun, run.id).state == RunState.done


def test_send_mail_draws_first_and_delivers_the_mails_of_the_draw(
    app: Flask, db: Session, world: World, smtp_server: SmtpServer
) -> None:
    app.config["SMTP_URL"] = smtp_server.url
    panel = queued(db, world, mail_every=3)

    result = app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    panel = fresh(db, panel)
    assert panel.status == PanelStatus.drawn
    mailed = sorted(v.email for v in with_status(db, panel, Status.selected) if v.email)
    assert mailed
    assert f"{len(mailed)} sent, 0 failed." in result.output
    assert sorted(str(m["To"]) for m in smtp_server.messages) == mailed
    assert {str(m["Subject"]) for m in smtp_server.messages} == {SUBJECT}


def test_a_worker_job_that_raises_does_not_stop_the_mail_pass(
    app: Flask,
    db: Session,
    world: World,
    smtp_server: SmtpServer,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(_app: Flask) -> int:
        raise RuntimeError("boom")

    # a new list: the app's own is shared by every test
    monkeypatch.setitem(app.extensions, WORKER_JOBS, [broken, *app.extensions[WORKER_JOBS]])
    app.config["SMTP_URL"] = smtp_server.url
    panel = queued(db, world, mail_every=1)

    with caplog.at_level(logging.ERROR, logger="coalition.mail.delivery"):
        result = app.test_cli_runner().invoke(args=["send-mail"])

    assert result.exit_code == 0, result.output
    assert "worker job broken failed" in caplog.text
    assert fresh(db, panel).status == PanelStatus.drawn  # the next job ran
    assert "10 sent, 0 failed." in result.output and len(smtp_server.messages) == 10
