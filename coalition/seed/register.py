"""The seed's register entries, its charter and its labels: their fields, checks and loading.

An entry is known by its name in the file and by its owner and name in the database; it is
written through the register's service (a version each time the file changes it), published
when the file gives `published_at` (the seed publishes, it never withdraws). A charter version
is known by its place in the file (the first is version 1) and is frozen once published: the
loader publishes the versions the database lacks and records the signatures it lacks, and stops
at a stored version whose text is not the file's (the coalition has written its own since). A
label is known by its name, whatever its case; its holders are the file's actors and entries.
"""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coalition.actors.models import Actor, ActorStatus, Family
from coalition.auth.service import valid_email
from coalition.charter import queries as charter_queries
from coalition.charter import service as charter
from coalition.charter.models import Label, LabelAward, Signature
from coalition.coalitions.models import Lever
from coalition.db import utcnow
from coalition.register import service as register
from coalition.register.models import EntryStatus, EntryVersion, RegisterEntry
from coalition.roadmap.models import Action
from coalition.seed.fields import (
    Field,
    Tables,
    boolean,
    choice,
    names,
    paris_datetime,
    text,
)
from coalition.workshops.models import UseCase, Workshop

if TYPE_CHECKING:
    from coalition.seed.load import SeedResult


def web_address(value: Any) -> str:
    value = text(register.MAX_URL)(value)
    if not register.is_web_address(value):
        raise ValueError(f"{value!r} is not an http(s) address")
    return str(value)


def contact(value: Any) -> str:
    value = text(register.MAX_CONTACT)(value)
    if value.lower().startswith(("http://", "https://")):
        return web_address(value)
    if not valid_email(value):
        raise ValueError(f"{value!r} is neither an e-mail address nor an http(s) address")
    return str(value)


REGISTER_FIELDS = {
    "name": Field(text(register.MAX_NAME)),
    "owner": Field(text(200)),  # an actor of the file
    "status": Field(choice(EntryStatus)),
    "purpose": Field(text(register.MAX_TEXT, blank=True), False, ""),
    "individual_decisions": Field(boolean, False, False),
    "human_oversight": Field(text(register.MAX_TEXT, blank=True), False, ""),
    "data_used": Field(text(register.MAX_TEXT, blank=True), False, ""),
    "personal_data": Field(boolean, False, False),
    "vendor": Field(text(200), False, None),  # an actor of the file, of the "supply" family
    "source_code_url": Field(web_address, False, ""),
    "licence": Field(text(register.MAX_LICENCE, blank=True), False, ""),
    "impact_assessment": Field(text(register.MAX_ASSESSMENT, blank=True), False, ""),
    "impact_assessment_url": Field(web_address, False, ""),
    "contact": Field(contact, False, ""),
    "levers": Field(names, False, []),
    "actions": Field(names, False, []),
    "cases": Field(names, False, []),  # titles of use cases of the file's workshops
    "recorded_at": Field(paris_datetime, False, None),  # none: when the file is loaded
    "published_at": Field(paris_datetime, False, None),  # none: a draft
}

SIGNATURE_FIELDS = {
    "actor": Field(text(200)),
    "signer": Field(text(charter.MAX_NAME)),  # a role or a department, never a person's name
    "role": Field(text(charter.MAX_ROLE, blank=True), False, ""),
    "signed_at": Field(paris_datetime),
}

CHARTER_FIELDS = {
    "title": Field(text(charter.MAX_TITLE)),
    "text": Field(text(charter.MAX_TEXT)),
    "changes": Field(text(charter.MAX_CHANGES, blank=True), False, ""),
    "published_at": Field(paris_datetime),
    "signatures": Field(Tables(SIGNATURE_FIELDS), False, []),
}

LABEL_FIELDS = {
    "name": Field(text(charter.MAX_LABEL_NAME)),
    "criteria": Field(text(charter.MAX_CRITERIA, blank=True), False, ""),
    "actors": Field(names, False, []),
    "entries": Field(names, False, []),  # names of the file's register entries
    "awarded_at": Field(paris_datetime, False, None),  # none: when the file is loaded
}

REFERENCES = {
    ("register", "owner"): "actors",
    ("register", "vendor"): "actors",
    ("register", "levers"): "levers",
    ("register", "actions"): "actions",
    ("labels", "actors"): "actors",
    ("labels", "entries"): "register",
}

KEYS = {"register": "name"}


# -- checks -------------------------------------------------------------------------------


