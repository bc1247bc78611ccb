"""Time and peak memory of a meeting's diagnostic (run by `make bench`, not by the tests).

On the demo coalition and on generated coalitions of 1,000 and 10,000 actors with 24 meetings:
loading the inputs from the database (fixed number of queries), computing the diagnostic (pure),
and building the snapshot data (charts included). The diagnostic must stay under 5 s at 10,000.
"""

import argparse
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from pages import build  # bench/pages.py: a fresh, migrated database
from sqlalchemy import select

from coalition import create_app
from coalition.coalitions.models import Coalition
from coalition.diagnostics import compute, queries, snapshots
from coalition.meetings.models import Meeting
from coalition.seed.load import load_seed
from coalition.seed.schema import read_seed

T = TypeVar("T")
DEMO = Path(__file__).resolve().parent.parent / "seeds" / "reset-ia-responsable.toml"


def measure(step: Callable[[], T]) -> tuple[T, float, float]:
    """Result, seconds (untraced run) and peak MiB (a second, traced run) of a step."""
    start = time.perf_counter()
    result = step()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    step()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return result, seconds, peak


def run(label: str, actors: int | None) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        database = build(url, 0) if actors is None else build(url, actors)
        app = create_app({"DATABASE": database, "DATABASE_URL": url})
        with app.test_request_context(), database.new_session() as session:
            if actors is None:
                load_seed(session, read_seed(DEMO))
                session.commit()
                slug = "ia-responsable"
            else:
                slug = "bench"
            coalition = session.scalars(select(Coalition).where(Coalition.slug == slug)).one()
            meeting = session.scalars(
                select(Meeting)
                .where(Meeting.coalition_id == coalition.id)
                .order_by(Meeting.starts_at.desc())
            ).first()
            assert meeting is not None
            today = date(2024, 1, 1)
            inputs, load_s, load_mb = measure(
                lambda: queries.diagnostic_inputs(session, coalition, meeting, None, today=today)
            )
            diagnostic, compute_s, compute_mb = measure(lambda: compute.compute_diagnostic(inputs))
            suggested = compute.suggested_agenda(diagnostic)
            live = snapshots.LiveDiagnostic(diagnostic, inputs, suggested)
            _data, data_s, data_mb = measure(
                lambda: snapshots.diagnostic_data(session, coalition, meeting, live, [])
            )
    total = load_s + compute_s + data_s
    return (
        f"| {label} | {load_s:.2f} | {compute_s:.2f} | {data_s:.2f} | {total:.2f} "
        f"| {max(load_mb, compute_mb, data_mb):.0f} |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="demo,1000,10000")
    args = parser.parse_args()
    print("| coalition | load (s) | compute (s) | snapshot data (s) | total (s) | peak (MiB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for size in args.sizes.split(","):
        label = "demo (39 actors)" if size == "demo" else f"{int(size):,} actors"
        print(run(label, None if size == "demo" else int(size)), flush=True)


if __name__ == "__main__":
    main()
