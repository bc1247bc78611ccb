"""The seed's panels drawn by lot: their fields, their checks, a generated pool and a real draw.

A panel is known by its title. Its quotas are lines `feature ; value ; min ; max`, the format
the facilitator types in the app. Its pool is generated, the same on every load: `pool_size`
fictional volunteers (a first name, no surname, no mail, no phone) whose value of each feature
is drawn with `random.Random(pool_seed)`, weighted by the `pool` lines `feature ; value ; share`
(by the middle of each quota when there are none). Loading then announces the file's seed and
runs the draw for real: the library in its own process with PYTHONHASHSEED=0, as the worker
does. A panel already in the database is left as it is: its draw is on public record.
"""

import functools
import json
import os
import random
import subprocess
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.core import audit
from coalition.db import utcnow
from coalition.panels import draw, jobs, service
from coalition.panels.models import Panel, Source
from coalition.seed.fields import Field, integer, one_of, paris_datetime, text

if TYPE_CHECKING:
    from coalition.seed.load import SeedResult

FEMALE = "Femme"  # a volunteer with this value of any feature gets a feminine first name
MALE = "Homme"
FEMININE_NAMES = [
    "Camille",
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Emma",
    "Jade",
    "Louise",
    "Lina",
    "Nadia",
    "Sophie",
    "Julie",
    "Aurélie",
    "Céline",
    "Émilie",
    "Karima",
    "Nathalie",
    "Sandrine",
    "Isabelle",
    "Valérie",
    "Sylvie",
    "Martine",
    "Françoise",
    "Monique",
    "Odile",
    "Yasmina",
    "Mireille",
    "Josiane",
    "Fatima",
    "Agnès",
    "Hélène",
    "Claire",
    "Anaïs",
    "Marion",
    "Laure",
]
MASCULINE_NAMES = [
    "Lucas",
    "Hugo",
    "Nathan",
    "Enzo",
    "Yanis",
    "Théo",
    "Louis",
    "Adam",
    "Rayan",
    "Mathis",
    "Julien",
    "Nicolas",
    "Thomas",
    "Sébastien",
    "Karim",
    "Mehdi",
    "Olivier",
    "Stéphane",
    "Philippe",
    "Laurent",
    "Christophe",
    "Pascal",
    "Thierry",
    "Bernard",
    "Michel",
    "Gérard",
    "Alain",
    "Jacques",
    "Rachid",
    "Serge",
    "Marcel",
    "Antoine",
    "Vincent",
    "Fabien",
    "Joël",
]


def quota_lines(value: Any) -> list[draw.Quota]:
    """Lines `feature ; value ; min ; max`; blank lines are skipped."""
    quotas: list[draw.Quota] = []
    seen: set[tuple[str, str]] = set()
    for number, cells in _lines(value, 4):
        feature, name = cells[0], cells[1]
        low, high = _whole(number, cells[2], "min"), _whole(number, cells[3], "max")
        if low > high:
            raise ValueError(f"line {number}: min {low} is more than max {high}")
        if (feature.casefold(), name.casefold()) in seen:
            raise ValueError(f"line {number}: {feature!r} = {name!r} appears twice")
        seen.add((feature.casefold(), name.casefold()))
        quotas.append(draw.Quota(feature, name, low, high))
    if not quotas:
        raise ValueError("write at least one line `feature ; value ; min ; max`")
    return quotas


def share_lines(value: Any) -> list[tuple[int, str, str, int]]:
    """Lines `feature ; value ; share`, as (line number, feature, value, share)."""
    return [
        (number, cells[0], cells[1], _whole(number, cells[2], "share"))
        for number, cells in _lines(value, 3)
    ]


def _lines(value: Any, width: int) -> list[tuple[int, list[str]]]:
    if not isinstance(value, str):
        raise ValueError("expected a text of lines separated by ';'")
    found = []
    for number, line in enumerate(value.strip("\n").splitlines(), start=1):
        if not line.strip():
            continue
        cells = [cell.strip() for cell in line.split(";")]
        if len(cells) != width or not all(cells):
            raise ValueError(f"line {number}: expected {width} cells separated by ';'")
        if len(cells[0]) > service.MAX_NAME or len(cells[1]) > service.MAX_NAME:
            raise ValueError(f"line {number}: a feature or value longer than {service.MAX_NAME}")
        found.append((number, cells))
    return found


