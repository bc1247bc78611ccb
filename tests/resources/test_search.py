"""Resource search: what is found, filters and facets, order and pages; nothing typed breaks it."""

import random
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from coalition.actors.models import Family
from coalition.resources.models import Resource, ResourceKind, ResourceStatus
from coalition.resources.search import (
    FACETS,
    MAX_PER_PAGE,
    SearchQuery,
    SearchResult,
    search_resources,
)
from coalition.resources.text import (
    MAX_QUERY_CHARS,
    MAX_WORDS,
    QueryTerms,
    normalise,
    query_terms,
    query_words,
    search_stems,
    search_text,
    stem,
    stems,
)
from tests import factories as f
from tests.resources.space import Space, add_resource

STATEMENTS_PER_SEARCH = 1  # the total, the facets and the page in one statement
STATEMENTS_PER_BUILD = STATEMENTS_PER_SEARCH  # no index to build: the first search is the same


@pytest.fixture
def space(db: Session) -> Space:
    return Space(db)


# --- the text the index reads, and what is left of a search -------------------------------------


def test_search_text_folds_accents_case_and_punctuation() -> None:
    assert search_text("Charté **Éthique**", "[Œuvre](https://x.org) — l'IA", ["Ça va", "ß"]) == (
        "charte ethique œuvre https x org l ia ca va ss"
    )
    assert normalise("ＦＵＬＬ ｗｉｄｔｈ ﬁn ½") == "full width fin 1 2"
    assert normalise("İstanbul ΣΊΣΥΦΟΣ") == "istanbul σισυφοσ"


@given(st.text(max_size=300))
def test_normalise_is_idempotent_and_keeps_only_words(text: str) -> None:
    folded = normalise(text)
    assert normalise(folded) == folded
    assert all(word.isalnum() for word in folded.split())
    assert "  " not in folded and folded == folded.strip()


def test_query_words_drop_syntax_and_are_capped() -> None:
    assert query_words('"charte" AND (éthique OR NEAR(a b)) NOT x*') == [
        "charte",
        "ethique",
        "a",
        "b",
        "x",
    ]
    assert query_words("or not near") == ["or", "not", "near"]  # French words, not operators
    assert query_words("   ") == []
    assert len(query_words("mot " * 100)) == MAX_WORDS
    assert len(" ".join(query_words("a" * 10_000))) == MAX_QUERY_CHARS


# --- what is found -------------------------------------------------------------------------------


def test_accent_insensitive(space: Space) -> None:
    assert space.ids("charte") == {space.charter.id}
    assert space.ids("CHARTÉ") == {space.charter.id}
    assert space.ids("éthique") == {space.charter.id, space.tool.id}  # "ethique" in the tool


def test_prefix_of_the_last_word(space: Space) -> None:
    assert space.ids("transpa") == {space.study.id}
    assert space.ids("algorithmes pub") == {space.study.id}
    assert space.ids("pub algorithmes") == set()  # only the last word is a prefix


def test_every_word_is_required(space: Space) -> None:
    assert space.ids("charte gouvernance") == {space.charter.id}
    assert space.ids("charte numerique") == set()


def test_tags_are_searched(space: Space) -> None:
    assert space.ids("sobriete") == {space.guide.id}
    assert space.ids("gouvernance") == {space.charter.id, space.tool.id}


def test_french_stemming(space: Space) -> None:
    assert space.ids("chartes") == {space.charter.id}
    assert space.ids("pratiques") == {space.guide.id}
    assert space.ids("algorithme") == {space.charter.id, space.study.id}
    assert space.ids("guides pratiques numeriques") == {space.guide.id}


def test_function_words_are_not_searched(space: Space) -> None:
    assert space.ids("la charte de l'IA") == {space.charter.id}
    assert space.ids("le la les") == set()  # nothing left to look for


def test_a_short_last_word_is_a_whole_word(db: Session) -> None:
    coalition = f.coalition(db)
    ia = add_resource(db, coalition, "L'IA au service du public")
    add_resource(db, coalition, "Iambes et poésie")
    assert [search_resources(db, coalition.id, SearchQuery(text="IA")).ids] == [[ia.id]]
    assert search_resources(db, coalition.id, SearchQuery(text="iam")).total == 1


