"""User markdown rendered to safe HTML."""

import re

import markdown as markdown_lib
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor
from markupsafe import Markup

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "dd",
    "del",
    "dl",
    "dt",
    "em",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}

# A list that may start right under a line of text, as in CommonMark: a bullet, or a numbered
# list counting from 1 (so that a wrapped sentence whose line starts "2014. " stays a sentence).
LIST_AFTER_TEXT = re.compile(r"^ {0,3}(?:[*+-]|1\.)[ \t]+\S")
LIST_LINE = re.compile(r"^ {0,3}(?:[*+-]|\d+\.)[ \t]+\S")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
INDENTED = re.compile(r"^(?: {4}|\t)")


def separate_lists(lines: list[str]) -> list[str]:
    """A blank line inserted where a list starts right under a line of text (Python-Markdown
    needs one, people do not write one); code blocks, fenced or indented, are left alone."""
    out: list[str] = []
    fence = ""  # the opening run of a fenced block we are in
    in_text = in_list = False
    for line in lines:
        if fence:
            fence = "" if line.strip().startswith(fence) else fence
        elif not line.strip():
            in_text = in_list = False
        elif match := FENCE.match(line):
            fence, in_text, in_list = match.group(1), False, False
        elif LIST_LINE.match(line):
            if in_text and not in_list and LIST_AFTER_TEXT.match(line):
                out.append("")
            in_list, in_text = True, False
        elif not in_list and (in_text or not INDENTED.match(line)):
            in_text = True  # a paragraph's line; an indented line after a blank one is code
        out.append(line)
    return out


class _SeparateLists(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return separate_lists(lines)


class ListsAfterText(Extension):
    """Lists written right under a line of text render as lists, as the forms' hint says."""

    def extendMarkdown(self, md: markdown_lib.Markdown) -> None:
        # after "normalize_whitespace" (30): tabs expanded, blank lines emptied
        md.preprocessors.register(_SeparateLists(md), "separate_lists", 25)


def render_markdown(text: str | None) -> Markup:
    """Markdown to HTML with only harmless tags: no script, no style, no event handler."""
    if not text:
        return Markup("")
    html = markdown_lib.markdown(
        text, extensions=["tables", "sane_lists", ListsAfterText()], output_format="html"
    )
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return Markup(cleaned)  # noqa: S704 - nh3 has sanitised it
