"""Reading and checking a seed file, before anything touches the database.

Every mistake is reported with the file, the entry and the field, e.g.
`seeds/demo.toml: actors[3] (Epitech): family: unknown value 'reseach' ...`.
"""

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coalition.actors.models import ActorKind, ActorStatus, Family
from coalition.coalitions.models import Phase
from coalition.diagnostics.models import DiagnosticColumn
from coalition.meetings.models import MeetingStatus
from coalition.resources.models import ResourceKind, ResourceStatus
from coalition.roadmap.models import (
    ActionStatus,
    CommitmentStatus,
    Horizon,
    ObjectiveStatus,
    Role,
)
from coalition.seed.consultations_schema import (
    CONSULTATION_FIELDS,
    WORKSHOP_FIELDS,
    check_consultation,
    check_workshop,
)
from coalition.seed.fields import (
    Field,
    Tables,
    boolean,
    calendar_date,
    choice,
    integer,
    names,
    one_of,
    paris_datetime,
    text,
    url,
)
from coalition.seed.panels import PANEL_FIELDS, check_panel
from coalition.seed.recommendations import (
    RECOMMENDATION_FIELDS,
    REVIEW_FIELDS,
    check_recommendation,
    check_reviews,
)
from coalition.seed.recommendations import REFERENCES as RECOMMENDATION_REFERENCES
from coalition.seed.register import (
    CHARTER_FIELDS,
    LABEL_FIELDS,
    REGISTER_FIELDS,
    check_register,
)
from coalition.seed.register import KEYS as REGISTER_KEYS
from coalition.seed.register import REFERENCES as REGISTER_REFERENCES


class SeedError(Exception):
    """A seed file that cannot be loaded: the message says where and why."""


SECTIONS: dict[str, dict[str, Field]] = {
    "coalition": {
        "slug": Field(text(64)),
        "name": Field(text(200)),
        "tagline": Field(text(300, blank=True), False, ""),
        "phase": Field(choice(Phase), False, Phase.framing),
        "context": Field(text(50_000, blank=True), False, ""),
    },
    "axes": {
        "name": Field(text(200)),
        "description": Field(text(5000, blank=True), False, ""),
    },
    "levers": {
        "name": Field(text(200)),
        "description": Field(text(5000, blank=True), False, ""),
    },
    "actors": {
        "name": Field(text(200)),
        "family": Field(choice(Family)),
        "kind": Field(choice(ActorKind), False, ActorKind.other),
        "territory": Field(text(200, blank=True), False, ""),
        "website": Field(url, False, None),
        "description": Field(text(5000, blank=True), False, ""),
        "status": Field(choice(ActorStatus), False, ActorStatus.interested),
        "is_partner": Field(boolean, False, False),
        "is_listed": Field(boolean, False, True),
    },
    "holdings": {
        "actor": Field(text(200)),
        "lever": Field(text(200)),
        "capacity": Field(integer(1, 3)),
        "note": Field(text(2000, blank=True), False, ""),
    },
    "diagnostic": {
        "column": Field(choice(DiagnosticColumn)),
        "text": Field(text(2000)),
    },
    "objectives": {
        "title": Field(text(300)),
        "description": Field(text(5000, blank=True), False, ""),
        "horizon": Field(choice(Horizon)),
        "status": Field(choice(ObjectiveStatus), False, ObjectiveStatus.open),
    },
    "meetings": {
        "number": Field(integer(1, 10_000)),
        "title": Field(text(300)),
        "starts_at": Field(paris_datetime),
        "ends_at": Field(paris_datetime),
        "place": Field(text(300, blank=True), False, ""),
        "online_url": Field(url, False, None),
        "status": Field(choice(MeetingStatus), False, MeetingStatus.planned),
    },
    "actions": {
        "title": Field(text(300)),
        "description": Field(text(10_000, blank=True), False, ""),
        "axis": Field(text(200), False, None),
        "levers": Field(names, False, []),
        "objective": Field(text(300), False, None),
        "lead": Field(text(200), False, None),
        "horizon": Field(choice(Horizon), False, Horizon.short),
        "target_date": Field(calendar_date, False, None),
        "success_criteria": Field(text(5000, blank=True), False, ""),
        "status": Field(choice(ActionStatus), False, ActionStatus.proposed),
    },
    "commitments": {
        "actor": Field(text(200)),
        "action": Field(text(300)),
        "role": Field(choice(Role)),
        "contribution": Field(text(5000, blank=True), False, ""),
        "status": Field(choice(CommitmentStatus), False, CommitmentStatus.pledged),
    },
    "resources": {
        "title": Field(text(300)),
        "url": Field(url),
        "kind": Field(choice(ResourceKind)),
        "summary": Field(text(10_000, blank=True), False, ""),
        "language": Field(one_of("fr", "en"), False, "fr"),
        "axis": Field(text(200), False, None),
        "levers": Field(names, False, []),
        "tags": Field(names, False, []),
        "contributed_by": Field(text(200), False, None),
        "status": Field(choice(ResourceStatus), False, ResourceStatus.published),
    },
    "consultations": CONSULTATION_FIELDS,
    "workshops": WORKSHOP_FIELDS,
    "reviews": REVIEW_FIELDS,
    "recommendations": RECOMMENDATION_FIELDS,
    "panels": PANEL_FIELDS,
    "register": REGISTER_FIELDS,
    "charter": CHARTER_FIELDS,
    "labels": LABEL_FIELDS,
}

