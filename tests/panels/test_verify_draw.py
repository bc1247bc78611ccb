"""docs/verify_draw.py reproduces the app's draws from the exported files, and only them.

The draws are the engine's own (`coalition.panels.draw`): legacy in this process (it does not
depend on Python's hash seed), maximin as the worker runs it, in `draw_process` with
PYTHONHASHSEED=0. The exports are written in the formats of the panel page (quotas.csv,
pool.csv), then the script runs as anyone would run it, in a process of its own.
"""

import csv
import json
import os
import random
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path

import pytest

from coalition.panels.draw import Outcome, Person, Quota, draw, replacement

PROJECT_DIR = Path(__file__).resolve().parents[2]
SCRIPT = PROJECT_DIR / "docs" / "verify_draw.py"
SEED = 123456

FEATURES = {
    "âge": ["18-34 ans", "35-59 ans", "60 ans et plus"],
    "genre": ["femme", "homme"],
    "csp": ["cadre", "employé", "ouvrier", "retraité"],
    "commune": ["Montpellier", "Lattes", "Pérols"],
}


def make_pool(size: int) -> list[Person]:
    generator = random.Random(size)
    return [
        Person(
            f"V{number:04d}", {name: generator.choice(values) for name, values in FEATURES.items()}
        )
        for number in range(1, size + 1)
    ]


def make_quotas(size: int) -> list[Quota]:
    """Each value's even share of the panel, loosely: from a little under to a little over."""
    quotas = []
    for name, values in FEATURES.items():
        share = size / len(values)
        for value in values:
            quotas.append(Quota(name, value, max(0, int(share) - 2), int(share) + 3))
    return quotas


def maximin_draw(quotas: list[Quota], people: list[Person], size: int, reserve: int) -> Outcome:
    """The draw as the worker runs it: `draw_process` with PYTHONHASHSEED=0."""
    job = {
        "kind": "draw",
        "quotas": [asdict(quota) for quota in quotas],
        "seed": SEED,
        "algorithm": "maximin",
        "people": [[person.id, dict(person.features)] for person in people],
        "size": size,
        "reserve_size": reserve,
    }
    done = subprocess.run(
        [sys.executable, "-m", "coalition.panels.draw_process"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(PROJECT_DIR)},
        check=True,
    )
    outcome = json.loads(done.stdout.splitlines()[-1])["outcome"]
    return Outcome(outcome["panel"], outcome["reserve"], outcome["probabilities"])


