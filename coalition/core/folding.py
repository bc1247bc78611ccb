"""Searching names without case or accents, the same on both databases: `fold` in Python,
`folded(column)` in SQL (PostgreSQL translates; SQLite calls `fold`, which every SQLite
connection is given in db.py)."""

import unicodedata
from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

# What PostgreSQL folds (SQLite calls `fold` itself): capitals, whose lower() may keep, and
# accented letters, to their plain letter; then the two ligatures.
ACCENTED = "àâäáãåçéèêëîïíìñôöóòõøûüúùÿýÀÂÄÁÃÅÇÉÈÊËÎÏÍÌÑÔÖÓÒÕØÛÜÚÙŸÝŒÆ"
PLAIN = "aaaaaaceeeeiiiinoooooouuuuyyaaaaaaceeeeiiiinoooooouuuuyyœæ"
SQLITE_FOLD = "coalition_fold"


def fold(text: str) -> str:
    """Lower case, without accents: what a search compares."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae").replace("ø", "o")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class folded(FunctionElement[str]):
    """The SQL counterpart of `fold`."""

    type = String()
    name = "folded"
    inherit_cache = True


@compiles(folded)  # SQLite
def _folded_by_python(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{SQLITE_FOLD}({compiler.process(element.clauses, **kw)})"


@compiles(folded, "postgresql")
def _folded_by_translate(element: folded, compiler: SQLCompiler, **kw: Any) -> str:
    text = f"lower(translate({compiler.process(element.clauses, **kw)}, '{ACCENTED}', '{PLAIN}'))"
    return f"replace(replace({text}, 'œ', 'oe'), 'æ', 'ae')"


def like_pattern(word: str) -> str:
    """`%word%` where the user's own `%`, `_` and `\\` mean themselves."""
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
