"""The search index of a coalition's published resources, held in memory as numpy arrays.

Built from plain rows (no database, no Flask): the resources in date order (newest first),
their lever links and their tags. Text is read as `coalition.resources.text` says, ranked by
BM25 (k1 = 1.2, b = 0.75, as SQLite's FTS5 and Lucene) over the stems; each posting's score is
computed once, when the index is built, so a search only sums slices of arrays: every word's
postings are one slice, a prefix's too (the vocabulary is sorted). Phrases read the positions of
their stems, kept in the same order.

A search applies the filters as masks over the resources and counts each facet with every
filter but its own, so that it lists the alternatives.
"""

import bisect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from coalition.resources.text import QueryTerms, query_terms, stems

FACETS = ("kind", "axis", "lever", "language", "family")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000
BM25_K1 = 1.2
BM25_B = 0.75

Mask = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int32]
Int64s = npt.NDArray[np.int64]
_END = "\x00"  # marks the end of a text while texts are split together
_CHUNK = 2_000


@dataclass(frozen=True)
class SearchQuery:
    text: str = ""
    kind: str | None = None  # a ResourceKind value
    axis_id: int | None = None
    lever_id: int | None = None
    language: str | None = None
    family: str | None = None  # family of the contributing actor
    tag: str | None = None  # Tag.name
    sort: str = "relevance"  # "date": newest published first; relevance needs text
    page: int = 1
    per_page: int = 20


@dataclass(frozen=True)
class SearchResult:
    ids: list[int]  # the page, in order
    total: int
    # facet ("kind", "axis", "lever", "language", "family") -> value as str -> count; each facet
    # is counted with every filter applied except its own, so that it lists the alternatives.
    facets: dict[str, dict[str, int]]


class IndexedResource(NamedTuple):
    id: int
    kind: str
    axis_id: int | None
    language: str
    family: str | None  # of the contributing actor
    search_text: str


class _Column:
    """A facet's values as small integer codes, one per resource (-1: none)."""

    def __init__(self, values: Sequence[object]) -> None:
        distinct = [value for value in dict.fromkeys(values) if value is not None]
        code_of: dict[object, int] = {value: code for code, value in enumerate(distinct)}
        code_of[None] = -1
        self.codes: Codes = np.fromiter(map(code_of.__getitem__, values), np.int32, len(values))
        self.values = [str(value) for value in distinct]
        self.code = {value: code for code, value in enumerate(self.values)}

    def mask(self, value: object) -> Mask:
        code = self.code.get(str(value))
        if code is None:
            return np.zeros(len(self.codes), dtype=bool)
        result: Mask = self.codes == code
        return result

    def counts(self, kept: Mask) -> dict[str, int]:
        codes = self.codes[kept]
        found = np.bincount(codes[codes >= 0], minlength=len(self.values))
        return {self.values[code]: int(count) for code, count in enumerate(found) if count}


class _Links:
    """A many-to-many facet (levers, tags): (resource position, value code) pairs."""

    def __init__(self, size: int, positions: npt.NDArray[np.int64], values: list[object]) -> None:
        self.size = size
        self.positions = positions
        self.column = _Column(values)

    def mask(self, value: object) -> Mask:
        result = np.zeros(self.size, dtype=bool)
        result[self.positions[self.column.mask(value)]] = True
        return result

    def counts(self, kept: Mask) -> dict[str, int]:
        return self.column.counts(kept[self.positions])


