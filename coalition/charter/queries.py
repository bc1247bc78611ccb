"""Reading the charter: its versions, who signed which, the labels and who holds them.

Signatories and holders are actors and register entries the viewer may see: an actor out of the
public directory, or a draft entry, is shown to the coalition's participants (or the entry's
people) only.
"""

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask import abort
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coalition.access import ACTORS, can, membership_in
from coalition.actors.models import Actor, Family
from coalition.auth.models import User
from coalition.charter.models import CharterVersion, Label, LabelAward, Signature
from coalition.coalitions.models import Coalition
from coalition.register.models import RegisterEntry

CONTEXT_LINES = 2  # unchanged lines kept around each change of a version's text


def current_version(session: Session, coalition_id: int) -> CharterVersion | None:
    return session.scalar(
        select(CharterVersion)
        .where(CharterVersion.coalition_id == coalition_id)
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )


def signed_versions(
    session: Session, coalition_id: int, actor_ids: Iterable[int]
) -> dict[int, CharterVersion]:
    """For each actor that signed the charter, the latest version it signed (one statement)."""
    ids = list(set(actor_ids))
    if not ids:
        return {}
    latest = (
        select(Signature.actor_id, func.max(CharterVersion.number).label("number"))
        .join(CharterVersion, CharterVersion.id == Signature.version_id)
        .where(CharterVersion.coalition_id == coalition_id, Signature.actor_id.in_(ids))
        .group_by(Signature.actor_id)
        .subquery()
    )
    rows = session.execute(
        select(latest.c.actor_id, CharterVersion).join(
            CharterVersion,
            (CharterVersion.number == latest.c.number)
            & (CharterVersion.coalition_id == coalition_id),
        )
    )
    return dict(rows.all())


# -- the charter page ---------------------------------------------------------------------


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "added", "removed", or "gap" for unchanged lines left out
    text: str


@dataclass(frozen=True)
class Signatory:
    actor: Actor
    signature: Signature


@dataclass(frozen=True)
class FamilySignatories:
    family: Family
    signatories: list[Signatory]


@dataclass(frozen=True)
class ToSignAgain:
    """An actor whose latest signature is of an older version than the current one."""

    actor: Actor
    signed: int  # the number of the latest version it signed


@dataclass(frozen=True)
class CharterSheet:
    version: CharterVersion  # the one shown
    current: CharterVersion
    versions: list[CharterVersion]  # every version, newest first
    previous: CharterVersion | None
    diff: list[DiffLine]  # its text against the previous version's
    families: list[FamilySignatories]
    to_sign_again: list[ToSignAgain] = field(default_factory=list)  # the current version only

    @property
    def is_current(self) -> bool:
        return self.version.id == self.current.id

    @property
    def count(self) -> int:
        return sum(len(group.signatories) for group in self.families)


def versions(session: Session, coalition: Coalition) -> list[CharterVersion]:
    """Every version of the coalition's charter, newest first."""
    return list(
        session.scalars(
            select(CharterVersion)
            .where(CharterVersion.coalition_id == coalition.id)
            .order_by(CharterVersion.number.desc())
        )
    )


def text_diff(before: str, after: str) -> list[DiffLine]:
    """The lines of `after` against those of `before`, long unchanged runs left out."""
    old, new = before.splitlines(), after.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            same = new[j1:j2]
            head = CONTEXT_LINES if lines else 0  # after a change
            tail = CONTEXT_LINES if j2 < len(new) or i2 < len(old) else 0  # before one
            if len(same) > head + tail + 1:
                lines += [DiffLine("same", line) for line in same[:head]]
                lines.append(DiffLine("gap", ""))
                lines += [DiffLine("same", line) for line in same[len(same) - tail :]]
            else:
                lines += [DiffLine("same", line) for line in same]
            continue
        lines += [DiffLine("removed", line) for line in old[i1:i2]]
        lines += [DiffLine("added", line) for line in new[j1:j2]]
    return lines