def _whole(number: int, cell: str, name: str) -> int:
    if not cell.isdecimal():
        raise ValueError(f"line {number}: {name} {cell!r} is not a whole number")
    return int(cell)


PANEL_FIELDS = {
    "title": Field(text(service.MAX_TITLE)),
    "description": Field(text(service.MAX_TEXT, blank=True), False, ""),
    "size": Field(integer(1, service.MAX_SIZE)),
    "reserve": Field(integer(0, service.MAX_SIZE), False, 0),
    "seed": Field(integer(1, service.MAX_SEED)),  # announced before the draw
    "algorithm": Field(one_of(*draw.ALGORITHMS), False, None),  # none: the app's choice
    "announced_at": Field(paris_datetime, False, None),  # none: when the file is loaded
    "drawn_at": Field(paris_datetime, False, None),
    "quotas": Field(quota_lines),
    "pool_size": Field(integer(1, service.MAX_POOL)),
    "pool_seed": Field(integer(0, service.MAX_SEED), False, 1),
    "pool": Field(share_lines, False, []),
}


def check_panel(entry: dict[str, Any]) -> list[str]:
    """What stops this panel from being drawn, the generated pool included."""
    where = entry["_where"]
    size, reserve, pool_size = entry["size"], entry["reserve"], entry["pool_size"]
    mistakes = []
    if pool_size < size:
        mistakes.append(f"{where}: pool_size: {pool_size} is less than the panel's size {size}")
    elif reserve > min(size, pool_size - size):
        mistakes.append(
            f"{where}: reserve: {reserve} is more than the panel's size or the volunteers left "
            f"in the pool once the panel is drawn ({min(size, pool_size - size)})"
        )
    announced, drawn = entry["announced_at"], entry["drawn_at"]
    if (announced is None) != (drawn is None):
        mistakes.append(f"{where}: drawn_at: give both announced_at and drawn_at, or neither")
    elif announced and drawn and drawn <= announced:
        mistakes.append(f"{where}: drawn_at: must be after announced_at")
    quotas: list[draw.Quota] = entry["quotas"]
    known = {(q.feature, q.value) for q in quotas}
    seen: set[tuple[str, str]] = set()
    for number, feature, value, _ in entry["pool"]:
        if (feature, value) not in known:
            mistakes.append(f"{where}: pool: line {number}: {feature!r} = {value!r} has no quota")
        if (feature, value) in seen:
            mistakes.append(f"{where}: pool: line {number}: {feature!r} = {value!r} appears twice")
        seen.add((feature, value))
    shared = {feature for _, feature, _, share in entry["pool"] if share}
    if entry["pool"]:
        mistakes += [
            f"{where}: pool: no share for {name!r}"
            for name in draw.feature_names(quotas)
            if name not in shared
        ]
    if mistakes:
        return mistakes
    key = tuple(entry[name] for name in ("size", "pool_size", "pool_seed"))
    refused = _refusals(*key, tuple(quotas), tuple(entry["pool"]))
    return [f"{where}: the generated pool cannot be drawn: {line}" for line in refused]


@functools.lru_cache(maxsize=16)
def _refusals(
    size: int,
    pool_size: int,
    pool_seed: int,
    quotas: tuple[draw.Quota, ...],
    shares: tuple[tuple[int, str, str, int], ...],
) -> tuple[str, ...]:
    """Why the library would refuse to draw the generated pool (a linear program: the same
    panel read again, as the tests do, is checked once)."""
    entry = {"pool_size": pool_size, "pool_seed": pool_seed, "quotas": quotas, "pool": shares}
    people = [draw.Person(f"V{n:04d}", p.features or {}) for n, p in enumerate(pool(entry), 1)]
    try:
        draw.check(quotas, people, size)
    except draw.DrawRefused as refused:
        return tuple(refused.lines)
    return ()


def pool_shares(entry: Mapping[str, Any]) -> dict[str, tuple[list[str], list[int]]]:
    """Each feature's values and their weights in the generated pool."""
    shares = {(feature, value): share for _, feature, value, share in entry["pool"]}
    weights: dict[str, tuple[list[str], list[int]]] = {}
    for q in entry["quotas"]:
        values, counts = weights.setdefault(q.feature, ([], []))
        values.append(q.value)
        counts.append(shares.get((q.feature, q.value), 0) if shares else q.minimum + q.maximum)
    return weights


