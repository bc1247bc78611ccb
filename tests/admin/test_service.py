"""The administration's rules, without the browser."""

from datetime import UTC, datetime

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.admin import queries, service
from coalition.coalitions.models import Coalition
from coalition.core.errors import Conflict, ValidationError
from tests.admin.conftest import row_counts
from tests.conftest import World

NOW = datetime(2026, 12, 2, 9, tzinfo=UTC)


def test_addresses_are_split_normalised_and_kept_once() -> None:
    text = "A@Example.org;b@example.org,\tc@example.org\r\n\na@example.org ,; "
    assert service.parse_addresses(text) == ["a@example.org", "b@example.org", "c@example.org"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Indiquez au moins une adresse"),
        (" , ; ", "Indiquez au moins une adresse"),
        ("a@example.org b@", "Adresse e-mail invalide : b@"),
        ("a@example.org@example.org", "Adresse e-mail invalide"),
    ],
)
def test_a_bad_address_list_is_refused_whole(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as refused:
        service.parse_addresses(text)
    assert refused.value.field == "emails"


def test_a_coalition_with_a_bad_address_writes_nothing(
    app: Flask, db: Session, world: World
) -> None:
    before = row_counts(db)
    with app.test_request_context(), pytest.raises(ValidationError):
        service.create_coalition(
            db, slug="neuve", name="Neuve", emails="ok@example.org, non", by=None, now=NOW
        )
    assert row_counts(db) == before


def test_a_taken_slug_is_a_conflict(app: Flask, db: Session, world: World) -> None:
    with app.test_request_context(), pytest.raises(Conflict) as refused:
        service.create_coalition(
            db, slug="ma-coalition", name="Doublon", emails="a@example.org", by=None, now=NOW
        )
    assert refused.value.field == "slug"
    assert db.scalar(select(func.count()).select_from(Coalition)) == 2


@pytest.mark.parametrize("slug", ["ab", "a-1", "0" * 64, "reset-ia-2026"])
def test_good_slugs(slug: str) -> None:
    assert service.SLUG_RE.fullmatch(slug)


@pytest.mark.parametrize("slug", ["a", "0" * 65, "a-", "-a", "A1", "é-a", "a_b", "a b", "a/b"])
def test_bad_slugs(slug: str) -> None:
    assert not service.SLUG_RE.fullmatch(slug)


def test_a_search_folds_case_accents_and_ligatures() -> None:
    assert queries.fold("ÉLODIE Bœuf Çà") == "elodie boeuf ca"
    assert queries.search_words("  Anaïs   Æsop ") == ["anais", "aesop"]


def test_like_patterns_take_the_user_s_characters_literally() -> None:
    assert queries.like_pattern("100%_a\\b") == "%100\\%\\_a\\\\b%"
