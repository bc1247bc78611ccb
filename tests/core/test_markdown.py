"""People's Markdown (minutes, descriptions, context) rendered as the forms' hint promises:
"listes avec « - »", even written right under a line of text."""

import re

import pytest

from coalition.core.markdown import render_markdown


def items(html: str, tag: str) -> list[list[str]]:
    """The items of each <ul> or <ol> in the page, in order."""
    return [
        re.findall(r"<li>(.*?)</li>", body, re.S)
        for body in re.findall(rf"<{tag}>(.*?)</{tag}>", html, re.S)
    ]


def test_a_list_right_under_a_line_of_text_is_a_list() -> None:
    html = render_markdown("Ordre du jour :\n- un\n- deux")
    assert "<p>Ordre du jour :</p>" in html
    assert items(html, "ul") == [["un", "deux"]]


@pytest.mark.parametrize("marker", ["*", "+"])
def test_every_bullet_marker_starts_a_list_under_text(marker: str) -> None:
    assert items(render_markdown(f"Présents\n{marker} Asso A\n{marker} Asso B"), "ul") == [
        ["Asso A", "Asso B"]
    ]


def test_a_numbered_list_right_under_a_line_of_text_is_a_list() -> None:
    html = render_markdown("Décisions :\n1. Lancer l'appel\n2. Relire la charte")
    assert "<p>Décisions :</p>" in html
    assert items(html, "ol") == [["Lancer l'appel", "Relire la charte"]]


def test_only_a_list_counting_from_1_starts_under_text() -> None:
    """As in CommonMark: a sentence wrapped on a year stays a sentence."""
    html = render_markdown("Décisions :\n1. Lancer\n2. Relire\n\nCommencé en\n2014. Il continue.")
    assert items(html, "ol") == [["Lancer", "Relire"]]
    assert "<p>Commencé en\n2014. Il continue.</p>" in html


def test_lists_after_a_blank_line_and_their_continuation_lines_are_unchanged() -> None:
    assert render_markdown("Texte\n\n- un\n- deux") == render_markdown("Texte\n- un\n- deux")
    html = render_markdown("- un\n  suite du premier\n- deux")
    assert items(html, "ul") == [["un\n  suite du premier", "deux"]]
    assert "<p>" not in html  # still a tight list


def test_code_blocks_are_left_alone() -> None:
    text = (
        "Exemple :\n\n    Ordre du jour :\n    - un\n\n"  # indented code
        "À copier :\n- à copier\n\n"
        "```\nOrdre :\n- deux\n```"  # fenced
    )
    html = render_markdown(text)
    assert items(html, "ul") == [["à copier"]]  # the list outside the code
    assert "<pre><code>Ordre du jour :\n- un\n</code></pre>" in html
    assert "Ordre :\n- deux" in html  # no blank line slipped into the fenced block


def test_rendering_still_drops_what_is_not_harmless() -> None:
    html = render_markdown("Liste :\n- <script>alert(1)</script>\n- [clic](javascript:alert(2))")
    assert "<script>" not in html and "javascript:" not in html
    assert len(items(html, "ul")[0]) == 2