def check_register(sections: dict[str, list[dict[str, Any]]]) -> list[str]:
    """What the field parsers and the references cannot see: families, cases, dates, twins."""
    actors = {actor["name"]: actor for actor in sections["actors"]}
    return (
        _check_entries(sections["register"], actors, sections["workshops"])
        + _check_charter(sections["charter"], actors)
        + _check_labels(sections["labels"])
    )


def _check_entries(
    entries: list[dict[str, Any]],
    actors: dict[str, dict[str, Any]],
    workshops: list[dict[str, Any]],
) -> list[str]:
    mistakes = []
    cases: dict[str, int] = {}
    for workshop in workshops:
        for case in workshop["cases"]:
            cases[case["title"]] = cases.get(case["title"], 0) + 1
    for entry in entries:
        where = entry["_where"]
        vendor = actors.get(entry["vendor"] or "")
        if vendor is not None and vendor["family"] != Family.supply:
            mistakes.append(
                f'{where}: vendor: {entry["vendor"]!r} is not of the "supply" family '
                f"(it is {vendor['family'].value!r})"
            )
        for title in entry["cases"]:
            if title not in cases:
                mistakes.append(
                    f"{where}: cases: {title!r} is not a use case of the file's workshops"
                )
            elif cases[title] > 1:
                mistakes.append(f"{where}: cases: {title!r} is a use case of several workshops")
        recorded, published = entry["recorded_at"], entry["published_at"]
        if recorded and published and published < recorded:
            mistakes.append(f"{where}: published_at: must not be before recorded_at")
    return mistakes


def _check_charter(versions: list[dict[str, Any]], actors: dict[str, dict[str, Any]]) -> list[str]:
    mistakes = []
    previous: dict[str, Any] | None = None
    for version in versions:
        where = version["_where"]
        if previous is not None:
            if not version["changes"]:
                mistakes.append(f"{where}: changes: say what this version changes")
            if (version["title"], version["text"]) == (previous["title"], previous["text"]):
                mistakes.append(f"{where}: text: the same as the previous version's")
            if version["published_at"] <= previous["published_at"]:
                mistakes.append(f"{where}: published_at: must be after the previous version's")
        signed: set[str] = set()
        for signature in version["signatures"]:
            inner, name = signature["_where"], signature["actor"]
            actor = actors.get(name)
            if actor is None:
                mistakes.append(f"{inner}: actor: {name!r} is not one of the file's actors")
            elif actor["status"] == ActorStatus.left:
                mistakes.append(f"{inner}: actor: {name!r} has left the coalition")
            if name in signed:
                mistakes.append(f"{inner}: actor: {name!r} signs this version twice")
            signed.add(name)
            if signature["signed_at"] < version["published_at"]:
                mistakes.append(f"{inner}: signed_at: before the version was published")
        previous = version
    return mistakes


def _check_labels(labels: list[dict[str, Any]]) -> list[str]:
    mistakes = []
    seen: set[str] = set()
    for label in labels:
        where = label["_where"]
        if label["name"].casefold() in seen:
            mistakes.append(f"{where}: name: {label['name']!r} appears twice")
        seen.add(label["name"].casefold())
        for field in ("actors", "entries"):
            holders = label[field]
            for name in sorted({name for name in holders if holders.count(name) > 1}):
                mistakes.append(f"{where}: {field}: {name!r} holds the label twice")
    return mistakes


# -- loading ------------------------------------------------------------------------------


def _by(session: Session, model: Any, key: str, coalition_id: int) -> dict[Any, Any]:
    rows = session.scalars(select(model).where(model.coalition_id == coalition_id))
    return {getattr(row, key): row for row in rows}


