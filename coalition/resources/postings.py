"""The words of a coalition's resources, held in memory as numpy arrays, and what a search
finds in them.

Texts are read as `coalition.resources.text` says. Postings (stem, resource) carry their BM25
score (k1 = 1.2, b = 0.75, as SQLite's FTS5 and Lucene), computed once, when the index is built,
so a search only sums slices of arrays: every word's postings are one slice, a prefix's too (the
vocabulary is sorted). Places (stem, resource, position) are kept for phrases.
"""

import bisect
import itertools
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from coalition.resources.text import QueryTerms, stems

BM25_K1 = 1.2
BM25_B = 0.75

Mask = npt.NDArray[np.bool_]
Int64s = npt.NDArray[np.int64]
_END = "\x00"  # marks the end of a text while texts are split together
_CHUNK = 2_000


class TextIndex:
    def __init__(self, texts: Sequence[str]) -> None:
        """Places (stem, resource, position), then postings (stem, resource) with their BM25
        score, both sorted by stem, then by resource."""
        self.size = len(texts)
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

    def matches(self, terms: QueryTerms) -> tuple[Mask, npt.NDArray[np.float64]]:
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
