"""The draws, run by the mail worker (`send-mail`), never by a web request.

A pass claims the oldest queued run (or one whose worker died: running past its lease), runs
the library in `draw_process` with PYTHONHASHSEED=0, writes its progress as it comes (the page
shows a progress bar), then records the outcome and mails those drawn, in one transaction.
"""

import json
import logging
import os
import subprocess
import sys
import tempfile
from dataclasses import asdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from coalition.coalitions.models import Coalition
from coalition.core.links import external_url
from coalition.db import Database, get_database, utcnow
from coalition.mail.outbox import queue_mail
from coalition.panels.models import (
    Panel,
    PanelRun,
    PanelStatus,
    RunKind,
    RunState,
    Volunteer,
    VolunteerStatus,
)
from coalition.panels.service import library_quotas, pool_people

LEASE = timedelta(hours=3)  # far longer than maximin takes on the largest pool it is given
PROJECT = Path(__file__).resolve().parents[2]
logger = logging.getLogger(__name__)


def claim_next(session: Session, now: datetime) -> PanelRun | None:
    run = session.scalar(
        select(PanelRun)
        .where(
            or_(
                PanelRun.state == RunState.queued,
                (PanelRun.state == RunState.running) & (PanelRun.started_at < now - LEASE),
            )
        )
        .order_by(PanelRun.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if run is not None:
        run.state, run.started_at = RunState.running, now
        run.phase, run.current, run.total = "", 0, None
    return run


def _volunteers(session: Session, panel: Panel, *statuses: VolunteerStatus) -> list[Volunteer]:
    return list(
        session.scalars(
            select(Volunteer)
            .where(Volunteer.panel_id == panel.id, Volunteer.status.in_(statuses))
            .order_by(Volunteer.number)
        )
    )


def _rows(volunteers: list[Volunteer]) -> list[list[Any]]:
    return [[v.code, v.features] for v in volunteers]


def job_input(session: Session, run: PanelRun) -> dict[str, Any]:
    panel = session.scalars(
        select(Panel).where(Panel.id == run.panel_id).options(selectinload(Panel.quotas))
    ).one()
    job: dict[str, Any] = {
        "kind": run.kind.value,
        "quotas": [asdict(quota) for quota in library_quotas(panel)],
        "seed": run.seed,
        "algorithm": run.algorithm,
    }
    if run.kind == RunKind.draw:
        people = pool_people(session, panel)
        job |= {
            "people": [[p.id, dict(p.features)] for p in people],
            "size": panel.size,
            "reserve_size": panel.reserve_size,
        }
    else:
        job |= {
            "kept": _rows(_volunteers(session, panel, VolunteerStatus.selected)),
            "candidates": [
                _rows(_volunteers(session, panel, VolunteerStatus.reserve)),
                _rows(_volunteers(session, panel, VolunteerStatus.pool)),
            ],
        }
    return job


def _mail_selected(session: Session, panel: Panel, volunteer: Volunteer, pool: int) -> None:
    if not volunteer.email:
        return
    coalition = session.get_one(Coalition, panel.coalition_id)
    queue_mail(
        session,
        to=volunteer.email,
        language="fr",
        subject=_l("Vous êtes tiré·e au sort pour « %(title)s »", title=panel.title),
        template="panel_selected",
        context={
            "panel": panel,
            "volunteer": volunteer,
            "coalition": coalition,
            "pool": pool,
            "link": external_url("panels.record", slug=coalition.slug, panel_id=panel.id),
        },
    )
    volunteer.mailed_at = utcnow()


def apply_outcome(session: Session, run: PanelRun, outcome: dict[str, Any], now: datetime) -> None:
    panel = session.get_one(Panel, run.panel_id)
    by_code = {v.code: v for v in _volunteers(session, panel, *VolunteerStatus)}
    chosen = [by_code[code] for code in outcome["panel"]]
    if run.kind == RunKind.draw:
        probabilities = outcome.get("probabilities") or {}
        for code, volunteer in by_code.items():
            volunteer.probability = probabilities.get(code)
        for code in outcome.get("reserve", []):
            by_code[code].status = VolunteerStatus.reserve
        for volunteer in chosen:
            volunteer.status = VolunteerStatus.selected
        if probabilities:
            panel.min_probability = min(probabilities.values())
            panel.max_probability = max(probabilities.values())
        panel.status, panel.drawn_at = PanelStatus.drawn, now
    else:
        chosen[0].status = VolunteerStatus.selected
        chosen[0].replaces_id = run.replaced_id
    for volunteer in chosen:
        _mail_selected(session, panel, volunteer, len(by_code))
    run.state, run.finished_at = RunState.done, now


def _fail(run: PanelRun, lines: list[str], now: datetime) -> None:
    run.state, run.finished_at, run.message = RunState.failed, now, "\n".join(lines)


def _progress(database: Database, run_id: int, line: dict[str, Any]) -> None:
    with database.transaction() as session:
        run = session.get_one(PanelRun, run_id)
        run.phase = str(line.get("phase") or "")[:200]
        run.current = int(line.get("current") or 0)
        run.total = line.get("total")


def perform(database: Database, run_id: int, job: dict[str, Any]) -> None:
    """Run the library on `job` in its own process and record what it says."""
    environment = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT), os.environ.get("PYTHONPATH")])),
    }
    final: dict[str, Any] | None = None
    with tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "coalition.panels.draw_process"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            env=environment,
            text=True,
        )
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write(json.dumps(job))
        process.stdin.close()
        for text in process.stdout:
            try:
                line = json.loads(text)
            except ValueError:  # not one of draw_process's lines
                continue
            if "progress" in line:
                _progress(database, run_id, line["progress"])
            else:
                final = line
        process.wait()
        errors.seek(0)
        tail = errors.read()[-2000:]
    now = utcnow()
    with database.transaction() as session:
        run = session.get_one(PanelRun, run_id)
        if final is not None and "outcome" in final:
            apply_outcome(session, run, final["outcome"], now)
        elif final is not None:
            _fail(run, list(final["refused"]), now)
        else:
            logger.error("draw %s stopped without an outcome: %s", run_id, tail)
            message = _l("Le tirage s'est arrêté sans résultat ; il peut être relancé.")
            _fail(run, [str(message)], now)


def run_due_draws(app: Flask, limit: int = 10) -> int:
    """Run the draws waiting, oldest first; how many ran."""
    with app.app_context():  # the mails it writes are rendered with the app's templates
        database = get_database(app)
        done = 0
        while done < limit:
            with database.transaction() as session:
                run = claim_next(session, utcnow())
                if run is None:
                    return done
                run_id, job = run.id, job_input(session, run)
            perform(database, run_id, job)
            done += 1
        return done
