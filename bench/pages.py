"""Time the actors and graph pages on generated coalitions (run by `make bench`, not by tests).

Usage: .venv/bin/python bench/pages.py [--sizes 300,1000,10000]
Each size gets its own temporary SQLite database; figures are medians over repeated requests.
"""

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from alembic import command
from alembic.config import Config

from coalition import create_app
from coalition.db import Database
from coalition.seed.generate import generate_coalition

PROJECT_DIR = Path(__file__).resolve().parent.parent
PAGES = [
    "actors",
    "actors/1",
    "levers",
    "graph",
    "graph.gexf",
    "roadmap",
    "roadmap/timeline",
    "meetings/1",
]


def build(url: str, actors: int) -> Database:
    database = Database(url)
    with database.engine.begin() as connection:
        config = Config(str(PROJECT_DIR / "alembic.ini"))
        config.attributes["connection"] = connection
        config.attributes["configure_logger"] = False
        command.upgrade(config, "head")
    if actors:
        with database.transaction() as session:
            generate_coalition(
                session, slug="bench", actors=actors, actions=actors // 5, meetings=24
            )
    return database


def median_ms(client, url: str, repeat: int) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="300,1000,10000")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print("| actors | " + " | ".join(f"`{page}` (ms)" for page in PAGES) + " |")
    print("|---:|" + "---:|" * len(PAGES))
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/bench.db"
            app = create_app({"DATABASE": build(url, size), "DATABASE_URL": url})
            client = app.test_client()
            repeat = args.repeat if size <= 1000 else max(1, args.repeat // 2)
            cells = [f"{median_ms(client, f'/c/bench/{page}', repeat):.0f}" for page in PAGES]
            print(f"| {size} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
