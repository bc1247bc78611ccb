"""Writes about the resource space: members submit, facilitators publish or reject."""

import re
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from coalition.actors.models import Actor
from coalition.auth.models import User
from coalition.coalitions.models import Axis, Coalition, Lever
from coalition.core import audit
from coalition.core.errors import Conflict, ValidationError
from coalition.core.versions import check_version
from coalition.db import utcnow
from coalition.resources.models import Resource, ResourceKind, ResourceStatus, Tag
from coalition.resources.text import search_text

RESOURCE_FIELDS = (
    "title",
    "url",
    "kind",
    "summary",
    "language",
    "axis_id",
    "contributed_by_id",
    "status",
    "rejection_reason",
    "version",
)
LANGUAGES = ("fr", "en")
MAX_TAGS = 10
TAG = re.compile(r"^[\w][\w' -]{0,39}$")


class DuplicateResource(Conflict):
    """The URL is already in the coalition's resource space: here is the resource."""

    def __init__(self, existing: Resource) -> None:
        super().__init__(_l("Cette adresse figure déjà dans l'espace de ressources."), field="url")
        self.existing = existing


@dataclass
class ResourceDetails:
    title: str
    url: str
    kind: ResourceKind
    summary: str = ""
    language: str = "fr"
    axis_id: int | None = None
    lever_ids: list[int] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


def parse_tags(text: str) -> list[str]:
    """Tags from "charte, IA publique; éthique": lower case, trimmed, no duplicates."""
    tags: list[str] = []
    for raw in re.split(r"[,;\n]", text):
        tag = " ".join(raw.split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def _check(session: Session, coalition: Coalition, details: ResourceDetails) -> list[Lever]:
    details.title, details.url = details.title.strip(), details.url.strip()
    if not details.title:
        raise ValidationError(_l("Le titre est obligatoire."), field="title")
    if (
        not re.match(r"^https?://[^\s/$.?#][^\s]*$", details.url, re.IGNORECASE)
        or len(details.url) > 1000
    ):
        raise ValidationError(
            _l("Indiquez une adresse web complète commençant par https:// ou http://."), field="url"
        )
    if details.language not in LANGUAGES:
        raise ValidationError(_l("Langue inconnue."), field="language")
    if len(details.tags) > MAX_TAGS or not all(TAG.match(tag) for tag in details.tags):
        raise ValidationError(
            _l("Jusqu'à 10 mots-clés de 40 caractères au plus, séparés par des virgules."),
            field="tags",
        )
    if details.axis_id is not None:
        axis = session.get(Axis, details.axis_id)
        if axis is None or axis.coalition_id != coalition.id:
            raise ValidationError(
                _l("Cette approche n'appartient pas à cette coalition."), field="axis"
            )
        if axis.retired_at is not None:
            raise ValidationError(
                _l("Cette approche est retirée du cadrage : choisissez-en une autre."),
                field="axis",
            )
    levers = list(session.scalars(select(Lever).where(Lever.id.in_(details.lever_ids))))
    if len(levers) != len(set(details.lever_ids)) or any(
        lever.coalition_id != coalition.id for lever in levers
    ):
        raise ValidationError(_l("Ce levier n'appartient pas à cette coalition."), field="levers")
    if any(lever.retired_at is not None for lever in levers):
        raise ValidationError(
            _l("Un levier choisi est retiré du cadrage : décochez-le."), field="levers"
        )
    same = session.scalars(
        select(Resource).where(Resource.coalition_id == coalition.id, Resource.url == details.url)
    ).first()
    if same is not None:
        raise DuplicateResource(same)
    return levers


def _tags(session: Session, coalition: Coalition, names: list[str]) -> list[Tag]:
    existing = {
        tag.name: tag
        for tag in session.scalars(
            select(Tag).where(Tag.coalition_id == coalition.id, Tag.name.in_(names))
        )
    }
    for name in names:
        if name not in existing:
            existing[name] = Tag(coalition_id=coalition.id, name=name)
            session.add(existing[name])
    return [existing[name] for name in names]


def submit_resource(
    session: Session,
    coalition: Coalition,
    details: ResourceDetails,
    *,
    actor: Actor | None,
    by: User | None,
) -> Resource:
    """A member's (or facilitator's) proposal; the public sees it once published."""
    levers = _check(session, coalition, details)
    resource = Resource(
        coalition_id=coalition.id,
        title=details.title,
        url=details.url,
        kind=details.kind,
        summary=details.summary.strip(),
        language=details.language,
        axis_id=details.axis_id,
        contributed_by_id=actor.id if actor else None,
        submitted_by_id=by.id if by else None,
        status=ResourceStatus.submitted,
        levers=levers,
        tags=_tags(session, coalition, details.tags),
        search_text=search_text(details.title, details.summary, details.tags),
    )
    session.add(resource)
    audit.record_change(
        session,
        "resource",
        resource,
        "create",
        by=by,
        coalition_id=coalition.id,
        before=None,
        fields=RESOURCE_FIELDS,
        actor_id=resource.contributed_by_id,
    )
    return resource


def moderate(
    session: Session,
    resource: Resource,
    *,
    publish: bool,
    reason: str,
    seen_version: int | None,
    by: User | None,
) -> Resource:
    """Publish a resource, or reject it with a reason its contributor reads."""
    check_version("resource", resource, seen_version)
    if not publish and not reason.strip():
        raise ValidationError(
            _l("Dites pourquoi la ressource est refusée : son auteur le lira."), field="reason"
        )
    target = ResourceStatus.published if publish else ResourceStatus.rejected
    if resource.status == target:
        raise Conflict(_l("Cette ressource est déjà dans cet état."))
    before = audit.snapshot(resource, RESOURCE_FIELDS)
    resource.status = target
    resource.rejection_reason = "" if publish else reason.strip()
    if publish and resource.published_at is None:
        resource.published_at = utcnow()
    audit.record_change(
        session,
        "resource",
        resource,
        "publish" if publish else "reject",
        by=by,
        coalition_id=resource.coalition_id,
        before=before,
        fields=RESOURCE_FIELDS,
        actor_id=resource.contributed_by_id,
    )
    return resource