def _signatories(
    session: Session, version: CharterVersion, viewer: User | None
) -> list[FamilySignatories]:
    rows = session.execute(
        select(Signature, Actor)
        .join(Actor, Actor.id == Signature.actor_id)
        .where(Signature.version_id == version.id, ACTORS.where(viewer, version.coalition_id))
        .order_by(Actor.name, Actor.id)
    ).all()
    groups: dict[Family, list[Signatory]] = {family: [] for family in Family}
    for signature, actor in rows:
        groups[actor.family].append(Signatory(actor, signature))
    return [FamilySignatories(family, found) for family, found in groups.items() if found]


def _to_sign_again(
    session: Session, current: CharterVersion, viewer: User | None
) -> list[ToSignAgain]:
    latest = func.max(CharterVersion.number)
    rows = session.execute(
        select(Actor, latest)
        .join(Signature, Signature.actor_id == Actor.id)
        .join(CharterVersion, CharterVersion.id == Signature.version_id)
        .where(
            CharterVersion.coalition_id == current.coalition_id,
            ACTORS.where(viewer, current.coalition_id),
        )
        .group_by(Actor.id)
        .having(latest < current.number)
        .order_by(Actor.name, Actor.id)
    ).all()
    return [ToSignAgain(actor, number) for actor, number in rows]


def charter_sheet(
    session: Session, coalition: Coalition, viewer: User | None, number: int | None = None
) -> CharterSheet | None:
    """The page of one version (the current one when `number` is None); None when the
    coalition has no charter yet. A number it never published is a 404."""
    found = versions(session, coalition)
    if not found:
        if number is not None:
            abort(404)
        return None
    by_number = {version.number: version for version in found}
    version = found[0] if number is None else by_number.get(number)
    if version is None:
        abort(404)
    previous = by_number.get(version.number - 1)
    is_current = version.id == found[0].id
    return CharterSheet(
        version=version,
        current=found[0],
        versions=found,
        previous=previous,
        diff=text_diff(previous.text, version.text) if previous else [],
        families=_signatories(session, version, viewer),
        to_sign_again=_to_sign_again(session, version, viewer) if is_current else [],
    )


@dataclass(frozen=True)
class SignerPlace:
    """The actor the viewer speaks for, and its signature of the current version if any."""

    actor: Actor
    signature: Signature | None


def signer_place(
    session: Session, coalition: Coalition, viewer: User | None, current: CharterVersion | None
) -> SignerPlace | None:
    """Where the viewer may sign: None unless they speak for an actor of the coalition."""
    membership = membership_in(viewer, coalition.id)
    if current is None or membership is None or membership.actor_id is None:
        return None
    row = session.execute(
        select(Actor, Signature)
        .outerjoin(
            Signature, (Signature.actor_id == Actor.id) & (Signature.version_id == current.id)
        )
        .where(Actor.id == membership.actor_id, Actor.coalition_id == coalition.id)
    ).one_or_none()
    return None if row is None else SignerPlace(row[0], row[1])


# -- labels -------------------------------------------------------------------------------


@dataclass(frozen=True)
class LabelHolders:
    label: Label
    actors: list[tuple[LabelAward, Actor]] = field(default_factory=list)
    entries: list[tuple[LabelAward, RegisterEntry]] = field(default_factory=list)


def label_or_404(session: Session, coalition: Coalition, label_id: int) -> Label:
    label = session.scalars(
        select(Label)
        .where(Label.id == label_id, Label.coalition_id == coalition.id)
        .execution_options(populate_existing=True)
    ).one_or_none()
    if label is None:
        abort(404)
    return label


def award_or_404(session: Session, label: Label, award_id: int) -> LabelAward:
    award = session.get(LabelAward, award_id)
    if award is None or award.label_id != label.id:
        abort(404)
    return award


