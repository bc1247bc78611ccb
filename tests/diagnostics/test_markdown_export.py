"""The Markdown export of a published diagnostic, read by a CommonMark reader other than the
template that writes it (markdown-it-py): people's text never turns into Markdown structure."""

from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markdown_it import MarkdownIt
from markdown_it.token import Token
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.diagnostics import service, snapshots, wording
from coalition.diagnostics.models import (
    DIAGNOSTIC_COLUMN_LABELS,
    DiagnosticColumn,
    DiagnosticEntry,
    DiagnosticSnapshot,
)
from coalition.meetings.models import Meeting
from coalition.roadmap.models import ActionStatus
from tests import factories as f
from tests.conftest import World

ENTRIES = {
    DiagnosticColumn.works: [
        "Constat partagé\n\n# Titre pirate",
        "1. Former les agents",
    ],
    DiagnosticColumn.hard: [
        "- pas une liste\n* non plus\n12. ni ça",
        "<b>gras</b> et <script>alert(1)</script>",
        "*important* et _souligné_ et **fort**",
    ],
    DiagnosticColumn.could: [
        "Suite\n===\n> cité\n```",
        "[lien](javascript:alert(1)) &amp; `code` | a",
    ],
}
COALITION = "Coalition *pirate* <i>"
MEETING = "Rencontre _spéciale_ #"
ACTION = "1. Former *vite*"
ACTOR = "<b>Asso</b> *Zeta* _x_"
LEVER = "# Levier `clé`"
CITIZENS = {
    "id": 1,
    "title": "# Consultation *x* <b>",
    "submissions": 3,
    "questions": [
        {
            "prompt": "1. Votre *avis* ?",
            "mean": None,
            "top": [{"label": "<b>Oui</b>", "percent": 66.7}, {"label": "_Non_", "percent": 33.3}],
        }
    ],
}
PARSER = MarkdownIt("commonmark").enable(["table", "strikethrough"])
ALLOWED_BLOCKS = {
    "heading_open",
    "heading_close",
    "paragraph_open",
    "paragraph_close",
    "inline",
    "bullet_list_open",
    "bullet_list_close",
    "list_item_open",
    "list_item_close",
}
MARKUP = {"em_open", "strong_open", "s_open", "link_open", "image", "code_inline"}


def read(children: list[Token]) -> str:
    parts = {"text": lambda t: t.content, "hardbreak": lambda t: "\n", "softbreak": lambda t: " "}
    return "".join(parts.get(child.type, lambda t: f"<{t.type}>")(child) for child in children)


def typed(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().split("\n"))


@pytest.fixture
def hostile_meeting(app: Flask, db: Session, world: World) -> Meeting:
    world.coalition.name = COALITION
    world.action.title = ACTION
    world.action.status = ActionStatus.blocked
    world.other_actor.name = ACTOR
    world.other_lever.name = LEVER
    meeting = f.meeting(
        db, world.coalition, title=MEETING, starts_at=datetime(2031, 3, 11, 17, tzinfo=UTC)
    )
    for column, texts in ENTRIES.items():
        for position, text in enumerate(texts):
            db.add(
                DiagnosticEntry(
                    coalition_id=world.coalition.id,
                    meeting_id=meeting.id,
                    column=column,
                    text=text,
                    position=position,
                )
            )
    db.flush()
    with app.test_request_context():
        entries = snapshots.meeting_entries(db, meeting)
        data = snapshots.published_data(
            db, world.coalition, meeting, entries, today=meeting.starts_at.date()
        )
        data["citizens"] = [CITIZENS]  # the frozen shape of what citizens said
        service.publish(db, meeting, data, by=None)
    return meeting


def export(client: FlaskClient, meeting: Meeting) -> list[Token]:
    response = client.get(f"/c/ma-coalition/meetings/{meeting.id}/diagnostic.md")
    assert response.status_code == 200 and response.mimetype == "text/markdown"
    return PARSER.parse(response.get_data(as_text=True))


def headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [
        (token.tag, read(tokens[i + 1].children or []))
        for i, token in enumerate(tokens)
        if token.type == "heading_open"
    ]


def list_items(tokens: list[Token]) -> list[str]:
    """Each list item's text; an item holding anything but one paragraph fails."""
    items = []
    for i, token in enumerate(tokens):
        if token.type == "list_item_open":
            inner = [t.type for t in tokens[i + 1 : i + 5]]
            assert inner == ["paragraph_open", "inline", "paragraph_close", "list_item_close"]
            items.append(read(tokens[i + 2].children or []))
    return items


def expected_headings(app: Flask, db: Session, meeting: Meeting) -> list[tuple[str, str]]:
    data = db.scalars(
        select(DiagnosticSnapshot.data).where(DiagnosticSnapshot.meeting_id == meeting.id)
    ).one()
    with app.test_request_context():
        written = [("h3", str(label)) for label in DIAGNOSTIC_COLUMN_LABELS.values()]
        sections = [
            heading
            for section in ("changes", "actions", "recommendations", "levers", "actors")
            if section in data["computed"]
            for heading in [
                ("h2", str(wording.SECTIONS[section])),
                *[
                    ("h3", f"{wording.KEYS[section][key]} ({len(items)})")
                    for key, items in data["computed"][section].items()
                ],
            ]
        ]
    return [
        ("h1", f"{COALITION} — Diagnostic de la rencontre n°{meeting.number}"),
        ("h2", "Le diagnostic écrit"),
        *written,
        ("h2", "En chiffres"),
        *sections,
        ("h2", "Ce que disent les citoyens"),
        ("h3", f"{CITIZENS['title']} (3 réponses)"),
    ]


def test_the_export_has_exactly_the_headings_the_template_writes(
    app: Flask, client: FlaskClient, db: Session, hostile_meeting: Meeting
) -> None:
    tokens = export(client, hostile_meeting)
    assert headings(tokens) == expected_headings(app, db, hostile_meeting)
    paragraphs = [tokens[i + 1] for i, t in enumerate(tokens) if t.type == "paragraph_open"]
    assert read(paragraphs[0].children or []).startswith(f"{MEETING} · publié le ")


def test_each_written_entry_is_one_list_item_of_its_own_text(
    client: FlaskClient, hostile_meeting: Meeting
) -> None:
    tokens = export(client, hostile_meeting)
    items = list_items(tokens)
    for texts in ENTRIES.values():
        for text in texts:
            assert typed(text) in items
    assert not {t.type for t in tokens} - ALLOWED_BLOCKS  # no code, quote, table, rule, html


def test_names_and_citizens_answers_stay_text(
    client: FlaskClient, hostile_meeting: Meeting
) -> None:
    tokens = export(client, hostile_meeting)
    items = list_items(tokens)
    for name in (ACTION, ACTOR, LEVER):
        assert any(item == name or item.startswith(f"{name} (") for item in items), name
    assert "1. Votre *avis* ? : <b>Oui</b> (66.7 %), _Non_ (33.3 %)" in items
    inline = [child.type for token in tokens for child in token.children or []]
    assert not [kind for kind in inline if kind in MARKUP or kind.startswith("html")]
    assert not [t for t in tokens if t.type.startswith("ordered_list")]
