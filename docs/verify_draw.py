"""Check a Coalition panel draw again, with the Sortition Foundation's library alone.

    pip install sortition-algorithms==<the version on the public record>
    python verify_draw.py --pool pool.csv --quotas quotas.csv --size 40 --seed 123456 \
        --algorithm maximin [--reserve 10]

The two files are the panel page's exports: quotas.csv (`feature,value,min,max`, one row per
quota, in order) and pool.csv (`id`, one column per feature in the order of the quotas, then
`result`: `panel`, `reserve`, `declined`, `replacement` or empty; one row per volunteer in the
order of their codes). The size, the reserve, the seed, the algorithm and the library's version
are on the public record of the draw. See docs/sortition.md.

The script draws again exactly as Coalition did (coalition/panels/draw.py), then compares:
- the panel: drawn with the seed and the algorithm; the members in the file are those marked
  `panel` or `declined` (someone who declined was drawn, then said no);
- the reserve (when --reserve N > 0): drawn among everyone not in the panel, with seed + 1, the
  legacy algorithm and quotas of min 0 and max = max(1, ceil(max * N / size)), N being at most
  the number of people left; those marked `reserve`, plus those of them called up since as
  replacements;
- replacements (`replacement`) are drawn later, one at a time, with other seeds (seed + 2,
  seed + 3...) among people who are not known in advance: they are listed, not checked.

Maximin depends on the order of Python's sets: the script restarts itself with
PYTHONHASHSEED=0, as Coalition's worker runs every draw. Exit code: 0 when the panel (and the
reserve) are the same, 1 when they differ, 2 when the check cannot run (files, library).
Only the standard library and sortition-algorithms are used, so that anyone can read it all.
"""

import argparse
import csv
import math
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

QUOTAS_HEADER = ["feature", "value", "min", "max"]
RESULTS = ("panel", "reserve", "declined", "replacement", "")
LIBRARY = "sortition-algorithms"


class CannotCheck(Exception):
    """The files or the library do not allow a check: the message says why."""


def restart_with_hash_seed() -> None:
    """Run this script again with PYTHONHASHSEED=0 unless it already is."""
    if os.environ.get("PYTHONHASHSEED") == "0":
        return
    environment = {**os.environ, "PYTHONHASHSEED": "0"}
    sys.stdout.flush()
    os.execve(sys.executable, [sys.executable, *sys.orig_argv[1:]], environment)  # noqa: S606


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            rows = [row for row in reader if any((cell or "").strip() for cell in row.values())]
            return list(reader.fieldnames or []), rows
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CannotCheck(f"Lecture impossible de {path} : {error}") from None


def read_quotas(path: Path) -> list[dict[str, str]]:
    header, rows = read_csv(path)
    if [name.strip() for name in header] != QUOTAS_HEADER:
        raise CannotCheck(f"{path} : l'en-tête doit être « {','.join(QUOTAS_HEADER)} ».")
    if not rows:
        raise CannotCheck(f"{path} : aucun quota.")
    return [{name: (row[name] or "").strip() for name in QUOTAS_HEADER} for row in rows]


def feature_names(quotas: Sequence[dict[str, str]]) -> list[str]:
    """The features in the order the quotas name them first."""
    return list(dict.fromkeys(quota["feature"] for quota in quotas))


def read_pool(path: Path, names: Sequence[str]) -> list[dict[str, str]]:
    header, rows = read_csv(path)
    header = [name.strip() for name in header]
    if not header or header[0] != "id" or header[-1] != "result":
        raise CannotCheck(f"{path} : la première colonne doit être « id », la dernière « result ».")
    if sorted(header[1:-1]) != sorted(names):
        raise CannotCheck(
            f"{path} : les colonnes des caractéristiques ({', '.join(header[1:-1])}) ne sont pas "
            f"celles des quotas ({', '.join(names)})."
        )
    pool = [{name: (row.get(name) or "").strip() for name in header} for row in rows]
    for number, row in enumerate(pool, start=2):
        if row["result"] not in RESULTS:
            raise CannotCheck(
                f"{path}, ligne {number} : « {row['result']} » n'est pas un résultat connu "
                f"({', '.join(value for value in RESULTS if value)} ou vide)."
            )
    return pool


def reserve_quotas(
    quotas: Sequence[dict[str, str]], size: int, wanted: int
) -> list[dict[str, str]]:
    """As draw.reserve_quotas: no minimum, each maximum scaled to the reserve, at least 1."""
    return [
        {**quota, "min": "0", "max": str(max(1, math.ceil(int(quota["max"]) * wanted / size)))}
        for quota in quotas
    ]


@contextmanager
def solver_output_to_stderr() -> Iterator[None]:
    """What the solver prints goes to stderr, so that stdout holds the verdict only."""
    sys.stdout.flush()
    saved = os.dup(sys.stdout.fileno())
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        yield
    finally:
        sys.stdout.flush()
        os.dup2(saved, sys.stdout.fileno())
        os.close(saved)


