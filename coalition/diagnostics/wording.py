"""What each part of a diagnostic is called, and its charts, in the visitor's language.

A diagnostic's data (live, or frozen when published) holds codes, ids, numbers and what people
wrote; every label, title and date is made here, when the diagnostic is shown."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import networkx as nx
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from coalition.actors.models import FAMILY_LABELS
from coalition.core.dates import date_text
from coalition.diagnostics import charts
from coalition.diagnostics.facts import ENTRY_STATUSES
from coalition.diagnostics.graph import FAMILIES, Holder
from coalition.meetings.attendance import FamilyAttendance
from coalition.meetings.charts import attendance_rates_figure
from coalition.meetings.views import meeting_number
from coalition.register.models import ENTRY_STATUS_LABELS
from coalition.roadmap import timeline as timelines
from coalition.roadmap.charts import status_figure, timeline_figure
from coalition.roadmap.models import ACTION_STATUS_LABELS

SECTIONS = {
    "changes": _l("Ce qui a changé depuis la rencontre précédente"),
    "actions": _l("Les actions"),
    "recommendations": _l("Les recommandations"),
    "levers": _l("Les leviers"),
    "actors": _l("Les acteurs"),
    "register": _l("Le registre des algorithmes"),
    "charter": _l("La charte"),
}

KEYS = {
    "changes": {
        "new_commitments": _l("Nouveaux engagements"),
        "withdrawn_commitments": _l("Engagements retirés"),
        "holdings_added": _l("Leviers ajoutés"),
        "holdings_removed": _l("Leviers retirés"),
        "holdings_changed": _l("Capacités modifiées"),
        "status_changes": _l("Actions qui ont changé d'état"),
        "new_actors": _l("Nouveaux acteurs"),
        "actors_left": _l("Acteurs partis"),
        "new_resources": _l("Nouvelles ressources"),
    },
    "actions": {
        "stalled": _l("Au point mort (même état à deux revues ou plus)"),
        "overdue": _l("En retard (échéance passée)"),
        "blocked": _l("Bloquées"),
        "without_lead": _l("Sans pilote"),
        "without_commitment": _l("Sans engagement"),
        "single_family": _l("Portées par une seule famille"),
    },
    "recommendations": {
        "unanswered": _l("Recommandations sans réponse"),
        "actions_stalled": _l("Recommandations dont les actions n'avancent pas"),
    },
    "levers": {
        "unheld": _l("Leviers que personne ne détient"),
        "single_holder": _l("Leviers détenus par un seul acteur"),
        "empty_cells": _l("Cases vides de la matrice famille × levier"),
    },
    "actors": {
        "without_commitment": _l("Acteurs sans engagement"),
        "absent_twice": _l("Absents à deux rencontres de suite"),
        "brokers": _l("Passeurs (qui relient les autres)"),
    },
    "register": {
        "without_assessment": _l("Dans des décisions individuelles, sans analyse d'impact publiée"),
    },
}

PRINTED_MEETINGS = 6  # meeting columns of a printed table: more make another table, not a wider one


COUNTS = {
    "actors": _l("Acteurs"),
    "levers": _l("Leviers"),
    "actions": _l("Actions"),
    "open_actions": _l("Actions ouvertes"),
    "holdings": _l("Leviers détenus"),
    "commitments": _l("Engagements"),
}


def detail_text(section: str, key: str, detail: str) -> str:
    """An item's machine detail (a status, a family, "a→b", a date) said for people."""
    statuses = {status.value: str(label) for status, label in ACTION_STATUS_LABELS.items()}
    families = {family.value: str(label) for family, label in FAMILY_LABELS.items()}
    if not detail:
        return ""
    if section == "register":
        return entry_status_labels().get(detail, detail)
    if "→" in detail and key == "status_changes":
        return " → ".join(statuses.get(part, part) for part in detail.split("→"))
    if detail in statuses:
        return statuses[detail]
    if detail in families:
        return families[detail]
    if key == "overdue":
        try:
            return date_text(date.fromisoformat(detail))
        except ValueError:
            return detail
    return detail


def holders_text(holders: list[list[Any]]) -> Markup:
    """A coverage cell: its holders as "name (capacity)" separated by commas, a dash when none.
    Written here rather than in the template: at 10,000 actors the table names 14,000
    holders, and a template loop over them took a third of the page's rendering."""
    if not holders:
        return Markup("—")
    text = ", ".join(f"{escape(holder[1])} ({escape(holder[2])})" for holder in holders)
    return Markup(text)  # noqa: S704 - every name and capacity in it is escaped


def family_labels() -> dict[str, str]:
    return {family.value: str(label) for family, label in FAMILY_LABELS.items()}


def status_labels() -> dict[str, str]:
    return {status.value: str(label) for status, label in ACTION_STATUS_LABELS.items()}


def entry_status_labels() -> dict[str, str]:
    return {status.value: str(label) for status, label in ENTRY_STATUS_LABELS.items()}


# -- the register and the charter: shown once the coalition has a published entry, or a
# charter, so that a coalition that keeps neither reads no empty section about them


@dataclass(frozen=True)
class CountRow:
    label: str
    counts: list[int]  # by family, in FAMILIES order (that of family_labels())
    total: int


@dataclass(frozen=True)
class SignatureRow:
    label: str
    since: int  # signatures of any version in the window
    current: int  # actors that signed the current version


def shows_register(computed: dict[str, Any]) -> bool:
    """The section is kept (diagnostics published before have none) and counts an entry."""
    register = computed.get("register") or {}
    return any(count for row in register.get("by_status", {}).values() for count in row.values())


