"""One run of the library in its own process: `python -m coalition.panels.draw_process`.

The worker starts it with PYTHONHASHSEED=0, so that a draw is the one anyone gets again with
the published seed, and so that the library's seeding of Python's `random` touches nothing
else. It reads the run as JSON on stdin and writes JSON lines on stdout: `{"progress": ...}`
while it runs, then one `{"outcome": ...}` or `{"refused": [lines]}`. What the solver prints
goes to stderr.
"""

import json
import os
import sys
import time
from typing import IO, Any

from coalition.panels.draw import DrawRefused, Person, Quota, draw, replacement

PROGRESS_EVERY = 0.5  # seconds between two progress lines


class LineReporter:
    """The library's progress events as JSON lines, at most one per PROGRESS_EVERY."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.phase = ""
        self.total: int | None = None
        self.last = 0.0

    def _write(self, current: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= PROGRESS_EVERY:
            self.last = now
            line = {"phase": self.phase, "current": current, "total": self.total}
            self.out.write(json.dumps({"progress": line}) + "\n")
            self.out.flush()

    def start_phase(
        self, name: str, total: int | None = None, *, message: str | None = None
    ) -> None:
        self.phase, self.total = (message or name)[:200], total
        self._write(0, force=True)

    def update(self, current: int, *, message: str | None = None) -> None:
        self._write(current)

    def end_phase(self) -> None:
        pass


def _people(rows: list[list[Any]]) -> list[Person]:
    return [Person(str(ident), dict(features)) for ident, features in rows]


def run(job: dict[str, Any], out: IO[str]) -> dict[str, Any]:
    quotas = [Quota(**quota) for quota in job["quotas"]]
    if job["kind"] == "replacement":
        chosen = replacement(
            quotas,
            _people(job["kept"]),
            [_people(group) for group in job["candidates"]],
            seed=job["seed"],
            algorithm=job["algorithm"],
        )
        return {"panel": [chosen]}
    outcome = draw(
        quotas,
        _people(job["people"]),
        job["size"],
        seed=job["seed"],
        algorithm=job["algorithm"],
        reserve_size=job.get("reserve_size", 0),
        reporter=LineReporter(out),
    )
    return {
        "panel": outcome.panel,
        "reserve": outcome.reserve,
        "probabilities": outcome.probabilities,
    }


def main() -> None:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # the solver's banner goes to stderr
    job = json.load(sys.stdin)
    try:
        line: dict[str, Any] = {"outcome": run(job, out)}
    except DrawRefused as refused:
        line = {"refused": refused.lines}
    out.write(json.dumps(line) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
