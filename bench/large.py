"""Every public page of a 10,000-actor coalition, uncached, under gunicorn (issue 16; run by
`make bench`, not by the tests).

Usage: .venv/bin/python bench/large.py [--actors 10000] [--repeat 5] [--keep]

The coalition is made by coalition/seed/generate.py as bench/pages.py does (actions = actors/5,
24 meetings, about a third of the actions reviewed at each), plus the last meeting's diagnostic
published and a consultation of 8 questions with `--submissions` answer sheets, in a temporary
SQLite file; with --keep, in a file of the system's temporary directory that later runs with
--keep reuse. gunicorn (2 sync workers) serves bench/wsgi_bench.py with PAGE_CACHE False: every
request is rendered by its view. Each page is requested `--repeat` times in turn, one request
at a time; the table gives the median time, the HTML size and whether they meet the targets
(under 1 s, at most 1 MB), then each worker's resident memory after the run (under 250 MiB).
"""

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from consultation import QUESTIONS, answers  # bench/consultation.py
from pages import build  # bench/pages.py: a fresh, migrated database with a generated coalition
from server import MachineShare, get, gunicorn, loadavg
from sqlalchemy import func, insert, select, text

from coalition import create_app
from coalition.coalitions.models import Coalition
from coalition.consultations.models import (
    Answer,
    Channel,
    Choice,
    Consultation,
    ConsultationStatus,
    Question,
    Source,
    Submission,
)
from coalition.consultations.service_tallies import rebuild_tallies
from coalition.db import Database
from coalition.diagnostics import service, snapshots
from coalition.diagnostics.models import DiagnosticSnapshot
from coalition.meetings.models import Meeting

SLUG = "bench"
TARGET_MS = 1000
TARGET_KB = 1000
TARGET_MIB = 250


def add_published_diagnostic(database: Database, url: str) -> None:
    """The last meeting's diagnostic published, as computed on the day of that meeting."""
    app = create_app({"DATABASE": database, "DATABASE_URL": url})
    with app.test_request_context(), database.transaction() as session:
        coalition = session.scalars(select(Coalition).where(Coalition.slug == SLUG)).one()
        meeting = session.scalars(
            select(Meeting)
            .where(Meeting.coalition_id == coalition.id)
            .order_by(Meeting.starts_at.desc())
        ).first()
        assert meeting is not None
        data = snapshots.published_data(
            session, coalition, meeting, [], today=meeting.starts_at.date()
        )
        service.publish(session, meeting, data, by=None)


def add_consultation(database: Database, submissions: int) -> None:
    """An open consultation (bench/consultation.py's questions) with its running counts."""
    rng = random.Random(42)  # noqa: S311 -- reproducible data, not a secret
    with database.transaction() as session:
        coalition = session.scalars(select(Coalition).where(Coalition.slug == SLUG)).one()
        consultation = Consultation(
            coalition_id=coalition.id,
            title="Le Marché de l'IA",
            status=ConsultationStatus.open,
            channel=Channel.both,
            questions=[
                Question(
                    kind=kind,
                    prompt=prompt,
                    position=position,
                    is_profile=profile,
                    choices=[Choice(label=label, position=i) for i, label in enumerate(labels)],
                )
                for position, (kind, prompt, labels, profile) in enumerate(QUESTIONS)
            ],
        )
        session.add(consultation)
        session.flush()
        questions = [(q.id, q.kind, [c.id for c in q.choices]) for q in consultation.questions]
        consultation_id = consultation.id
    start = datetime(2025, 6, 1, 8, tzinfo=UTC)
    with database.engine.begin() as connection:
        ids = range(1, submissions + 1)
        connection.execute(
            insert(Submission),
            [
                {
                    "id": id,
                    "consultation_id": consultation_id,
                    "source": Source.online,
                    "form_token": f"bench-{id}",
                    "submitted_at": start + timedelta(minutes=id),
                }
                for id in ids
            ],
        )
        connection.execute(
            insert(Answer), [row for id in ids for row in answers(id, questions, rng)]
        )
    with database.transaction() as session:
        answered = session.get(Consultation, consultation_id)
        assert answered is not None
        rebuild_tallies(session, answered)
    with database.engine.begin() as connection:
        connection.execute(text("ANALYZE"))


def make_database(path: Path, actors: int, submissions: int) -> None:
    url = f"sqlite:///{path}"
    database = build(url, actors)
    add_published_diagnostic(database, url)
    add_consultation(database, submissions)
    database.engine.dispose()


