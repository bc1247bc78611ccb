"""The in-memory index on its own: plain rows in, pages and counts out, no database."""

from coalition.resources.index import IndexedResource, ResourceIndex, SearchQuery
from coalition.resources.text import QueryTerms, query_terms, stem, stems


def resource(
    rid: int, text: str, *, axis_id: int | None = None, family: str | None = None
) -> IndexedResource:
    return IndexedResource(rid, "guide", axis_id, "fr", family, text)


def test_stems_and_function_words() -> None:
    assert stem("chartes") == stem("charte") == "chart"
    assert stem("de") == ""
    assert stems(["donnees", "la", "donnees"]) == {"donnees": stem("donnees"), "la": ""}
    assert query_terms("la charte ethi") == QueryTerms(3, ["chart"], "ethi", [])
    assert query_terms("charte IA") == QueryTerms(2, ["chart", "ia"], None, [])  # too short
    assert query_terms("de") == QueryTerms(1, [], None, [])
    assert query_terms("") == QueryTerms(0, [], None, [])


def test_phrases_between_double_quotes() -> None:
    feuille, route = stem("feuille"), stem("route")
    assert query_terms('"feuille de route" num') == QueryTerms(
        4, [feuille, route], "num", [[(0, feuille), (2, route)]]
    )
    assert query_terms("« feuille de route » num") == query_terms('"feuille de route" num')
    assert query_terms("“feuille de route”").phrases == [[(0, feuille), (2, route)]]
    assert query_terms('charte "feuille route"').prefix is None  # it ends with a phrase
    assert query_terms('"charte"').phrases == []  # one word: a word
    assert query_terms('charte "ethique') == query_terms("charte ethique")  # unmatched quote
    index = ResourceIndex(
        [
            resource(1, "la feuille de route commune"),
            resource(2, "une feuille pour la route"),
            resource(3, "route et feuille"),
            resource(4, "feuille la route"),  # function words keep a place, any of them
        ],
        [],
        [],
    )
    assert set(index.search(SearchQuery(text='"feuille de route"')).ids) == {1, 4}
    assert set(index.search(SearchQuery(text="feuille route")).ids) == {1, 2, 3, 4}
    assert index.search(SearchQuery(text='"route feuille"', sort="date")).ids == []
    assert index.search(SearchQuery(text='"route et feuille" "commune"')).total == 0


def test_an_empty_index() -> None:
    index = ResourceIndex([], [(1, 2)], [(1, "x")])
    result = index.search(SearchQuery(text="charte", kind="guide", lever_id=2, tag="x"))
    assert (result.ids, result.total) == ([], 0)
    assert result.facets == {name: {} for name in ("kind", "axis", "lever", "language", "family")}


def test_bm25_prefers_frequent_words_in_short_texts_and_rare_words() -> None:
    index = ResourceIndex(
        [
            resource(1, "un long rapport sur bien des sujets dont la sobriete du numerique"),
            resource(2, "sobriete sobriete"),
            resource(3, "sobriete numerique"),
            resource(4, "numerique"),
            resource(5, "numerique ouvert"),
        ],
        [],
        [],
    )
    assert index.search(SearchQuery(text="sobriete")).ids == [2, 3, 1]
    # "sobriete" is in three texts out of five, "numerique" in four: the rarer word counts more
    assert index.search(SearchQuery(text="numerique")).ids[:1] == [4]
    assert index.search(SearchQuery(text="numerique sobriete")).ids == [3, 1]


def test_ties_keep_the_date_order_given() -> None:
    rows = [resource(rid, "charte") for rid in (7, 3, 9, 1)]  # newest first
    index = ResourceIndex(rows, [], [])
    assert index.search(SearchQuery(text="charte")).ids == [7, 3, 9, 1]
    assert index.search(SearchQuery()).ids == [7, 3, 9, 1]


def test_a_prefix_reaches_every_word_it_begins() -> None:
    index = ResourceIndex(
        [resource(1, "consultation citoyenne"), resource(2, "conseil"), resource(3, "cinema")],
        [],
        [],
    )
    assert set(index.search(SearchQuery(text="cons")).ids) == {1, 2}
    assert index.search(SearchQuery(text="citoyen consult")).ids == [1]
    assert index.search(SearchQuery(text="zzz")).total == 0


def test_links_to_unknown_resources_are_ignored() -> None:
    index = ResourceIndex(
        [resource(10, "a", axis_id=4), resource(20, "b", family="use")],
        [(10, 1), (20, 1), (99, 1), (99, 2)],
        [(20, "outil"), (99, "outil")],
    )
    facets = index.search(SearchQuery()).facets
    assert facets["lever"] == {"1": 2}
    assert facets["axis"] == {"4": 1}
    assert facets["family"] == {"use": 1}
    assert index.search(SearchQuery(tag="outil")).ids == [20]
    assert index.search(SearchQuery(lever_id=2)).total == 0