def write_exports(
    folder: Path, quotas: list[Quota], people: list[Person], results: dict[str, str]
) -> None:
    with (folder / "quotas.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(["feature", "value", "min", "max"])
        writer.writerows([q.feature, q.value, q.minimum, q.maximum] for q in quotas)
    names = list(dict.fromkeys(q.feature for q in quotas))
    with (folder / "pool.csv").open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow(["id", *names, "result"])
        for person in people:
            values = [person.features[name] for name in names]
            writer.writerow([person.id, *values, results.get(person.id, "")])


def results_of(outcome: Outcome) -> dict[str, str]:
    return dict.fromkeys(outcome.panel, "panel") | dict.fromkeys(outcome.reserve, "reserve")


def verify(
    folder: Path,
    size: int,
    algorithm: str,
    *,
    seed: int = SEED,
    reserve: int = 0,
    hash_seed: str | None = None,
) -> subprocess.CompletedProcess[str]:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONHASHSEED"}
    if hash_seed is not None:
        environment["PYTHONHASHSEED"] = hash_seed
    command = [sys.executable, str(SCRIPT), "--pool", str(folder / "pool.csv")]
    command += ["--quotas", str(folder / "quotas.csv"), "--size", str(size)]
    command += ["--seed", str(seed), "--algorithm", algorithm, "--reserve", str(reserve)]
    return subprocess.run(  # noqa: S603 -- the project's own script, by the same interpreter
        command, capture_output=True, text=True, env=environment, check=False
    )


Drawn = tuple[list[Quota], list[Person], Outcome]  # quotas, pool, the engine's draw

LEGACY_SIZE, LEGACY_POOL, LEGACY_RESERVE = 12, 90, 6
MAXIMIN_SIZE, MAXIMIN_POOL, MAXIMIN_RESERVE = 10, 60, 5


@pytest.fixture(scope="module")
def legacy() -> Drawn:
    quotas, people = make_quotas(LEGACY_SIZE), make_pool(LEGACY_POOL)
    outcome = draw(
        quotas, people, LEGACY_SIZE, seed=SEED, algorithm="legacy", reserve_size=LEGACY_RESERVE
    )
    return quotas, people, outcome


@pytest.fixture(scope="module")
def maximin() -> Drawn:
    quotas, people = make_quotas(MAXIMIN_SIZE), make_pool(MAXIMIN_POOL)
    return quotas, people, maximin_draw(quotas, people, MAXIMIN_SIZE, MAXIMIN_RESERVE)


def test_a_legacy_draw_and_its_reserve_are_reproduced(legacy: Drawn, tmp_path: Path) -> None:
    quotas, people, outcome = legacy
    write_exports(tmp_path, quotas, people, results_of(outcome))

    done = verify(tmp_path, LEGACY_SIZE, "legacy", reserve=LEGACY_RESERVE)

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Panel tiré ({LEGACY_SIZE}) : {', '.join(outcome.panel)}" in done.stdout
    assert f"Réserve tirée ({LEGACY_RESERVE}) : {', '.join(sorted(outcome.reserve))}" in done.stdout
    assert "Même panel : oui" in done.stdout
    assert "Même réserve : oui" in done.stdout
    assert "Trial number" not in done.stdout  # the library's chatter goes to stderr


def test_a_maximin_draw_is_reproduced_whatever_the_callers_hash_seed(
    maximin: Drawn, tmp_path: Path
) -> None:
    quotas, people, outcome = maximin
    write_exports(tmp_path, quotas, people, results_of(outcome))

    # maximin follows the order of Python's sets: the script must restart with PYTHONHASHSEED=0
    done = verify(tmp_path, MAXIMIN_SIZE, "maximin", reserve=MAXIMIN_RESERVE, hash_seed="1")

    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Panel tiré ({MAXIMIN_SIZE}) : {', '.join(outcome.panel)}" in done.stdout
    assert "Même panel : oui" in done.stdout
    assert "Même réserve : oui" in done.stdout


def test_a_result_moved_in_the_pool_is_found(maximin: Drawn, tmp_path: Path) -> None:
    quotas, people, outcome = maximin
    results = results_of(outcome)
    member = outcome.panel[0]
    stranger = next(p.id for p in people if p.id not in results)
    results[stranger] = results.pop(member)
    write_exports(tmp_path, quotas, people, results)

    done = verify(tmp_path, MAXIMIN_SIZE, "maximin", reserve=MAXIMIN_RESERVE)

    assert done.returncode == 1
    assert "Même panel : non" in done.stdout
    assert f"ni « panel » ni « declined » dans le fichier : {member}" in done.stdout
    assert f"dans le fichier, mais pas tirés ici : {stranger}" in done.stdout
    assert "Même réserve : oui" in done.stdout


def test_a_reserve_member_swapped_is_found(legacy: Drawn, tmp_path: Path) -> None:
    quotas, people, outcome = legacy
    results = results_of(outcome)
    stranger = next(p.id for p in people if p.id not in results)
    results[stranger] = results.pop(outcome.reserve[0])
    write_exports(tmp_path, quotas, people, results)

    done = verify(tmp_path, LEGACY_SIZE, "legacy", reserve=LEGACY_RESERVE)

    assert done.returncode == 1
    assert "Même panel : oui" in done.stdout
    assert "Même réserve : non" in done.stdout
    assert f"« reserve » dans le fichier, mais pas tirés ici : {stranger}" in done.stdout


def test_another_seed_gives_another_panel(legacy: Drawn, tmp_path: Path) -> None:
    quotas, people, outcome = legacy
    write_exports(tmp_path, quotas, people, results_of(outcome))

    done = verify(tmp_path, LEGACY_SIZE, "legacy", seed=SEED + 1, reserve=LEGACY_RESERVE)

    assert done.returncode == 1
    assert "Même panel : non" in done.stdout


def test_a_declined_member_and_replacements_still_check(legacy: Drawn, tmp_path: Path) -> None:
    """After declines the file says `declined` and `replacement`: the draw still checks."""
    quotas, people, outcome = legacy
    by_code = {person.id: person for person in people}
    results = results_of(outcome)
    kept = [by_code[code] for code in outcome.panel]
    # as the app: seed + 2 + k, the reserve first; the app draws them with maximin, legacy here
    # keeps this in-process (the script does not check replacements, whatever their algorithm)
    for k, code in enumerate(outcome.panel[:2]):
        results[code] = "declined"
        kept.remove(by_code[code])
        reserve = [by_code[c] for c, result in results.items() if result == "reserve"]
        rest = [person for person in people if person.id not in results]
        chosen = replacement(quotas, kept, [reserve, rest], seed=SEED + 2 + k, algorithm="legacy")
        results[chosen] = "replacement"
        kept.append(by_code[chosen])
    called = set(outcome.reserve) & {c for c, r in results.items() if r == "replacement"}
    assert called, "the first replacement comes from the reserve list"
    write_exports(tmp_path, quotas, people, results)

    done = verify(tmp_path, LEGACY_SIZE, "legacy", reserve=LEGACY_RESERVE)

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Même panel : oui" in done.stdout
    assert "Même réserve : oui" in done.stdout
    assert "ils ne sont pas vérifiés ici" in done.stdout


def test_a_pool_that_is_not_the_export_is_refused(legacy: Drawn, tmp_path: Path) -> None:
    quotas, people, outcome = legacy
    write_exports(tmp_path, quotas, people, results_of(outcome))
    pool = tmp_path / "pool.csv"
    pool.write_text(pool.read_text(encoding="utf-8").replace("result", "statut", 1), "utf-8")

    done = verify(tmp_path, LEGACY_SIZE, "legacy")

    assert done.returncode == 2
    assert "la dernière « result »" in done.stderr