# (section, field) -> (section whose `name`/`title` it must match, key field there)
REFERENCES = {
    ("holdings", "actor"): "actors",
    ("holdings", "lever"): "levers",
    ("actions", "axis"): "axes",
    ("actions", "levers"): "levers",
    ("actions", "objective"): "objectives",
    ("actions", "lead"): "actors",
    ("commitments", "actor"): "actors",
    ("commitments", "action"): "actions",
    ("resources", "axis"): "axes",
    ("resources", "levers"): "levers",
    ("resources", "contributed_by"): "actors",
    **RECOMMENDATION_REFERENCES,
    **REGISTER_REFERENCES,
}

# the fields that name an entry in messages, the first one present wins
LABELS = ("name", "title", "actor", "number", "prompt", "place", "stall")

# the field that names an entry, for messages and uniqueness
KEYS = {
    "axes": "name",
    "levers": "name",
    "actors": "name",
    "objectives": "title",
    "actions": "title",
    "meetings": "number",
    "resources": "url",
    "consultations": "title",
    "workshops": "title",
    "recommendations": "title",
    "panels": "title",
    **REGISTER_KEYS,
}


@dataclass
class SeedData:
    source: str
    coalition: dict[str, Any]
    sections: dict[str, list[dict[str, Any]]]


def read_seed(path: Path) -> SeedData:
    """Parse and check a seed file; raise SeedError naming the first mistakes."""
    source = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise SeedError(f"{source}: cannot be read ({error.strerror})") from None
    except tomllib.TOMLDecodeError as error:
        raise SeedError(f"{source}: not valid TOML: {error}") from None
    except UnicodeDecodeError:
        raise SeedError(f"{source}: not UTF-8 text") from None

    errors: list[str] = []
    unknown = set(raw) - set(SECTIONS)
    for name in sorted(unknown):
        errors.append(f"{source}: unknown section [{name}]")
    if not isinstance(raw.get("coalition"), dict):
        raise SeedError(f"{source}: the [coalition] table is missing")
    coalition = _entry(source, "coalition", raw["coalition"], errors)
    sections: dict[str, list[dict[str, Any]]] = {}
    for section in SECTIONS:
        if section == "coalition":
            continue
        items = raw.get(section, [])
        if not isinstance(items, list):
            errors.append(f"{source}: [{section}] must be an array of tables ([[{section}]])")
            continue
        sections[section] = _entries(source, section, items, errors, SECTIONS[section])
    if not errors:
        _check_consistency(source, sections, errors)
    if errors:
        raise SeedError("\n".join(errors))
    return SeedData(source, coalition, sections)


def _entry(
    source: str,
    where: str,
    item: Any,
    errors: list[str],
    *,
    spec: dict[str, Field] | None = None,
) -> dict[str, Any]:
    spec = spec or SECTIONS[where]
    if not isinstance(item, dict):
        errors.append(f"{source}: {where}: expected a table")
        return {}
    label = next((item[k] for k in LABELS if isinstance(item.get(k), str | int)), None)
    where = f"{where} ({label})" if label else where
    values: dict[str, Any] = {}
    for key in sorted(set(item) - set(spec)):
        errors.append(f"{source}: {where}: {key}: unknown field")
    for key, field in spec.items():
        if key not in item:
            if field.required:
                errors.append(f"{source}: {where}: {key}: missing")
            values[key] = field.default
            continue
        if isinstance(field.parse, Tables):
            values[key] = _entries(source, f"{where}: {key}", item[key], errors, field.parse.spec)
            continue
        try:
            values[key] = field.parse(item[key])
        except ValueError as error:
            errors.append(f"{source}: {where}: {key}: {error}")
    values["_where"] = where
    return values


def _entries(
    source: str, where: str, items: Any, errors: list[str], spec: dict[str, Field]
) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        errors.append(f"{source}: {where}: expected an array of tables")
        return []
    return [
        _entry(source, f"{where}[{index}]", item, errors, spec=spec)
        for index, item in enumerate(items, start=1)
    ]


def _check_consistency(
    source: str, sections: dict[str, list[dict[str, Any]]], errors: list[str]
) -> None:
    for section, key in KEYS.items():
        seen: set[Any] = set()
        for entry in sections[section]:
            if entry[key] in seen:
                errors.append(f"{source}: {entry['_where']}: {key}: {entry[key]!r} appears twice")
            seen.add(entry[key])
    known = {section: {entry[KEYS[section]] for entry in sections[section]} for section in KEYS}
    for (section, field), target in REFERENCES.items():
        for entry in sections[section]:
            value = entry[field]
            for name in value if isinstance(value, list) else [value]:
                if name is not None and name not in known[target]:
                    errors.append(
                        f"{source}: {entry['_where']}: {field}: {name!r} is not one of the "
                        f"file's {target}"
                    )
    for section, first, second in (
        ("holdings", "actor", "lever"),
        ("commitments", "actor", "action"),
    ):
        pairs: set[tuple[str, str]] = set()
        for entry in sections[section]:
            pair = (entry[first], entry[second])
            if pair in pairs:
                errors.append(f"{source}: {entry['_where']}: {second}: this pair appears twice")
            pairs.add(pair)
    for entry in sections["meetings"]:
        if entry["ends_at"] <= entry["starts_at"]:
            errors.append(f"{source}: {entry['_where']}: ends_at: must be after starts_at")
    for entry in sections["consultations"]:
        errors.extend(f"{source}: {mistake}" for mistake in check_consultation(entry))
    for entry in sections["workshops"]:
        errors.extend(f"{source}: {mistake}" for mistake in check_workshop(entry))
    errors.extend(f"{source}: {mistake}" for mistake in check_reviews(sections["reviews"]))
    for entry in sections["recommendations"]:
        mistakes = check_recommendation(entry, sections["workshops"])
        errors.extend(f"{source}: {mistake}" for mistake in mistakes)
    for entry in sections["panels"]:
        errors.extend(f"{source}: {mistake}" for mistake in check_panel(entry))
    errors.extend(f"{source}: {mistake}" for mistake in check_register(sections))