def test_relevance_puts_the_best_match_first(db: Session) -> None:
    coalition = f.coalition(db)
    weak = add_resource(
        db, coalition, "Rapport annuel", summary="Des sujets variés, dont la sobriété du numérique."
    )
    strong = add_resource(db, coalition, "Sobriété, sobriété, sobriété", days=-10)
    result = search_resources(db, coalition.id, SearchQuery(text="sobriete"))
    assert result.ids == [strong.id, weak.id]
    by_date = search_resources(db, coalition.id, SearchQuery(text="sobriete", sort="date"))
    assert by_date.ids == [weak.id, strong.id]


def test_only_published_resources_of_the_coalition(space: Space) -> None:
    found = space.search("charte ethique")
    assert found.ids == [space.charter.id]
    everything = space.search()
    assert set(everything.ids) == {r.id for r in space.published}
    assert everything.total == 4
    for hidden in (space.submitted, space.rejected, space.elsewhere):
        assert hidden.id not in space.ids("charte")
        assert hidden.id not in everything.ids
    other = search_resources(space.db, space.other.id, SearchQuery(text="charte"))
    assert other.ids == [space.elsewhere.id]


def test_an_edited_resource_is_found_by_its_new_words_only(space: Space) -> None:
    space.guide.title = "Manuel de frugalité"
    space.guide.search_text = search_text(space.guide.title, space.guide.summary, [])
    space.db.flush()
    assert space.ids("frugalite") == {space.guide.id}
    assert space.ids("pratique") == set()
    space.db.delete(space.study)
    space.db.flush()
    assert space.ids("transparence") == set()


# --- filters and facets --------------------------------------------------------------------------


def test_facets_without_filters(space: Space) -> None:
    assert space.search().facets == {
        "kind": {"charter": 1, "guide": 1, "study": 1, "tool": 1},
        "axis": {str(space.axis1.id): 2, str(space.axis2.id): 1},
        "lever": {str(space.lever1.id): 2, str(space.lever2.id): 2},
        "language": {"fr": 3, "en": 1},
        "family": {"research": 2, "use": 1},
    }


def test_filters_and_facets_count_with_every_other_filter(space: Space) -> None:
    result = space.search(lever_id=space.lever2.id)
    assert set(result.ids) == {space.charter.id, space.study.id}
    assert result.total == 2
    assert result.facets == {
        "kind": {"charter": 1, "study": 1},
        "axis": {str(space.axis1.id): 2},
        # its own filter left out: the levers one could pick instead
        "lever": {str(space.lever1.id): 2, str(space.lever2.id): 2},
        "language": {"en": 1, "fr": 1},
        "family": {"research": 2},
    }
    result = space.search("algorithmes", kind="charter")
    assert result.ids == [space.charter.id]
    assert result.facets["kind"] == {"charter": 1, "study": 1}
    assert result.facets["language"] == {"fr": 1}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"kind": "study"}, {"study"}),
        ({"kind": "unknown"}, set()),
        ({"language": "en"}, {"study"}),
        ({"family": "research"}, {"charter", "study"}),
        ({"family": "use", "kind": "guide"}, {"guide"}),
        ({"family": "nobody"}, set()),
        ({"tag": "sobriété numérique"}, {"guide"}),
        ({"tag": "absent"}, set()),
        ({"axis_id": 10**30}, set()),
        ({"lever_id": -1}, set()),
        (
            {"kind": "", "language": "", "family": "", "tag": ""},
            {"charter", "guide", "study", "tool"},
        ),
    ],
)
def test_filters(space: Space, fields: dict[str, Any], expected: set[str]) -> None:
    names = {r.id: r.kind.value for r in space.published}
    result = space.search(**fields)
    assert {names[i] for i in result.ids} == expected
    assert result.total == len(expected)


def test_axis_filter(space: Space) -> None:
    assert space.ids(axis_id=space.axis1.id) == {space.charter.id, space.study.id}
    assert space.ids("guide", axis_id=space.axis1.id) == set()