def _holders(
    session: Session, coalition: Coalition, labels: list[Label], viewer: User | None
) -> list[LabelHolders]:
    """Each label with the actors and entries that hold it, those the viewer may see."""
    held = {label.id: LabelHolders(label) for label in labels}
    if not held:
        return []
    rows = session.execute(
        select(LabelAward, Actor, RegisterEntry)
        .outerjoin(Actor, Actor.id == LabelAward.actor_id)
        .outerjoin(RegisterEntry, RegisterEntry.id == LabelAward.entry_id)
        .where(LabelAward.label_id.in_(held))
        .order_by(Actor.name, RegisterEntry.name, LabelAward.id)
    ).all()
    for award, actor, entry in rows:
        holders = held[award.label_id]
        if actor is not None and ACTORS.sees(viewer, actor):
            holders.actors.append((award, actor))
        elif entry is not None and can(viewer, "entry.view", entry):
            holders.entries.append((award, entry))
    return list(held.values())


def labels(session: Session, coalition: Coalition, viewer: User | None) -> list[LabelHolders]:
    """The coalition's labels by name, with who holds them."""
    found = list(
        session.scalars(
            select(Label).where(Label.coalition_id == coalition.id).order_by(Label.name, Label.id)
        )
    )
    return _holders(session, coalition, found, viewer)


def label_sheet(
    session: Session, coalition: Coalition, label: Label, viewer: User | None
) -> LabelHolders:
    return _holders(session, coalition, [label], viewer)[0]


def award_choices(
    session: Session, coalition: Coalition, holders: LabelHolders
) -> tuple[list[Actor], list[RegisterEntry]]:
    """The coalition's actors and register entries that do not hold the label yet (for
    facilitators, who see them all)."""
    label_id = holders.label.id
    actors = session.scalars(
        select(Actor)
        .where(
            Actor.coalition_id == coalition.id,
            ~select(LabelAward.id)
            .where(LabelAward.label_id == label_id, LabelAward.actor_id == Actor.id)
            .exists(),
        )
        .order_by(Actor.name, Actor.id)
    )
    entries = session.scalars(
        select(RegisterEntry)
        .where(
            RegisterEntry.coalition_id == coalition.id,
            ~select(LabelAward.id)
            .where(LabelAward.label_id == label_id, LabelAward.entry_id == RegisterEntry.id)
            .exists(),
        )
        .order_by(RegisterEntry.name, RegisterEntry.id)
    )
    return list(actors), list(entries)


def actor_labels(session: Session, actor: Actor) -> list[Label]:
    """The labels an actor holds, by name."""
    return list(
        session.scalars(
            select(Label)
            .join(LabelAward, LabelAward.label_id == Label.id)
            .where(LabelAward.actor_id == actor.id)
            .order_by(Label.name, Label.id)
        )
    )


def entry_labels(session: Session, entry_ids: Iterable[int]) -> dict[int, list[Label]]:
    """The labels each of these register entries holds, by name (one statement)."""
    ids = list(set(entry_ids))
    held: dict[int, list[Label]] = {ident: [] for ident in ids}
    if not ids:
        return held
    rows = session.execute(
        select(LabelAward.entry_id, Label)
        .join(Label, Label.id == LabelAward.label_id)
        .where(LabelAward.entry_id.in_(ids))
        .order_by(Label.name, Label.id)
    )
    for entry_id, label in rows:
        if entry_id is not None:
            held[entry_id].append(label)
    return held


# -- an actor's page ----------------------------------------------------------------------


@dataclass(frozen=True)
class ActorCharter:
    """What an actor's page shows of the charter: the badge and the labels it holds."""

    signed: CharterVersion | None  # the latest version it signed
    current: CharterVersion | None
    labels: list[Label]


def actor_charter(session: Session, actor: Actor) -> ActorCharter:
    signed = signed_versions(session, actor.coalition_id, [actor.id]).get(actor.id)
    return ActorCharter(
        signed, current_version(session, actor.coalition_id), actor_labels(session, actor)
    )
