"""The search index of a coalition's published resources, held in memory as numpy arrays.

Built from plain rows (no database, no Flask): the resources in date order (newest first),
their lever links and their tags; their texts go to a `TextIndex`. A search applies the text
and the filters as masks over the resources and counts each facet with every filter but its
own, so that it lists the alternatives.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from coalition.resources.postings import Mask, TextIndex
from coalition.resources.text import query_terms

FACETS = ("kind", "axis", "lever", "language", "family")
MAX_PER_PAGE = 100
MAX_PAGE = 100_000

Codes = npt.NDArray[np.int32]
Int64s = npt.NDArray[np.int64]


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

    def __init__(self, size: int, positions: Int64s, values: list[object]) -> None:
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
        by_id = np.argsort(self.ids)
        self.levers = self._links(levers, by_id)
        self.tags = self._links(tags, by_id)
        self.text = TextIndex([r.search_text for r in resources])

    def _links(self, pairs: Sequence[tuple[int, object]], by_id: Int64s) -> _Links:
        """`by_id`: the positions of the resources, sorted by id."""
        linked = np.array([rid for rid, _ in pairs], dtype=np.int64)
        sorted_ids = self.ids[by_id]
        found = np.minimum(np.searchsorted(sorted_ids, linked), max(self.size - 1, 0))
        known = sorted_ids[found] == linked if self.size else np.zeros(len(pairs), dtype=bool)
        values = [value for (_, value), keep in zip(pairs, known, strict=True) if keep]
        return _Links(self.size, by_id[found[known]], values)

    def array_bytes(self) -> int:
        """The memory the index's arrays take (the vocabulary and codes aside)."""
        arrays = [*vars(self).values(), *vars(self.text).values()]
        return sum(array.nbytes for array in arrays if isinstance(array, np.ndarray))

    def search(self, query: SearchQuery) -> SearchResult:
        """The query's page of resources, their total and the facet counts."""
        scope = np.ones(self.size, dtype=bool)
        if query.tag:
            scope &= self.tags.mask(query.tag)
        terms = query_terms(query.text)
        score = None
        if terms.words:
            matches, score = self.text.matches(terms)
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