class ResourceIndex:
    def __init__(
        self,
        resources: Sequence[IndexedResource],
        levers: Sequence[tuple[int, int]],
        tags: Sequence[tuple[int, str]],
    ) -> None:
        """`resources` in the order of a search by date: newest published first, then the
        highest id; `levers`: (resource id, lever id) pairs; `tags`: (resource id, tag name)
        pairs. Links to resources that are not in `resources` are ignored."""
        self.size = len(resources)
        self.ids = np.array([r.id for r in resources], dtype=np.int64)
        self.columns = {
            "kind": _Column([r.kind for r in resources]),
            "axis": _Column([r.axis_id for r in resources]),
            "language": _Column([r.language for r in resources]),
            "family": _Column([r.family for r in resources]),
        }
        self._by_id = np.argsort(self.ids)
        self.levers = self._links(levers)
        self.tags = self._links(tags)
        self._index_text([r.search_text for r in resources])

    def _links(self, pairs: Sequence[tuple[int, object]]) -> _Links:
        linked = np.array([rid for rid, _ in pairs], dtype=np.int64)
        sorted_ids = self.ids[self._by_id]
        found = np.minimum(np.searchsorted(sorted_ids, linked), max(self.size - 1, 0))
        known = sorted_ids[found] == linked if self.size else np.zeros(len(pairs), dtype=bool)
        values = [value for (_, value), keep in zip(pairs, known, strict=True) if keep]
        return _Links(self.size, self._by_id[found[known]], values)

    def _index_text(self, texts: Sequence[str]) -> None:
        """Places (stem, resource, position), then postings (stem, resource) with their BM25
        score, both sorted by stem, then by resource."""
        term, doc, at = self._tokens(texts)
        small = np.uint16 if len(self.terms) <= np.iinfo(np.uint16).max else np.int32
        order = np.argsort(term.astype(small), kind="stable")  # a radix sort; keeps doc order
        term, doc = term[order], doc[order]
        self.place_doc, self.place_at = doc.astype(np.int32), at[order].astype(np.int32)
        self.place_start = np.searchsorted(term, np.arange(len(self.terms) + 1))

        key = term * self.size + doc
        first = np.flatnonzero(np.r_[True, key[1:] != key[:-1]]) if len(key) else key
        frequency = np.diff(np.r_[first, len(key)])
        post_term, self.post_doc = term[first], doc[first].astype(np.int32)
        self.term_start = np.searchsorted(post_term, np.arange(len(self.terms) + 1))
        found_in = np.diff(self.term_start)
        idf = np.log1p((self.size - found_in + 0.5) / (found_in + 0.5))
        length = np.bincount(doc, minlength=self.size).astype(np.float64)
        relative = length[self.post_doc] / max(float(length.mean()) if self.size else 0.0, 1.0)
        saturation = (
            frequency * (BM25_K1 + 1) / (frequency + BM25_K1 * (1 - BM25_B + BM25_B * relative))
        )
        self.post_score = (idf[post_term] * saturation).astype(np.float32)

    def _tokens(self, texts: Sequence[str]) -> tuple[Int64s, Int64s, Int64s]:
        """Every indexed word of the texts as (stem, resource, position in its text), in text
        order; sets the sorted stems and the length of the longest text."""
        first_seen = {_END: 0}  # word -> the number of its first token
        numbers = itertools.count(1)
        chunks = [np.zeros(0, dtype=np.int64)]
        for start in range(0, len(texts), _CHUNK):  # a few long splits, not one per text
            chunk = texts[start : start + _CHUNK]
            words = f" {_END} ".join(text.replace(_END, " ") for text in chunk).split()
            words.append(_END)
            chunks.append(np.fromiter(map(first_seen.setdefault, words, numbers), np.int64))
        number = np.concatenate(chunks)
        stem_of = stems(word for word in first_seen if word != _END)
        self.terms = sorted(set(stem_of.values()) - {""})
        term_of = {term: n for n, term in enumerate(self.terms)}
        word_term = np.full(len(number) + 1, -1, dtype=np.int32)  # by its first token's number
        for word, first in first_seen.items():
            word_term[first] = term_of.get(stem_of.get(word, ""), -1)
        ends = number == 0
        doc = np.cumsum(ends) - ends
        starts = np.r_[0, np.flatnonzero(ends) + 1]
        self.longest = int(np.diff(starts).max()) if self.size else 0
        at = np.arange(len(number)) - starts[doc]
        term = word_term[number].astype(np.int64)
        indexed = term >= 0  # function words and ends are not indexed; words keep their place
        return term[indexed], doc[indexed], at[indexed]

    def array_bytes(self) -> int:
        """The memory the index's arrays take (the vocabulary and codes aside)."""
        arrays = [value for value in vars(self).values() if isinstance(value, np.ndarray)]
        return sum(array.nbytes for array in arrays)

    def search(self, query: SearchQuery) -> SearchResult:
        scope = np.ones(self.size, dtype=bool)
        if query.tag:
            scope &= self.tags.mask(query.tag)
        terms = query_terms(query.text)
        score = None
        if terms.words:
            matches, score = self._text_matches(terms)
            scope &= matches
        filters = self._filters(query)
        facets = {}
        for name in FACETS:
            kept = scope.copy()
            for other, mask in filters.items():
                if other != name:
                    kept &= mask
            facet = self.levers if name == "lever" else self.columns[name]
            facets[name] = dict(sorted(facet.counts(kept).items(), key=_by_count))
        passing = scope
        for mask in filters.values():
            passing = passing & mask
        positions = np.flatnonzero(passing)
        if score is not None and query.sort != "date":
            positions = positions[np.lexsort((positions, -score[positions]))]
        per_page = max(1, min(query.per_page, MAX_PER_PAGE))
        start = (max(1, min(query.page, MAX_PAGE)) - 1) * per_page
        page = positions[start : start + per_page]
        return SearchResult(ids=self.ids[page].tolist(), total=len(positions), facets=facets)

    def _text_matches(self, terms: QueryTerms) -> tuple[Mask, npt.NDArray[np.float64]]:
        """The resources holding every stem (and, for the last word, a stem starting with it)
        and every phrase, with their relevance."""
        nothing = np.zeros(self.size, dtype=bool), np.zeros(self.size)
        spans = []
        for term in terms.required:
            found = self._term(term)
            if found is None:
                return nothing
            spans.append((found, found + 1))
        if terms.prefix is not None:
            first = bisect.bisect_left(self.terms, terms.prefix)
            spans.append((first, bisect.bisect_left(self.terms, terms.prefix + "\U0010ffff")))
        matches = np.full(self.size, bool(spans))
        score = np.zeros(self.size)
        for first, last in spans:
            start, end = self.term_start[first], self.term_start[last]
            docs = self.post_doc[start:end]
            matches &= np.bincount(docs, minlength=self.size) > 0
            score += np.bincount(docs, weights=self.post_score[start:end], minlength=self.size)
        for phrase in terms.phrases:
            matches &= self._holds_phrase(phrase)
        return matches, score

    def _term(self, term: str) -> int | None:
        found = bisect.bisect_left(self.terms, term)
        return found if found < len(self.terms) and self.terms[found] == term else None

    def _holds_phrase(self, phrase: list[tuple[int, str]]) -> Mask:
        """The resources where the phrase's stems follow each other at their distances."""
        widest = phrase[-1][0]
        stride = self.longest + widest + 1
        places = None  # resource * stride + where the phrase would begin, shifted by `widest`
        for distance, term in phrase:
            found = self._term(term)
            assert found is not None  # a phrase's stems are required: all are known here
            start, end = self.place_start[found], self.place_start[found + 1]
            doc, at = self.place_doc[start:end].astype(np.int64), self.place_at[start:end]
            here = doc * stride + at + (widest - distance)
            places = here if places is None else np.intersect1d(places, here, assume_unique=True)
        holds = np.zeros(self.size, dtype=bool)
        if places is not None:
            holds[places // stride] = True
        return holds

    def _filters(self, query: SearchQuery) -> dict[str, Mask]:
        """The query's facet filters as masks; a value the index does not know keeps nothing."""
        values = {
            "kind": query.kind,
            "axis": query.axis_id,
            "lever": query.lever_id,
            "language": query.language,
            "family": query.family,
        }
        return {
            name: (self.levers if name == "lever" else self.columns[name]).mask(value)
            for name, value in values.items()
            if value not in (None, "")
        }


def _by_count(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]
