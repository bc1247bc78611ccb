"""The draw on plain data, no app and no database: what stops a draw, in plain French, and what
the library gives (a panel meeting every quota, the same for the same seed, a reserve list,
maximin's probabilities, a replacement that keeps the quotas)."""

from collections.abc import Sequence

import pytest

from coalition.panels.draw import (
    DrawRefused,
    Person,
    Quota,
    check,
    draw,
    problems,
    remaining_quotas,
    replacement,
    reserve_quotas,
)

AGES = ("jeune", "moyen", "vieux")
GENDERS = ("f", "h")
# a panel of 10: 3 or 4 of each age, 5 women and 5 men
QUOTAS = [
    Quota("age", "jeune", 3, 4),
    Quota("age", "moyen", 3, 4),
    Quota("age", "vieux", 3, 4),
    Quota("genre", "f", 5, 5),
    Quota("genre", "h", 5, 5),
]


def code(number: int) -> str:
    return f"V{number:04d}"


def balanced_pool(count: int = 60, start: int = 1) -> list[Person]:
    """Every age with as many women as men: 10 of each (age, gender) in a pool of 60."""
    return [
        Person(code(i), {"age": AGES[i % 3], "genre": GENDERS[(i // 3) % 2]})
        for i in range(start, start + count)
    ]


def person(number: int, age: str, genre: str) -> Person:
    return Person(code(number), {"age": age, "genre": genre})


def assert_meets(quotas: Sequence[Quota], people: Sequence[Person]) -> None:
    for quota in quotas:
        have = sum(1 for p in people if p.features.get(quota.feature) == quota.value)
        assert quota.minimum <= have <= quota.maximum, (quota, have)


def chosen(pool: Sequence[Person], ids: Sequence[str]) -> list[Person]:
    by_id = {p.id: p for p in pool}
    return [by_id[i] for i in ids]


# -- what counting can tell -----------------------------------------------------------------


def test_a_fine_pool_has_no_problem_and_passes_the_check() -> None:
    assert problems(QUOTAS, balanced_pool(), 10) == []
    check(QUOTAS, balanced_pool(), 10)  # no DrawRefused


def test_no_quota_at_all_is_said() -> None:
    assert problems([], balanced_pool(), 10) == [
        "Aucun quota n'est défini : écrivez au moins une caractéristique."
    ]


def test_a_pool_smaller_than_the_panel_is_refused() -> None:
    pool = balanced_pool(8)
    assert "Le vivier compte 8 volontaires : il en faut au moins 10." in problems(QUOTAS, pool, 10)
    with pytest.raises(DrawRefused) as refused:
        check(QUOTAS, pool, 10)
    assert "Le vivier compte 8 volontaires : il en faut au moins 10." in refused.value.lines


def test_volunteers_without_a_value_are_named_by_their_codes() -> None:
    pool = balanced_pool()
    pool[2] = Person(code(3), {"age": "jeune"})  # no gender
    pool[6] = Person(code(7), {"age": "moyen", "genre": ""})  # an empty value is none
    assert problems(QUOTAS, pool, 10) == [
        "2 volontaires n'ont pas de valeur pour « genre » : V0003, V0007"
    ]


def test_a_long_list_of_codes_is_cut_after_five() -> None:
    pool = [Person(p.id, {"genre": p.features["genre"]}) for p in balanced_pool()]
    assert (
        "60 volontaires n'ont pas de valeur pour « age » : V0001, V0002, V0003, V0004, V0005…"
    ) in problems(QUOTAS, pool, 10)


def test_a_value_without_a_quota_is_named() -> None:
    pool = [*balanced_pool(), person(61, "enfant", "f")]
    assert problems(QUOTAS, pool, 10) == [
        "1 volontaire a pour « age » une valeur sans quota : V0061"
    ]


def test_minimums_over_the_size_are_refused() -> None:
    quotas = [
        Quota("age", "jeune", 4, 4),
        Quota("age", "moyen", 4, 4),
        Quota("age", "vieux", 4, 4),
        *QUOTAS[3:],
    ]
    assert problems(quotas, balanced_pool(), 10) == [
        "Les minimums de « age » font 12 personnes : plus que les 10 du panel."
    ]


def test_maximums_under_the_size_are_refused() -> None:
    quotas = [*QUOTAS[:3], Quota("genre", "f", 0, 4), Quota("genre", "h", 0, 4)]
    assert problems(quotas, balanced_pool(), 10) == [
        "Les maximums de « genre » ne font que 8 personnes : moins que les 10 du panel."
    ]


def test_too_few_volunteers_of_a_value_are_refused() -> None:
    pool = [p for p in balanced_pool() if p.features["age"] != "vieux"]
    pool += [person(61, "vieux", "f"), person(62, "vieux", "h")]
    assert problems(QUOTAS, pool, 10) == [
        "Le vivier ne compte que 2 volontaires « vieux » pour « age » : il en faut au moins 3."
    ]


def test_every_problem_is_said_at_once() -> None:
    pool = [*balanced_pool(5), Person(code(6), {"age": "jeune"})]
    found = problems(QUOTAS, pool, 10)
    assert found[0] == "Le vivier compte 6 volontaires : il en faut au moins 10."
    assert "1 volontaire n'a pas de valeur pour « genre » : V0006" in found
    assert len(found) > 2  # and each value short of its minimum


# -- what only the library can tell ---------------------------------------------------------


def test_quotas_no_panel_meets_at_once_get_the_librarys_relaxation() -> None:
    # every man is young and at most 4 young people may sit: 5 men cannot
    quotas = [
        Quota("age", "jeune", 0, 4),
        Quota("age", "vieux", 0, 10),
        Quota("genre", "f", 5, 5),
        Quota("genre", "h", 5, 5),
    ]
    pool = [person(i, "jeune", "h") for i in range(1, 7)]
    pool += [person(i, "vieux", "f") for i in range(7, 13)]
    assert problems(quotas, pool, 10) == []  # counting alone sees nothing wrong
    with pytest.raises(DrawRefused) as refused:
        check(quotas, pool, 10)
    assert refused.value.lines == [
        "Aucun panel ne peut respecter tous ces quotas à la fois avec ce vivier. "
        "La bibliothèque de tirage propose de les assouplir ainsi :",
        "« age » = « jeune » : entre 0 et 5 au lieu de 0 à 4.",
    ]


# -- the draw -------------------------------------------------------------------------------


def test_a_legacy_draw_meets_every_quota_and_the_seed_decides_it() -> None:
    pool = balanced_pool()
    outcome = draw(QUOTAS, pool, 10, seed=42, algorithm="legacy")
    assert len(set(outcome.panel)) == 10
    assert set(outcome.panel) <= {p.id for p in pool}
    assert_meets(QUOTAS, chosen(pool, outcome.panel))
    assert outcome.reserve == [] and outcome.probabilities == {}

    again = draw(QUOTAS, pool, 10, seed=42, algorithm="legacy")
    other = draw(QUOTAS, pool, 10, seed=43, algorithm="legacy")
    assert again.panel == outcome.panel
    assert other.panel != outcome.panel
    assert_meets(QUOTAS, chosen(pool, other.panel))


def test_the_reserve_list_has_the_size_asked_and_nobody_of_the_panel() -> None:
    pool = balanced_pool()
    outcome = draw(QUOTAS, pool, 10, seed=7, algorithm="legacy", reserve_size=4)
    assert len(set(outcome.reserve)) == 4
    assert not set(outcome.reserve) & set(outcome.panel)
    assert set(outcome.reserve) <= {p.id for p in pool}
    # the reserve keeps the panel's proportions at most: 2 of each value out of 4
    assert_meets(reserve_quotas(QUOTAS, 10, 4), chosen(pool, outcome.reserve))
    again = draw(QUOTAS, pool, 10, seed=7, algorithm="legacy", reserve_size=4)
    assert again.reserve == outcome.reserve


def test_the_reserve_is_as_large_as_the_others_allow() -> None:
    pool = balanced_pool(12)
    quotas = [
        Quota("age", "jeune", 0, 10),
        Quota("age", "moyen", 0, 10),
        Quota("age", "vieux", 0, 10),
        Quota("genre", "f", 0, 10),
        Quota("genre", "h", 0, 10),
    ]
    outcome = draw(quotas, pool, 10, seed=3, algorithm="legacy", reserve_size=5)
    assert len(outcome.reserve) == 2
    assert set(outcome.reserve) | set(outcome.panel) == {p.id for p in pool}


def test_reserve_quotas_have_no_minimum_and_scaled_maximums() -> None:
    assert reserve_quotas(QUOTAS, 10, 4) == [
        Quota("age", "jeune", 0, 2),
        Quota("age", "moyen", 0, 2),
        Quota("age", "vieux", 0, 2),
        Quota("genre", "f", 0, 2),
        Quota("genre", "h", 0, 2),
    ]


def test_maximin_gives_everyone_a_probability_summing_to_the_size() -> None:
    pool = balanced_pool()
    outcome = draw(QUOTAS, pool, 10, seed=11, algorithm="maximin")
    assert len(set(outcome.panel)) == 10
    assert_meets(QUOTAS, chosen(pool, outcome.panel))
    assert set(outcome.probabilities) == {p.id for p in pool}
    assert all(0 <= value <= 1 for value in outcome.probabilities.values())
    assert sum(outcome.probabilities.values()) == pytest.approx(10, abs=0.01)
    # a balanced pool: everyone has the same chance, 10 in 60
    assert min(outcome.probabilities.values()) == pytest.approx(1 / 6, abs=0.01)


# -- a replacement --------------------------------------------------------------------------


def _panel_without_a_young_woman() -> tuple[list[Person], list[Person]]:
    """A panel of 10 meeting the quotas (4 young, 3, 3; 5 women, 5 men) and the 9 who stay
    when its one young woman declines (she was the 4th young person)."""
    panel = [
        person(1, "jeune", "f"),
        person(2, "jeune", "h"),
        person(3, "jeune", "h"),
        person(4, "jeune", "h"),
        person(5, "moyen", "f"),
        person(6, "moyen", "f"),
        person(7, "moyen", "h"),
        person(8, "vieux", "f"),
        person(9, "vieux", "f"),
        person(10, "vieux", "h"),
    ]
    assert_meets(QUOTAS, panel)
    return panel, panel[1:]


def test_the_remaining_quotas_count_the_members_who_stay() -> None:
    _, kept = _panel_without_a_young_woman()
    assert remaining_quotas(QUOTAS, kept, 1) == [
        Quota("age", "jeune", 0, 1),
        Quota("age", "moyen", 0, 1),
        Quota("age", "vieux", 0, 1),
        Quota("genre", "f", 1, 1),
        Quota("genre", "h", 0, 0),
    ]
    # never below zero, never more than the people still to draw
    assert remaining_quotas([Quota("genre", "h", 1, 3)], kept, 1) == [Quota("genre", "h", 0, 0)]
    assert remaining_quotas([Quota("genre", "f", 0, 9)], [], 2) == [Quota("genre", "f", 0, 2)]


@pytest.mark.parametrize("seed", [5, 6])
def test_a_replacement_comes_from_the_reserve_first_and_keeps_the_quotas(seed: int) -> None:
    _, kept = _panel_without_a_young_woman()
    reserve = [person(20, "moyen", "h"), person(21, "vieux", "f"), person(22, "jeune", "h")]
    rest = balanced_pool(30, start=30)  # many women who would fit too
    picked = replacement(QUOTAS, kept, [reserve, rest], seed=seed, algorithm="maximin")
    assert picked == "V0021"  # the only woman of the reserve
    assert_meets(QUOTAS, [*kept, person(21, "vieux", "f")])


def test_a_legacy_replacement_that_misses_the_reserve_still_keeps_the_quotas() -> None:
    """sortition-algorithms 0.12.15's legacy selection fails when it must take the last
    candidate of a value still under its minimum (select_person calls remove_remaining before
    add_selected): the replacement then comes from the rest of the pool, within the quotas.
    The app draws replacements with maximin, which takes V0021 (the test above)."""
    _, kept = _panel_without_a_young_woman()
    reserve = [person(20, "moyen", "h"), person(21, "vieux", "f")]
    rest = balanced_pool(30, start=30)
    picked = replacement(QUOTAS, kept, [reserve, rest], seed=5, algorithm="legacy")
    newcomers = chosen([*reserve, *rest], [picked])
    assert_meets(QUOTAS, [*kept, *newcomers])


def test_a_replacement_comes_from_the_pool_when_nobody_in_the_reserve_fits() -> None:
    _, kept = _panel_without_a_young_woman()
    reserve = [person(20, "moyen", "h"), person(22, "jeune", "h")]
    rest = balanced_pool(30, start=30)
    picked = replacement(QUOTAS, kept, [reserve, rest], seed=5, algorithm="legacy")
    [newcomer] = chosen(rest, [picked])
    assert newcomer.features["genre"] == "f"
    assert_meets(QUOTAS, [*kept, newcomer])
    assert replacement(QUOTAS, kept, [[], rest], seed=5, algorithm="legacy") == picked


def test_no_replacement_when_nobody_keeps_the_quotas() -> None:
    _, kept = _panel_without_a_young_woman()
    men = [person(20, "moyen", "h"), person(22, "jeune", "h")]
    with pytest.raises(DrawRefused) as refused:
        replacement(QUOTAS, kept, [men[:1], men[1:]], seed=5, algorithm="legacy")
    assert refused.value.lines[0] == (
        "Personne dans le vivier ne peut remplacer ce membre en gardant les quotas."
    )
    assert len(refused.value.lines) > 1  # and why, for the last group tried
