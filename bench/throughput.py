"""Requests per second of the public's read pages, as a ratio of a trivial Flask route's
(issue 16; run by `make bench`, not by the tests).

Usage: .venv/bin/python bench/throughput.py [--rounds 5] [--seconds 1.0] [--threads 4]

Two gunicorns (2 sync workers each) serve bench/wsgi_bench.py on a temporary SQLite database
seeded with the demo (`flask --app wsgi seed seeds/reset-ia-responsable.toml`): one as deployed
(the public's page cache on), one with PAGE_CACHE False. In each round, every URL (the trivial
route first, then each page) gets a burst of `--seconds` from `--threads` client threads
(http.client, a new connection per request), on the cached server then on the uncached one, so
that the load of the machine weighs on every figure alike. A page's ratio is its median
requests/s over the rounds divided by the trivial route's on the same server. Target: every
page at least 0.3x the trivial route.
"""

import argparse
import statistics
import tempfile
from pathlib import Path

from server import Burst, MachineShare, Server, burst, get, gunicorn, loadavg, seed_demo
from sqlalchemy import func, select

from coalition.actors.models import Actor
from coalition.coalitions.models import Coalition
from coalition.consultations.models import Consultation
from coalition.db import Database
from coalition.diagnostics.models import DiagnosticSnapshot
from coalition.meetings.models import Meeting

TARGET = 0.3
SLUG = "ia-responsable"
TRIVIAL = "/bench/trivial"


def demo_pages(url: str) -> dict[str, str]:
    """The public read pages of the demo coalition, by name."""
    database = Database(url)
    with database.new_session() as session:
        cid = session.scalars(select(Coalition.id).where(Coalition.slug == SLUG)).one()
        actor = session.scalar(select(func.min(Actor.id)).where(Actor.coalition_id == cid))
        meeting = session.scalar(select(func.max(Meeting.id)).where(Meeting.coalition_id == cid))
        snapshot = session.scalar(
            select(func.min(DiagnosticSnapshot.meeting_id)).where(
                DiagnosticSnapshot.coalition_id == cid
            )
        )
        consultation = session.scalar(
            select(func.min(Consultation.id)).where(Consultation.coalition_id == cid)
        )
    database.engine.dispose()
    base = f"/c/{SLUG}"
    return {
        "home": f"{base}/",
        "directory": f"{base}/actors",
        "actor": f"{base}/actors/{actor}",
        "levers": f"{base}/levers",
        "network": f"{base}/graph",
        "roadmap": f"{base}/roadmap",
        "timeline": f"{base}/roadmap/timeline",
        "meetings": f"{base}/meetings",
        "meeting": f"{base}/meetings/{meeting}",
        "resources search": f"{base}/resources?q=m%C3%A9diation",
        "published diagnostic": f"{base}/meetings/{snapshot}/diagnostic",
        "consultation results": f"{base}/consultations/{consultation}/results",
    }


def measure_rounds(
    args: argparse.Namespace,
    urls: dict[str, str],
    servers: dict[str, Server],
    runs: dict[tuple[str, str], list[Burst]],
) -> None:
    """Round-robin: each URL in turn on each server, `args.rounds` times."""
    for _round in range(args.rounds):
        for name, path in urls.items():
            for label, server in servers.items():
                result = burst(
                    server.port, path, threads=args.threads, seconds=args.seconds, most=args.most
                )
                assert not result.errors, result.errors[:3]
                runs.setdefault((label, name), []).append(result)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one burst")
    parser.add_argument("--threads", type=int, default=4, help="client threads")
    parser.add_argument("--most", type=int, default=20_000, help="requests in one burst, at most")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.db"
        url = f"sqlite:///{database}"
        seed_demo(url)
        pages = demo_pages(url)
        urls = {"trivial route": TRIVIAL, **pages}
        with (
            gunicorn(url, page_cache=True) as cached,
            gunicorn(url, page_cache=False) as uncached,
        ):
            servers = {"cached": cached, "uncached": uncached}
            failed: dict[str, int] = {}  # a page that fails is reported, not measured
            for server in servers.values():  # warm up: imports, templates, each worker's cache
                for name, path in urls.items():
                    for _ in range(4):
                        status, _size = get(server.port, path)
                        if status != 200:
                            failed[name] = status
            measured = {name: path for name, path in urls.items() if name not in failed}
            load_before = loadavg()
            runs: dict[tuple[str, str], list[Burst]] = {}
            share = MachineShare(list(servers.values()))
            with share:
                measure_rounds(args, measured, servers, runs)
            load_after = loadavg()
            memory = {label: server.rss_mib() for label, server in servers.items()}
    report(args, urls, failed, runs, memory, load_before, load_after, share.others)


def report(
    args: argparse.Namespace,
    urls: dict[str, str],
    failed: dict[str, int],
    runs: dict[tuple[str, str], list[Burst]],
    memory: dict[str, list[float]],
    load_before: str,
    load_after: str,
    others: float,
) -> None:
    def rate(label: str, name: str) -> float:
        return statistics.median(result.per_second for result in runs[label, name])

    def client_cpu(label: str, name: str) -> float:
        results = runs[label, name]
        return sum(r.client_cpu for r in results) / sum(r.seconds for r in results)

    print(
        f"Demo coalition, 2 sync gunicorn workers per server, {args.threads} client threads, "
        f"{args.rounds} rounds of {args.seconds:g} s bursts per URL and server.\n"
    )
    print(
        "| page | URL | cached (req/s) | cached ratio | uncached (req/s) | uncached ratio "
        "| client CPU (cached / uncached) | >= 0.3x cached | >= 0.3x uncached |"
    )
    print("|---|---|---:|---:|---:|---:|---:|:-:|:-:|")
    trivial = {label: rate(label, "trivial route") for label in ("cached", "uncached")}
    for name, path in urls.items():
        if name in failed:
            print(f"| {name} | `{path}` | HTTP {failed[name]} | — | — | — | — | no | no |")
            continue
        cells = [name, f"`{path}`"]
        marks = []
        for label in ("cached", "uncached"):
            ratio = rate(label, name) / trivial[label]
            cells += [f"{rate(label, name):.0f}", f"{ratio:.2f}"]
            marks.append("—" if name == "trivial route" else ("yes" if ratio >= TARGET else "no"))
        cpu = f"{client_cpu('cached', name):.0%} / {client_cpu('uncached', name):.0%}"
        print("| " + " | ".join([*cells, cpu, *marks]) + " |")
    print()
    for label, sizes in memory.items():
        shown = ", ".join(f"{size:.0f}" for size in sizes)
        print(f"- {label} server: workers' resident memory after the run {shown} MiB")
    print(
        "- client CPU: the client threads' own CPU time over the bursts' wall time (100% = one "
        "core of the two)"
    )
    print(f"- load average (1, 5, 15 min): {load_before} before the rounds, {load_after} after")
    print(
        f"- other processes kept {others:.2f} of the 2 cores busy on average during the rounds "
        "(the machine's busy time from /proc/stat less the bench's own client and workers)"
    )


if __name__ == "__main__":
    main()
