"""What each part of a diagnostic is called, in the visitor's language."""

from flask_babel import lazy_gettext as _l

SECTIONS = {
    "changes": _l("Ce qui a changé depuis la rencontre précédente"),
    "actions": _l("Les actions"),
    "levers": _l("Les leviers"),
    "actors": _l("Les acteurs"),
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
}

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
    from datetime import date

    from flask_babel import format_date

    from coalition.core import labels

    statuses = {status.value: str(label) for status, label in labels.action_status.items()}
    families = {family.value: str(label) for family, label in labels.family.items()}
    if not detail:
        return ""
    if "→" in detail and key == "status_changes":
        return " → ".join(statuses.get(part, part) for part in detail.split("→"))
    if detail in statuses:
        return statuses[detail]
    if detail in families:
        return families[detail]
    if key == "overdue":
        try:
            return str(format_date(date.fromisoformat(detail), "long"))
        except ValueError:
            return detail
    return detail