def test_facets_and_pages_agree_with_a_count_by_hand(db: Session) -> None:
    """Every combination of text and filters, against the text-only answer filtered in Python:
    the same page, total and facets (each facet counted with every filter but its own)."""
    rng = random.Random(2026)
    coalition = f.coalition(db)
    axes = [f.axis(db, coalition) for _ in range(3)]
    levers = [f.lever(db, coalition) for _ in range(3)]
    actors = [f.actor(db, coalition, family=family) for family in (*Family, Family.use)]
    words = ["charte", "guide", "numerique", "sobriete", "ethique", "donnees"]
    resources = [
        add_resource(
            db,
            coalition,
            " ".join(rng.choices(words, k=rng.randint(1, 4))),
            tags=rng.sample(["outil libre", "achat public"], rng.randint(0, 1)),
            kind=rng.choice([ResourceKind.guide, ResourceKind.study, ResourceKind.tool]),
            status=rng.choice([ResourceStatus.published] * 5 + [ResourceStatus.submitted]),
            days=rng.randint(0, 9),  # many ties on the date: the id decides
            axis=rng.choice([*axes, None]),
            levers=rng.sample(levers, rng.randint(0, 2)),
            actor=rng.choice([*actors, None]),
            language=rng.choice(["fr", "fr", "en"]),
            flush=False,
        )
        for _ in range(60)
    ]
    db.flush()
    published = {r.id: r for r in resources if r.status == ResourceStatus.published}
    family = {actor.id: actor.family.value for actor in actors}
    values = {
        "kind": lambda r: [r.kind.value],
        "axis": lambda r: [str(r.axis_id)] if r.axis_id else [],
        "lever": lambda r: [str(lever.id) for lever in r.levers],
        "language": lambda r: [r.language],
        "family": lambda r: [family[r.contributed_by_id]] if r.contributed_by_id else [],
    }
    for _ in range(60):
        query = SearchQuery(
            text=rng.choice(["", "", "charte", "sobriete ethique", "donn", "gui", "absent"]),
            kind=rng.choice([None, "guide", "study"]),
            axis_id=rng.choice([None, None, axes[0].id, axes[1].id]),
            lever_id=rng.choice([None, None, levers[0].id, levers[2].id]),
            language=rng.choice([None, None, "en"]),
            family=rng.choice([None, None, "research", "use"]),
            tag=rng.choice([None, None, "outil libre"]),
            sort=rng.choice(["relevance", "date"]),
            page=rng.choice([1, 2]),
            per_page=7,
        )
        everything = SearchQuery(text=query.text, sort=query.sort, per_page=MAX_PER_PAGE)
        in_order = [published[i] for i in search_resources(db, coalition.id, everything).ids]
        tagged = [r for r in in_order if not query.tag or query.tag in {t.name for t in r.tags}]
        wanted = {
            "kind": query.kind,
            "axis": query.axis_id and str(query.axis_id),
            "lever": query.lever_id and str(query.lever_id),
            "language": query.language,
            "family": query.family,
        }

        def passes(resource: Resource, filters: dict[str, str | None]) -> bool:
            return all(value in (None, *values[name](resource)) for name, value in filters.items())

        found = [r.id for r in tagged if passes(r, wanted)]
        expected_facets = {}
        for name in FACETS:
            others = {other: value for other, value in wanted.items() if other != name}
            kept = [r for r in tagged if passes(r, others)]
            expected_facets[name] = Counter(value for r in kept for value in values[name](r))
        result = search_resources(db, coalition.id, query)
        assert result.ids == found[(query.page - 1) * 7 : query.page * 7], query
        assert result.total == len(found), query
        assert result.facets == expected_facets, query


# --- order and pages -----------------------------------------------------------------------------


def test_sort_by_date_newest_first(space: Space) -> None:
    expected = [space.study.id, space.guide.id, space.charter.id, space.tool.id]
    assert space.search(sort="date").ids == expected
    assert space.search(sort="relevance").ids == expected  # no text: newest first
    assert space.search(sort="nonsense").ids == expected


def test_pagination(db: Session) -> None:
    coalition = f.coalition(db)
    for day in range(MAX_PER_PAGE + 5):
        add_resource(db, coalition, f"Fiche {day}", summary="fiche pratique", days=day, flush=False)
    db.flush()

    def page(**fields: Any) -> SearchResult:
        return search_resources(db, coalition.id, SearchQuery(text="fiche", **fields))

    pages = [page(page=n, per_page=40).ids for n in (1, 2, 3, 4)]
    assert [len(ids) for ids in pages] == [40, 40, 25, 0]
    everything = [i for ids in pages for i in ids]
    assert len(set(everything)) == MAX_PER_PAGE + 5
    assert page(page=0, per_page=40).ids == pages[0]
    assert page(page=-3, per_page=40).ids == pages[0]
    assert len(page(per_page=1000).ids) == MAX_PER_PAGE
    assert len(page(per_page=0).ids) == 1
    assert page(page=10**12).ids == []
    assert page(page=2, per_page=40).total == MAX_PER_PAGE + 5