def select(
    quotas: Sequence[dict[str, str]],
    people: Sequence[dict[str, str]],
    size: int,
    *,
    seed: int,
    algorithm: str,
) -> list[str]:
    """One run of the library, called exactly as coalition/panels/draw.py's `select` does."""
    from sortition_algorithms import Settings, read_in_features, read_in_people, run_stratification
    from sortition_algorithms.errors import SortitionBaseError

    names = feature_names(quotas)
    try:
        features, _, _ = read_in_features(QUOTAS_HEADER, quotas)
        settings = Settings(
            id_column="id",
            columns_to_keep=[],
            selection_algorithm=algorithm,
            random_number_seed=seed,
        )
        rows = [{"id": person["id"], **{name: person[name] for name in names}} for person in people]
        pool, _ = read_in_people(["id", *names], rows, features, settings)
        with solver_output_to_stderr():
            success, panels, report = run_stratification(features, pool, size, settings)
    except SortitionBaseError as error:
        raise CannotCheck(f"La bibliothèque refuse ces données : {error}") from None
    if not success or not panels:
        raise CannotCheck(f"Le tirage a échoué : {report.last_error() or ''}")
    return sorted(panels[0])


def codes(ids: set[str] | list[str]) -> str:
    return ", ".join(sorted(ids)) or "personne"


def compare_panel(drawn: list[str], pool: Sequence[dict[str, str]]) -> bool:
    members = {row["id"] for row in pool if row["result"] in ("panel", "declined")}
    declined = {row["id"] for row in pool if row["result"] == "declined"}
    print(f"Panel tiré ({len(drawn)}) : {codes(drawn)}")
    if declined:
        print(f"  dont désistés depuis (« declined ») : {codes(declined)}")
    missing, extra = set(drawn) - members, members - set(drawn)
    if not missing and not extra:
        print("Même panel : oui")
        return True
    print("Même panel : non")
    if missing:
        print(f"  tirés ici, mais ni « panel » ni « declined » dans le fichier : {codes(missing)}")
    if extra:
        print(f"  « panel » ou « declined » dans le fichier, mais pas tirés ici : {codes(extra)}")
    return False


def compare_reserve(drawn: list[str], pool: Sequence[dict[str, str]]) -> bool:
    listed = {row["id"] for row in pool if row["result"] == "reserve"}
    replacements = {row["id"] for row in pool if row["result"] == "replacement"}
    called = set(drawn) & replacements
    print(f"Réserve tirée ({len(drawn)}) : {codes(drawn)}")
    if called:
        print(f"  dont appelés depuis comme remplaçants (« replacement ») : {codes(called)}")
    missing, extra = set(drawn) - listed - replacements, listed - set(drawn)
    if not missing and not extra:
        print("Même réserve : oui")
        return True
    print("Même réserve : non")
    if missing:
        print(f"  tirés ici en réserve, mais ni « reserve » ni remplaçants : {codes(missing)}")
    if extra:
        print(f"  « reserve » dans le fichier, mais pas tirés ici : {codes(extra)}")
    return False


def check(arguments: argparse.Namespace) -> bool:
    quotas = read_quotas(arguments.quotas)
    pool = read_pool(arguments.pool, feature_names(quotas))
    try:
        library = version(LIBRARY)
    except PackageNotFoundError:
        raise CannotCheck(f"Installez la bibliothèque : pip install {LIBRARY}") from None
    size, seed = arguments.size, arguments.seed
    print(
        f"{LIBRARY} {library}, algorithme {arguments.algorithm}, graine {seed}, "
        f"{size} parmi {len(pool)} volontaires"
    )
    drawn = select(quotas, pool, size, seed=seed, algorithm=arguments.algorithm)
    same = compare_panel(drawn, pool)

    others = [row for row in pool if row["id"] not in set(drawn)]
    wanted = min(arguments.reserve, len(others))
    if wanted:
        reserve = select(
            reserve_quotas(quotas, size, wanted), others, wanted, seed=seed + 1, algorithm="legacy"
        )
        same = compare_reserve(reserve, pool) and same
    elif any(row["result"] == "reserve" for row in pool):
        print("Même réserve : non")
        print("  le fichier a une réserve : donnez sa taille avec --reserve")
        same = False

    replacements = {row["id"] for row in pool if row["result"] == "replacement"}
    if replacements:
        print(
            f"Remplaçants (« replacement ») : {codes(replacements)} ; tirés plus tard, avec "
            "d'autres graines, ils ne sont pas vérifiés ici."
        )
    return same


def arguments_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description="Refaire un tirage de panel de Coalition.")
    parser.add_argument("--pool", type=Path, required=True, help="pool.csv exporté")
    parser.add_argument("--quotas", type=Path, required=True, help="quotas.csv exporté")
    parser.add_argument("--size", type=int, required=True, help="taille du panel")
    parser.add_argument("--seed", type=int, required=True, help="graine annoncée")
    parser.add_argument("--algorithm", required=True, help="maximin ou legacy")
    parser.add_argument("--reserve", type=int, default=0, help="taille de la réserve")
    return parser


def main() -> None:
    arguments = arguments_parser().parse_args()
    restart_with_hash_seed()
    try:
        same = check(arguments)
    except CannotCheck as error:
        print(error, file=sys.stderr)
        sys.exit(2)
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