def register_rows(register: dict[str, Any]) -> list[CountRow]:
    """Each status with its published entries by owner family, then the totals."""
    by_status = register["by_status"]
    labels = entry_status_labels()
    codes = [*ENTRY_STATUSES, *(code for code in by_status if code not in ENTRY_STATUSES)]
    rows = [
        _count_row(labels.get(code, code), [by_status.get(code, {}).get(f, 0) for f in FAMILIES])
        for code in codes
    ]
    totals = [sum(row.counts[index] for row in rows) for index in range(len(FAMILIES))]
    return [*rows, _count_row(_("Total"), totals)]


def _count_row(label: str, counts: list[int]) -> CountRow:
    return CountRow(label, counts, sum(counts))


def families_counted(row: CountRow) -> list[tuple[str, int]]:
    """The families a row counts something for, with their number: the Markdown lists them."""
    labels = family_labels()
    return [(labels[f], count) for f, count in zip(FAMILIES, row.counts, strict=True) if count]


def shows_charter(computed: dict[str, Any]) -> bool:
    charter = computed.get("charter") or {}
    return charter.get("current") is not None


def charter_version_text(charter: dict[str, Any]) -> str:
    return _("La version en cours de la charte est la n°%(num)d.", num=charter["current"])


def charter_since_label(charter: dict[str, Any]) -> str:
    """The window of the signatures counted: since the previous meeting, or before the first."""
    if charter["since"] is None:
        return _("Signatures avant cette rencontre, la première")
    since = datetime.fromisoformat(charter["since"])
    return _("Signatures depuis la rencontre précédente (%(date)s)", date=date_text(since))


def charter_current_label(charter: dict[str, Any]) -> str:
    return _("Ont signé la version n°%(num)d", num=charter["current"])


def charter_rows(charter: dict[str, Any]) -> list[SignatureRow]:
    """Each family's signatures in the window and signatories of the current version, then
    the totals."""
    since, current = charter["signed_since"], charter["signed_current"]
    labels = family_labels()
    rows = [
        SignatureRow(labels[family], since.get(family, 0), current.get(family, 0))
        for family in FAMILIES
    ]
    total = SignatureRow(
        _("Total"), sum(row.since for row in rows), sum(row.current for row in rows)
    )
    return [*rows, total]


def node_type_labels() -> dict[str, str]:
    return {
        "actor": _("Acteur"),
        "lever": _("Levier"),
        "action": _("Action"),
        "axis": _("Approche"),
    }


def item_label(item: dict[str, Any]) -> str:
    """An item's name: what people wrote, or, for an actor counted without a name, the words
    for it in the viewer's language (older data kept them in French)."""
    if item["kind"] == "unnamed":
        return _("Un acteur non nommé")
    return str(item["label"])


def figures(data: dict[str, Any]) -> dict[str, Any]:
    """The plotly figures of a diagnostic's data, every title, label and date in the viewer's
    language; the network is drawn where it was laid out when the data was made."""
    computed = data["computed"]
    return {
        "statuses": status_figure(
            computed["counts"],
            status_labels(),
            title=_("Les actions par état"),
            actions_label=_("Actions"),
        ),
        "coverage": _coverage_figure(data["coverage"]),
        "attendance": _attendance_figure(computed["attendance"]),
        "timeline": _timeline_figure(data["timeline"]),
        "network": _network_figure(data["network"]),
    }


def _coverage_figure(coverage: dict[str, Any]) -> dict[str, Any]:
    levers = {int(lever_id): name for lever_id, name in coverage["levers"]}
    matrix = {
        family: {
            lever_id: [Holder(*holder) for holder in cells.get(str(lever_id), [])]
            for lever_id in levers
        }
        for family, cells in coverage["cells"].items()
    }
    return charts.coverage_heatmap(
        matrix,
        levers,
        family_labels(),
        title=_("Qui détient quels leviers ?"),
        holders_label=_("Acteurs"),
    )


def _attendance_figure(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return attendance_rates_figure(
        rows[0]["meetings"] if rows else [],
        [FamilyAttendance(row["family"], row["present"], row["expected"]) for row in rows],
        family_labels(),
        title=_("Présence par famille"),
        rate_label=_("Présents (%)"),
        number_label=meeting_number,
    )


def _timeline_figure(table: dict[str, Any]) -> dict[str, Any]:
    built = timelines.Timeline(
        meetings=[
            timelines.MeetingRow(id, number, title, datetime.fromisoformat(starts_at))
            for id, number, starts_at, title in table["meetings"]
        ],
        actions=[timelines.ActionRow(*action) for action in table["actions"]],
        cells={
            (action_id, meeting_id): timelines.TimelineCell(status, progress)
            for action_id, meeting_id, status, progress in table["cells"]
        },
    )
    return timeline_figure(
        built,
        status_labels(),
        title=_("Les actions de rencontre en rencontre"),
        progress_label=_("Avancement (%)"),
        number_label=meeting_number,
        date_label=date_text,
    )


def _network_figure(network: dict[str, Any]) -> dict[str, Any] | None:
    if not network["nodes"]:
        return None
    graph = nx.Graph()
    for key, label, node_type, family, _links, _x, _y in network["nodes"]:
        graph.add_node(key, label=label, type=node_type, family=family)
    graph.add_edges_from(network["links"])
    return charts.network_figure(
        graph,
        family_labels(),
        node_type_labels(),
        links_label=_("liens"),
        positions={key: (x, y) for key, *_rest, x, y in network["nodes"]},
    )
