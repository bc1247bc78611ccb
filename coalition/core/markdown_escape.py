"""People's text made inert inside a Markdown document we write (CommonMark).

What people typed must read as the characters they typed: an entry beginning with "1. " or
"# ", a name with `*`, `_` or `<b>`, a blank line in the middle of a paragraph must never become
a list, a heading, emphasis or raw HTML in a Markdown viewer.

- Characters that mean something anywhere in a line get a backslash (CommonMark lets any ASCII
  punctuation be escaped so): backslash, backtick, `* _ [ ] < > & # ~ |` (`~` and `|` for
  GitHub's strikethrough and tables, `&` for entity references such as `&lt;`, `#` for a
  heading's closing sequence). Other punctuation is left alone, so the file stays readable.
- Characters that open a block only at the start of a line (`-`, `+`, `=`, "1." or "1)") get a
  backslash there.
- A line break in the text stays a line break but never opens a block: lines are joined by a
  backslash hard break and indented under the list item they belong to, and a blank line becomes
  an empty hard-broken line, so a multi-line entry stays one paragraph of one list item. Spaces
  at the start and end of each line are dropped (Markdown drops them anyway).
- `one_line=True` (headings, the title line) joins the non-empty lines with spaces instead,
  since a heading cannot hold a line break.
"""

import re

LINE_BREAK = re.compile(r"\r\n|\r|\n")
ANYWHERE = re.compile(r"([\\`*_\[\]<>&#~|])")
ORDERED_MARKER = re.compile(r"^(\d{1,9})([.)])")
BLOCK_MARKER = re.compile(r"^([-+=])")
CONTINUATION = "\\\n  "  # hard break, then the indentation of a "- " list item's content


def _escape_line(line: str) -> str:
    escaped = ANYWHERE.sub(r"\\\1", line.strip())
    escaped = ORDERED_MARKER.sub(r"\1\\\2", escaped)
    return BLOCK_MARKER.sub(r"\\\1", escaped)


def escape_markdown(text: object, *, one_line: bool = False) -> str:
    """`text` as Markdown that renders to exactly its characters, as one paragraph."""
    if text is None:
        return ""
    lines = [_escape_line(line) for line in LINE_BREAK.split(str(text).strip())]
    if one_line:
        return " ".join(line for line in lines if line)
    return CONTINUATION.join(lines)
