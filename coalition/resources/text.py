"""How the resource search reads text: folded words, French stems, no function words.

A resource's `search_text` (title, summary and tag names) and a search are read the same way:
`normalise` folds them to lower-case words of letters and digits without accents; `stem` drops
the French function words (PostgreSQL's and Snowball's French stop list) and reduces the other
words to their Snowball French stem, as PostgreSQL's French configuration does, so that
"chartes" finds "charte" on every database. `search_stems` is what the databases' full-text
engines index (`Resource.search_stems`): the stems in text order, `_` in place of each function
word, so that phrases keep their distances.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

MAX_WORDS = 20
MAX_QUERY_CHARS = 500
MIN_PREFIX_CHARS = 3  # a shorter last word ("ia") is matched whole, not as a prefix
GAP = "_"  # a function word's place in `search_stems`: never a stem, never searched
MAX_STEM_CHARS = MAX_QUERY_CHARS  # longer stems are cut (PostgreSQL: 2047 bytes per lexeme)

_RAW_CHARS = 4 * MAX_QUERY_CHARS  # enough for 20 words, bounds the work on huge input
_OPERATORS = re.compile(r"\b(?:AND|OR|NOT|NEAR)\b")  # query syntax of search engines
_STEMMER = snowballstemmer.stemmer("french")
_QUOTES = str.maketrans(dict.fromkeys("«»“”„", '"'))  # French and English quotation marks

# PostgreSQL's French stop list (Snowball's), folded like the text.
_STOP_LIST = """
    au aux avec ce ces dans de des du elle en et eux il je la le leur lui ma mais me meme mes
    moi mon ne nos notre nous on ou par pas pour qu que qui sa se ses son sur ta te tes toi ton
    tu un une vos votre vous c d j l a m n s t y ete etee etees etes etant etante etants etantes
    suis es est sommes serai seras sera serons serez seront serais serait serions seriez
    seraient etais etait etions etiez etaient fus fut fumes futes furent sois soit soyons soyez
    soient fusse fusses fussions fussiez fussent ayant ayante ayantes ayants eu eue eues eus ai
    as avons avez ont aurai auras aura aurons aurez auront aurais aurait aurions auriez auraient
    avais avait avions aviez avaient eut eumes eutes eurent aie aies ait ayons ayez aient eusse
    eusses eussions eussiez eussent
"""
STOP_WORDS = frozenset(_STOP_LIST.split())


def normalise(text: str) -> str:
    """Lower-case words of letters and digits without accents, separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    kept = "".join(
        char if char.isalnum() else " "
        for char in decomposed
        if not unicodedata.category(char).startswith("M")
    )
    return " ".join(kept.split())


def search_text(title: str, summary: str, tags: Sequence[str]) -> str:
    """The text the index reads for a resource (`Resource.search_text`)."""
    return normalise(" ".join([title, summary, *tags]))


def search_stems(text: str) -> str:
    """The stems of a `search_text` in order, `_` for each function word (what the engines
    index: `Resource.search_stems`)."""
    words = text.split()
    stem_of = stems(words)
    return " ".join(stem_of[word][:MAX_STEM_CHARS] or GAP for word in words)


def query_words(text: str) -> list[str]:
    """The words of a search, folded like `search_text`: at most 20 words and 500 characters."""
    words = normalise(_OPERATORS.sub(" ", text[:_RAW_CHARS])).split()[:MAX_WORDS]
    return " ".join(words)[:MAX_QUERY_CHARS].split()


@lru_cache(maxsize=100_000)
def stem(word: str) -> str:
    """The French stem of a folded word ("" for a function word, which is not indexed)."""
    return "" if word in STOP_WORDS else str(_STEMMER.stemWord(word))


def stems(words: Iterable[str]) -> dict[str, str]:
    """Each distinct folded word with its stem ("" for a function word), stemmed in one call."""
    distinct = list(dict.fromkeys(words))
    kept = [word for word in distinct if word not in STOP_WORDS]
    found = dict(zip(kept, _STEMMER.stemWords(kept), strict=True))
    return {word: found.get(word, "") for word in distinct}


@dataclass(frozen=True)
class QueryTerms:
    words: int  # how many words the search has, function words included
    required: list[str]  # the stems every result holds
    prefix: str | None  # the last word's stem, that a result's stem may begin with
    # Words in double quotes: their stems with their distance from the phrase's first word
    # (function words are not indexed but keep their place).
    phrases: list[list[tuple[int, str]]]


def query_terms(text: str) -> QueryTerms:
    """What a search looks for: words, and phrases between quotation marks (« », " ", “ ”; an
    unmatched one is ignored); the last word, outside quotes and of 3 letters or more, is also a
    prefix."""
    parts = text[:_RAW_CHARS].translate(_QUOTES).split('"')
    if len(parts) % 2 == 0:
        parts[-2:] = [" ".join(parts[-2:])]
    required: list[str] = []
    phrases = []
    budget = MAX_WORDS
    for number, part in enumerate(parts):
        words = query_words(part)[:budget]
        budget -= len(words)
        kept = [(offset, term) for offset, word in enumerate(words) if (term := stem(word))]
        required.extend(term for _, term in kept)
        if number % 2 and len(kept) > 1:
            phrases.append([(offset - kept[0][0], term) for offset, term in kept])
    last = words[-1:]  # of the last part, which is outside quotes
    prefix = None
    if last and len(last[0]) >= MIN_PREFIX_CHARS and stem(last[0]):
        prefix = required.pop()
    return QueryTerms(MAX_WORDS - budget, list(dict.fromkeys(required)), prefix, phrases)