@pytest.mark.parametrize("size", [10, 300])
def test_a_fixed_number_of_statements(db: Session, count_queries: Any, size: int) -> None:
    coalition = f.coalition(db)
    lever = f.lever(db, coalition)
    actor = f.actor(db, coalition, family=Family.supply)
    for n in range(size):
        add_resource(
            db,
            coalition,
            f"Guide de la commande publique {n}",
            summary="achats responsables",
            tags=[f"tag{n % 7}"],
            kind=ResourceKind.guide if n % 2 else ResourceKind.tool,
            levers=[lever],
            actor=actor,
            days=n,
            flush=False,
        )
    db.flush()
    with count_queries() as counter:
        search_resources(db, coalition.id, SearchQuery())
    assert counter.count == STATEMENTS_PER_BUILD, counter.statements
    for query in [
        SearchQuery(),
        SearchQuery(text="commande publ", per_page=100),
        SearchQuery(text="achats", kind="guide", lever_id=lever.id, family="supply", tag="tag1"),
        SearchQuery(sort="date", page=3, per_page=5, language="fr"),
    ]:
        with count_queries() as counter:
            result = search_resources(db, coalition.id, query)
        assert counter.count == STATEMENTS_PER_SEARCH, counter.statements
        assert result.total > 0


# --- nothing the user types breaks it ------------------------------------------------------------

NASTY = [
    '"',
    '""',
    "*",
    "NEAR(a b)",
    "a AND",
    "AND",
    "OR OR",
    "NOT",
    "((",
    ")",
    "'",
    "''; DROP TABLE resources; --",
    "-",
    "-charte",
    "^",
    "^charte",
    ":",
    "charte:*",
    "a & b | !c <-> d",
    "{charte ethique}",
    "col:charte",
    "\\",
    "%_",
    "x" * 10_000,
    "charte " * 2_000,
    "🙂 🤖 charte 🙂",
    "מסמך אתיקה",
    "وثيقة أخلاقيات",
    "\u202echarte\u202c",
    "chart\x00e",
    "\x00",
    "\ud800",
    "\u0301\u0301",
    "le la les",
    "ǅ ﬀ ℌ ⅷ",
    "١٢٣",
]


@pytest.mark.parametrize("text", NASTY)
def test_nasty_input_never_raises(space: Space, text: str) -> None:
    for sort in ("relevance", "date"):
        result = space.search(text, sort=sort)
        assert result.total >= len(result.ids)
        assert set(result.ids) <= {r.id for r in space.published}


def test_syntax_is_only_words(space: Space) -> None:
    assert space.ids("-charte") == {space.charter.id}
    assert space.ids('"charte" AND') == {space.charter.id}
    assert space.ids("NEAR(charte gouvernance)") == {space.charter.id}
    assert space.ids("🙂 charte 🙂") == {space.charter.id}


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=300))
def test_any_text_returns_a_result(space: Space, text: str) -> None:
    result = space.search(text)
    assert result.total == len(result.ids) <= len(space.published)
    assert set(result.ids) <= {r.id for r in space.published}


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(alphabet='"«»“”„ -*()charteéthiquegouvernancelaIA', max_size=60))
def test_quotes_anywhere_only_narrow_the_search(space: Space, text: str) -> None:
    result = space.search(text)
    assert result.total == len(result.ids) <= len(space.published)
    unquoted = text.translate(dict.fromkeys(map(ord, '"«»“”„'), " "))
    assert set(result.ids) <= set(space.search(unquoted).ids)


# --- words, stems and phrases, in the database's engine ------------------------------------------


