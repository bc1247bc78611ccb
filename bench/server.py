"""What bench/throughput.py and bench/large.py share: gunicorn on a bench database, requests
to it over loopback, the workers' resident memory and the machine's load.

The server is the gunicorn of the project's virtualenv, with sync workers, serving
bench/wsgi_bench.py in production mode (a random secret, no debugger) on 127.0.0.1 only.
"""

import http.client
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent  # the virtualenv's bin/: gunicorn, flask, alembic
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def app_environment(database_url: str, *, page_cache: bool = True) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        COALITION_ENV="production",
        SECRET_KEY=secrets.token_hex(32),
        BASE_URL="http://127.0.0.1",
        DATABASE_URL=database_url,
        BENCH_PAGE_CACHE="1" if page_cache else "0",
    )
    env.pop("REDIS_URL", None)  # each worker's own cache: the default without Redis
    return env


def run_command(args: list[str], database_url: str) -> None:
    """A command of the project's virtualenv (alembic, flask) on the bench database."""
    done = subprocess.run(  # noqa: S603 -- the virtualenv's own programs
        [str(BIN / args[0]), *args[1:]],
        cwd=PROJECT_DIR,
        env=app_environment(database_url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode})")


def seed_demo(database_url: str) -> None:
    """A fresh database at the last migration, with the demo coalition as `make run` loads it."""
    run_command(["alembic", "upgrade", "head"], database_url)
    run_command(["flask", "--app", "wsgi", "seed", "seeds/reset-ia-responsable.toml"], database_url)


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    port: int

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return sorted(int(pid) for pid in children.read_text().split())

    def cpu_seconds(self) -> float:
        """CPU time the workers used so far (user and system)."""
        return sum(process_cpu(pid) for pid in self.workers())

    def rss_mib(self) -> list[float]:
        """Each worker's resident memory (VmRSS), in MiB."""
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes


@contextmanager
def gunicorn(database_url: str, *, page_cache: bool, workers: int = 2) -> Iterator[Server]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 -- the virtualenv's gunicorn
        [
            str(BIN / "gunicorn"),
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--bind",
            f"{HOST}:{port}",
            "--timeout",
            "300",
            "--log-level",
            "warning",
            "--pythonpath",
            str(PROJECT_DIR / "bench"),
            "wsgi_bench:app",
        ],
        cwd=PROJECT_DIR,
        env=app_environment(database_url, page_cache=page_cache),
    )
    server = Server(process, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError("gunicorn stopped before answering")
            try:
                if get(port, "/healthz")[0] == 200 and len(server.workers()) == workers:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not answer within 60 s")
            time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def get(port: int, path: str) -> tuple[int, int]:
    """Status and body size of one GET, on a new connection (sync workers close each one)."""
    connection = http.client.HTTPConnection(HOST, port, timeout=300)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        return response.status, len(body)
    finally:
        connection.close()


@dataclass
class Burst:
    requests: int = 0
    seconds: float = 0.0
    client_cpu: float = 0.0  # seconds of CPU the client threads used
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def burst(port: int, path: str, *, threads: int, seconds: float, most: int) -> Burst:
    """As many GETs of `path` as `threads` clients make in `seconds` (at most `most`)."""
    result = Burst()
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client() -> None:
        cpu = time.thread_time()
        done = 0
        errors = []
        while time.perf_counter() < deadline:
            with lock:
                if result.requests >= most:
                    break
                result.requests += 1
            status, _size = get(port, path)
            done += 1
            if status != 200:
                errors.append(f"{path}: {status}")
        with lock:
            result.client_cpu += time.thread_time() - cpu
            result.errors += errors

    pool = [threading.Thread(target=client) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    result.seconds = time.perf_counter() - start
    return result


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


TICK = os.sysconf("SC_CLK_TCK")


def process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def machine_busy() -> float:
    """CPU seconds the whole machine spent busy (all cores) since boot."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]  # idle, iowait
    return (sum(values[:8]) - idle) / TICK


@dataclass
class MachineShare:
    """What the rest of the machine did while the bench ran: busy cores outside the bench."""

    servers: list[Server]
    start: float = 0.0
    busy: float = 0.0
    ours: float = 0.0
    others: float = 0.0  # cores the other processes kept busy, on average

    def __enter__(self) -> "MachineShare":
        self.start, self.busy, self.ours = time.perf_counter(), machine_busy(), self._ours()
        return self

    def __exit__(self, *_exc: object) -> None:
        wall = time.perf_counter() - self.start
        others = (machine_busy() - self.busy) - (self._ours() - self.ours)
        self.others = max(0.0, others) / wall

    def _ours(self) -> float:
        own = os.times()
        return own.user + own.system + sum(server.cpu_seconds() for server in self.servers)