def pool(entry: Mapping[str, Any]) -> list[service.NewVolunteer]:
    """The panel's fictional volunteers: the same ones for the same entry, on every machine."""
    rng = random.Random(entry["pool_seed"])  # noqa: S311 (demo data, not a secret)
    shares = pool_shares(entry)
    people = []
    for _ in range(entry["pool_size"]):
        features = {
            name: rng.choices(values, weights)[0] for name, (values, weights) in shares.items()
        }
        given = set(features.values())
        names: Sequence[str] = (
            FEMININE_NAMES
            if FEMALE in given
            else MASCULINE_NAMES
            if MALE in given
            else FEMININE_NAMES + MASCULINE_NAMES
        )
        people.append(service.NewVolunteer(rng.choice(names), features=features))
    return people


def load_panels(session: Session, result: "SeedResult", entries: list[dict[str, Any]]) -> None:
    coalition = result.coalition
    titles = set(session.scalars(select(Panel.title).where(Panel.coalition_id == coalition.id)))
    for entry in entries:
        if entry["title"] in titles:
            continue
        announced_at, drawn_at = entry["announced_at"] or utcnow(), entry["drawn_at"] or utcnow()
        details = service.PanelDetails(
            entry["title"], entry["size"], entry["description"], entry["reserve"]
        )
        panel = service.create_panel(session, coalition, details, by=None)
        service.set_quotas(session, panel, _quotas_text(entry["quotas"]), by=None)
        volunteers = service.add_volunteers(
            session, panel, pool(entry), source=Source.imported, by=None
        )
        for volunteer in volunteers:
            volunteer.added_at = announced_at
        service.announce(
            session,
            panel,
            seed=entry["seed"],
            seen_version=panel.version,
            by=None,
            now=announced_at,
        )
        _set_algorithm(session, panel, entry["algorithm"])
        run = service.queue_draw(session, panel, by=None)
        run.queued_at = run.started_at = drawn_at
        jobs.apply_outcome(session, run, _draw(panel, jobs.job_input(session, run)), drawn_at)
        session.flush()
        result.created += 1 + len(volunteers)


def _quotas_text(quotas: list[draw.Quota]) -> str:
    return "\n".join(f"{q.feature} ; {q.value} ; {q.minimum} ; {q.maximum}" for q in quotas)


def _set_algorithm(session: Session, panel: Panel, algorithm: str | None) -> None:
    """The file's algorithm in place of the app's choice, before the draw is queued."""
    if algorithm is None or algorithm == panel.algorithm:
        return
    before = panel.algorithm
    panel.algorithm = algorithm
    session.flush()
    audit.record(
        session,
        entity="panel",
        entity_id=panel.id,
        action="seed_algorithm",
        user_id=None,
        coalition_id=panel.coalition_id,
        before={"algorithm": before},
        after={"algorithm": algorithm},
    )


def _draw(panel: Panel, job: dict[str, Any]) -> dict[str, Any]:
    final = json.loads(draw_once(json.dumps(job)))
    if "outcome" not in final:
        why = final.get("refused") or ["the library stopped without an outcome"]
        raise RuntimeError(f"seeded panel {panel.title!r}: the draw failed: " + "\n".join(why))
    return dict(final["outcome"])


@functools.lru_cache(maxsize=4)
def draw_once(job: str) -> str:
    """The final line of `draw_process` run on `job`, the way `jobs.perform` runs it.

    A draw depends on its input alone (that is what lets anyone check it): a process that
    loads the seed again, as the tests do, reuses the outcome rather than start the library
    once more."""
    environment = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(jobs.PROJECT), os.environ.get("PYTHONPATH")])
        ),
    }
    done = subprocess.run(
        [sys.executable, "-m", "coalition.panels.draw_process"],
        input=job,
        capture_output=True,
        env=environment,
        text=True,
        check=False,
    )
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    final = next((line for line in reversed(lines) if "progress" not in line), None)
    if final is None:
        raise RuntimeError(f"the draw stopped without an outcome: {done.stderr[-2000:]}")
    return json.dumps(final)
