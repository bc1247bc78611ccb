"""A small resource space with known answers, for the search tests."""

import itertools
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from coalition.actors.models import Actor, Family
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.resources.models import Resource, ResourceKind, ResourceStatus, Tag
from coalition.resources.search import SearchQuery, SearchResult, search_resources
from coalition.resources.text import search_text
from tests import factories as f

_urls = itertools.count(1)
START = datetime(2025, 1, 1, tzinfo=UTC)


def add_resource(
    db: Session,
    coalition: Coalition,
    title: str,
    *,
    summary: str = "",
    tags: Sequence[str] = (),
    kind: ResourceKind = ResourceKind.guide,
    status: ResourceStatus = ResourceStatus.published,
    days: int = 0,
    axis: Axis | None = None,
    levers: Sequence[Lever] = (),
    actor: Actor | None = None,
    language: str = "fr",
    flush: bool = True,
) -> Resource:
    tag_rows = []
    for name in tags:
        tag = db.query(Tag).filter_by(coalition_id=coalition.id, name=name).one_or_none()
        if tag is None:
            tag = Tag(coalition_id=coalition.id, name=name)
            db.add(tag)
        tag_rows.append(tag)
    resource = Resource(
        coalition_id=coalition.id,
        title=title,
        url=f"https://example.org/r/{next(_urls)}",
        kind=kind,
        summary=summary,
        language=language,
        status=status,
        published_at=START + timedelta(days=days) if status == ResourceStatus.published else None,
        axis_id=axis and axis.id,
        contributed_by_id=actor and actor.id,
        levers=list(levers),
        tags=tag_rows,
        search_text=search_text(title, summary, tags),
    )
    db.add(resource)
    if flush:
        db.flush()
    return resource


class Space:
    """A small resource space with known answers, and another coalition's resource."""

    def __init__(self, db: Session) -> None:
        self.db = db
        self.coalition = f.coalition(db)
        self.other = f.coalition(db)
        self.axis1 = f.axis(db, self.coalition, name="Gouvernance")
        self.axis2 = f.axis(db, self.coalition, name="Sobriété")
        self.lever1 = f.lever(db, self.coalition, name="Formation")
        self.lever2 = f.lever(db, self.coalition, name="Achats")
        self.lab = f.actor(db, self.coalition, name="Labo", family=Family.research)
        self.user = f.actor(db, self.coalition, name="Usager", family=Family.use)
        self.charter = add_resource(
            db,
            self.coalition,
            "Charté éthique de l'IA",
            summary="Une **charte** pour des algorithmes responsables.",
            tags=["gouvernance"],
            kind=ResourceKind.charter,
            days=10,
            axis=self.axis1,
            levers=[self.lever1, self.lever2],
            actor=self.lab,
        )
        self.guide = add_resource(
            db,
            self.coalition,
            "Guide pratique du numérique",
            summary="Réduire l'empreinte des services en ligne.",
            tags=["sobriété numérique"],
            kind=ResourceKind.guide,
            days=20,
            axis=self.axis2,
            levers=[self.lever1],
            actor=self.user,
        )
        self.study = add_resource(
            db,
            self.coalition,
            "Transparence des algorithmes publics",
            summary="A study of algorithmic transparency.",
            kind=ResourceKind.study,
            days=30,
            axis=self.axis1,
            levers=[self.lever2],
            actor=self.lab,
            language="en",
        )
        self.tool = add_resource(
            db,
            self.coalition,
            "Outil d'auto-évaluation",
            summary="Une grille ethique et des questions de gouvernance.",
            kind=ResourceKind.tool,
            days=5,
        )
        self.submitted = add_resource(
            db,
            self.coalition,
            "Charte éthique en attente",
            status=ResourceStatus.submitted,
            kind=ResourceKind.charter,
            axis=self.axis1,
            levers=[self.lever1],
        )
        self.rejected = add_resource(
            db, self.coalition, "Charte éthique refusée", status=ResourceStatus.rejected
        )
        self.elsewhere = add_resource(db, self.other, "Charte éthique d'une autre coalition")
        self.published = [self.charter, self.guide, self.study, self.tool]

    def search(self, text: str = "", **fields: Any) -> SearchResult:
        return search_resources(self.db, self.coalition.id, SearchQuery(text=text, **fields))

    def ids(self, text: str = "", **fields: Any) -> set[int]:
        return set(self.search(text, **fields).ids)
