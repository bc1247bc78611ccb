"""People's text inside a Markdown document we write reads as typed, in a CommonMark reader
other than the code that wrote it (markdown-it-py)."""

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from coalition.core.markdown_escape import escape_markdown

HOSTILE = [
    "Constat partagé\n\n# Titre pirate",
    "1. Former les agents",
    "2) Deuxième",
    "- pas une liste\n* non plus\n+ toujours pas\n12. ni ça",
    "<b>gras</b> et <script>alert(1)</script> <!-- commentaire -->",
    "*important*, _souligné_, **fort**, __fort__, ~~barré~~",
    "Suite\n===\nEncore\n---",
    "```\ncode\n```\n~~~",
    "> cité\n>> encore",
    "[lien](javascript:alert(1)) ![image](x.png) <https://exemple.org> `code`",
    "&amp; &lt;b&gt; &#42;",
    "Tableau | a\n--- | ---\n| b | c |",
    "Rencontre #\n#hashtag",
    "C:\\dossier\\\nsuite \\* \\",
    "Ligne\r\nWindows\rMac",
    "    indenté de quatre espaces",
]

PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
MARKUP = {"em_open", "strong_open", "s_open", "link_open", "image", "code_inline"}


def flat(tokens: list[Token]) -> list[Token]:
    return [t for token in tokens for t in [token, *flat(token.children or [])]]


def as_read(children: list[Token]) -> str:
    """The characters a reader sees in an inline run; a hard break read as a line break."""
    parts = {"text": lambda t: t.content, "hardbreak": lambda t: "\n", "softbreak": lambda t: " "}
    return "".join(parts.get(child.type, lambda t: f"<{t.type}>")(child) for child in children)


def typed(text: str) -> str:
    """What the reader must see: the text, its line breaks kept, each line's edges trimmed."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    return "\n".join(line.strip() for line in lines)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_text_stays_one_list_item_of_its_own_characters(text: str) -> None:
    tokens = PARSER.parse(f"- {escape_markdown(text)}\n- suivant\n")
    blocks = [t.type for t in tokens]
    assert blocks == [
        "bullet_list_open",
        *["list_item_open", "paragraph_open", "inline", "paragraph_close", "list_item_close"] * 2,
        "bullet_list_close",
    ]
    first = tokens[3]
    assert as_read(first.children or []) == typed(text)
    assert not [t.type for t in flat(tokens) if t.type in MARKUP or t.type.startswith("html")]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_hostile_title_stays_the_text_of_its_heading(text: str) -> None:
    tokens = PARSER.parse(f"### {escape_markdown(text, one_line=True)} (3)\n\nParagraphe\n")
    assert [t.type for t in tokens] == [
        "heading_open",
        "inline",
        "heading_close",
        "paragraph_open",
        "inline",
        "paragraph_close",
    ]
    assert tokens[0].tag == "h3"
    words = " ".join(line for line in typed(text).split("\n") if line)
    assert as_read(tokens[1].children or []) == f"{words} (3)"


def test_plain_text_is_left_as_it_is() -> None:
    assert escape_markdown("Former les agents à l'IA (2024), 50 % - enfin.") == (
        "Former les agents à l'IA (2024), 50 % - enfin."
    )
    assert escape_markdown(None) == ""
    assert escape_markdown("  ") == ""