def large_pages(database: Database) -> dict[str, str]:
    with database.new_session() as session:
        cid = session.scalars(select(Coalition.id).where(Coalition.slug == SLUG)).one()
        meeting = session.scalar(select(func.max(Meeting.id)).where(Meeting.coalition_id == cid))
        snapshot = session.scalar(
            select(DiagnosticSnapshot.meeting_id).where(DiagnosticSnapshot.coalition_id == cid)
        )
        consultation = session.scalar(
            select(Consultation.id).where(Consultation.coalition_id == cid)
        )
    base = f"/c/{SLUG}"
    return {
        "home": f"{base}/",
        "directory": f"{base}/actors",
        "actor": f"{base}/actors/1",
        "levers": f"{base}/levers",
        "network": f"{base}/graph",
        "board": f"{base}/roadmap",
        "timeline": f"{base}/roadmap/timeline",
        "meetings": f"{base}/meetings",
        "meeting": f"{base}/meetings/{meeting}",
        "resources search": f"{base}/resources?q=m%C3%A9diation",
        "published diagnostic": f"{base}/meetings/{snapshot}/diagnostic",
        "consultation results": f"{base}/consultations/{consultation}/results",
    }


def time_pages(
    port: int,
    pages: dict[str, str],
    repeat: int,
    timings: dict[str, list[float]],
    sizes: dict[str, int],
    statuses: dict[str, int],
) -> None:
    for _ in range(repeat):
        for name, page in pages.items():
            if statuses[name] != 200:
                continue  # a page that fails is reported, not timed
            start = time.perf_counter()
            statuses[name], sizes[name] = get(port, page)
            timings[name].append((time.perf_counter() - start) * 1000)


def measure(path: Path, repeat: int, actors: int) -> None:
    url = f"sqlite:///{path}"
    database = Database(url)
    pages = large_pages(database)
    database.engine.dispose()
    load_before = loadavg()
    timings: dict[str, list[float]] = {name: [] for name in pages}
    sizes: dict[str, int] = {}
    statuses: dict[str, int] = {}
    with gunicorn(url, page_cache=False) as server:
        for name, page in pages.items():  # each worker's first request of each page
            for _ in range(2):
                statuses[name], sizes[name] = get(server.port, page)
        share = MachineShare([server])
        with share:
            time_pages(server.port, pages, repeat, timings, sizes, statuses)
        memory = server.rss_mib()
    load_after = loadavg()
    print(
        f"{actors:,} actors, {actors // 5:,} actions, 24 meetings; gunicorn with 2 sync workers,"
        f" PAGE_CACHE False; median of {repeat} requests, one at a time.\n"
    )
    print("| page | URL | median (ms) | HTML (kB) | under 1 s | at most 1 MB |")
    print("|---|---|---:|---:|:-:|:-:|")
    for name, page in pages.items():
        if statuses[name] != 200:
            print(f"| {name} | `{page}` | HTTP {statuses[name]} | — | no | no |")
            continue
        median = statistics.median(timings[name])
        kb = sizes[name] / 1000
        print(
            f"| {name} | `{page}` | {median:.0f} | {kb:.0f} "
            f"| {'yes' if median < TARGET_MS else 'no'} | {'yes' if kb <= TARGET_KB else 'no'} |"
        )
    shown = ", ".join(f"{size:.0f}" for size in memory)
    met = "yes" if max(memory) < TARGET_MIB else "no"
    print(f"\n- workers' resident memory after the run: {shown} MiB (under {TARGET_MIB}: {met})")
    print(f"- load average (1, 5, 15 min): {load_before} before, {load_after} after")
    print(
        f"- other processes kept {share.others:.2f} of the 2 cores busy on average while the "
        "pages were timed (/proc/stat less the bench's own process and workers)"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--actors", type=int, default=10_000)
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--keep", action="store_true", help="keep the database for the next run, or reuse it"
    )
    args = parser.parse_args()
    if args.keep:
        path = Path(tempfile.gettempdir()) / f"coalition-bench-large-{args.actors}.db"
        if not path.exists():
            started = time.perf_counter()
            partial = path.with_suffix(".partial")
            partial.unlink(missing_ok=True)
            make_database(partial, args.actors, args.submissions)
            partial.rename(path)  # only a whole database is reused
            print(f"Built {path} in {time.perf_counter() - started:.0f} s (kept).\n")
        measure(path, args.repeat, args.actors)
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        make_database(path, args.actors, args.submissions)
        measure(path, args.repeat, args.actors)


if __name__ == "__main__":
    main()
