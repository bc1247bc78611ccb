"""How long a panel draw takes, per algorithm and pool size (not run by the tests).

Usage: .venv/bin/python bench/sortition.py [--sizes 200,1000,2000] [--panel 40]
       [--algorithms maximin,legacy] [--max-seconds 900] [--seed 123456]

Each pool is generated (always the same for a given size): volunteers with 4 features (age
bracket 4 values, gender 2, socio-professional category 6, commune 5), drawn with the skew of
people who volunteer (more retired people and managers, more of the central commune) while the
quotas follow the population (each value's share of the panel, ±20 %, rounded outwards). Each
draw runs `coalition.panels.draw.select`, as the worker does, in a process of its own started
with PYTHONHASHSEED=0; it is stopped after --max-seconds and reported as "over N s". Figures:
wall-clock seconds of the library's run (the pool is built before the clock starts), the CPU
seconds of that run, and for maximin the smallest and largest probability of selection. The
load average is printed before and after each run: the other processes share the 2 cores.
Nothing is written anywhere.
"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent.parent

# feature -> value -> (share of the population, share among volunteers)
FEATURES: dict[str, dict[str, tuple[float, float]]] = {
    "age": {
        "18-29 ans": (0.22, 0.14),
        "30-44 ans": (0.26, 0.22),
        "45-59 ans": (0.25, 0.28),
        "60 ans et plus": (0.27, 0.36),
    },
    "genre": {
        "femme": (0.52, 0.55),
        "homme": (0.48, 0.45),
    },
    "csp": {
        "cadre": (0.16, 0.27),
        "profession intermédiaire": (0.18, 0.20),
        "employé": (0.17, 0.12),
        "ouvrier": (0.10, 0.05),
        "retraité": (0.25, 0.30),
        "sans activité": (0.14, 0.06),
    },
    "commune": {
        "Montpellier": (0.58, 0.66),
        "Castelnau-le-Lez": (0.08, 0.07),
        "Lattes": (0.07, 0.06),
        "Pérols": (0.04, 0.03),
        "autre commune": (0.23, 0.18),
    },
}


def quotas(panel: int) -> list[dict[str, Any]]:
    """The population's share of each value in a panel of `panel`, ±20 %, rounded outwards."""
    rows = []
    for feature, values in FEATURES.items():
        for value, (population, _) in values.items():
            target = population * panel
            rows.append(
                {
                    "feature": feature,
                    "value": value,
                    "minimum": math.floor(target * 0.8),
                    "maximum": math.ceil(target * 1.2),
                }
            )
    return rows


def pool(size: int) -> list[tuple[str, dict[str, str]]]:
    """`size` volunteers, each value drawn with the volunteers' shares; codes V0001, V0002..."""
    generator = random.Random(f"pool-{size}")  # noqa: S311 -- reproducible data, not a secret
    people = []
    for number in range(1, size + 1):
        features = {
            feature: generator.choices(list(values), [v[1] for v in values.values()])[0]
            for feature, values in FEATURES.items()
        }
        people.append((f"V{number:04d}", features))
    return people


def run_one(size: int, panel: int, algorithm: str, seed: int) -> dict[str, Any]:
    """One draw in this process (started with PYTHONHASHSEED=0 by `measure`)."""
    from coalition.panels.draw import Person, Quota, select

    rules = [Quota(**row) for row in quotas(panel)]
    people = [Person(code, features) for code, features in pool(size)]
    wall, cpu = time.perf_counter(), time.process_time()
    chosen, probabilities = select(rules, people, panel, seed=seed, algorithm=algorithm)
    result: dict[str, Any] = {
        "seconds": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "panel": len(chosen),
    }
    if probabilities:
        result["min_probability"] = min(probabilities.values())
        result["max_probability"] = max(probabilities.values())
    return result


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(size: int, panel: int, algorithm: str, seed: int, max_seconds: float) -> dict[str, Any]:
    """One draw in a child process with PYTHONHASHSEED=0, stopped after `max_seconds`."""
    environment = {
        **os.environ,
        "PYTHONHASHSEED": "0",
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(PROJECT_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    command = [sys.executable, __file__, "--one", str(size), "--panel", str(panel)]
    command += ["--algorithm", algorithm, "--seed", str(seed)]
    started = time.perf_counter()
    try:
        done = subprocess.run(  # noqa: S603 -- this script, by the same interpreter
            command,
            env=environment,
            capture_output=True,
            text=True,
            timeout=max_seconds,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return {"over": max_seconds, "elapsed": time.perf_counter() - started}
    if done.returncode != 0:
        raise SystemExit(f"{algorithm} at {size} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["elapsed"] = time.perf_counter() - started
    return result


def child(arguments: argparse.Namespace) -> None:
    out = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # what the solver prints goes to stderr
    result = run_one(arguments.one, arguments.panel, arguments.algorithm, arguments.seed)
    out.write(json.dumps(result) + "\n")
    out.flush()


def seconds(result: dict[str, Any]) -> str:
    if "over" in result:
        return f"over {result['over']:.0f} s"
    value = result["seconds"]
    return f"{value:.2f} s" if value < 10 else f"{value:.0f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,1000,2000")
    parser.add_argument("--panel", type=int, default=40)
    parser.add_argument("--algorithms", default="maximin,legacy")
    parser.add_argument("--max-seconds", type=float, default=900)
    parser.add_argument("--seed", type=int, default=123456)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)  # the child's pool size
    parser.add_argument("--algorithm", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.one:
        child(arguments)
        return

    sizes = [int(size) for size in arguments.sizes.split(",")]
    algorithms = arguments.algorithms.split(",")
    print(f"Panel of {arguments.panel}, seed {arguments.seed}, {os.cpu_count()} cores")
    print("Quotas (population share ±20 %):")
    for row in quotas(arguments.panel):
        print(f"  {row['feature']} = {row['value']}: {row['minimum']}-{row['maximum']}")
    rows = []
    for size in sizes:
        for algorithm in algorithms:
            before = loadavg()
            result = measure(
                size, arguments.panel, algorithm, arguments.seed, arguments.max_seconds
            )
            after = loadavg()
            rows.append((size, algorithm, result, before, after))
            print(
                f"  {algorithm} at {size}: {seconds(result)} (load {before} -> {after})", flush=True
            )

    print()
    print("| pool | algorithm | wall (s) | CPU (s) | smallest probability | largest probability |")
    print("|---:|---|---:|---:|---:|---:|")
    for size, algorithm, result, _, _ in rows:
        cpu = f"{result['cpu']:.{2 if result['cpu'] < 10 else 0}f}" if "cpu" in result else "-"
        low = result.get("min_probability")
        high = result.get("max_probability")
        print(
            f"| {size} | {algorithm} | {seconds(result)} | {cpu} | "
            f"{'-' if low is None else f'{low:.1%}'} | {'-' if high is None else f'{high:.1%}'} |"
        )


if __name__ == "__main__":
    main()