def test_stems_and_function_words() -> None:
    assert stem("chartes") == stem("charte") == "chart"
    assert stem("de") == ""
    assert stems(["donnees", "la", "donnees"]) == {"donnees": stem("donnees"), "la": ""}
    assert search_stems("la feuille de route") == f"_ {stem('feuille')} _ {stem('route')}"
    assert query_terms("la charte ethi") == QueryTerms(3, ["chart"], "ethi", [])
    assert query_terms("charte IA") == QueryTerms(2, ["chart", "ia"], None, [])  # too short
    assert query_terms("de") == QueryTerms(1, [], None, [])
    assert query_terms("") == QueryTerms(0, [], None, [])


def test_the_stems_follow_the_text(db: Session) -> None:
    resource = add_resource(db, f.coalition(db), "Chartes éthiques")
    assert resource.search_stems == "chart ethiqu"
    resource.search_text = search_text("Guide de la sobriété", "", [])
    db.flush()
    assert resource.search_stems == search_stems("guide de la sobriete")


def test_phrases_between_double_quotes(db: Session) -> None:
    feuille, route = stem("feuille"), stem("route")
    assert query_terms('"feuille de route" num') == QueryTerms(
        4, [feuille, route], "num", [[(0, feuille), (2, route)]]
    )
    assert query_terms("« feuille de route » num") == query_terms('"feuille de route" num')
    assert query_terms("“feuille de route”").phrases == [[(0, feuille), (2, route)]]
    assert query_terms('charte "feuille route"').prefix is None  # it ends with a phrase
    assert query_terms('"charte"').phrases == []  # one word: a word
    assert query_terms('charte "ethique') == query_terms("charte ethique")  # unmatched quote
    coalition = f.coalition(db)
    ids = [
        add_resource(db, coalition, title).id
        for title in (
            "La feuille de route commune",
            "Une feuille pour la route",
            "Route et feuille",
            "Feuille la route",  # function words keep a place, any of them
        )
    ]

    def found(text: str, **fields: Any) -> list[int]:
        return search_resources(db, coalition.id, SearchQuery(text=text, **fields)).ids

    assert set(found('"feuille de route"')) == {ids[0], ids[3]}
    assert set(found("feuille route")) == set(ids)
    assert found('"route feuille"', sort="date") == []
    assert found('"route et feuille" "commune"') == []
    assert found('"route et feuille"') == [ids[2]]


def test_rare_words_and_short_texts_rank_first(db: Session) -> None:
    coalition = f.coalition(db)
    long, twice, both, numerique, _ = (
        add_resource(db, coalition, title, days=-n).id
        for n, title in enumerate(
            [
                "Un long rapport sur bien des sujets dont la sobriété du numérique",
                "Sobriété sobriété",
                "Sobriété numérique",
                "Numérique",
                "Numérique ouvert",
            ]
        )
    )

    def ranked(text: str) -> list[int]:
        return search_resources(db, coalition.id, SearchQuery(text=text)).ids

    assert ranked("sobriete") == [twice, both, long]
    assert ranked("numerique sobriete") == [both, long]
    assert ranked("numerique")[:1] == [numerique]


def test_ties_are_newest_first_then_the_highest_id(db: Session) -> None:
    coalition = f.coalition(db)
    same_day = [add_resource(db, coalition, "Charte", days=1).id for _ in range(3)]
    older = add_resource(db, coalition, "Charte", days=0).id
    expected = [*sorted(same_day, reverse=True), older]
    assert search_resources(db, coalition.id, SearchQuery(text="charte")).ids == expected
    assert search_resources(db, coalition.id, SearchQuery()).ids == expected


def test_a_prefix_reaches_every_word_it_begins(db: Session) -> None:
    coalition = f.coalition(db)
    consultation, conseil, _ = (
        add_resource(db, coalition, title).id
        for title in ("Consultation citoyenne", "Conseil", "Cinéma")
    )

    def found(text: str) -> set[int]:
        return set(search_resources(db, coalition.id, SearchQuery(text=text)).ids)

    assert found("cons") == {consultation, conseil}
    assert found("citoyen consult") == {consultation}
    assert found("zzz") == set()


def test_an_empty_space(db: Session) -> None:
    coalition = f.coalition(db)
    query = SearchQuery(text="charte", kind="guide", lever_id=2, tag="x")
    result = search_resources(db, coalition.id, query)
    assert (result.ids, result.total) == ([], 0)
    assert result.facets == {name: {} for name in FACETS}
