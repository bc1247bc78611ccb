"""The draw, with the Sortition Foundation's `sortition-algorithms`: plain data in, ids out.

No Flask, no database. The library is called the way anyone can call it again to check a draw
(`docs/sortition.md`): features as rows `feature, value, min, max`, people as rows `id, <one
column per feature>` in the order of their codes, `Settings(id_column="id", columns_to_keep=[],
selection_algorithm=..., random_number_seed=seed)`. Maximin and nash also depend on the order
of Python's sets, so a draw is reproducible only with PYTHONHASHSEED=0 (`draw_process` runs
each draw in its own process with it).

What can be checked before any draw is checked here first, with messages in plain French;
what only the library can tell (quotas that no panel meets all at once) is asked of it with a
quick test selection (one linear program, no lottery).
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext as _ln
from sortition_algorithms import Settings, read_in_features, read_in_people, run_stratification
from sortition_algorithms.committee_generation import find_any_committee
from sortition_algorithms.errors import InfeasibleQuotasError, SortitionBaseError
from sortition_algorithms.features import FeatureCollection
from sortition_algorithms.progress import ProgressReporter
from sortition_algorithms.utils import RunTable

LIBRARY = "sortition-algorithms"
ALGORITHMS = ("maximin", "legacy")
# beyond this many volunteers maximin takes longer than a facilitator can wait (docs/benchmarks.md)
MAXIMIN_UP_TO = 1000
SHOWN = 5  # codes listed in a message


@dataclass(frozen=True)
class Quota:
    feature: str
    value: str
    minimum: int
    maximum: int


@dataclass(frozen=True)
class Person:
    id: str
    features: Mapping[str, str]


@dataclass
class Outcome:
    panel: list[str]
    reserve: list[str] = field(default_factory=list)
    probabilities: dict[str, float] = field(default_factory=dict)  # maximin only


class DrawRefused(Exception):
    """The draw cannot run: `lines` say why, in plain words."""

    def __init__(self, lines: Sequence[str]) -> None:
        super().__init__("\n".join(str(line) for line in lines))
        self.lines = [str(line) for line in lines]


def library_version() -> str:
    return version(LIBRARY)


def algorithm_for(pool_size: int) -> str:
    return "maximin" if pool_size <= MAXIMIN_UP_TO else "legacy"


def feature_names(quotas: Iterable[Quota]) -> list[str]:
    return list(dict.fromkeys(quota.feature for quota in quotas))


def _codes(ids: Sequence[str]) -> str:
    shown = ", ".join(ids[:SHOWN])
    return shown + ("…" if len(ids) > SHOWN else "")


def problems(quotas: Sequence[Quota], people: Sequence[Person], size: int) -> list[str]:
    """What stops a draw of `size` from this pool, as far as counting can tell."""
    found: list[str] = []
    if not quotas:
        return [str(_l("Aucun quota n'est défini : écrivez au moins une caractéristique."))]
    if len(people) < size:
        found.append(
            _l(
                "Le vivier compte %(pool)d volontaires : il en faut au moins %(size)d.",
                pool=len(people),
                size=size,
            )
        )
    known = {(quota.feature, quota.value) for quota in quotas}
    for name in feature_names(quotas):
        rows = [quota for quota in quotas if quota.feature == name]
        missing = [person.id for person in people if not person.features.get(name)]
        if missing:
            found.append(
                _ln(
                    "%(num)d volontaire n'a pas de valeur pour « %(feature)s » : %(codes)s",
                    "%(num)d volontaires n'ont pas de valeur pour « %(feature)s » : %(codes)s",
                    len(missing),
                    feature=name,
                    codes=_codes(missing),
                )
            )
        unknown = [
            person.id
            for person in people
            if person.features.get(name) and (name, person.features[name]) not in known
        ]
        if unknown:
            found.append(
                _ln(
                    "%(num)d volontaire a pour « %(feature)s » une valeur sans quota : %(codes)s",
                    "%(num)d volontaires ont pour « %(feature)s » une valeur sans quota : "
                    "%(codes)s",
                    len(unknown),
                    feature=name,
                    codes=_codes(unknown),
                )
            )
        least, most = sum(q.minimum for q in rows), sum(q.maximum for q in rows)
        if least > size:
            found.append(
                _l(
                    "Les minimums de « %(feature)s » font %(count)d personnes : plus que les "
                    "%(size)d du panel.",
                    feature=name,
                    count=least,
                    size=size,
                )
            )
        if most < size:
            found.append(
                _l(
                    "Les maximums de « %(feature)s » ne font que %(count)d personnes : moins que "
                    "les %(size)d du panel.",
                    feature=name,
                    count=most,
                    size=size,
                )
            )
        counts = Counter(person.features.get(name) for person in people)
        for quota in rows:
            if counts[quota.value] < quota.minimum:
                found.append(
                    _l(
                        "Le vivier ne compte que %(count)d volontaires « %(value)s » pour "
                        "« %(feature)s » : il en faut au moins %(min)d.",
                        count=counts[quota.value],
                        value=quota.value,
                        feature=name,
                        min=quota.minimum,
                    )
                )
    return [str(line) for line in found]


def _settings(algorithm: str, seed: int) -> Settings:
    return Settings(
        id_column="id",
        columns_to_keep=[],
        selection_algorithm=algorithm,
        random_number_seed=seed,
    )


def _library_features(quotas: Sequence[Quota]) -> FeatureCollection:
    rows = [
        {"feature": q.feature, "value": q.value, "min": str(q.minimum), "max": str(q.maximum)}
        for q in quotas
    ]
    features, _, _ = read_in_features(["feature", "value", "min", "max"], rows)
    return features


def _library_people(
    people: Sequence[Person],
    quotas: Sequence[Quota],
    features: FeatureCollection,
    settings: Settings,
) -> object:
    names = feature_names(quotas)
    rows = [
        {"id": person.id, **{name: person.features[name] for name in names}} for person in people
    ]
    pool, _ = read_in_people(["id", *names], rows, features, settings)
    return pool


def _relaxations(quotas: Sequence[Quota], relaxed: FeatureCollection) -> list[str]:
    lines = []
    for quota in quotas:
        now = relaxed[quota.feature][quota.value]
        if now.min != quota.minimum or now.max != quota.maximum:
            lines.append(
                str(
                    _l(
                        "« %(feature)s » = « %(value)s » : entre %(min)d et %(max)d au lieu de "
                        "%(old_min)d à %(old_max)d.",
                        feature=quota.feature,
                        value=quota.value,
                        min=now.min,
                        max=now.max,
                        old_min=quota.minimum,
                        old_max=quota.maximum,
                    )
                )
            )
    return lines


def check(quotas: Sequence[Quota], people: Sequence[Person], size: int) -> None:
    """Refuse, in plain words, a draw that no panel can satisfy; quick (no lottery is run)."""
    found = problems(quotas, people, size)
    if found:
        raise DrawRefused(found)
    features = _library_features(quotas)
    pool = _library_people(people, quotas, features, _settings("maximin", 0))
    try:
        find_any_committee(features, pool, size, [])  # type: ignore[arg-type]
    except InfeasibleQuotasError as error:
        raise DrawRefused(
            [
                str(
                    _l(
                        "Aucun panel ne peut respecter tous ces quotas à la fois avec ce vivier. "
                        "La bibliothèque de tirage propose de les assouplir ainsi :"
                    )
                ),
                *_relaxations(quotas, error.features),
            ]
        ) from None
    except SortitionBaseError as error:
        raise DrawRefused(
            [str(_l("Aucun panel ne peut respecter ces quotas.")), str(error)]
        ) from None


def _probabilities(report: object) -> dict[str, float]:
    for element in getattr(report, "_data", []):
        if isinstance(element, RunTable) and element.headers[:2] == [
            "Agent ID",
            "Probability of selection",
        ]:
            return {str(row[0]): float(str(row[1]).rstrip("%")) / 100 for row in element.data}
    return {}


def select(
    quotas: Sequence[Quota],
    people: Sequence[Person],
    size: int,
    *,
    seed: int,
    algorithm: str,
    reporter: ProgressReporter | None = None,
) -> tuple[list[str], dict[str, float]]:
    """One run of the library: the ids selected, and each person's probability of selection
    when the algorithm computes it (maximin)."""
    settings = _settings(algorithm, seed)
    features = _library_features(quotas)
    pool = _library_people(people, quotas, features, settings)
    success, panels, report = run_stratification(
        features,
        pool,  # type: ignore[arg-type]
        size,
        settings,
        progress_reporter=reporter,
    )
    if not success or not panels:
        error = report.last_error()
        raise DrawRefused(
            [str(_l("Le tirage a échoué : la bibliothèque de tirage dit :")), str(error or "")]
        )
    return sorted(panels[0]), _probabilities(report)


def reserve_quotas(quotas: Sequence[Quota], size: int, reserve_size: int) -> list[Quota]:
    """The reserve list keeps the panel's proportions at most: no minimum, maxima scaled."""
    return [
        Quota(q.feature, q.value, 0, max(1, math.ceil(q.maximum * reserve_size / size)))
        for q in quotas
    ]