def load_register(
    session: Session, result: "SeedResult", entries: list[dict[str, Any]]
) -> dict[str, RegisterEntry]:
    """The file's entries, recorded or brought up to date, by their name in the file."""
    coalition = result.coalition
    cid = coalition.id
    actors = _by(session, Actor, "name", cid)
    levers = _by(session, Lever, "name", cid)
    actions = _by(session, Action, "title", cid)
    cases = {
        case.title: case
        for case in session.scalars(
            select(UseCase)
            .join(Workshop, Workshop.id == UseCase.workshop_id)
            .where(Workshop.coalition_id == cid)
        )
    }
    existing = {
        (e.owner_id, e.name): e
        for e in session.scalars(
            select(RegisterEntry)
            .where(RegisterEntry.coalition_id == cid)
            .options(
                selectinload(RegisterEntry.levers),
                selectinload(RegisterEntry.actions),
                selectinload(RegisterEntry.cases),
            )
        )
    }
    loaded: dict[str, RegisterEntry] = {}
    for entry in entries:
        owner = actors[entry["owner"]]
        details = register.EntryDetails(
            name=entry["name"],
            status=entry["status"].value,
            owner_id=owner.id,
            purpose=entry["purpose"],
            individual_decisions=entry["individual_decisions"],
            human_oversight=entry["human_oversight"],
            data_used=entry["data_used"],
            personal_data=entry["personal_data"],
            vendor_id=actors[entry["vendor"]].id if entry["vendor"] else None,
            source_code_url=entry["source_code_url"],
            licence=entry["licence"],
            impact_assessment=entry["impact_assessment"],
            impact_assessment_url=entry["impact_assessment_url"],
            contact=entry["contact"],
            lever_ids=[levers[name].id for name in entry["levers"]],
            action_ids=[actions[title].id for title in entry["actions"]],
            case_ids=[cases[title].id for title in entry["cases"]],
        )
        found = existing.get((owner.id, entry["name"]))
        created = found is None
        if found is None:
            found = register.record_entry(session, coalition, details, by=None)
            _date_first_version(session, found, entry["recorded_at"])
            result.created += 1
        elif (
            register.update_entry(
                session, coalition, found, details, seen_version=found.version, by=None
            )
            is not None
        ):
            result.updated += 1
        published_at = entry["published_at"]
        if published_at is not None and not found.is_published:
            register.publish_entry(
                session, coalition, found, seen_version=found.version, by=None, now=published_at
            )
            result.updated += not created  # a new entry is counted once
        loaded[entry["name"]] = found
    session.flush()
    return loaded


def _date_first_version(session: Session, entry: RegisterEntry, at: datetime | None) -> None:
    """A new entry recorded when the file says, rather than when the file is loaded."""
    if at is None:
        return
    entry.created_at = entry.updated_at = at
    for version in session.scalars(select(EntryVersion).where(EntryVersion.entry_id == entry.id)):
        version.saved_at = at
    session.flush()


def load_charter(session: Session, result: "SeedResult", versions: list[dict[str, Any]]) -> None:
    coalition = result.coalition
    actors = _by(session, Actor, "name", coalition.id)
    stored = {v.number: v for v in charter_queries.versions(session, coalition)}
    for number, entry in enumerate(versions, start=1):
        version = stored.get(number)
        if version is None:
            details = charter.VersionDetails(entry["title"], entry["text"], entry["changes"])
            version = charter.publish_version(
                session,
                coalition,
                details,
                based_on=number - 1,
                by=None,
                now=entry["published_at"],
            )
            result.created += 1
        elif (version.title, version.text.strip()) != (entry["title"], entry["text"]):
            return  # the coalition's own version, published through the app
        signed = set(
            session.scalars(select(Signature.actor_id).where(Signature.version_id == version.id))
        )
        for signature in entry["signatures"]:
            actor = actors[signature["actor"]]
            if actor.id in signed:
                continue
            charter.record_signature(
                session,
                version,
                actor,
                charter.SignerDetails(signature["signer"], signature["role"]),
                by=None,
                now=signature["signed_at"],
            )
            result.created += 1
    session.flush()


def load_labels(
    session: Session,
    result: "SeedResult",
    labels: list[dict[str, Any]],
    entries: dict[str, RegisterEntry],
) -> None:
    coalition = result.coalition
    actors = _by(session, Actor, "name", coalition.id)
    existing = {
        label.name.casefold(): label
        for label in session.scalars(select(Label).where(Label.coalition_id == coalition.id))
    }
    for entry in labels:
        details = charter.LabelDetails(entry["name"], entry["criteria"])
        label = existing.get(entry["name"].casefold())
        if label is None:
            label = charter.create_label(session, coalition, details, by=None)
            result.created += 1
        elif (label.name, label.criteria) != (details.name, details.criteria):
            charter.update_label(
                session, coalition, label, details, seen_version=label.version, by=None
            )
            result.updated += 1
        awards = session.scalars(select(LabelAward).where(LabelAward.label_id == label.id))
        held = {(award.actor_id, award.entry_id) for award in awards}
        holders: list[tuple[int | None, int | None]]
        holders = [(actors[name].id, None) for name in entry["actors"]]
        holders += [(None, entries[name].id) for name in entry["entries"]]
        for actor_id, entry_id in holders:
            if (actor_id, entry_id) in held:
                continue
            charter.award_label(
                session,
                coalition,
                label,
                actor_id=actor_id,
                entry_id=entry_id,
                by=None,
                now=entry["awarded_at"] or utcnow(),
            )
            result.created += 1
    session.flush()