def remaining_quotas(quotas: Sequence[Quota], kept: Sequence[Person], wanted: int) -> list[Quota]:
    """The quotas the people still to draw must meet, given the members who stay."""
    remaining = []
    for q in quotas:
        have = sum(1 for person in kept if person.features.get(q.feature) == q.value)
        remaining.append(
            Quota(
                q.feature, q.value, max(0, q.minimum - have), min(wanted, max(0, q.maximum - have))
            )
        )
    return remaining


def draw(
    quotas: Sequence[Quota],
    people: Sequence[Person],
    size: int,
    *,
    seed: int,
    algorithm: str,
    reserve_size: int = 0,
    reporter: ProgressReporter | None = None,
) -> Outcome:
    """The panel with `seed`, then the reserve list among the others with `seed + 1`."""
    panel, probabilities = select(
        quotas, people, size, seed=seed, algorithm=algorithm, reporter=reporter
    )
    outcome = Outcome(panel=panel, probabilities=probabilities)
    others = [person for person in people if person.id not in set(panel)]
    wanted = min(reserve_size, len(others))
    if wanted:
        outcome.reserve, _ = select(
            reserve_quotas(quotas, size, wanted),
            others,
            wanted,
            seed=seed + 1,
            algorithm="legacy",
            reporter=reporter,
        )
    return outcome


def replacement(
    quotas: Sequence[Quota],
    kept: Sequence[Person],
    candidates: Sequence[Sequence[Person]],
    *,
    seed: int,
    algorithm: str,
) -> str:
    """One person to take a declined member's place, keeping the quotas: from the first group
    of candidates (the reserve list) that can, else from the next (the rest of the pool)."""
    needed = remaining_quotas(quotas, kept, 1)
    failures: list[str] = []
    for group in candidates:
        if not group:
            continue
        try:
            check(needed, group, 1)
        except DrawRefused as refused:
            failures = refused.lines
            continue
        try:
            chosen, _ = select(needed, group, 1, seed=seed, algorithm=algorithm)
        except DrawRefused as refused:  # legacy may miss the one person who fits
            failures = refused.lines
            continue
        return chosen[0]
    raise DrawRefused(
        [
            str(_l("Personne dans le vivier ne peut remplacer ce membre en gardant les quotas.")),
            *failures,
        ]
    )
